/**
 * owmeta-torrent: publish, find, fetch and verify research datasets over
 * BitTorrent, with every dataset described as a DataSource in an RDF graph.
 *
 * This module is the SDK a notebook or a script needs: the DataSource model
 * (typed RDF resources with Informational fields) and its repository,
 * `require()` and the lockfile, the fetch stack and its settings, the bridge
 * client, publishing, verifying, the translators, SPARQL queries, notebook
 * display helpers and the main error classes (every one an `OwmError` with a
 * stable `code`).
 *
 * The rest is reachable through subpath exports, one per part:
 * `owmeta-torrent/torrent` (bencode, `.torrent` parsing and creation,
 * magnets, the torrent session), `/graph` (the graph store and backends),
 * `/index` (torrent indexes), `/integrity` (hashes, folder digests),
 * `/loader`, `/cache`, `/lock`, `/translate`, `/bridge` (the client and
 * its wire types), `/notebook`, `/archive` (zip), `/csv`, `/tracker`,
 * `/fs` (path confinement, atomic writes, the file lock) and `/errors`.
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

// Lets Bridge.connect() start a bridge in this process when none runs.
import "./kernel/in_process.ts";

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
export {
  GraphDataSource,
  type GraphDataSourceInit,
  GRAPHS_NS,
} from "./lib/datasource/graph_data_source.ts";
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

// Torrent files: parsing with path safety, creation, magnet links, piece verification.
export { MetainfoError, type MetainfoErrorCode } from "./lib/torrent/metainfo_error.ts";
export { checkContentNames, ownerName } from "./lib/datasource/content_names.ts";
export { InvalidInputError } from "./lib/errors/invalid_input.ts";
export { StoreNotFoundError } from "./lib/graph/errors.ts";
export { TorrentNotFoundError } from "./lib/index/torrent_index.ts";
export {
  errorCode,
  OwmError,
  type OwmErrorOptions,
  OwmRangeError,
  OwmSyntaxError,
  OwmTypeError,
} from "./lib/errors/owm_error.ts";

// Integrity: streaming hashes, the folder digest, the legacy MD5 scheme, verify reports.
export {
  assertVerified,
  CHECK_KINDS,
  type CheckKind,
  type ExpectedIntegrity,
  type IntegrityCheck,
  IntegrityError,
  parseHexDigest,
  type PiecesCheck,
  type PiecesResult,
  verify,
  type VerifyOptions,
  type VerifyReport,
} from "./lib/integrity/verify.ts";

// Torrent indexes: a local folder, an HTTP index, Google Drive.

// Loaders.
export { LoadFailedError, NoLoaderError } from "./lib/loader/errors.ts";
export { type LoadedEntry, LoaderRegistry } from "./lib/loader/registry.ts";
export { OfflineError, type OfflineErrorInit, type OfflineReason } from "./lib/loader/offline.ts";

// Offline mode and the shared content cache.
export {
  defaultIndexes,
  type DefaultRegistry,
  defaultRegistry,
  type DefaultRegistryOptions,
} from "./lib/stack/defaults.ts";
export { openStack, type Stack, type StackOptions } from "./lib/stack/stack.ts";
export {
  readSettings,
  SettingError,
  type Settings,
  type SettingsFlags,
} from "./lib/settings/settings.ts";
export { StoreLayout } from "./lib/settings/store_layout.ts";

// Reproducible pipelines: the lockfile (owm.lock) and require().
export { require, type RequireOptions } from "./lib/sdk/require.ts";
export { lock, type LockDatasetOptions } from "./lib/sdk/lock.ts";
export {
  LockFileError,
  type LockMismatch,
  LockMismatchError,
  type LockMismatchKind,
  NotLockableError,
} from "./lib/lock/errors.ts";
export {
  compareCodePoints,
  contentNameOf,
  LOCK_FILE_NAME,
  LOCK_FORMAT_VERSION,
  type LockContents,
  type LockedFile,
  type LockEntry,
  lockEntryToJson,
  parseLock,
  parseLockEntry,
  serializeLock,
} from "./lib/lock/lock_format.ts";
export {
  mergeLock,
  readLockFile,
  requireLockFile,
  resolveLockPath,
  writeLockFile,
} from "./lib/lock/lock_file.ts";
export {
  lockDataSources,
  type LockDataSourcesResult,
  lockEntryFor,
  type LockOptions,
} from "./lib/lock/lock_sources.ts";

// Translators and provenance.
export {
  type DataTranslator,
  type TranslationContext,
  TranslationError,
  type TranslationInput,
  TranslationInputError,
  type TranslationInputProblem,
  type TranslationResult,
} from "./lib/translate/translator.ts";
export { TranslatorRegistry } from "./lib/translate/registry.ts";
export { builtinTranslators } from "./lib/translate/builtins.ts";
export {
  checkInputs,
  isOfKind,
  runTranslation,
  type RunTranslationOptions,
  TRANSLATION_LOADER_KEY,
  translationBase,
  type TranslationRun,
} from "./lib/translate/run.ts";
export {
  PROV_NS,
  provenanceTerms,
  readTranslation,
  type TranslationRecord,
  TRANSLATIONS_NS,
  translationsUsing,
  translatorIri,
  TRANSLATORS_NS,
} from "./lib/translate/provenance.ts";
export {
  type ChainNode,
  type ChainStep,
  derivationTree,
  formatChain,
  provenanceTree,
} from "./lib/translate/chain.ts";
export {
  TranslationDataSourceDirLoader,
  type TranslationLoaderOptions,
} from "./lib/translate/translation_loader.ts";
export {
  type ContentTranslationOptions,
  type ContentTranslationRecord,
  contentTranslatorHook,
  translateLoadedContent,
} from "./lib/translate/content_translation.ts";
export {
  ZIP_TO_DIRECTORY_LIMITS,
  zipFolderName,
  zipToDirectory,
} from "./lib/translate/zip_to_directory.ts";
export { directoryToZip } from "./lib/translate/directory_to_zip.ts";
export { csvGraphName, csvToRdf, STATEMENTS_FILE } from "./lib/translate/csv_to_rdf.ts";
export { CsvTranslationError } from "./lib/translate/csv_errors.ts";
export {
  CSV_PREDICATE_NS,
  CSV_ROW_CLASS,
  type CsvHeaderMode,
  type CsvToRdfOptions,
  parseCsvToRdfOptions,
} from "./lib/translate/csv_options.ts";
export { CSV_COLUMN_TYPES, type CsvColumnType } from "./lib/translate/csv_columns.ts";

// Zip archives: safe extraction and deterministic creation.

// The torrent engine: one session over webtorrent, behind our own interface.
export { TorrentError, type TorrentErrorCode } from "./lib/torrent/errors.ts";

// Publishing.
export {
  AlreadyPublishedError,
  publish,
  type PublishDataOptions,
  type PublishResult,
} from "./lib/publish/publish.ts";

// The bridge client.
export {
  Bridge,
  type BridgeConnectOptions,
  type BridgeFetchOptions,
  type BridgeIndexOptions,
  type BridgePublishOptions,
  type BridgeTranslateOptions,
  type BridgeWatchOptions,
} from "./lib/bridge/client.ts";
export { BridgeError, type BridgeErrorOptions } from "./lib/bridge/errors.ts";
export type { BridgeStartOptions } from "./lib/bridge/start.ts";
export type { MultipartBody, UploadFile } from "./lib/bridge/multipart.ts";
export type {
  ApiError,
  BridgeEvent,
  BridgeFile,
  CatalogueEntryJson,
  CatalogueJson,
  CreateDataSourceBody,
  DataSourceDetail,
  DataSourceItem,
  FetchAccepted,
  IdentityChange,
  PublishedJson,
  SavedDataSource,
  TorrentStatusJson,
  TranslateBody,
  TranslationJson,
  TranslatorJson,
} from "./lib/bridge/api_types.ts";

// SPARQL: repo.query() answers, the engine interface, errors.
export type {
  Bindings,
  BooleanResult,
  GraphResult,
  QueryDataset,
  QueryForm,
  QueryOptions,
  SelectResults,
  SparqlEngine,
  SparqlResults,
} from "./lib/sparql/engine.ts";
export {
  SparqlEvaluationError,
  SparqlFormatError,
  SparqlSyntaxError,
  SparqlUpdateDisabledError,
} from "./lib/sparql/errors.ts";
export type { SparqlService } from "./lib/sparql/service.ts";

// Notebook display.
export {
  bundleOf,
  chainView,
  dataSourceView,
  display,
  type DisplayCallOptions,
  type DisplayTarget,
  escapeHtml,
  inJupyter,
  JUPYTER_DISPLAY,
  jupyterTarget,
  type MediaBundle,
  ProgressBar,
  progressBar,
  type ProgressBarOptions,
  publishedView,
  RichView,
  sparqlResultsView,
  tableView,
  type TableViewOptions,
  torrentStatusView,
  verifyReportView,
} from "./lib/notebook/display.ts";
export {
  CsvParser,
  type CsvRecordHandler,
  CsvSyntaxError,
  parseCsv,
  type ParseCsvOptions,
} from "./lib/csv/parser.ts";
export { readCsvFile, type ReadCsvFileOptions, type ReadCsvFileResult } from "./lib/csv/read.ts";

// The tracker.

// Types the SDK's signatures use, whose modules are subpaths (owmeta-torrent/<part>).
export type { ZipLimits } from "./lib/archive/zip_extract.ts";
export type { ContentCache } from "./lib/cache/content_cache.ts";
export type { GraphBackend } from "./lib/graph/backend.ts";
export type { GraphTransaction, UpdateSummary } from "./lib/graph/store.ts";
export type { DataSourceRecord } from "./lib/index/record.ts";
export type { IndexEntry, TorrentIndex } from "./lib/index/torrent_index.ts";
export type { HashAlgorithm } from "./lib/integrity/hash.ts";
export type {
  BitTorrentDataSourceDirLoader,
  TorrentLoadOptions,
} from "./lib/loader/bittorrent_loader.ts";
export type {
  DataSourceDirLoader,
  LoadedContent,
  LoadOptions,
  LoadProgress,
  LoadResult,
} from "./lib/loader/dir_loader.ts";
export type { EnvReader } from "./lib/settings/env.ts";
export type { CacheMode } from "./lib/settings/settings.ts";
export type { TorrentHandle, TorrentStatus } from "./lib/torrent/handle.ts";
export type { Metainfo } from "./lib/torrent/metainfo.ts";
export type { TorrentSession, TorrentSessionOptions } from "./lib/torrent/session.ts";
export type { UrlPolicyOptions } from "./lib/torrent/url_policy.ts";
export type {
  CacheAddOptions,
  CachedContent,
  GcOptions,
  GcReport,
} from "./lib/cache/content_cache.ts";
export type { CacheEntryRecord } from "./lib/cache/entry.ts";
export type { PlaceMode, PlaceReport } from "./lib/cache/link.ts";
export type { UpdateOptions } from "./lib/graph/backend.ts";
export type { GraphChanges, QuadPattern } from "./lib/graph/store.ts";
export type { PutRecordOptions, RecordListing } from "./lib/index/record.ts";
export type { FetchOptions, FindOptions, PublishOptions } from "./lib/index/torrent_index.ts";
export { HASH_ALGORITHMS } from "./lib/integrity/hash.ts";
export type { LoadOrigin } from "./lib/loader/dir_loader.ts";
export type {
  DoneOptions,
  RemoveOptions,
  TorrentHandleEventMap,
  TorrentState,
} from "./lib/torrent/handle.ts";
export type { TorrentFile } from "./lib/torrent/metainfo.ts";
export type { AddOptions, SeedOptions } from "./lib/torrent/session.ts";
export type { AddressResolver } from "./lib/torrent/url_policy.ts";
export type { GcPolicy } from "./lib/cache/gc.ts";
export type { RefusedRecord } from "./lib/index/record.ts";
export type { HashOptions } from "./lib/integrity/hash.ts";
export type { KnownIntegrity } from "./lib/integrity/verify.ts";
export type { FailedPeer, SwarmSummary } from "./lib/torrent/swarm_watch.ts";
export type { PieceSink, PieceSinkFactory } from "./lib/torrent/piece_sink.ts";
export type { HashProgress } from "./lib/integrity/hash.ts";
export type { ContentDigests } from "./lib/integrity/content_digest.ts";
export type { FileStamp } from "./lib/torrent/safe_store.ts";
export type { Layout } from "./lib/torrent/layout.ts";
export type { Digests } from "./lib/integrity/hash.ts";
export type { PlacedFile } from "./lib/torrent/layout.ts";
