/**
 * The BitTorrent tracker the bridge can run, and its allowlist from the
 * graph.
 *
 * @example
 * ```ts ignore
 * import { startTracker } from "owmeta-torrent/tracker";
 * const tracker = await startTracker({ port: 0 });
 * await tracker.close();
 * ```
 *
 * @module
 */
export { graphAllowlist, type GraphAllowlistOptions, graphInfoHashes } from "./graph_allowlist.ts";
export {
  startTracker,
  TorrentNotAllowedError,
  type TorrentStats,
  type Tracker,
  type TrackerAllowlist,
  type TrackerOptions,
  TrackerStartError,
  type TrackerStats,
} from "./tracker.ts";
export type { DataSourceRepository } from "../datasource/repository.ts";
export type { OwmError } from "../errors/owm_error.ts";
export type { DataSource, DataSourceClass } from "../datasource/data_source.ts";
export type { DataSourceSummary, KindSummary, SaveOptions } from "../datasource/repository.ts";
export type { GraphBackend } from "../graph/backend.ts";
export type { UpdateSummary } from "../graph/store.ts";
export type { QueryOptions, SparqlResults } from "../sparql/engine.ts";
export type { DataSourceInit } from "../datasource/data_source.ts";
export type { FieldDeclarations, FieldValue, Informational } from "../datasource/informational.ts";
export type { UpdateOptions } from "../graph/backend.ts";
export type { Quad } from "../graph/rdf.ts";
export type { GraphTransaction, QuadPattern } from "../graph/store.ts";
export type { BooleanResult, GraphResult, QueryDataset, SelectResults } from "../sparql/engine.ts";
export type {
  FieldDatatype,
  InformationalOptions,
  PropertyType,
} from "../datasource/informational.ts";
export type { QuadGraph, QuadObject, QuadPredicate, QuadSubject, Term } from "../graph/rdf.ts";
export type { GraphChanges } from "../graph/store.ts";
export type { Bindings } from "../sparql/engine.ts";
export type { BlankNode, DefaultGraph, Literal, NamedNode, Variable } from "../graph/rdf.ts";
