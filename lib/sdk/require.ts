/**
 * `require`: a DataSource's verified directory, for notebooks and scripts, in
 * one call; pinned by the project's `owm.lock` when there is one.
 *
 * @module
 */
import { toCurie } from "../datasource/identifier.ts";
import { DataSourceRepository } from "../datasource/repository.ts";
import type { LoadProgress } from "../loader/dir_loader.ts";
import { LockMismatchError } from "../lock/errors.ts";
import { readLockFile, requireLockFile } from "../lock/lock_file.ts";
import { type EnvReader, processEnv } from "../settings/env.ts";
import { readSettings, type Settings } from "../settings/settings.ts";
import { openStack } from "../stack/stack.ts";
import type { LockEntry } from "../lock/lock_format.ts";
import { loadLocked } from "../lock/locked_load.ts";
import type { TorrentSessionOptions } from "../torrent/session.ts";

/** Options of {@linkcode require}. */
export interface RequireOptions {
  /** The store. @default OWM_HOME, else ./.owm */
  home?: string;
  /** The lockfile. @default OWM_LOCK, else owm.lock in the user's directory (`INIT_CWD`, else the current one) */
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
  const settings = requireSettings(options);
  const repository = await DataSourceRepository.open({ home: settings.home });
  const ds = await repository.get(id);
  let entry: LockEntry | undefined;
  const lockFile = settings.lockFile;
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
  await using stack = openStack({
    settings,
    repository,
    ...(options.sessionOptions ? { sessionOptions: options.sessionOptions } : {}),
    defaultPort: 0,
  });
  const progress = {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  if (!entry) return (await stack.registry.load(ds, progress)).directory;
  const loaded = await loadLocked(ds, entry, {
    registry: stack.registry,
    indexes: stack.reachable,
    lockFile,
    repair: settings.repair,
    offline: settings.offline,
    ...progress,
  });
  return loaded.directory;
}

/**
 * The settings `require()` runs with: its options first, then the
 * environment (`OWM_HOME`, `OWM_INDEXES`, `OWM_OFFLINE`, `OWM_DHT`, …).
 *
 * @example
 * ```ts
 * import { requireSettings } from "./require.ts";
 * import { envFrom } from "../settings/env.ts";
 * console.log(requireSettings({ home: "/tmp/store" }, envFrom({ OWM_DHT: "off" })).dht); // false
 * ```
 *
 * @param options The options of {@linkcode require}.
 * @param env Where variables are read. @default the process's environment
 * @returns The settings.
 * @throws {SettingError} for a variable whose value is not understood.
 */
export function requireSettings(
  options: RequireOptions = {},
  env: EnvReader = processEnv,
): Settings {
  return readSettings({
    home: options.home,
    lockFile: options.lockFile,
    indexes: options.indexes,
    peers: options.peers,
    offline: options.offline,
    repair: options.repair,
    timeoutMs: options.timeoutMs,
  }, env);
}
