/**
 * The small JSON record kept beside each entry of the shared content cache
 * (`entry.json`), and its validation.
 *
 * @module
 */
import { OwmError } from "../errors/owm_error.ts";

/** The version of the entry record and of the cache's layout. */
export const CACHE_FORMAT_VERSION = 1;

/** The most store homes one record remembers (the most recent ones). */
export const MAX_HOMES = 64;

/** What the cache knows about one entry. */
export interface CacheEntryRecord {
  /** The record format: {@linkcode CACHE_FORMAT_VERSION}. */
  version: number;
  /** The torrent's infohash (40 lower-case hex digits): the entry's key. */
  infoHash: string;
  /**
   * The content's SHA-256 (a file's own, a folder's owm folder digest), as
   * recorded by the DataSource that brought it; the second key. `null` when
   * none was known.
   */
  sha256: string | null;
  /** The torrent's name: the content is `content/<name>`. */
  name: string;
  /** Content bytes. */
  size: number;
  /** Number of files in the content. */
  files: number;
  /** When it was added (ISO 8601). */
  addedAt: string;
  /** When it was last added or served (ISO 8601). */
  lastUsedAt: string;
  /** The store homes that added or used it, most recent last. */
  homes: string[];
}

/** An `entry.json` that is not a valid record. */
export class CacheRecordError extends OwmError {
  /** The error's code: `cache-record`. */
  override readonly code: string = "cache-record";
  /** The file. */
  readonly path: string;
  /** Creates the error. */
  constructor(path: string, detail: string) {
    super(
      `Cache record ${path} is not valid (${detail}): the entry is dropped; it is added again by the next fetch`,
    );
    this.name = "CacheRecordError";
    this.path = path;
  }
}

const HEX40 = /^[0-9a-f]{40}$/;
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Parses and checks an `entry.json`.
 *
 * @example
 * ```ts
 * import { parseCacheRecord } from "./entry.ts";
 * const record = parseCacheRecord(JSON.stringify({
 *   version: 1, infoHash: "a".repeat(40), sha256: null, name: "data", size: 3, files: 1,
 *   addedAt: "2024-01-01T00:00:00.000Z", lastUsedAt: "2024-01-01T00:00:00.000Z", homes: [],
 * }), "entry.json");
 * console.log(record.name); // "data"
 * ```
 *
 * @throws {CacheRecordError} for anything but a valid record.
 */
export function parseCacheRecord(text: string, path: string): CacheEntryRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CacheRecordError(path, "not JSON");
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new CacheRecordError(path, "not an object");
  }
  const r = value as Record<string, unknown>;
  const bad = (field: string) => new CacheRecordError(path, `bad ${field}`);
  if (r.version !== CACHE_FORMAT_VERSION) throw bad("version");
  if (typeof r.infoHash !== "string" || !HEX40.test(r.infoHash)) throw bad("infoHash");
  if (r.sha256 !== null && (typeof r.sha256 !== "string" || !HEX64.test(r.sha256))) {
    throw bad("sha256");
  }
  if (typeof r.name !== "string" || r.name === "" || /[/\\\0]/.test(r.name) || r.name === "..") {
    throw bad("name");
  }
  for (const field of ["size", "files"] as const) {
    const n = r[field];
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) throw bad(field);
  }
  for (const field of ["addedAt", "lastUsedAt"] as const) {
    const t = r[field];
    if (typeof t !== "string" || Number.isNaN(Date.parse(t))) throw bad(field);
  }
  if (!Array.isArray(r.homes) || r.homes.some((h) => typeof h !== "string")) throw bad("homes");
  return {
    version: CACHE_FORMAT_VERSION,
    infoHash: r.infoHash,
    sha256: r.sha256 as string | null,
    name: r.name,
    size: r.size as number,
    files: r.files as number,
    addedAt: r.addedAt as string,
    lastUsedAt: r.lastUsedAt as string,
    homes: r.homes as string[],
  };
}

/** `homes` with `home` moved (or added) to the end, capped at {@linkcode MAX_HOMES}. */
export function withHome(homes: readonly string[], home: string | undefined): string[] {
  if (home === undefined) return [...homes];
  return [...homes.filter((h) => h !== home), home].slice(-MAX_HOMES);
}
