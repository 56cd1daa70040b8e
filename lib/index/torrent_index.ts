/**
 * Torrent indexes: where `.torrent` files are found and published, behind one
 * interface (find by name, fetch bytes, publish). Implementations: a local
 * folder ({@linkcode LocalFolderIndex}), an HTTP(S) index ({@linkcode HttpIndex})
 * and Google Drive ({@linkcode DriveIndex}).
 *
 * This file holds the interface, the entry type, the file-name rule shared by
 * every index and the errors every index throws.
 *
 * @module
 */
import { InvalidInputError } from "../errors/invalid_input.ts";
import { OwmError } from "../errors/owm_error.ts";
import type { DataSourceRecord, PutRecordOptions, RecordListing } from "./record.ts";

/** The largest `.torrent` an index fetches unless told otherwise: 16 MiB. */
export const DEFAULT_MAX_TORRENT_BYTES: number = 16 * 1024 * 1024;

/** The MIME type of a `.torrent` file. */
export const TORRENT_MIME_TYPE = "application/x-bittorrent";

/** One `.torrent` file held by an index. */
export interface IndexEntry {
  /** The file name, e.g. `d9da5ce947c6f1c127dfcdc2ede63320.torrent`. */
  name: string;
  /** Size in bytes, when the index knows it. */
  size?: number;
  /** The index's own identifier for the file (a Drive file id), when it has one. */
  id?: string;
  /** Where the bytes are fetched from, when the index knows a URL. */
  url?: string;
  /** A human description given at publication. */
  description?: string;
  /** Lower-case hex SHA-256 of the `.torrent` bytes, when the index records it. */
  sha256?: string;
  /** Lower-case hex MD5 of the `.torrent` bytes, when the index records it (Drive does). */
  md5?: string;
}

/** Options for {@linkcode TorrentIndex.find} and {@linkcode TorrentIndex.list}. */
export interface FindOptions {
  /** Cancels the lookup. */
  signal?: AbortSignal;
}

/** Options for {@linkcode TorrentIndex.fetch}. */
export interface FetchOptions {
  /** Cancels the download. */
  signal?: AbortSignal;
  /** Refuse a file larger than this many bytes. @default {DEFAULT_MAX_TORRENT_BYTES} (16 MiB) */
  maxBytes?: number;
}

/** Options for {@linkcode TorrentIndex.publish}. */
export interface PublishOptions {
  /** A human description stored beside the file. */
  description?: string;
  /**
   * Replace a file of the same name holding different bytes. Without it such a
   * publication fails with {@linkcode TorrentExistsError}; publishing identical
   * bytes again always succeeds and changes nothing. @default false
   */
  replace?: boolean;
  /** Cancels the upload. */
  signal?: AbortSignal;
}

/**
 * A place where `.torrent` files are found and published.
 *
 * @example Find and fetch a torrent from whichever index is configured
 * ```ts ignore
 * import { LocalFolderIndex } from "./local_folder_index.ts";
 *
 * const index: TorrentIndex = new LocalFolderIndex("/srv/torrents");
 * const entry = await index.find("d9da5ce947c6f1c127dfcdc2ede63320.torrent");
 * if (entry) {
 *   const bytes = await index.fetch(entry.name);
 *   console.log(entry.name, bytes.length);
 * }
 * ```
 */
