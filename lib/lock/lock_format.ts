/**
 * The `owm.lock` format, version 1: what a lockfile pins for each DataSource,
 * and its canonical text.
 *
 * ```json
 * {
 *   "dataSources": {
 *     "http://data.openworm.org/data_sources/CSVDataSource#worms": {
 *       "fileCount": 2,
 *       "files": {
 *         "dataset/a.csv": { "sha256": "3f…", "size": 1200 },
 *         "dataset/b.csv": { "sha256": "9c…", "size": 800 }
 *       },
 *       "id": "CSVDataSource:worms",
 *       "infoHash": "431379d5a2a165873635bac1372db4a0fc786da3",
 *       "size": 2000,
 *       "torrentFileName": "d36ab2caa1274fac610b3d301a453f71.torrent"
 *     }
 *   },
 *   "version": 1
 * }
 * ```
 *
 * - `dataSources` is keyed by the DataSource's IRI (the same in every store);
 *   `id` is its `ClassName:key`, for people.
 * - `files` lists every regular file of the content with its SHA-256 and size,
 *   by its path relative to the loaded directory: the torrent's name first
 *   (`dataset/a.csv` for a folder torrent, `connectome.csv` for a one-file
 *   torrent), `/`-separated.
 * - `torrentFileName` is `null` when the DataSource records none (a magnet
 *   link or infohash only).
 *
 * The text is canonical, so that locking the same content twice gives the same
 * bytes and a change shows as a small diff: every object's keys sorted by code
 * point, two-space indentation (one file per four lines), a final newline.
 *
 * @module
 */
import { compareBytes } from "../integrity/tree.ts";
import { LockFileError } from "./errors.ts";
import { InvalidInputError } from "../errors/invalid_input.ts";

/** The format version this library writes and reads. */
export const LOCK_FORMAT_VERSION = 1;

/** The lockfile's default name, in the project's (the current) directory. */
export const LOCK_FILE_NAME = "owm.lock";

/** One file pinned by a lock entry. */
export interface LockedFile {
  /** Path relative to the loaded directory, `/`-separated, the torrent's name first. */
  path: string;
  /** Size in bytes. */
  size: number;
  /** Lower-case hex SHA-256 of the file's bytes. */
  sha256: string;
}

/** What a lock pins for one DataSource. */
export interface LockEntry {
  /** The DataSource's IRI. */
  iri: string;
  /** Its `ClassName:key`, for people. */
  id: string;
  /** The torrent's infohash, 40 lower-case hex digits. */
  infoHash: string;
  /** The torrent file name the DataSource records, or `null`. */
  torrentFileName: string | null;
  /** Total bytes of the files. */
  size: number;
  /** Number of files. */
  fileCount: number;
  /** The files, sorted by the bytes of their paths. */
  files: readonly LockedFile[];
}

/** A whole lockfile. */
export interface LockContents {
  /** The format version ({@linkcode LOCK_FORMAT_VERSION}). */
  version: number;
  /** The entries, keyed by IRI. */
  entries: ReadonlyMap<string, LockEntry>;
}

const encoder = new TextEncoder();

/** Orders strings by their UTF-8 bytes (code-point order), as `listTree` orders paths. */
export function compareCodePoints(a: string, b: string): number {
  return compareBytes(encoder.encode(a), encoder.encode(b));
}

