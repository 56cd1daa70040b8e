/**
 * Finding a DataSource through the indexes' records: `owm fetch Class:key` in
 * a store that does not have it (and the bridge's fetch of such an id) asks
 * every configured index for the record beside its `.torrent`
 * (lib/index/record.ts), checks it (records are untrusted input) and saves
 * it in a named graph that says which index it came from:
 * `<http://data.openworm.org/data_sources/graphs/index/<sha256 of the index spec>>`,
 * holding the DataSource's statements and one statement naming the index
 * (`<graph> owmt:fromIndex "dir:/srv/torrents"`).
 *
 * A record never silently changes a DataSource the store already has: when
 * its identity fields (lib/datasource/identity.ts) differ,
 * {@linkcode RecordConflictError} names them, and only `replace` takes the
 * record's.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { type DataSource, type DataSourceClass, idNamespaceOf } from "../datasource/data_source.ts";
import {
  describeIdentityChanges,
  identityChanges,
  type IdentityFieldChange,
} from "../datasource/identity.ts";
import { DATA_SOURCES_NS, OWMT_NS } from "../datasource/namespaces.ts";
import type { DataSourceRepository } from "../datasource/repository.ts";
import { OwmError } from "../errors/owm_error.ts";
import { literal, namedNode, quad } from "../graph/rdf.ts";
import { type DataSourceRecord, recordDataSource, recordQuads } from "../index/record.ts";
import type { TorrentIndex } from "../index/torrent_index.ts";

/** The predicate naming the index a record's graph came from. */
export const FROM_INDEX: string = `${OWMT_NS}fromIndex`;

/** What to look a record up by: the id a user typed, the DataSource's IRI or the infohash. */
export interface RecordQuery {
  /** `ClassName:key`, as typed. */
  id?: string;
  /** The DataSource's IRI. */
  iri?: string;
  /** The torrent's infohash (lower-case hex). */
  infoHash?: string;
}

/** A record found in an index. */
export interface FoundRecord {
  /** The record, checked. */
  record: DataSourceRecord;
  /** The index holding it. */
  index: TorrentIndex;
}

/** What {@linkcode findRecord} found, and what went wrong on the way. */
export interface RecordSearch {
  /** The first index's record that matches, in the indexes' order. */
  found: FoundRecord | undefined;
  /** The indexes asked, by location. */
  asked: string[];
  /** Indexes that could not be read, and records refused, one sentence each. */
  problems: string[];
}

/**
 * Asks each index, in order, for its records and returns the first that
 * matches `query`. An index that cannot be read, or that lists no records,
 * is noted in `problems` and skipped.
 *
 * @example
 * ```ts ignore
 * const { found } = await findRecord(stack.reachable, { id: "CSVDataSource:worms" });
 * if (found) console.log(found.record.infoHash, found.index.location);
 * ```
 */
export async function findRecord(
  indexes: readonly TorrentIndex[],
  query: RecordQuery,
  options: { signal?: AbortSignal } = {},
): Promise<RecordSearch> {
  const asked: string[] = [];
  const problems: string[] = [];
  const infoHash = query.infoHash?.toLowerCase();
  for (const index of indexes) {
    asked.push(index.location);
    let listing;
    try {
      listing = await index.listRecords(options.signal ? { signal: options.signal } : {});
    } catch (error) {
      if (options.signal?.aborted) throw error;
      problems.push(`${index.location}: ${error instanceof Error ? error.message : error}`);
      continue;
    }
    const record = listing.records.find((r) =>
      (query.id !== undefined && r.id === query.id) ||
      (query.iri !== undefined && r.dataSource === query.iri) ||
      (infoHash !== undefined && r.infoHash === infoHash)
    );
    if (record) return { found: { record, index }, asked, problems };
    for (const refused of listing.refused) {
      problems.push(`${index.location}: ${refused.reason}`);
    }
  }
  return { found: undefined, asked, problems };
}

/**
 * The named graph a record from the index `spec` is saved in.
 *
 * @example
 * ```ts
 * import { indexGraph } from "./record_lookup.ts";
 * console.log(indexGraph("dir:/srv/torrents").startsWith("http://data.openworm.org/data_sources/graphs/index/")); // true
 * ```
 */
export function indexGraph(spec: string): string {
  const digest = createHash("sha256").update(spec).digest("hex");
  return `${DATA_SOURCES_NS}graphs/index/${digest}`;
}

/**
 * A record would change a DataSource the store already has in its identity
 * fields (which content it is, or where it lies). Nothing was changed.
 *
 * @example
 * ```ts
 * import { RecordConflictError } from "./record_lookup.ts";
 * const error = new RecordConflictError("CSVDataSource:worms", "dir:/srv/t", [
 *   { field: "infoHash", before: ["aa"], after: ["bb"] },
 * ]);
 * console.log(error.code, error.fields); // record-conflict [ "infoHash" ]
 * ```
 */