export interface TorrentIndex {
  /** The kind of index: `"dir"`, `"http"` or `"drive"`. */
  readonly kind: string;
  /** Where the index is, written as the spec that configures it (`dir:/srv/t`, `https://…/`, `drive:`). */
  readonly location: string;
  /**
   * Looks a `.torrent` up by its exact file name.
   *
   * @returns the entry, or `undefined` when the index does not hold it
   * @throws {TypeError} for a name that is not a plain `*.torrent` name
   * @throws {IndexAuthError} when the index refuses the credentials
   * @throws {IndexError} when the index cannot be read
   */
  find(fileName: string, options?: FindOptions): Promise<IndexEntry | undefined>;
  /**
   * Fetches the bytes of a `.torrent` file, refusing one over `maxBytes`.
   *
   * @throws {TorrentNotFoundError} when the index does not hold it
   * @throws {IndexAuthError} when the index refuses the credentials
   * @throws {IndexError} when the download fails, is too large or fails its recorded checksum
   */
  fetch(fileName: string, options?: FetchOptions): Promise<Uint8Array>;
  /**
   * Publishes a `.torrent` file under `fileName`.
   *
   * @returns the entry as the index now holds it
   * @throws {TorrentExistsError} when different bytes are already published under that name
   * @throws {IndexAuthError} when the index refuses the credentials
   * @throws {IndexError} when the upload fails
   */
  publish(fileName: string, bytes: Uint8Array, options?: PublishOptions): Promise<IndexEntry>;
  /** Lists every `.torrent` the index holds, sorted by name, when the index can list. */
  list?(options?: FindOptions): Promise<IndexEntry[]>;
  /**
   * Stores the DataSource record beside its `.torrent` (see `record.ts` for
   * the format), which must already be published there.
   *
   * @throws {RecordExistsError} when a record of another DataSource is there and `replace` is not set
   * @throws {TorrentNotFoundError} when the index does not hold the torrent
   * @throws {IndexError} when the upload fails, or the index does not take records
   */
  putRecord(record: DataSourceRecord, options?: PutRecordOptions): Promise<void>;
  /**
   * The record beside `torrentFileName`, checked (see `parseRecord`), or
   * `undefined` when there is none.
   *
   * @throws {RecordError} when the record is there but refused
   * @throws {IndexError} when the index cannot be read
   */
  getRecord(torrentFileName: string, options?: FindOptions): Promise<DataSourceRecord | undefined>;
  /** Every record the index holds, checked; refused ones are listed with the reason. */
  listRecords(options?: FindOptions): Promise<RecordListing>;
}

/** The longest accepted torrent file name, in UTF-8 bytes (a common file-system limit). */
export const MAX_TORRENT_FILE_NAME_BYTES = 255;

/**
 * Checks that `fileName` is a plain `*.torrent` file name, safe to use inside a
 * folder, a URL path segment or a query: no `/`, `\`, `..`, control characters
 * or NUL, not hidden, at most 255 bytes.
 *
 * @returns the name, unchanged
 * @throws {TypeError} naming what is wrong
 *
 * @example
 * ```ts
 * import { validateTorrentFileName } from "./torrent_index.ts";
 * validateTorrentFileName("d9da5ce947c6f1c127dfcdc2ede63320.torrent"); // ok
 * try {
 *   validateTorrentFileName("../etc/passwd.torrent");
 * } catch (error) {
 *   console.log(error instanceof TypeError); // true
 * }
 * ```
 */
export function validateTorrentFileName(fileName: string): string {
  const problem = torrentFileNameProblem(fileName);
  if (problem) {
    throw new InvalidInputError(
      `Invalid torrent file name ${JSON.stringify(fileName)}: ${problem}; ` +
        `give a plain file name such as "d9da5ce947c6f1c127dfcdc2ede63320.torrent"`,
      { code: "bad-torrent-name" },
    );
  }
  return fileName;
}

/** Whether `fileName` passes {@linkcode validateTorrentFileName}. */
export function isTorrentFileName(fileName: string): boolean {
  return torrentFileNameProblem(fileName) === undefined;
}

function torrentFileNameProblem(fileName: unknown): string | undefined {
  if (typeof fileName !== "string") return "it is not a string";
  if (!fileName.endsWith(".torrent")) return 'it must end with ".torrent"';
  if (fileName.startsWith(".")) return "it must not start with a dot";
  if (/[/\\]/.test(fileName)) return "it must not contain a path separator";
  if (fileName.includes("..")) return 'it must not contain ".."';
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(fileName)) return "it must not contain control characters";
  if (new TextEncoder().encode(fileName).length > MAX_TORRENT_FILE_NAME_BYTES) {
    return `it is longer than ${MAX_TORRENT_FILE_NAME_BYTES} bytes`;
  }
  return undefined;
}

/** What an error says about the index it came from. */
export interface IndexRef {
  /** The index kind (`"dir"`, `"http"`, `"drive"`). */
  kind: string;
  /** The index location, as its spec. */
  location: string;
}

