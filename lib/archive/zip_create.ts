/**
 * Writing a folder into a `.zip` deterministically: the same tree gives a
 * byte-identical zip, whoever makes it and whenever, so a pipeline rerun
 * reproduces the same sha256. Entries are sorted by the bytes of their UTF-8
 * paths (the order of the owm folder digest), every entry gets the same
 * timestamp (1980-01-01 00:00:00 unless told) and permissions (`0644` for files,
 * `0755` for folders), names are flagged UTF-8, no extra fields (no uid, gid or
 * local times) are written, and every file is deflated at one level. Only empty
 * folders get an entry of their own; the others are implied by their files.
 * Files are streamed (never read whole into memory) into a temporary file
 * beside the target, which is renamed over it at the end.
 *
 * The bytes depend on the deflate implementation too: the same Deno (zlib)
 * gives the same zip.
 *
 * @module
 */
import { createReadStream } from "node:fs";
import { basename, dirname, join } from "node:path";
import { MultiHash } from "../integrity/hash.ts";
import { listTree, type TreeEntry, TreeEntryError } from "../integrity/tree.ts";
import { InvalidInputError } from "../errors/invalid_input.ts";
import { OwmError } from "../errors/owm_error.ts";

/** Options of {@linkcode createZip}. */
export interface CreateZipOptions {
  /**
   * The modification time recorded for every entry. Zip times have no time
   * zone and a 2-second resolution; the UTC wall-clock time of this date is
   * recorded, so the zip is the same in every time zone.
   * @default 1980-01-01T00:00:00Z (the earliest zip time)
   */
  mtime?: Date;
  /** Deflate level, 1 (fastest) to 9 (smallest). @default 6 */
  compressionLevel?: number;
  /** Stops writing; the temporary file is removed and the target left as it was. */
  signal?: AbortSignal;
}

/** What {@linkcode createZip} wrote. */
export interface CreatedZip {
  /** The zip's path. */
  path: string;
  /** Files stored. */
  files: number;
  /** Empty folders stored. */
  emptyFolders: number;
  /** Bytes of all files before compression. */
  inputBytes: number;
  /** Bytes of the zip. */
  zipBytes: number;
  /** The zip's SHA-256 (lower-case hex), hashed as it was written. */
  sha256: string;
}

/**
 * Something in the folder to zip cannot go into a zip as it is: a symlink, a
 * special file (FIFO, socket, device), or a name a zip cannot carry faithfully.
 *
 * @example Name the offending path
 * ```ts
 * import { ZipSourceError } from "./mod.ts";
 * const error = new ZipSourceError("data", "link", "symlink");
 * console.log(error.path, error.message.includes("link")); // "link" true
 * ```
 */
export class ZipSourceError extends OwmError {
  /** The error's code: `zip-source`. */
  override readonly code: string = "zip-source";
  /** The folder being zipped. */
  readonly dir: string;
  /** The path at fault, relative to {@linkcode ZipSourceError.dir}, with `/`. */
  readonly path: string;
  /** What is wrong with it. */
  readonly problem: "symlink" | "special file" | "bad name";
  /** Creates the error. */
  constructor(dir: string, path: string, problem: ZipSourceError["problem"]) {
    super(
      problem === "symlink"
        ? `Symlink '${path}' in '${dir}' cannot be zipped: replace it with the file it points to, or remove it`
        : problem === "special file"
        ? `Special file '${path}' in '${dir}' cannot be zipped: only files and folders can; remove it`
        : `'${path}' in '${dir}' has a name a zip cannot carry faithfully (a backslash, or bytes that are not UTF-8): rename it`,
    );
    this.name = "ZipSourceError";
    this.dir = dir;
    this.path = path;
    this.problem = problem;
  }
}

const FILE_MODE = 0o100644;
const FOLDER_MODE = 0o040755;

/** Refuses a name a zip cannot carry faithfully (checked before anything else about it). */
function checkName(dir: string): (path: string, name: string) => void {
  return (path, name) => {
    if (name.includes("\\") || name.includes("\ufffd")) {
      throw new ZipSourceError(dir, path, "bad name");
    }
  };
}

/** Lists the files and empty folders below `dir`, refusing links and special files. */
async function listSource(dir: string, signal: AbortSignal | undefined): Promise<TreeEntry[]> {
  try {
    return await listTree(dir, { emptyFolders: true, signal, onEntry: checkName(dir) });
  } catch (error) {
    if (error instanceof TreeEntryError) {
      throw new ZipSourceError(dir, error.path, error.entryKind);
    }
    throw error;
  }
}

