/**
 * A torrent index that is a folder of `.torrent` files on this machine (or a
 * mounted share). A description given at publication is kept beside the
 * torrent as `<name>.description` (UTF-8 text), the DataSource record as
 * `<name>.ttl` (see `record.ts`).
 *
 * @module
 */
import { resolve } from "node:path";
import { confinedPath, PathEscapeError } from "../fs/confine.ts";
import { atomicWriteFile } from "../fs/atomic_write.ts";
import { bytesEqual, checkMaxBytes, readLimited, TooLargeError } from "./_bytes.ts";
import {
  DEFAULT_MAX_TORRENT_BYTES,
  type FetchOptions,
  type FindOptions,
  type IndexEntry,
  IndexError,
  isTorrentFileName,
  type PublishOptions,
  TorrentExistsError,
  type TorrentIndex,
  TorrentNotFoundError,
  validateTorrentFileName,
} from "./torrent_index.ts";
import { InvalidInputError } from "../errors/invalid_input.ts";
import {
  type DataSourceRecord,
  MAX_RECORD_BYTES,
  parseRecord,
  type PutRecordOptions,
  recordFileName,
  type RecordListing,
  recordWriteDecision,
  torrentOfRecordFileName,
} from "./record.ts";

/** The suffix of the file holding a torrent's description, after the torrent's own name. */
export const DESCRIPTION_SUFFIX = ".description";

