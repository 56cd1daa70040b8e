/**
 * A torrent index on Google Drive, through Google's official client
 * (`@googleapis/drive`, Drive API v3). Credentials and scopes are described in
 * `drive_credentials.ts`.
 *
 * @module
 */
// The Drive client (18 MB of npm modules) is loaded on first use, not at import.
import type { drive_v3 } from "@googleapis/drive";
import { Buffer } from "node:buffer";
import { Readable } from "node:stream";
import { resolveStoreHome } from "../graph/store.ts";
import { checkMaxBytes, md5Hex, readLimited, TooLargeError } from "./_bytes.ts";
import { type DriveAuthClient, loadDriveAuth, scopeAllowsPublish } from "./drive_credentials.ts";
import { mapDriveError } from "./drive_errors.ts";
import { driveListQuery, driveNameQuery } from "./drive_query.ts";
import {
  DEFAULT_MAX_TORRENT_BYTES,
  type FetchOptions,
  type FindOptions,
  IndexAuthError,
  type IndexEntry,
  IndexError,
  isTorrentFileName,
  type PublishOptions,
  TORRENT_MIME_TYPE,
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
  RECORD_MIME_TYPE,
  recordFileName,
  type RecordListing,
  recordWriteDecision,
  torrentOfRecordFileName,
} from "./record.ts";

type GoogleAuthClient = NonNullable<drive_v3.Options["auth"]>;

/** The fields asked for each file. */
export const DRIVE_FILE_FIELDS = "id, name, size, description, md5Checksum";
/** The `fields` parameter of a search: every page's token and the files. */
export const DRIVE_LIST_FIELDS = `nextPageToken, files(${DRIVE_FILE_FIELDS})`;

/** Options for {@linkcode DriveIndex}. */
export interface DriveIndexOptions {
  /**
   * The store directory holding `credentials.json` and `drive-token.json`.
   * @default the `OWM_HOME` environment variable, else `./.owm`
   */
  storeHome?: string;
  /** Only look in (and publish to) this Drive folder. */
  folderId?: string | undefined;
  /** A Google auth client with credentials already set; the credential files are then not read. */
  auth?: DriveAuthClient;
  /** The API root, e.g. `http://127.0.0.1:PORT/` for a test server. @default "https://www.googleapis.com/" */
  rootUrl?: string | undefined;
  /** The OAuth token endpoint, for refreshes. @default the client JSON's `token_uri`, else Google's */
  tokenUrl?: string | undefined;
  /** Files asked per page of search results (1-1000). @default 100 */
  pageSize?: number;
  /** Let the client retry idempotent requests on 5xx and 429 answers. @default true */
  retry?: boolean;
}

/**
 * Google Drive as a torrent index. `find` searches by exact name, following
 * every page of results (Drive may return partial or even empty pages before
 * the end); when several files share the name with different contents it
 * refuses to guess. `fetch` streams the file with a size limit and checks
 * Drive's MD5. `publish` uploads with a description (into the folder, if one
 * is set). A torrent's DataSource record is a file named `<name>.torrent.ttl`
 * (`text/turtle`) beside it.
 *
 * @example Find and fetch a torrent on Drive, with the store's credentials
 * ```ts ignore
 * import { DriveIndex } from "./drive_index.ts";
 *
 * const index = new DriveIndex({ storeHome: ".owm" });
 * const bytes = await index.fetch("d9da5ce947c6f1c127dfcdc2ede63320.torrent");
 * ```
 */
export class DriveIndex implements TorrentIndex {
  /** Always `"drive"`. */
  readonly kind = "drive";
  /** `drive:` or `drive:<folderId>`. */
  readonly location: string;
  /** The folder searched and published to, if any. */
  readonly folderId: string | undefined;
  readonly #options: DriveIndexOptions;
  readonly #pageSize: number;
  #api:
    | Promise<{ api: drive_v3.Drive; client: DriveAuthClient; saved(): Promise<void> }>
    | undefined;

