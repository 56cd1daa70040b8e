/**
 * The lockfile (`owm.lock`): its format, reading and writing it, what a
 * DataSource pins, comparing content, and loading under a lock.
 *
 * @example
 * ```ts ignore
 * import { resolveLockPath } from "owmeta-torrent/lock";
 * console.log(resolveLockPath());
 * ```
 *
 * @module
 */
export {
  LockFileError,
  type LockMismatch,
  LockMismatchError,
  type LockMismatchKind,
  NotLockableError,
} from "./errors.ts";
export {
  compareCodePoints,
  contentNameOf,
  LOCK_FILE_NAME,
  LOCK_FORMAT_VERSION,
  type LockContents,
  type LockedFile,
  type LockEntry,
  lockEntryToJson,
  parseLock,
  parseLockEntry,
  serializeLock,
} from "./lock_format.ts";
export {
  mergeLock,
  readLockFile,
  requireLockFile,
  resolveLockPath,
  writeLockFile,
} from "./lock_file.ts";
export {
  lockDataSources,
  type LockDataSourcesResult,
  lockEntryFor,
  type LockOptions,
} from "./lock_sources.ts";
export { compareContent, compareRecorded, contentPresent } from "./compare.ts";
export { type ContentFile, listContent, snapshotContent } from "./content_files.ts";
export { loadLocked, type LockedLoadOptions, type LockedLoadResult } from "./locked_load.ts";
