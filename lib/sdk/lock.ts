/**
 * `lock`: pins one DataSource in the project's `owm.lock` in one call, for
 * notebooks and scripts (what `owm fetch` then `owm lock <id>` do on the
 * command line).
 *
 * @module
 */
import { DataSourceRepository } from "../datasource/repository.ts";
import { readLockFile, updateLockFile } from "../lock/lock_file.ts";
import type { LockEntry } from "../lock/lock_format.ts";
import { lockDataSources } from "../lock/lock_sources.ts";
import { StoreLayout } from "../settings/store_layout.ts";
import { openStack } from "../stack/stack.ts";
import { require, type RequireOptions, requireSettings } from "./require.ts";

/** Options of {@linkcode lock}: those of {@linkcode require}, which it calls, except `locked`. */
export type LockDatasetOptions = Omit<RequireOptions, "locked">;

/**
 * Pins the DataSource `id` in the lockfile and returns its entry (infohash,
 * torrent file name, every file's path, size and SHA-256).
 *
 * Not pinned yet: it is required (fetched when missing, and verified), then
 * its content is hashed and its entry added to the lockfile, other entries
 * kept (under the store's lock, as `owm lock` does). Pinned already: it is
 * required against the pin (content that differs in any byte is refused) and
 * the lockfile is left as it is, so rerunning a notebook never moves a pin;
 * to pin new content deliberately, run `owm lock <id>`.
 *
 * @example In a notebook
 * ```ts ignore
 * import * as owm from "owmeta-torrent";
 *
 * const entry = await owm.lock("ConnectomeCSVDataSource:2000_connections");
 * console.log(entry.infoHash, entry.files.map((f) => f.path));
 * ```
 *
 * @param id `ClassName:key` or `<IRI>`.
 * @param options The store, the lockfile, offline, peers, indexes, a signal, progress.
 * @returns The lockfile's entry for `id`.
 * @throws {LockMismatchError} when it is pinned and the content or its torrent differs.
 * @throws {LockFileError} when the lockfile is not valid.
 * @throws {DataSourceNotFoundError} when the store has no such DataSource.
 * @throws {LoadFailedError} when it cannot be loaded (not found, not verified, offline).
 */
export async function lock(id: string, options: LockDatasetOptions = {}): Promise<LockEntry> {
  const settings = requireSettings(options);
  const lockFile = settings.lockFile;
  const repository = await DataSourceRepository.open({ home: settings.home });
  const ds = await repository.get(id);
  const pinned = (await readLockFile(lockFile))?.entries.get(ds.identifier);
  if (pinned) {
    await require(id, { ...options, lockFile, locked: true });
    return pinned;
  }
  await require(id, { ...options, lockFile, locked: false });
  await using stack = openStack({ settings, repository, defaultPort: 0 });
  const { entries } = await lockDataSources(repository, [id], {
    indexes: stack.reachable,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  await updateLockFile(lockFile, entries, new StoreLayout(repository.store.home).lockfileLock);
  return entries[0]!;
}