  /** Creates the index; credentials are read on first use. */
  constructor(options: DriveIndexOptions = {}) {
    if (options.folderId !== undefined && !/^[A-Za-z0-9_-]+$/.test(options.folderId)) {
      throw new InvalidInputError(
        `Invalid Drive folder id ${
          JSON.stringify(options.folderId)
        }: copy the id from the folder's URL ` +
          `(the part after /folders/)`,
      );
    }
    const pageSize = options.pageSize ?? 100;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
      throw new RangeError(
        `Invalid Drive page size ${pageSize}: give a whole number from 1 to 1000`,
      );
    }
    this.#options = options;
    this.#pageSize = pageSize;
    this.folderId = options.folderId;
    this.location = `drive:${options.folderId ?? ""}`;
  }

  /** Looks a torrent up by exact name, across every page of results. */
  async find(fileName: string, options: FindOptions = {}): Promise<IndexEntry | undefined> {
    validateTorrentFileName(fileName);
    const files = (await this.#search(driveNameQuery(fileName, this), options.signal))
      .filter((f) => f.name === fileName);
    if (files.length === 0) return undefined;
    const contents = new Set(files.map((f) => f.md5Checksum ?? f.id));
    if (contents.size > 1) {
      throw new IndexError(
        this,
        `${files.length} different files are named ${JSON.stringify(fileName)} (ids ${
          files.map((f) => f.id).join(", ")
        }): ` +
          `delete or rename the wrong ones in Drive, or restrict the index to one folder with drive:<folderId>`,
      );
    }
    return toEntry(files[0]!);
  }

  /** Downloads a torrent, streamed with a size limit, and checks Drive's MD5 of it. */
  async fetch(fileName: string, options: FetchOptions = {}): Promise<Uint8Array> {
    const maxBytes = checkMaxBytes(options.maxBytes ?? DEFAULT_MAX_TORRENT_BYTES);
    const entry = await this.find(fileName, options.signal ? { signal: options.signal } : {});
    if (!entry?.id) throw new TorrentNotFoundError(fileName, [this.location]);
    if (entry.size !== undefined && entry.size > maxBytes) throw this.#tooLarge(fileName, maxBytes);
    const bytes = await this.#call(
      async (api) => {
        const res = await api.files.get(
          { fileId: entry.id!, alt: "media" },
          { responseType: "stream", ...this.#callOptions(options.signal) },
        );
        try {
          return await readLimited(res.data as unknown as Readable, maxBytes);
        } catch (error) {
          if (error instanceof TooLargeError) throw this.#tooLarge(fileName, maxBytes);
          throw error;
        }
      },
      options.signal,
      fileName,
    );
    if (entry.md5 !== undefined && md5Hex(bytes) !== entry.md5) {
      throw new IndexError(
        this,
        `the download of ${
          JSON.stringify(fileName)
        } (id ${entry.id}) does not match Drive's MD5: ` +
          `it was corrupted in transit or changed meanwhile; try again`,
      );
    }
    return bytes;
  }

  /**
   * Uploads a torrent with a description. Identical bytes already published
   * under the name are left alone; different bytes are replaced (a new
   * revision of the same Drive file) only with `replace: true`.
   */
  async publish(
    fileName: string,
    bytes: Uint8Array,
    options: PublishOptions = {},
  ): Promise<IndexEntry> {
    validateTorrentFileName(fileName);
    const { client } = await this.#connect();
    const scope = client.credentials.scope;
    if (typeof scope === "string" && scope !== "" && !scopeAllowsPublish(scope)) {
      throw new IndexAuthError(
        "forbidden",
        this,
        `the Google Drive token was granted read access only (${scope}), which cannot upload: ` +
          `authorize again asking for publish access (\`owm drive auth\`, ` +
          `authorizeDrive({ access: "read-publish" }))`,
      );
    }
    const signal = options.signal ? { signal: options.signal } : {};
    const existing = await this.find(fileName, signal);
    const md5 = md5Hex(bytes);
    if (existing?.md5 === md5) return existing;
    if (existing && !options.replace) throw new TorrentExistsError(this, fileName);
    const media = {
      mimeType: TORRENT_MIME_TYPE,
      body: Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)], {
        objectMode: false,
      }),
    };
    const description = options.description === undefined
      ? {}
      : { description: options.description };
    const file = await this.#call(async (api) => {
      const res = existing?.id
        ? await api.files.update(
          { fileId: existing.id, requestBody: description, media, fields: DRIVE_FILE_FIELDS },
          this.#callOptions(options.signal),
        )
        : await api.files.create(
          {
            requestBody: {
              name: fileName,
              mimeType: TORRENT_MIME_TYPE,
              ...description,
              ...(this.folderId === undefined ? {} : { parents: [this.folderId] }),
            },
            media,
            fields: DRIVE_FILE_FIELDS,
          },
          this.#callOptions(options.signal),
        );
      return res.data;
    }, options.signal);
    const entry = toEntry({
      name: fileName,
      size: String(bytes.byteLength),
      md5Checksum: md5,
      ...file,
    });
    if (entry.md5 !== md5) {
      throw new IndexError(
        this,
        `Drive stored ${
          JSON.stringify(fileName)
        } (id ${entry.id}) with a different MD5 than was sent: ` +
          `the upload was corrupted; publish again`,
      );
    }
    return entry;
  }

  /** Lists the `*.torrent` files (in the folder, if set), following every page. */
  async list(options: FindOptions = {}): Promise<IndexEntry[]> {
    const files = await this.#search(driveListQuery(this), options.signal);
    return files
      .filter((f) => typeof f.name === "string" && isTorrentFileName(f.name))
      .map(toEntry)
      .sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  }

  /** Uploads the record as `<name>.torrent.ttl` beside its torrent; see {@linkcode TorrentIndex.putRecord}. */
  async putRecord(record: DataSourceRecord, options: PutRecordOptions = {}): Promise<void> {
    const signal = options.signal ? { signal: options.signal } : {};
    const torrent = await this.find(record.torrentFileName, signal);
    if (!torrent) throw new TorrentNotFoundError(record.torrentFileName, [this.location]);
    const name = recordFileName(record.torrentFileName);
    const existing = await this.#recordFile(name, options.signal);
    const bytes = new TextEncoder().encode(record.text);
    const old = existing?.id ? await this.#download(existing, name, options.signal) : undefined;
    const decision = await recordWriteDecision(this, record, old, options.replace ?? false);
    if (decision === "same") return;
    const media = {
      mimeType: RECORD_MIME_TYPE,
      body: Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)], {
        objectMode: false,
      }),
    };
    const file = await this.#call(async (api) => {
      const res = existing?.id
        ? await api.files.update(
          { fileId: existing.id, media, fields: DRIVE_FILE_FIELDS },
          this.#callOptions(options.signal),
        )
        : await api.files.create(
          {
            requestBody: {
              name,
              mimeType: RECORD_MIME_TYPE,
              ...(this.folderId === undefined ? {} : { parents: [this.folderId] }),
            },
            media,
            fields: DRIVE_FILE_FIELDS,
          },
          this.#callOptions(options.signal),
        );
      return res.data;
    }, options.signal);
    if (typeof file.md5Checksum === "string" && file.md5Checksum.toLowerCase() !== md5Hex(bytes)) {
      throw new IndexError(
        this,
        `Drive stored ${
          JSON.stringify(name)
        } (id ${file.id}) with a different MD5 than was sent: ` +
          `the upload was corrupted; publish again`,
      );
    }
  }

  /** The record `<name>.torrent.ttl` beside `torrentFileName`, checked; `undefined` when there is none. */
  async getRecord(
    torrentFileName: string,
    options: FindOptions = {},
  ): Promise<DataSourceRecord | undefined> {
    const name = recordFileName(torrentFileName);
    const file = await this.#recordFile(name, options.signal);
    if (!file?.id) return undefined;
    const bytes = await this.#download(file, name, options.signal);
    return await parseRecord(bytes, { torrentFileName, source: this.location });
  }

  /** Every record beside a torrent (in the folder, if set), checked. */
  async listRecords(options: FindOptions = {}): Promise<RecordListing> {
    const files = (await this.#search(driveListQuery(this), options.signal)).map(toEntry);
    const torrents = new Set(files.filter((f) => isTorrentFileName(f.name)).map((f) => f.name));
    const out: RecordListing = { records: [], refused: [] };
    const names = [...new Set(files.map((f) => torrentOfRecordFileName(f.name)))]
      .filter((t): t is string => t !== undefined && torrents.has(t)).sort();
    for (const torrentFileName of names) {
      try {
        const record = await this.getRecord(torrentFileName, options);
        if (record) out.records.push(record);
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        out.refused.push({
          torrentFileName,
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return out;
  }

  /** The one record file named `name`, refusing to guess between different ones. */
  async #recordFile(
    name: string,
    signal: AbortSignal | undefined,
  ): Promise<IndexEntry | undefined> {
    const files = (await this.#search(driveNameQuery(name, this), signal))
      .filter((f) => f.name === name);
    if (files.length === 0) return undefined;
    if (new Set(files.map((f) => f.md5Checksum ?? f.id)).size > 1) {
      throw new IndexError(
        this,
        `${files.length} different files are named ${JSON.stringify(name)} (ids ${
          files.map((f) => f.id).join(", ")
        }): delete the wrong ones in Drive`,
      );
    }
    return toEntry(files[0]!);
  }

  /** A record file's bytes, bounded (one byte over for parseRecord to refuse), checked against Drive's MD5. */
  async #download(
    entry: IndexEntry,
    name: string,
    signal: AbortSignal | undefined,
  ): Promise<Uint8Array> {
    const limit = MAX_RECORD_BYTES + 1;
    if (entry.size !== undefined && entry.size > MAX_RECORD_BYTES) return new Uint8Array(limit);
    const bytes = await this.#call(async (api) => {
      const res = await api.files.get(
        { fileId: entry.id!, alt: "media" },
        { responseType: "stream", ...this.#callOptions(signal) },
      );
      return await readLimited(res.data as unknown as Readable, limit).catch((error) => {
        if (error instanceof TooLargeError) return new Uint8Array(limit);
        throw error;
      });
    }, signal);
    if (
      bytes.byteLength <= MAX_RECORD_BYTES && entry.md5 !== undefined && md5Hex(bytes) !== entry.md5
    ) {
      throw new IndexError(
        this,
        `the download of ${JSON.stringify(name)} (id ${entry.id}) does not match Drive's MD5: ` +
          `it was corrupted in transit or changed meanwhile; try again`,
      );
    }
    return bytes;
  }

  async #search(q: string, signal: AbortSignal | undefined): Promise<drive_v3.Schema$File[]> {
    return await this.#call(async (api) => {
      const files: drive_v3.Schema$File[] = [];
      const seen = new Set<string>();
      let pageToken: string | undefined;
      do {
        const res = await api.files.list(
          {
            q,
            pageSize: this.#pageSize,
            fields: DRIVE_LIST_FIELDS,
            spaces: "drive",
            ...(pageToken === undefined ? {} : { pageToken }),
          },
          this.#callOptions(signal),
        );
        files.push(...(res.data.files ?? []));
        pageToken = res.data.nextPageToken ?? undefined;
        if (pageToken !== undefined) {
          if (seen.has(pageToken)) {
            throw new IndexError(this, "Drive returned the same page token twice: try again later");
          }
          seen.add(pageToken);
        }
      } while (pageToken !== undefined);
      return files;
    }, signal);
  }

  #callOptions(signal: AbortSignal | undefined) {
    return {
      ...(this.#options.rootUrl === undefined ? {} : { rootUrl: this.#options.rootUrl }),
      ...(signal ? { signal } : {}),
    };
  }

  async #call<T>(
    fn: (api: drive_v3.Drive) => Promise<T>,
    signal: AbortSignal | undefined,
    fileName?: string,
  ): Promise<T> {
    signal?.throwIfAborted();
    const { api, saved } = await this.#connect();
    try {
      return await fn(api);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof IndexError || error instanceof IndexAuthError) throw error;
      if (error instanceof TorrentNotFoundError) throw error;
      throw mapDriveError(error, this, fileName);
    } finally {
      await saved();
    }
  }

  #connect(): Promise<{ api: drive_v3.Drive; client: DriveAuthClient; saved(): Promise<void> }> {
    this.#api ??= (async () => {
      const options = this.#options;
      const loaded = options.auth
        ? { client: options.auth, saved: () => Promise.resolve() }
        : await loadDriveAuth(resolveStoreHome(options.storeHome), this, {
          tokenUrl: options.tokenUrl,
        });
      const { drive } = await import("@googleapis/drive");
      const api = drive({
        version: "v3",
        auth: loaded.client as GoogleAuthClient,
        retry: options.retry ?? true,
        ...(options.rootUrl === undefined ? {} : { rootUrl: options.rootUrl }),
      });
      return { api, client: loaded.client, saved: loaded.saved };
    })();
    // A failed load (say, a missing file) is retried on the next call.
    this.#api.catch(() => this.#api = undefined);
    return this.#api;
  }

  #tooLarge(fileName: string, maxBytes: number): IndexError {
    return new IndexError(
      this,
      `${JSON.stringify(fileName)} is larger than ${maxBytes} bytes, too large for a .torrent: ` +
        `check the file in Drive, or raise maxBytes if it is genuine`,
    );
  }
}

function toEntry(file: drive_v3.Schema$File): IndexEntry {
  const entry: IndexEntry = { name: file.name ?? "" };
  if (file.id) entry.id = file.id;
  const size = Number(file.size);
  if (file.size != null && Number.isSafeInteger(size)) entry.size = size;
  if (typeof file.description === "string") entry.description = file.description;
  if (typeof file.md5Checksum === "string") entry.md5 = file.md5Checksum.toLowerCase();
  return entry;
}