/**
 * The torrent is not in the index (or in any of the indexes tried).
 *
 * @example
 * ```ts
 * import { TorrentNotFoundError } from "./torrent_index.ts";
 * const error = new TorrentNotFoundError("a.torrent", ["dir:/srv/torrents"]);
 * console.log(error.message);
 * ```
 */
export class TorrentNotFoundError extends OwmError {
  /** The error's code: `torrent-not-found`. */
  override readonly code: string = "torrent-not-found";
  /** The file name looked for. */
  readonly fileName: string;
  /** The locations of the indexes that were asked. */
  readonly locations: readonly string[];
  /** Creates the error for `fileName`, not found in the indexes at `locations`. */
  constructor(fileName: string, locations: readonly string[], options?: ErrorOptions) {
    const where = locations.length === 1
      ? `the torrent index "${locations[0]}"`
      : `any of the ${locations.length} torrent indexes (${
        locations.map((l) => `"${l}"`).join(", ")
      })`;
    super(
      `Torrent ${JSON.stringify(fileName)} was not found in ${where}: ` +
        `check the torrent file name recorded for the data source, add the index that holds it, ` +
        `or publish the torrent there first`,
      options,
    );
    this.name = "TorrentNotFoundError";
    this.fileName = fileName;
    this.locations = locations;
  }
}

/** Why an index refused to authenticate us. */
export type IndexAuthReason =
  | "missing-credentials"
  | "malformed-credentials"
  | "expired"
  | "revoked"
  | "forbidden";

/**
 * The index refused the credentials, or they are missing or unreadable. The
 * message says what to do; `reason` says which case it is.
 *
 * @example
 * ```ts
 * import { IndexAuthError } from "./torrent_index.ts";
 * const error = new IndexAuthError("forbidden", { kind: "http", location: "https://t.example/" }, "the token may not publish");
 * console.log(error.reason); // "forbidden"
 * ```
 */
export class IndexAuthError extends OwmError {
  /** The error's code: `index-auth`. */
  override readonly code: string = "index-auth";
  /** Which authentication problem this is. */
  readonly reason: IndexAuthReason;
  /** The index kind. */
  readonly kind: string;
  /** The index location. */
  readonly location: string;
  /** Creates the error; `detail` says what is wrong and what to do. */
  constructor(reason: IndexAuthReason, index: IndexRef, detail: string, options?: ErrorOptions) {
    super(`Torrent index "${index.location}": ${detail}`, options);
    this.name = "IndexAuthError";
    this.reason = reason;
    this.kind = index.kind;
    this.location = index.location;
  }
}

/**
 * Any other failure of an index: unreachable, malformed answers, a file too
 * large or failing its recorded checksum.
 *
 * @example
 * ```ts
 * import { IndexError } from "./torrent_index.ts";
 * const error = new IndexError({ kind: "http", location: "https://t.example/" }, "the server answered 500", { status: 500 });
 * console.log(error.status); // 500
 * ```
 */
export class IndexError extends OwmError {
  /** The error's code: `index-error`. */
  override readonly code: string = "index-error";
  /** The index kind. */
  readonly kind: string;
  /** The index location. */
  readonly location: string;
  /** The HTTP status of the failed request, when there was one. */
  readonly status: number | undefined;
  /** Creates the error; `detail` says what is wrong and what to do. */
  constructor(index: IndexRef, detail: string, options?: ErrorOptions & { status?: number }) {
    super(`Torrent index "${index.location}": ${detail}`, options);
    this.name = "IndexError";
    this.kind = index.kind;
    this.location = index.location;
    this.status = options?.status;
  }
}

/**
 * A publication would replace a file of the same name holding different bytes.
 * Nothing was changed.
 */
export class TorrentExistsError extends IndexError {
  /** The error's code: `torrent-exists`. */
  override readonly code: string = "torrent-exists";
  /** The file name. */
  readonly fileName: string;
  /** Creates the error. */
  constructor(index: IndexRef, fileName: string, options?: ErrorOptions & { status?: number }) {
    super(
      index,
      `a different torrent is already published as ${JSON.stringify(fileName)}; ` +
        `nothing was changed: publish again with replace (owm publish --replace, "replace": true ` +
        `in the API) to overwrite it, or remove it from that index first`,
      options,
    );
    this.name = "TorrentExistsError";
    this.fileName = fileName;
  }
}
