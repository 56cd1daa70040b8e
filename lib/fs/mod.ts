/**
 * Generic file pieces: confinement of paths built from data, atomic writes
 * and the inter-process file lock.
 *
 * @example
 * ```ts ignore
 * import { confinedJoin } from "owmeta-torrent/fs";
 * console.log(confinedJoin("/data", "sub/a.csv")); // "/data/sub/a.csv"
 * ```
 *
 * @module
 */
export {
  assertInside,
  checkRelativeName,
  confinedFieldPath,
  confinedJoin,
  confinedPath,
  confinedRealPath,
  LinkEscapeError,
  PathEscapeError,
  relativeNameProblem,
  UnsafeFieldPathError,
} from "./confine.ts";
export {
  atomicWriteFile,
  type AtomicWriteOptions,
  removeStaleTemps,
  tempPrefix,
} from "./atomic_write.ts";
export { type FileLockOptions, withFileLock } from "./file_lock.ts";
export { parseByteSize, type ParseByteSizeOptions } from "./byte_size.ts";
export { pathExists } from "./exists.ts";
export type { OwmError } from "../errors/owm_error.ts";