/** The content's name (the torrent's name): the first component of the files' paths. */
export function contentNameOf(entry: LockEntry): string {
  const first = entry.files[0];
  if (!first) {
    throw new InvalidInputError(`The lock entry of '${entry.id}' pins no files`, {
      status: 422,
      code: "bad-lock",
    });
  }
  return first.path.split("/")[0]!;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function dict(pairs: Iterable<[string, Json]>): { [key: string]: Json } {
  // A null prototype, so that a file named `__proto__` is a key like any other.
  const out = Object.create(null) as { [key: string]: Json };
  for (const [key, value] of pairs) out[key] = value;
  return out;
}

/** The JSON form of an entry, without its IRI (the key it is stored under in a lockfile). */
function entryJson(entry: LockEntry): { [key: string]: Json } {
  return dict([
    ["fileCount", entry.fileCount],
    [
      "files",
      dict(entry.files.map((f) => [f.path, dict([["sha256", f.sha256], ["size", f.size]])])),
    ],
    ["id", entry.id],
    ["infoHash", entry.infoHash],
    ["size", entry.size],
    ["torrentFileName", entry.torrentFileName],
  ]);
}

/**
 * An entry as JSON, IRI included: what a client sends the bridge in
 * `POST /api/datasources/{id}/fetch` as `lock`.
 */
export function lockEntryToJson(entry: LockEntry): Record<string, unknown> {
  return { iri: entry.iri, ...entryJson(entry) };
}

function canonical(value: Json, indent: string): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const inner = indent + "  ";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => inner + canonical(v, inner)).join(",\n")}\n${indent}]`;
  }
  const keys = Object.keys(value).sort(compareCodePoints);
  if (keys.length === 0) return "{}";
  const lines = keys.map((k) => `${inner}${JSON.stringify(k)}: ${canonical(value[k]!, inner)}`);
  return `{\n${lines.join(",\n")}\n${indent}}`;
}

/**
 * The canonical text of a lockfile: keys sorted by code point, two-space
 * indentation, a final newline.
 *
 * @example
 * ```ts
 * import { serializeLock } from "./lock_format.ts";
 * console.log(serializeLock({ version: 1, entries: new Map() })); // {"dataSources": {}, "version": 1}
 * ```
 */
export function serializeLock(lock: LockContents): string {
  const sources = dict([...lock.entries.values()].map((e) => [e.iri, entryJson(e)]));
  return canonical(dict([["dataSources", sources], ["version", LOCK_FORMAT_VERSION]]), "") + "\n";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function checkPath(path: string): string | undefined {
  if (path === "" || path.includes("\0") || path.includes("\\")) return "is not a plain path";
  if (path.startsWith("/")) return "is absolute";
  if (path.split("/").some((c) => c === "" || c === "." || c === "..")) {
    return "has an empty, '.' or '..' component";
  }
  return undefined;
}

/**
 * Checks one entry (the JSON of a lockfile entry, with `iri` given or inside it).
 *
 * @param value The entry's JSON.
 * @param iri The IRI it is stored under; default `value.iri`.
 * @param where The lockfile's path (or another name for the source), for messages.
 * @returns The entry, files sorted.
 * @throws {LockFileError} when it is not a valid entry.
 *
 * @example
 * ```ts ignore
 * const entry = parseLockEntry(await request.json().then((b) => b.lock), undefined, "the request");
 * ```
 */
export function parseLockEntry(value: unknown, iri?: string, where = "the lock entry"): LockEntry {
  const bad = (detail: string) =>
    new LockFileError(where, `${detail}: re-create it with \`owm lock\``);
  if (!isObject(value)) throw bad(`the entry of ${iri ?? "a DataSource"} is not an object`);
  const key = iri ?? value.iri;
  if (typeof key !== "string" || key === "") throw bad("an entry has no 'iri'");
  const name = `the entry of ${key}`;
  const { id, infoHash, torrentFileName, size, fileCount, files } = value;
  if (typeof id !== "string" || id === "") throw bad(`${name} has no 'id'`);
  if (typeof infoHash !== "string" || !/^[0-9a-f]{40}$/.test(infoHash)) {
    throw bad(`${name} has no 'infoHash' of 40 lower-case hex digits`);
  }
  if (torrentFileName !== null && (typeof torrentFileName !== "string" || torrentFileName === "")) {
    throw bad(`${name}: 'torrentFileName' must be a name or null`);
  }
  if (!isCount(size) || !isCount(fileCount)) {
    throw bad(`${name}: 'size' and 'fileCount' must be whole numbers`);
  }
  if (!isObject(files)) throw bad(`${name}: 'files' must be an object of paths`);
  const list: LockedFile[] = [];
  let root: string | undefined;
  for (const path of Object.keys(files)) {
    const file = files[path];
    const wrong = checkPath(path);
    if (wrong) throw bad(`${name}: the file path ${JSON.stringify(path)} ${wrong}`);
    const first = path.split("/")[0]!;
    if (root !== undefined && first !== root) {
      throw bad(`${name}: the files do not share one top-level name (${root}, ${first})`);
    }
    root = first;
    if (!isObject(file) || !isCount(file.size)) throw bad(`${name}: ${path} has no 'size'`);
    if (typeof file.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(file.sha256)) {
      throw bad(`${name}: ${path} has no 'sha256' of 64 lower-case hex digits`);
    }
    list.push({ path, size: file.size, sha256: file.sha256 });
  }
  if (list.length === 0) throw bad(`${name} pins no files`);
  if (list.length > 1 && list.some((f) => !f.path.includes("/"))) {
    throw bad(`${name}: a one-file entry has other files`);
  }
  list.sort((a, b) => compareCodePoints(a.path, b.path));
  const total = list.reduce((sum, f) => sum + f.size, 0);
  if (fileCount !== list.length || size !== total) {
    throw bad(
      `${name}: 'fileCount' ${fileCount} and 'size' ${size} do not add up to its files (${list.length}, ${total} bytes)`,
    );
  }
  return { iri: key, id, infoHash, torrentFileName, size, fileCount, files: list };
}

/**
 * Parses a lockfile's text.
 *
 * @param text The text.
 * @param path The lockfile's path, for messages.
 * @returns The entries, keyed by IRI.
 * @throws {LockFileError} when it is not JSON, of another version, or not a valid lockfile.
 *
 * @example
 * ```ts
 * import { parseLock } from "./lock_format.ts";
 * const lock = parseLock('{"dataSources": {}, "version": 1}', "owm.lock");
 * console.log(lock.entries.size); // 0
 * ```
 */
export function parseLock(text: string, path: string): LockContents {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new LockFileError(
      path,
      `not valid JSON (${
        error instanceof Error ? error.message : error
      }): restore it from version control, or delete it and run \`owm lock\``,
      { cause: error },
    );
  }
  if (!isObject(json)) {
    throw new LockFileError(path, "not a JSON object: re-create it with `owm lock`");
  }
  if (json.version !== LOCK_FORMAT_VERSION) {
    throw new LockFileError(
      path,
      typeof json.version === "number" && json.version > LOCK_FORMAT_VERSION
        ? `format version ${json.version} is newer than this owmeta-torrent reads (${LOCK_FORMAT_VERSION}): upgrade owmeta-torrent`
        : `no format version ${LOCK_FORMAT_VERSION}: re-create it with \`owm lock\``,
    );
  }
  if (!isObject(json.dataSources)) {
    throw new LockFileError(path, "no 'dataSources' object: re-create it with `owm lock`");
  }
  const entries = new Map<string, LockEntry>();
  for (const iri of Object.keys(json.dataSources).sort(compareCodePoints)) {
    entries.set(iri, parseLockEntry(json.dataSources[iri], iri, path));
  }
  return { version: LOCK_FORMAT_VERSION, entries };
}
