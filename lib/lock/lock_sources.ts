/**
 * Making lock entries: for each DataSource whose content is present here and
 * verified, its infohash, torrent file name and every file's size and SHA-256.
 *
 * @module
 */
import type { DataSource } from "../datasource/data_source.ts";
import { toCurie } from "../datasource/identifier.ts";
import type { DataSourceRepository } from "../datasource/repository.ts";
import type { TorrentIndex } from "../index/torrent_index.ts";
import { locateContent, type LocatedContent, verifyLocated } from "../loader/located_content.ts";
import { parseMagnet } from "../torrent/magnet.ts";
import { listContent, snapshotContent } from "./content_files.ts";
import { NotLockableError } from "./errors.ts";
import type { LockEntry } from "./lock_format.ts";

/** Options of {@linkcode lockEntryFor} and {@linkcode lockDataSources}. */
export interface LockOptions {
  /** Where the DataSources' `.torrent` files are found (for the piece hashes and the infohash). */
  indexes: readonly TorrentIndex[];
  /** Stops the verification and hashing. */
  signal?: AbortSignal;
}

/** What {@linkcode lockDataSources} locked, and what it passed over. */
export interface LockDataSourcesResult {
  /** The new entries, in the order asked (or listed). */
  entries: LockEntry[];
  /** DataSources passed over (only when no ids were given): their ids and why. */
  skipped: { id: string; reason: string }[];
}

function firstString(ds: DataSource, field: string): string | undefined {
  if (!ds.fields.has(field)) return undefined;
  return ds.getAll(field).find((v): v is string => typeof v === "string" && v !== "");
}

function recordedInfoHash(ds: DataSource): string | undefined {
  const recorded = firstString(ds, "infoHash");
  if (recorded !== undefined && /^[0-9a-f]{40}$/i.test(recorded)) return recorded.toLowerCase();
  const magnet = firstString(ds, "magnetLink");
  if (magnet === undefined) return undefined;
  try {
    return parseMagnet(magnet).infoHash;
  } catch {
    return undefined;
  }
}

/**
 * Why `ds` is not locked on its own, when it was made by a translation and
 * has no torrent: its inputs are what a lock pins, and the translation loader
 * checks a remade output against the SHA-256 it records.
 */
function translatedOnly(ds: DataSource, located: LocatedContent): string | undefined {
  const translated = ds.fields.has("translation") && ds.getAll("translation").length > 0;
  if (!translated || located.meta || recordedInfoHash(ds) !== undefined) return undefined;
  return "made by a translation and not distributed by a torrent: lock its inputs instead (its recorded SHA-256 is checked whenever it is made again)";
}

async function entryOf(
  ds: DataSource,
  id: string,
  located: LocatedContent,
  options: LockOptions,
): Promise<LockEntry> {
  if (!await listContent(located.contentPath)) {
    throw new NotLockableError(
      id,
      `its content is not at ${located.contentPath} any more: fetch it again (owm fetch ${id})`,
    );
  }
  const report = await verifyLocated(ds, located, options.signal);
  if (!report.ok) {
    const failed = report.checks.filter((c) => !c.ok).map((c) =>
      `${c.kind}: expected ${c.expected}, got ${c.actual}`
    );
    throw new NotLockableError(
      id,
      report.checks.length === 0
        ? "nothing recorded to verify its content against (no hash, and its torrent is in no configured index): keep its .torrent in an index, or fetch it so that its hashes are recorded"
        : `its content at ${located.contentPath} does not verify (${
          failed.join("; ")
        }): repair it first (owm fetch --repair ${id})`,
    );
  }
  const recorded = recordedInfoHash(ds);
  const infoHash = located.meta?.infoHash ?? recorded;
  if (infoHash === undefined) {
    throw new NotLockableError(
      id,
      "its infohash is not known (no torrent in the configured indexes, none recorded): fetch it once, which records it",
    );
  }
  if (recorded !== undefined && recorded !== infoHash) {
    throw new NotLockableError(
      id,
      `its torrent in the index has infohash ${infoHash}, but it records ${recorded}: fix the index or the record first`,
    );
  }
  const files = await snapshotContent(located.contentPath, options.signal);
  return {
    iri: ds.identifier,
    id,
    infoHash,
    torrentFileName: firstString(ds, "torrentFileName") ?? null,
    size: files.reduce((sum, f) => sum + f.size, 0),
    fileCount: files.length,
    files,
  };
}

/**
 * The lock entry of `ds`: its content must be present here (fetched or
 * published, as the loaders remember) and verify against everything it
 * records and its torrent's piece hashes.
 *
 * @example
 * ```ts ignore
 * const entry = await lockEntryFor(repo, await repo.get("CSVDataSource:worms"), { indexes });
 * console.log(entry.infoHash, entry.fileCount, entry.size);
 * ```
 *
 * @param repo The repository (its store remembers where content was loaded).
 * @param ds The DataSource.
 * @param options The indexes, a signal.
 * @returns The entry.
 * @throws {NotLockableError} when the content is not present or does not verify.
 */
export async function lockEntryFor(
  repo: DataSourceRepository,
  ds: DataSource,
  options: LockOptions,
): Promise<LockEntry> {
  const id = toCurie(ds.identifier, await repo.store.prefixes());
  const located = await locateContent(repo.store.home, ds, options.indexes, repo.store);
  if (!located) {
    throw new NotLockableError(
      id,
      `its content is not present here (neither fetched nor published with this store): fetch it first (owm fetch ${id})`,
    );
  }
  const why = translatedOnly(ds, located);
  if (why) throw new NotLockableError(id, why);
  return await entryOf(ds, id, located, options);
}

/**
 * Lock entries for `ids`, or, when `ids` is empty, for every DataSource whose
 * content is present here (the others are listed as skipped). All or
 * nothing: any DataSource named that is not present, or any present content
 * that does not verify, fails the whole call.
 *
 * @example
 * ```ts ignore
 * const { entries } = await lockDataSources(repo, [], { indexes });
 * await writeLockFile("owm.lock", mergeLock(await readLockFile("owm.lock"), entries));
 * ```
 *
 * @param repo The repository.
 * @param ids `ClassName:key` or `<IRI>` ids; empty for every present DataSource.
 * @param options The indexes, a signal.
 * @returns The entries, and the DataSources passed over.
 * @throws {NotLockableError} as {@linkcode lockEntryFor}.
 * @throws {DataSourceNotFoundError} for an id the store does not have.
 */
export async function lockDataSources(
  repo: DataSourceRepository,
  ids: readonly string[],
  options: LockOptions,
): Promise<LockDataSourcesResult> {
  const entries: LockEntry[] = [];
  const skipped: { id: string; reason: string }[] = [];
  if (ids.length > 0) {
    const sources = [];
    for (const id of ids) sources.push(await repo.get(id)); // every id exists before any hashing
    for (const ds of sources) entries.push(await lockEntryFor(repo, ds, options));
    return { entries, skipped };
  }
  for (const summary of await repo.list()) {
    const ds = await repo.get(`<${summary.iri}>`);
    const located = await locateContent(repo.store.home, ds, options.indexes, repo.store);
    if (!located || !await listContent(located.contentPath)) {
      skipped.push({ id: summary.id, reason: "not present here" });
      continue;
    }
    const why = translatedOnly(ds, located);
    if (why) {
      skipped.push({ id: summary.id, reason: why });
      continue;
    }
    entries.push(await entryOf(ds, summary.id, located, options));
  }
  return { entries, skipped };
}
