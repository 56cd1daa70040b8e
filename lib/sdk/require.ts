/**
 * `require`: a DataSource's verified directory, for notebooks and scripts, in
 * one call; pinned by the project's `owm.lock` when there is one.
 *
 * @module
 */
import { toCurie } from "../datasource/identifier.ts";
import { DataSourceRepository } from "../datasource/repository.ts";
import type { LoadProgress } from "../loader/dir_loader.ts";
import { defaultRegistry } from "../loader/default_registry.ts";
import { LockMismatchError } from "../lock/errors.ts";
import { readLockFile, requireLockFile, resolveLockPath } from "../lock/lock_file.ts";
import type { LockEntry } from "../lock/lock_format.ts";
import { loadLocked } from "../lock/locked_load.ts";
import type { TorrentSessionOptions } from "../torrent/session.ts";

/** Options of {@linkcode require}. */
export interface RequireOptions {
  /** The store. @default OWM_HOME, else ./.owm */
  home?: string;
  /** The lockfile. @default OWM_LOCK, else owm.lock in the current directory */
  lockFile?: string;
  /**
   * `true`: the lockfile must exist and pin the DataSource. `false`: ignore
   * any lockfile. Unset: use the lockfile when there is one.
   */
  locked?: boolean;
  /** Never download: only content already here and verified (`OWM_OFFLINE=1` too). */
  offline?: boolean;
  /** Peers a download dials, `host:port`. */
  peers?: readonly string[];
  /** Index specs (`dir:PATH`, `http(s)://…`, `drive:…`). @default OWM_INDEXES, else <store>/torrents */
  indexes?: readonly string[];
  /** Re-download content present but damaged (or, locked, not as pinned). @default false */
  repair?: boolean;
  /** Gives up a download after this many milliseconds (it resumes on the next call). */
  timeoutMs?: number;
  /** Options of the torrent session a download opens (port, DHT, LSD, …). */
  sessionOptions?: Partial<TorrentSessionOptions>;
  /** Cancels the call. */
  signal?: AbortSignal;
  /** Progress of the verification or download. */
  onProgress?: (progress: LoadProgress) => void;
}

/**
 * The verified directory of a DataSource: its content is
 * `<directory>/<torrent name>`. Content already here and verified is
 * returned without opening a torrent session; otherwise it is downloaded
 * (from the indexes and peers, as `owm fetch` does) and verified first.
 *
 * When a lockfile is found (`lockFile`, `OWM_LOCK`, or `owm.lock` in the
 * current directory; `locked: false` ignores it), the DataSource must be in
 * it, and what it records, the torrent found for it and every file's size
 * and SHA-256 must match; otherwise nothing is loaded and a
 * {@linkcode LockMismatchError} says what differs. Content here that matches
 * the lock is returned without reading the torrent or the network.
 *
 * @example In a notebook
 * ```ts ignore
 * import * as owm from "owmeta-torrent";
 *
 * const dir = await owm.require("ConnectomeCSVDataSource:2000_connections");
 * const text = await Deno.readTextFile(`${dir}/connectome.csv`);
 * ```
 *
 * @param id `ClassName:key` or `<IRI>`.
 * @param options The store, the lockfile, offline, peers, indexes, a signal, progress.
 * @returns The directory (absolute).
 * @throws {LockMismatchError} when the lock does not pin it or anything differs.
 * @throws {LockFileError} when the lockfile is required but missing, or not valid.
 * @throws {DataSourceNotFoundError} when the store has no such DataSource.
 * @throws {LoadFailedError} when it cannot be loaded (not found, not verified, offline).
 */
export async function require(id: string, options: RequireOptions = {}): Promise<string> {
  const repository = await DataSourceRepository.open(
    options.home === undefined ? {} : { home: options.home },
  );
  const ds = await repository.get(id);
  let entry: LockEntry | undefined;
  const lockFile = resolveLockPath(options.lockFile);
  if (options.locked !== false) {
    const lock = options.locked === true
      ? await requireLockFile(lockFile)
      : await readLockFile(lockFile);
    if (lock) {
      entry = lock.entries.get(ds.identifier);
      if (!entry) {
        const curie = toCurie(ds.identifier, await repository.store.prefixes());
        throw new LockMismatchError(curie, lockFile, [
          { kind: "not-locked", expected: null, actual: null },
        ]);
      }
    }
  }
  await using loaders = defaultRegistry({
    repository,
    ...(options.indexes ? { indexes: options.indexes } : {}),
    ...(options.peers ? { peers: options.peers } : {}),
    ...(options.offline === undefined ? {} : { offline: options.offline }),
    ...(options.repair === undefined ? {} : { repair: options.repair }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.sessionOptions ? { sessionOptions: options.sessionOptions } : {}),
  });
  const progress = {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  if (!entry) return await loaders.registry.load(ds, progress);
  const loaded = await loadLocked(ds, entry, {
    registry: loaders.registry,
    indexes: loaders.indexes,
    lockFile,
    repair: options.repair ?? false,
    offline: loaders.offline,
    ...progress,
  });
  return loaded.directory;
}