export class RecordConflictError extends OwmError {
  /** The error's code: `record-conflict`. */
  override readonly code: string = "record-conflict";
  /** The id. */
  readonly id: string;
  /** The index whose record differs. */
  readonly index: string;
  /** The identity fields that differ, by name. */
  readonly fields: string[];
  /** Each change, store's values → record's. */
  readonly changes: readonly IdentityFieldChange[];
  /** Creates the error. */
  constructor(id: string, index: string, changes: readonly IdentityFieldChange[]) {
    super(
      `${id} in this store differs from the record of it in ${index} in its identity fields (${
        describeIdentityChanges(changes)
      }): nothing was changed. To take the index's record instead, run: owm fetch ${id} --replace (the content here is then verified against it)`,
    );
    this.name = "RecordConflictError";
    this.id = id;
    this.index = index;
    this.fields = changes.map((c) => c.field);
    this.changes = changes;
  }
}

/**
 * No DataSource of that id in the store, and no configured index holds a
 * record of it.
 *
 * @example
 * ```ts
 * import { RecordNotFoundError } from "./record_lookup.ts";
 * const error = new RecordNotFoundError("CSVDataSource:worms", ["dir:/srv/t"], []);
 * console.log(error.code); // not-found
 * ```
 */
export class RecordNotFoundError extends OwmError {
  /** The error's code: `not-found`. */
  override readonly code: string = "not-found";
  /** The id looked for. */
  readonly id: string;
  /** The indexes asked. */
  readonly asked: readonly string[];
  /** Creates the error. */
  constructor(id: string, asked: readonly string[], problems: readonly string[]) {
    super(
      `No data source '${id}' in the store, and no index holds a record of it (asked ${
        asked.length > 0 ? asked.join(", ") : "no index"
      }${
        problems.length > 0 ? `; ${problems.join("; ")}` : ""
      }): check the id with \`owm index list\`, or name the index that holds it (--index SPEC or OWM_INDEXES)`,
    );
    this.name = "RecordNotFoundError";
    this.id = id;
    this.asked = asked;
  }
}

/** What {@linkcode adoptRecord} did. */
export interface AdoptedRecord {
  /** The DataSource, as the store now holds it. */
  dataSource: DataSource;
  /** `saved` (the record was new here), `same` (the store had it, same identity) or `replaced`. */
  outcome: "saved" | "same" | "replaced";
  /** The graph the record was saved in (when saved or replaced). */
  graph?: string;
}

/**
 * Saves `found`'s record in the graph of its index ({@linkcode indexGraph}),
 * unless the store already has that DataSource: with the same identity fields
 * the store's is kept; with others, {@linkcode RecordConflictError}, or with
 * `replace` the store's statements of it are removed and the record's saved.
 *
 * @example
 * ```ts ignore
 * const { dataSource } = await adoptRecord(repo, found);
 * ```
 *
 * @throws {RecordConflictError} when the store's DataSource differs in identity fields and `replace` is not set.
 */
export async function adoptRecord(
  repo: DataSourceRepository,
  found: FoundRecord,
  options: { replace?: boolean } = {},
): Promise<AdoptedRecord> {
  const { record, index } = found;
  const incoming = await recordDataSource(record);
  const existing = await repo.find(`<${record.dataSource}>`);
  if (existing) {
    const changes = identityChanges(existing, incoming).filter((c) =>
      c.before.length > 0 && c.after.length > 0
    );
    if (changes.length === 0) return { dataSource: existing, outcome: "same" };
    if (!options.replace) throw new RecordConflictError(record.id, index.location, changes);
  }
  const graph = indexGraph(index.location);
  const subject = namedNode(record.dataSource);
  const g = namedNode(graph);
  await repo.store.update((tx) => {
    if (existing) tx.removeSubject(subject);
    tx.add(...recordQuads(record, graph));
    tx.remove(...tx.match({ subject: g, predicate: namedNode(FROM_INDEX), graph: g }));
    tx.add(quad(g, namedNode(FROM_INDEX), literal(index.location), g));
    // So that the store names it `ClassName:key`, as a save does.
    const cls = incoming.constructor as DataSourceClass;
    if (!tx.prefixes.has(cls.name)) tx.bindPrefix(cls.name, idNamespaceOf(cls));
  }, { read: [{ subject }, { subject: g }] });
  return {
    dataSource: (await repo.find(`<${record.dataSource}>`)) ?? incoming,
    outcome: existing ? "replaced" : "saved",
    graph,
  };
}

/**
 * The DataSource `id` from the store, else from the first index holding its
 * record (saved by {@linkcode adoptRecord}).
 *
 * @example
 * ```ts ignore
 * const ds = await dataSourceOrRecord(repo, stack.reachable, "CSVDataSource:worms");
 * ```
 *
 * @throws {RecordNotFoundError} when neither the store nor an index has it.
 */
export async function dataSourceOrRecord(
  repo: DataSourceRepository,
  indexes: readonly TorrentIndex[],
  id: string,
  options: { signal?: AbortSignal } = {},
): Promise<{ dataSource: DataSource; adopted?: AdoptedRecord }> {
  const here = await repo.find(id);
  if (here) return { dataSource: here };
  let iri: string | undefined;
  try {
    iri = await repo.resolve(id);
  } catch {
    iri = undefined;
  }
  const search = await findRecord(indexes, { id, ...(iri ? { iri } : {}) }, options);
  if (!search.found) throw new RecordNotFoundError(id, search.asked, search.problems);
  const adopted = await adoptRecord(repo, search.found);
  return { dataSource: adopted.dataSource, adopted };
}