/** A Date whose local wall-clock time is `utc`'s UTC time (yazl records local times). */
function wallClock(utc: Date): Date {
  return new Date(
    utc.getUTCFullYear(),
    utc.getUTCMonth(),
    utc.getUTCDate(),
    utc.getUTCHours(),
    utc.getUTCMinutes(),
    utc.getUTCSeconds(),
  );
}

/**
 * Writes the folder `dir` into the zip `zipPath` deterministically (see the
 * module documentation): the same files, folders and bytes always give the
 * same zip, whatever their times, owners and permissions on disk. Paths in the
 * zip are relative to `dir` (no top folder). A symlink given as `dir` itself is
 * followed; symlinks and special files below it are refused before anything is
 * written. The zip appears at `zipPath` only when complete.
 *
 * @example Zip a folder twice and get the same bytes
 * ```ts ignore
 * import { createZip } from "owmeta-torrent";
 * const a = await createZip("dataset", "a.zip");
 * const b = await createZip("dataset", "b.zip");
 * console.log(a.files, a.zipBytes === b.zipBytes); // e.g. 3 true
 * ```
 *
 * @param dir The folder to zip.
 * @param zipPath The zip to write (replaced when it exists).
 * @param options The recorded time, the deflate level, cancelling.
 * @returns What was written.
 * @throws {ZipSourceError} For a symlink, special file or unzippable name below `dir`.
 * @throws {TypeError} When `dir` is not a folder.
 */
export async function createZip(
  dir: string,
  zipPath: string,
  options: CreateZipOptions = {},
): Promise<CreatedZip> {
  const signal = options.signal;
  signal?.throwIfAborted();
  const info = await Deno.stat(dir);
  if (!info.isDirectory) {
    throw new InvalidInputError(`'${dir}' is not a folder: give a folder to zip`, {
      status: 422,
      code: "not-a-folder",
    });
  }
  const level = options.compressionLevel ?? 6;
  if (!Number.isInteger(level) || level < 1 || level > 9) {
    throw new InvalidInputError(`Compression level ${level} is not 1 to 9`);
  }
  const entries = await listSource(dir, signal);
  const mtime = wallClock(options.mtime ?? new Date(Date.UTC(1980, 0, 1)));
  // yazl is loaded here, keeping it (and @types/node) out of the start-up and
  // documentation graph of everything that imports mod.ts; its types come
  // from @types/yazl in deno.json.
  const { default: yazl } = await import("yazl");
  const zip = new yazl.ZipFile();
  const tmp = join(
    dirname(zipPath),
    `.${basename(zipPath)}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`,
  );
  const out = await Deno.open(tmp, { write: true, createNew: true, mode: 0o644 });
  let closed = false;
  let current = "";
  let reading: ReturnType<typeof createReadStream> | undefined;
  let onAbort = () => {};
  try {
    const failed = new Promise<never>((_, reject) => {
      zip.on("error", reject);
      onAbort = () => reject(signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    failed.catch(() => {});
    let inputBytes = 0;
    for (const entry of entries) {
      if (entry.folder) {
        zip.addEmptyDirectory(entry.path, { mtime, mode: FOLDER_MODE, forceDosTimestamp: true });
        continue;
      }
      inputBytes += entry.size;
      const source = join(dir, entry.path);
      zip.addReadStreamLazy(
        entry.path,
        {
          mtime,
          mode: FILE_MODE,
          forceDosTimestamp: true,
          compressionLevel: level,
          size: entry.size,
        },
        (callback) => {
          current = entry.path;
          reading = createReadStream(source, { highWaterMark: 1 << 20 });
          reading.on("error", (error) => zip.emit("error", error));
          callback(null, reading);
        },
      );
    }
    zip.end();
    const stream = zip.outputStream as AsyncIterable<Uint8Array>;
    let zipBytes = 0;
    const hash = new MultiHash(["sha256"]);
    const copy = (async () => {
      for await (const chunk of stream) {
        let written = 0;
        while (written < chunk.length) written += await out.write(chunk.subarray(written));
        hash.update(chunk);
        zipBytes += chunk.length;
      }
    })();
    copy.catch(() => {});
    await Promise.race([copy, failed]);
    await out.sync();
    out.close();
    closed = true;
    await Deno.rename(tmp, zipPath);
    return {
      path: zipPath,
      files: entries.filter((e) => !e.folder).length,
      emptyFolders: entries.filter((e) => e.folder).length,
      inputBytes,
      zipBytes,
      sha256: hash.digest().sha256,
    };
  } catch (error) {
    reading?.destroy();
    (zip.outputStream as unknown as { destroy?: () => void }).destroy?.();
    if (!closed) out.close();
    await Deno.remove(tmp).catch(() => {});
    if (error instanceof Error && /unexpected number of bytes/.test(error.message)) {
      throw new Error(
        `'${current}' in '${dir}' changed size while it was being zipped: try again`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}
