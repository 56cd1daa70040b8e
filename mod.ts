/**
 * owmeta-torrent: publish, find, fetch and verify research datasets over
 * BitTorrent, with every dataset described as a DataSource in an RDF graph.
 *
 * This module is the public API. It holds the DataSource model (typed RDF
 * resources with Informational fields), the graph store they are saved in, and
 * the pieces of the `owm` command line that other programs may reuse.
 *
 * @example Define a DataSource kind, save one, read it back
 * ```ts ignore
 * import { CSVDataSource, DataSourceRepository, formatDataSource } from "owmeta-torrent";
 *
 * class ConnectomeCSVDataSource extends CSVDataSource {}
 *
 * const repo = await DataSourceRepository.open({ create: true }); // ./.owm or OWM_HOME
 * await repo.save([
 *   new ConnectomeCSVDataSource({
 *     key: "2000_connections",
 *     csvFileName: "connectome.csv",
 *     torrentFileName: "d9da5ce947c6f1c127dfcdc2ede63320.torrent",
 *   }),
 * ]);
 * const ds = await repo.get("ConnectomeCSVDataSource:2000_connections");
 * console.log(formatDataSource(ds));
 * ```
 *
 * @module
 */

// The DataSource model.
export {
  classNameOf,
  DataSource,
  type DataSourceClass,
  type DataSourceInit,
  fieldsOf,
  rdfTypeOf,
} from "./lib/datasource/data_source.ts";
export { FileDataSource, type FileDataSourceInit } from "./lib/datasource/file_data_source.ts";
export {
  LocalFileDataSource,
  type LocalFileDataSourceInit,
} from "./lib/datasource/local_file_data_source.ts";
export { CSVDataSource, type CSVDataSourceInit } from "./lib/datasource/csv_data_source.ts";
export type {
  FieldDatatype,
  FieldDeclarations,
  FieldValue,
  Informational,
  InformationalOptions,
  JsonValue,
  PropertyType,
} from "./lib/datasource/informational.ts";
export { registerDataSourceClass } from "./lib/datasource/registry.ts";
export {
  DataSourceClassError,
  DataSourceNotFoundError,
  FieldError,
  IdentifierSyntaxError,
} from "./lib/datasource/errors.ts";
export { quoteKey, resolveIdentifier, toCurie } from "./lib/datasource/identifier.ts";
export {
  DATA_SOURCES_NS,
  DEFAULT_DATA_GRAPH,
  SCHEMA_GRAPH,
  SCHEMA_NS,
} from "./lib/datasource/namespaces.ts";
export { formatDataSource } from "./lib/datasource/format.ts";

// Saving and finding DataSources.
export { CollectingSaveContext, type SaveContext } from "./lib/datasource/save_context.ts";
export { DataModuleError, runDataModule } from "./lib/datasource/data_module.ts";
export {
  DataSourceRepository,
  type DataSourceSummary,
  type KindSummary,
  type SaveOptions,
  UnknownKindError,
} from "./lib/datasource/repository.ts";

// The graph store.
export {
  GraphStore,
  type GraphStoreOptions,
  GraphTransaction,
  type QuadPattern,
  resolveStoreHome,
  type UpdateSummary,
} from "./lib/graph/store.ts";
export { StoreCorruptError, StoreFormatError, StoreNotFoundError } from "./lib/graph/errors.ts";
export {
  type BlankNode,
  type DefaultGraph,
  type Literal,
  literal,
  type NamedNode,
  namedNode,
  NQuadsSyntaxError,
  type Quad,
  quad,
  type QuadGraph,
  type QuadObject,
  type QuadPredicate,
  type QuadSubject,
  type Term,
  type Variable,
} from "./lib/graph/rdf.ts";
