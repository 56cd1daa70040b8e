/**
 * The catalogue: every dataset in a set of torrent indexes, one entry per
 * `.torrent`, described by the DataSource record beside it (see `record.ts`)
 * and by the torrent itself (size, file count), like the Academic Torrents
 * catalogue. `owm index list|search`, the bridge's `GET /api/index` and the
 * clients show it.
 *
 * @module
 */
import { resolve } from "node:path";
import { classChain } from "../datasource/data_source.ts";
import { parseMetainfo } from "../torrent/metainfo.ts";
import { type DataSourceRecord, recordDataSource, type RecordListing } from "./record.ts";
import type { IndexEntry, TorrentIndex } from "./torrent_index.ts";
import { LocalFolderIndex } from "./local_folder_index.ts";

/** One dataset in the catalogue. */
export interface CatalogueEntry {
  /** `ClassName:key`, or `null` for a torrent without a (valid) record. */
  id: string | null;
  /** The class name, or `null` without a record. */
  class: string | null;
  /** The class and its ancestors, most derived first (what `kind` filters on). */
  classes: string[];
  /** The `title` field. */
  title: string | null;
  /** The `description` field (several joined by blank lines). */
  description: string | null;
  /** Total bytes of the content, from the torrent. */
  size: number | null;
  /** How many files the content holds (pad files left out), from the torrent. */
  fileCount: number | null;
  /** The torrent's infohash (lower-case hex). */
  infoHash: string | null;
  /** When it was published: the `datePublished` field (ISO 8601), when recorded. */
  date: string | null;
  /** The `license` field: an SPDX id or URL. */
  license: string | null;
  /** The `citation` field(s). */
  citation: string[];
  /** The `.torrent` file name in the index. */
  torrentFileName: string;
  /** The index it is in, as its spec (`dir:/srv/t`, `https://…/`, `drive:`). */
  index: string;
  /** Why the record (or the torrent) beside this entry was refused, if it was. */
  problem: string | null;
}

/** An index that could not be read, with why. */
export interface CatalogueProblem {
  /** The index, as its spec. */
  index: string;
  /** What went wrong. */
  message: string;
}

/** The catalogue of a set of indexes. */
export interface Catalogue {
  /** Every entry, sorted by id (entries without a record last), then index. */
  entries: CatalogueEntry[];
  /** Indexes that could not be listed. */
  problems: CatalogueProblem[];
}

/** Options for {@linkcode listCatalogue}. */
export interface ListCatalogueOptions {
  /** Only datasets of this class or its subclasses (by class name). */
  kind?: string | undefined;
  /** Only datasets matching every word of this text (see {@linkcode matchesText}). */
  text?: string | undefined;
  /**
   * Folder indexes (absolute paths) that are simply empty when their folder
   * does not exist yet, e.g. the store's own `<store>/torrents` before its
   * first publication. Any other missing folder is a problem (a typo in a spec).
   */
  optionalFolders?: readonly string[];
  /** Cancels the listing. */
  signal?: AbortSignal;
}

/**
 * Lists every dataset in `indexes`: each index's records and torrents, the
 * torrent read for its size and file count and checked against the record's
 * infohash. An index that fails is reported in `problems`, not thrown.
 *
 * @example
 * ```ts ignore
 * import { LocalFolderIndex } from "./local_folder_index.ts";
 * const { entries } = await listCatalogue([new LocalFolderIndex("/srv/torrents")], { kind: "CSVDataSource" });
 * for (const e of entries) console.log(e.id, e.title, e.license);
 * ```
 */