/**
 * A folder of `.torrent` files. Publication is atomic (temporary file, fsync,
 * rename): a reader sees the old file or the new one, never a partial one.
 *
 * @example Publish, then find and fetch
 * ```ts
 * import { LocalFolderIndex } from "./local_folder_index.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const index = new LocalFolderIndex(dir);
 * await index.publish("a.torrent", new Uint8Array([100, 101]), { description: "demo" });
 * console.log(await index.find("a.torrent")); // { name: "a.torrent", size: 2, description: "demo", … }
 * console.log(await index.fetch("a.torrent")); // Uint8Array [100, 101]
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class LocalFolderIndex implements TorrentIndex {
  /** Always `"dir"`. */
  readonly kind = "dir";
  /** `dir:` followed by the absolute folder path. */
  readonly location: string;
  /** The absolute folder path. */
  readonly dir: string;

  /** Creates an index over the folder `dir` (resolved against the working directory). */
  constructor(dir: string) {
    if (typeof dir !== "string" || dir === "") {
      throw new InvalidInputError("Invalid torrent index folder: give a folder path");
    }
    this.dir = resolve(dir);
    this.location = `dir:${this.dir}`;
  }

  /** Looks a torrent up; `undefined` when the folder does not hold it. */
  async find(fileName: string, _options: FindOptions = {}): Promise<IndexEntry | undefined> {
    validateTorrentFileName(fileName);
    await this.#checkFolder();
    const path = await this.#path(fileName);
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw this.#error(`cannot read ${path}`, error);
    }
    if (!info.isFile) return undefined;
    return await this.#entry(fileName, info.size);
  }

  /** Reads a torrent's bytes, refusing a file over `maxBytes`. */
  async fetch(fileName: string, options: FetchOptions = {}): Promise<Uint8Array> {
    validateTorrentFileName(fileName);
    const maxBytes = checkMaxBytes(options.maxBytes ?? DEFAULT_MAX_TORRENT_BYTES);
    await this.#checkFolder();
    const path = await this.#path(fileName);
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new TorrentNotFoundError(fileName, [this.location]);
      }
      throw this.#error(`cannot read ${path}`, error);
    }
    try {
      const info = await file.stat();
      if (!info.isFile) throw new TorrentNotFoundError(fileName, [this.location]);
      if (info.size > maxBytes) throw this.#tooLarge(fileName, maxBytes);
      return await readLimited(file.readable, maxBytes);
    } catch (error) {
      if (error instanceof TooLargeError) throw this.#tooLarge(fileName, maxBytes);
      throw error;
    } finally {
      try {
        file.close();
      } catch {
        // Already closed by its readable.
      }
    }
  }

  /**
   * Writes a torrent into the folder atomically, creating the folder if needed.
   * Identical bytes already there are left alone; different bytes are replaced
   * only with `replace: true`.
   */
  async publish(
    fileName: string,
    bytes: Uint8Array,
    options: PublishOptions = {},
  ): Promise<IndexEntry> {
    validateTorrentFileName(fileName);
    const path = await this.#path(fileName);
    try {
      await Deno.mkdir(this.dir, { recursive: true });
      const existing = await compareExisting(path, bytes);
      if (existing === "different" && !options.replace) {
        throw new TorrentExistsError(this, fileName);
      }
      if (options.description !== undefined) {
        await atomicWriteFile(path + DESCRIPTION_SUFFIX, [
          new TextEncoder().encode(options.description),
        ]);
      }
      if (existing !== "same") await atomicWriteFile(path, [bytes]);
    } catch (error) {
      if (error instanceof IndexError) throw error;
      throw this.#error(`cannot write ${path}`, error);
    }
    return await this.#entry(fileName, bytes.byteLength);
  }

  /** Lists the `.torrent` files in the folder, sorted by name. */
  async list(_options: FindOptions = {}): Promise<IndexEntry[]> {
    await this.#checkFolder();
    const names: string[] = [];
    for await (const item of Deno.readDir(this.dir)) {
      if (isTorrentFileName(item.name)) names.push(item.name);
    }
    const entries: IndexEntry[] = [];
    for (const name of names.sort()) {
      let entry: IndexEntry | undefined;
      try {
        entry = await this.find(name);
      } catch (error) {
        // A link out of the folder is not listed (find() and fetch() refuse it by name).
        if (error instanceof IndexError && error.cause instanceof PathEscapeError) continue;
        throw error;
      }
      if (entry) entries.push(entry);
    }
    return entries;
  }

  /** Writes the record beside its torrent (atomically); see {@linkcode TorrentIndex.putRecord}. */
  async putRecord(record: DataSourceRecord, options: PutRecordOptions = {}): Promise<void> {
    const torrent = await this.find(record.torrentFileName);
    if (!torrent) throw new TorrentNotFoundError(record.torrentFileName, [this.location]);
    const path = await this.#path(recordFileName(record.torrentFileName));
    const existing = await this.#readRecord(path);
    const decision = await recordWriteDecision(this, record, existing, options.replace ?? false);
    if (decision === "same") return;
    try {
      await atomicWriteFile(path, [new TextEncoder().encode(record.text)]);
    } catch (error) {
      throw this.#error(`cannot write ${path}`, error);
    }
  }

  /** The record beside `torrentFileName`, checked; `undefined` when there is none. */
  async getRecord(
    torrentFileName: string,
    _options: FindOptions = {},
  ): Promise<DataSourceRecord | undefined> {
    await this.#checkFolder();
    const path = await this.#path(recordFileName(torrentFileName));
    const bytes = await this.#readRecord(path);
    if (bytes === undefined) return undefined;
    return await parseRecord(bytes, { torrentFileName, source: this.location });
  }

  /** Every record in the folder beside a torrent it holds, checked. */
  async listRecords(_options: FindOptions = {}): Promise<RecordListing> {
    await this.#checkFolder();
    const torrents = new Set((await this.list()).map((e) => e.name));
    const listing: RecordListing = { records: [], refused: [] };
    const names: string[] = [];
    for await (const item of Deno.readDir(this.dir)) {
      const torrent = torrentOfRecordFileName(item.name);
      if (torrent !== undefined && torrents.has(torrent)) names.push(torrent);
    }
    for (const torrentFileName of names.sort()) {
      try {
        const record = await this.getRecord(torrentFileName);
        if (record) listing.records.push(record);
      } catch (error) {
        listing.refused.push({
          torrentFileName,
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return listing;
  }

  /** The record file's bytes (bounded), or `undefined` when absent. */
  async #readRecord(path: string): Promise<Uint8Array | undefined> {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw this.#error(`cannot read ${path}`, error);
    }
    try {
      const info = await file.stat();
      if (!info.isFile) return undefined;
      // One byte over the bound is enough for parseRecord to refuse it by size.
      return await readLimited(file.readable, MAX_RECORD_BYTES + 1).catch((error) => {
        if (error instanceof TooLargeError) return new Uint8Array(MAX_RECORD_BYTES + 1);
        throw error;
      });
    } finally {
      try {
        file.close();
      } catch {
        // Already closed by its readable.
      }
    }
  }

  async #entry(name: string, size: number): Promise<IndexEntry> {
    const entry: IndexEntry = { name, size };
    try {
      // A description that is a link out of the folder is not read (the error is swallowed).
      entry.description = await Deno.readTextFile(
        await confinedPath(this.dir, name + DESCRIPTION_SUFFIX),
      );
    } catch {
      // No description recorded (or one that is not ours to read).
    }
    return entry;
  }

  /** `fileName` (already validated) in the folder; a link out of the folder is refused. */
  async #path(fileName: string): Promise<string> {
    try {
      return await confinedPath(this.dir, fileName);
    } catch (error) {
      if (!(error instanceof PathEscapeError)) throw error;
      throw this.#error(`refusing ${JSON.stringify(fileName)}`, error);
    }
  }

  async #checkFolder(): Promise<void> {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(this.dir);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw this.#error(
          `the folder ${this.dir} does not exist: create it, or fix the "dir:" index setting`,
        );
      }
      throw this.#error(`cannot read the folder ${this.dir}`, error);
    }
    if (!info.isDirectory) {
      throw this.#error(`${this.dir} is not a folder: fix the "dir:" index setting`);
    }
  }

  #tooLarge(fileName: string, maxBytes: number): IndexError {
    return this.#error(
      `${JSON.stringify(fileName)} is larger than ${maxBytes} bytes, too large for a .torrent: ` +
        `check the file, or raise maxBytes if it is genuine`,
    );
  }

  #error(detail: string, cause?: unknown): IndexError {
    const reason = cause instanceof Error ? `: ${cause.message}` : "";
    return new IndexError(this, detail + reason, cause === undefined ? {} : { cause });
  }
}

async function compareExisting(
  path: string,
  bytes: Uint8Array,
): Promise<"absent" | "same" | "different"> {
  try {
    const info = await Deno.stat(path);
    if (!info.isFile || info.size !== bytes.byteLength) return "different";
    return bytesEqual(await Deno.readFile(path), bytes) ? "same" : "different";
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "absent";
    throw error;
  }
}
