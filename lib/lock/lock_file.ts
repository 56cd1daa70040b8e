/**
 * Where the lockfile is, and reading and writing it (atomically, in its
 * canonical text).
 *
 * @module
 */
import { processEnv } from "../settings/env.ts";
import { lockFileFrom, userCwdFrom } from "../settings/settings.ts";
import { atomicWriteFile } from "../fs/atomic_write.ts";
import { withFileLock } from "../fs/file_lock.ts";
import { LockFileError } from "./errors.ts";
import { type LockContents, type LockEntry, parseLock, serializeLock } from "./lock_format.ts";

/**
 * The lockfile to use: `explicit` when given, else `OWM_LOCK`, else
 * `owm.lock` in `cwd`. Relative paths are taken from `cwd`, by default the
 * user's directory (`INIT_CWD` under `deno task`): the one rule `owm lock`,
 * `owm fetch --locked` and `require()` share (`lockFileFrom`).
 *
 * @example
 * ```ts ignore
 * resolveLockPath(undefined, "/home/me/project"); // "/home/me/project/owm.lock" (OWM_LOCK unset)
 * ```
 *
 * @param explicit A path the caller chose.
 * @param cwd The project directory. @default the user's directory
 * @returns An absolute path.
 */
export function resolveLockPath(explicit?: string, cwd: string = userCwdFrom(processEnv)): string {
  return lockFileFrom(processEnv, explicit, cwd);
}

/**
 * Reads a lockfile.
 *
 * @example
 * ```ts ignore
 * const lock = await readLockFile("owm.lock");
 * console.log(lock ? [...lock.entries.keys()] : "no lockfile");
 * ```
 *
 * @param path The lockfile.
 * @returns Its contents, or `undefined` when there is no such file.
 * @throws {LockFileError} when it cannot be read or is not a valid lockfile.
 */
export async function readLockFile(path: string): Promise<LockContents | undefined> {
  const text = await readLockText(path);
  return text === undefined ? undefined : parseLock(text, path);
}

/** The lockfile's text, or `undefined` when there is no such file. */
async function readLockText(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new LockFileError(
      path,
      `cannot be read (${error instanceof Error ? error.message : error})`,
      { cause: error },
    );
  }
}

/**
 * Reads a lockfile that must exist.
 *
 * @param path The lockfile.
 * @returns Its contents.
 * @throws {LockFileError} when it is missing, unreadable or not valid.
 */
export async function requireLockFile(path: string): Promise<LockContents> {
  const lock = await readLockFile(path);
  if (!lock) {
    throw new LockFileError(
      path,
      "does not exist: create it with `owm lock` (after fetching the DataSources), or point to it with --lock PATH or OWM_LOCK",
    );
  }
  return lock;
}

/**
 * `lock` with `entries` added or replaced (the others kept).
 *
 * @param lock The current contents, if any.
 * @param entries The new entries.
 * @returns The merged contents.
 */
export function mergeLock(
  lock: LockContents | undefined,
  entries: Iterable<LockEntry>,
): LockContents {
  const merged = new Map(lock?.entries ?? []);
  for (const entry of entries) merged.set(entry.iri, entry);
  return { version: lock?.version ?? 1, entries: merged };
}

/**
 * Writes a lockfile in its canonical text, atomically (a reader sees the old
 * or the new file, never a part).
 *
 * @example
 * ```ts ignore
 * await writeLockFile("owm.lock", mergeLock(await readLockFile("owm.lock"), [entry]));
 * ```
 *
 * @param path The lockfile.
 * @param lock What to write.
 */
export async function writeLockFile(path: string, lock: LockContents): Promise<void> {
  await atomicWriteFile(path, [new TextEncoder().encode(serializeLock(lock))]);
}

/** What {@linkcode updateLockFile} did. */
export interface LockFileUpdate {
  /** The lockfile's contents before, or `undefined` when there was none. */
  before: LockContents | undefined;
  /** Whether it was written: false when its text would not change. */
  written: boolean;
}

/**
 * Adds or replaces `entries` in a lockfile (keeping its other entries), under
 * an exclusive lock on `lockPath` so that two updates do not lose each
 * other's entries: reads it once, and writes it (atomically, in its canonical
 * text) only when that text changes.
 *
 * @example
 * ```ts ignore
 * const { written } = await updateLockFile("owm.lock", [entry], ".owm/owm-lockfile.lock");
 * ```
 *
 * @param path The lockfile.
 * @param entries The new entries.
 * @param lockPath The file locked while reading, merging and writing (left in place).
 * @returns The contents before, and whether it was written.
 * @throws {LockFileError} when it cannot be read or is not a valid lockfile.
 */
export async function updateLockFile(
  path: string,
  entries: Iterable<LockEntry>,
  lockPath: string,
): Promise<LockFileUpdate> {
  return await withFileLock(lockPath, async () => {
    const text = await readLockText(path);
    const before = text === undefined ? undefined : parseLock(text, path);
    const merged = serializeLock(mergeLock(before, entries));
    const written = merged !== text;
    if (written) await atomicWriteFile(path, [new TextEncoder().encode(merged)]);
    return { before, written };
  });
}
