/**
 * Errors of the lockfile (`owm.lock`): a lockfile that cannot be used, content
 * that cannot be locked, and content that does not match its lock.
 *
 * @module
 */
import { OwmError } from "../errors/owm_error.ts";

/** What differs between a DataSource's content and its lock entry. */
export type LockMismatchKind =
  | "not-locked"
  | "torrent-file-name"
  | "infohash"
  | "missing-file"
  | "extra-file"
  | "size"
  | "sha256";

/** One difference between a DataSource's content and its lock entry. */
export interface LockMismatch {
  /** What differs. */
  kind: LockMismatchKind;
  /** The file (relative POSIX path inside the directory), for file differences. */
  path?: string;
  /** What the lock pins (`null` when it pins nothing). */
  expected: string | number | null;
  /** What was found (`null` when nothing was found). */
  actual: string | number | null;
}

/** The most differences a {@linkcode LockMismatchError} message spells out. */
const SHOWN = 6;

function describe(m: LockMismatch): string {
  switch (m.kind) {
    case "not-locked":
      return "it is not in the lock";
    case "torrent-file-name":
      return `torrent file name: expected ${m.expected ?? "none"}, got ${m.actual ?? "none"}`;
    case "infohash":
      return `infohash: expected ${m.expected}, got ${m.actual}`;
    case "missing-file":
      return `${m.path} is missing (expected ${m.expected} bytes)`;
    case "extra-file":
      return `${m.path} is not in the lock (${m.actual} bytes)`;
    case "size":
      return `${m.path} size: expected ${m.expected} bytes, got ${m.actual}`;
    case "sha256":
      return `${m.path} sha256: expected ${m.expected}, got ${m.actual}`;
  }
}

function advice(id: string, mismatches: readonly LockMismatch[]): string {
  const kinds = new Set(mismatches.map((m) => m.kind));
  if (kinds.has("not-locked")) {
    return `lock it deliberately with \`owm lock ${id}\` (once its content is fetched and verified), or load it without the lock`;
  }
  if (kinds.has("infohash") || kinds.has("torrent-file-name")) {
    return `the DataSource or its index now names a different torrent: restore the record or the index, or, if the change is intended, fetch it without --locked and re-lock deliberately with \`owm lock ${id}\``;
  }
  return `restore the data (\`owm fetch --locked --repair ${id}\` downloads the pinned bytes again; remove files that are not in the lock), or, if the change is intended, re-lock deliberately with \`owm lock ${id}\``;
}

/**
 * Content that does not match its lock entry, or a DataSource the lock does
 * not pin: nothing was loaded in its place. The message shows each expected
 * and actual value (the first few) and what to do.
 *
 * @example Tell a lock mismatch from other failures
 * ```ts ignore
 * import * as owm from "owmeta-torrent";
 *
 * try {
 *   await owm.require("CSVDataSource:worms");
 * } catch (error) {
 *   if (!(error instanceof owm.LockMismatchError)) throw error;
 *   for (const m of error.mismatches) console.log(m.kind, m.path, m.expected, m.actual);
 * }
 * ```
 */
export class LockMismatchError extends OwmError {
  /** The error's code: `lock-mismatch`. */
  override readonly code: string = "lock-mismatch";
  /** The DataSource, `ClassName:key` (or `<IRI>`). */
  readonly id: string;
  /** The lockfile consulted. */
  readonly lockFile: string;
  /** Every difference found. */
  readonly mismatches: readonly LockMismatch[];

  /**
   * Creates the error.
   *
   * @param id The DataSource, as shown to people.
   * @param lockFile The lockfile's path.
   * @param mismatches The differences (at least one).
   * @param where Where the content was looked at, if anywhere (e.g. "the content at /d/x").
   */
  constructor(id: string, lockFile: string, mismatches: readonly LockMismatch[], where?: string) {
    const shown = mismatches.slice(0, SHOWN).map(describe);
    if (mismatches.length > SHOWN) shown.push(`and ${mismatches.length - SHOWN} more`);
    const subject = where ? `${where} of '${id}'` : `'${id}'`;
    super(
      `${subject} does not match the lock ${lockFile}: ${shown.join("; ")}. To go on: ${
        advice(id, mismatches)
      }`,
    );
    this.name = "LockMismatchError";
    this.id = id;
    this.lockFile = lockFile;
    this.mismatches = mismatches;
  }
}

/** A lockfile that is missing when required, unreadable, or not a valid `owm.lock`. */
export class LockFileError extends OwmError {
  /** The error's code: `bad-lock`. */
  override readonly code: string = "bad-lock";
  /** The lockfile's path. */
  readonly path: string;
  /**
   * Creates the error.
   *
   * @param path The lockfile's path.
   * @param detail What is wrong and what to do.
   */
  constructor(path: string, detail: string, options?: ErrorOptions) {
    super(`Lockfile ${path}: ${detail}`, options);
    this.name = "LockFileError";
    this.path = path;
  }
}

/** A DataSource whose content cannot be locked: not present here, or present but not verified. */
export class NotLockableError extends OwmError {
  /** The error's code: `not-lockable`. */
  override readonly code: string = "not-lockable";
  /** The DataSource, `ClassName:key` (or `<IRI>`). */
  readonly id: string;
  /**
   * Creates the error.
   *
   * @param id The DataSource, as shown to people.
   * @param detail Why, and what to do.
   */
  constructor(id: string, detail: string) {
    super(`Cannot lock '${id}': ${detail}`);
    this.name = "NotLockableError";
    this.id = id;
  }
}
