/**
 * Loading a DataSource under its lock: refuse what the lock does not pin
 * before downloading anything, take content already here only when it matches
 * file for file, and check every file of what was downloaded.
 *
 * @module
 */
import { confinedJoin } from "../fs/confine.ts";
import type { DataSource } from "../datasource/data_source.ts";
import { fetchTorrent } from "../index/config.ts";
import type { TorrentIndex } from "../index/torrent_index.ts";
import type { LoadProgress, LoadResult } from "../loader/dir_loader.ts";
import type { LoaderRegistry } from "../loader/registry.ts";
import { parseMetainfo } from "../torrent/metainfo.ts";
import { compareContent, compareRecorded, contentPresent } from "./compare.ts";
import { type LockMismatch, LockMismatchError } from "./errors.ts";
import { contentNameOf, type LockEntry } from "./lock_format.ts";

/** Options of {@linkcode loadLocked}. */
export interface LockedLoadOptions {
  /** The loaders (and the remembered loads). */
  registry: LoaderRegistry;
  /** Where the DataSource's `.torrent` is looked up, to check its infohash before downloading. */
  indexes: readonly TorrentIndex[];
  /** The lockfile the entry came from, for messages. */
  lockFile: string;
  /**
   * Content here that does not match the lock is loaded again (the loader
   * must repair too) instead of refused; what is loaded must still match.
   * @default false
   */
  repair?: boolean;
  /** Skip the index lookup before loading (offline: the loader downloads nothing). */
  offline?: boolean;
  /** Cancels the load. */
  signal?: AbortSignal;
  /** Progress of the check and the load. */
  onProgress?: (progress: LoadProgress) => void;
}

/** What {@linkcode loadLocked} produced. */
export interface LockedLoadResult {
  /** The loaded directory (absolute). */
  directory: string;
  /** The content: `<directory>/<torrent name>`. */
  contentPath: string;
  /** The pinned infohash. */
  infoHash: string;
  /** The content was already here and matched the lock: nothing was loaded (no session, no network). */
  alreadyPresent: boolean;
  /** The loader's result, when the content was loaded (not already here). */
  load?: LoadResult;
}

async function indexInfoHash(
  ds: DataSource,
  indexes: readonly TorrentIndex[],
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  const name = ds.fields.has("torrentFileName") ? ds.get("torrentFileName") : undefined;
  if (typeof name !== "string" || name === "" || indexes.length === 0) return undefined;
  try {
    return parseMetainfo((await fetchTorrent(indexes, name, signal ? { signal } : {})).bytes)
      .infoHash;
  } catch {
    return undefined; // not found or unreadable: the loader reports it (or uses the magnet link)
  }
}

/**
 * Loads `ds` only as its lock entry pins it:
 *
 * 1. what `ds` records (torrent file name, infohash, magnet link) must match
 *    the entry, or nothing is loaded;
 * 2. content already here (where the registry remembers loading it) that
 *    matches every file's size and SHA-256 is returned at once, without the
 *    loaders (no session, no network); content here that differs is refused
 *    unless `repair`;
 * 3. the torrent the index now holds under its torrent file name must have
 *    the pinned infohash, checked before any download;
 * 4. after the load, every file must match: none missing, none added, each
 *    size and SHA-256 as pinned.
 *
 * @example
 * ```ts ignore
 * const lock = await requireLockFile("owm.lock");
 * const entry = lock.entries.get(ds.identifier)!;
 * const { directory } = await loadLocked(ds, entry, { registry, indexes, lockFile: "owm.lock" });
 * ```
 *
 * @param ds The DataSource.
 * @param entry Its lock entry.
 * @param options The registry, the indexes, the lockfile's path, repair, a signal, progress.
 * @returns The directory and whether it was already here.
 * @throws {LockMismatchError} when anything differs from the lock.
 * @throws {LoadFailedError} when the load itself fails.
 */
export async function loadLocked(
  ds: DataSource,
  entry: LockEntry,
  options: LockedLoadOptions,
): Promise<LockedLoadResult> {
  const { signal, onProgress } = options;
  const fail = (mismatches: LockMismatch[], where?: string) =>
    new LockMismatchError(entry.id, options.lockFile, mismatches, where);
  const name = contentNameOf(entry);
  const recorded = compareRecorded(ds, entry);
  if (recorded.length > 0) throw fail(recorded);

  const remembered = await options.registry.loaded(ds);
  if (remembered && await contentPresent(remembered.directory, entry)) {
    onProgress?.({ bytesDone: 0, bytesTotal: entry.size, phase: "verifying" });
    const mismatches = await compareContent(remembered.directory, entry, signal);
    const contentPath = confinedJoin(remembered.directory, name);
    if (mismatches.length === 0) {
      onProgress?.({ bytesDone: entry.size, bytesTotal: entry.size, phase: "verified" });
      return {
        directory: remembered.directory,
        contentPath,
        infoHash: entry.infoHash,
        alreadyPresent: true,
      };
    }
    if (!options.repair) throw fail(mismatches, `the content at ${contentPath}`);
  }

  if (!options.offline) {
    const found = await indexInfoHash(ds, options.indexes, signal);
    const mismatches = found === undefined ? [] : compareRecorded(ds, entry, found);
    if (mismatches.length > 0) throw fail(mismatches);
  }

  const load = await options.registry.load(ds, {
    ...(signal ? { signal } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
  const directory = load.directory;
  const after = await compareContent(directory, entry, signal);
  if (after.length > 0) throw fail(after, `the content loaded into ${directory}`);
  return {
    directory,
    contentPath: confinedJoin(directory, name),
    infoHash: entry.infoHash,
    alreadyPresent: false,
    load,
  };
}