export async function listCatalogue(
  indexes: readonly TorrentIndex[],
  options: ListCatalogueOptions = {},
): Promise<Catalogue> {
  const entries: CatalogueEntry[] = [];
  const problems: CatalogueProblem[] = [];
  const signal = options.signal ? { signal: options.signal } : {};
  for (const index of indexes) {
    if (
      index instanceof LocalFolderIndex &&
      options.optionalFolders?.some((folder) => resolve(folder) === index.dir) &&
      !(await exists(index.dir))
    ) {
      continue;
    }
    let torrents: IndexEntry[];
    let listing: RecordListing;
    try {
      torrents = index.list ? await index.list(signal) : [];
      listing = await index.listRecords(signal);
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      problems.push({
        index: index.location,
        message: error instanceof Error ? error.message : String(error),
      });
      continue;
    }
    const records = new Map(listing.records.map((r) => [r.torrentFileName, r]));
    const refused = new Map(listing.refused.map((r) => [r.torrentFileName, r.reason]));
    for (const torrent of torrents) {
      entries.push(
        await entryOf(index, torrent, records.get(torrent.name), refused.get(torrent.name)),
      );
    }
  }
  const kept = entries.filter((e) =>
    (options.kind === undefined || e.classes.includes(options.kind)) &&
    (options.text === undefined || matchesText(e, options.text))
  );
  kept.sort((a, b) =>
    compare(a.id ?? "\uffff", b.id ?? "\uffff") || compare(a.index, b.index) ||
    compare(a.torrentFileName, b.torrentFileName)
  );
  return { entries: kept, problems };
}

/**
 * Whether `entry` matches every word of `text`, case-insensitively, in its
 * id, class, title, description, licence, citation, torrent file name or
 * infohash.
 *
 * @example
 * ```ts ignore
 * matchesText(entry, "elegans cc-by"); // true when both words appear somewhere
 * ```
 */
export function matchesText(entry: CatalogueEntry, text: string): boolean {
  const haystack = [
    entry.id,
    ...entry.classes,
    entry.title,
    entry.description,
    entry.license,
    ...entry.citation,
    entry.torrentFileName,
    entry.infoHash,
  ].filter((v): v is string => typeof v === "string").join("\n").toLowerCase();
  return text.toLowerCase().split(/\s+/).filter((w) => w !== "").every((w) => haystack.includes(w));
}

async function entryOf(
  index: TorrentIndex,
  torrent: IndexEntry,
  record: DataSourceRecord | undefined,
  refused: string | undefined,
): Promise<CatalogueEntry> {
  const entry: CatalogueEntry = {
    id: null,
    class: null,
    classes: [],
    title: null,
    description: torrent.description ?? null,
    size: null,
    fileCount: null,
    infoHash: null,
    date: null,
    license: null,
    citation: [],
    torrentFileName: torrent.name,
    index: index.location,
    problem: refused ?? null,
  };
  try {
    const metainfo = parseMetainfo(await index.fetch(torrent.name));
    entry.infoHash = metainfo.infoHash;
    entry.size = metainfo.files.filter((f) => !f.pad).reduce((n, f) => n + f.length, 0);
    entry.fileCount = metainfo.files.filter((f) => !f.pad).length;
  } catch (error) {
    entry.problem = `the torrent cannot be read: ${
      error instanceof Error ? error.message : String(error)
    }`;
    return entry;
  }
  if (!record) return entry;
  if (record.infoHash !== entry.infoHash) {
    entry.problem = `its record names the infohash ${record.infoHash}, not the torrent's: ` +
      `the record was left out; ask whoever published it to publish it again`;
    return entry;
  }
  const ds = await recordDataSource(record);
  const text = (name: string) => {
    const values = ds.fields.has(name) ? ds.getAll(name).map(String) : [];
    return values;
  };
  entry.id = record.id;
  entry.class = record.className;
  entry.classes = classChain(ds.constructor as never).map((c) => c.name);
  entry.title = text("title")[0] ?? null;
  const descriptions = text("description");
  if (descriptions.length > 0) entry.description = descriptions.join("\n\n");
  entry.date = text("datePublished")[0] ?? null;
  entry.license = text("license")[0] ?? null;
  entry.citation = text("citation");
  return entry;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
