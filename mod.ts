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
  GraphStore,
  type GraphStoreOptions,
  GraphTransaction,
  type QuadPattern,
  resolveStoreHome,
  type UpdateSummary,
} from "./lib/graph/store.ts";
export {
  StoreCorruptError,
  StoreFormatError,
  StoreNotFoundError,
  StoreWriteError,
} from "./lib/graph/errors.ts";
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
export {
  type BencodeDictionary,
  BencodeError,
  type BencodeInput,
  type BencodeInteger,
  type BencodeList,
  type BencodeNode,
  type BencodeRange,
  type BencodeString,
  decodeBencode,
  type DecodeBencodeOptions,
  encodeBencode,
} from "./lib/torrent/bencode.ts";
export {
  MAX_PIECE_LENGTH,
  type Metainfo,
  parseMetainfo,
  type ParseMetainfoOptions,
  type TorrentFile,
} from "./lib/torrent/metainfo.ts";
export { MetainfoError, type MetainfoErrorCode } from "./lib/torrent/metainfo_error.ts";
export {
  MAX_COMPONENT_BYTES,
  resolveCollisions,
  type ResolveCollisionsOptions,
  sanitizePathComponent,
  sanitizeTorrentPath,
} from "./lib/torrent/paths.ts";
export {
  assertInside,
  checkRelativeName,
  confinedFieldPath,
  confinedJoin,
  confinedPath,
  confinedRealPath,
  LinkEscapeError,
  PathEscapeError,
  relativeNameProblem,
  UnsafeFieldPathError,
} from "./lib/fs/confine.ts";
export { checkContentNames, ownerName } from "./lib/datasource/content_names.ts";
export {
  choosePieceLength,
  type CreatedTorrent,
  createTorrent,
  CreateTorrentError,
  type CreateTorrentOptions,
  NameCollisionError,
  UnsupportedFileError,
} from "./lib/torrent/create.ts";
export {
  type AddressResolver,
  checkUrls,
  refusedAddressReason,
  RefusedUrlError,
  type UrlKind,
  type UrlPolicyOptions,
  urlRefusal,
} from "./lib/torrent/url_policy.ts";
export { InvalidInputError } from "./lib/errors/invalid_input.ts";
export {
  errorCode,
  OwmError,
  type OwmErrorOptions,
  OwmRangeError,
  OwmSyntaxError,
  OwmTypeError,
} from "./lib/errors/owm_error.ts";
export {
  isPeerAddress,
  isUsableUrl,
  type Magnet,
  MagnetError,
  magnetLink,
  type MagnetLinkOptions,
  parseMagnet,
} from "./lib/torrent/magnet.ts";
export {
  verifyPieces,
  type VerifyPiecesOptions,
  type VerifyPiecesProgress,
  type VerifyPiecesReport,
} from "./lib/torrent/verify_pieces.ts";

// Integrity: streaming hashes, the folder digest, the legacy MD5 scheme, verify reports.
export {
  DEFAULT_BUFFER_SIZE,
  type Digests,
  type FileDigests,
  HASH_ALGORITHMS,
  type HashAlgorithm,
  hashFile,
  type HashOptions,
  type HashProgress,
  hashStream,
  hashTree,
} from "./lib/integrity/hash.ts";
export {
  listTree,
  type ListTreeOptions,
  type TreeEntry,
  TreeEntryError,
} from "./lib/integrity/tree.ts";
export {
  ContentChangedError,
  type ContentDigests,
  digestContent,
  folderDigest,
} from "./lib/integrity/content_digest.ts";
export { legacyMd5, legacyNameOf, legacyTorrentFileName } from "./lib/integrity/legacy.ts";
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
export { recordedIntegrity } from "./lib/integrity/recorded.ts";
export {
  isNamedAsTorrent,
  torrentPiecesCheck,
  type TorrentPiecesCheckOptions,
} from "./lib/integrity/torrent_pieces.ts";

// Torrent indexes: a local folder, an HTTP index, Google Drive.
export {
  DEFAULT_MAX_TORRENT_BYTES,
  type FetchOptions,
  type FindOptions,
  IndexAuthError,
  type IndexAuthReason,
  type IndexEntry,
  IndexError,
  type IndexRef,
  isTorrentFileName,
  type PublishOptions,
  TORRENT_MIME_TYPE,
  TorrentExistsError,
  type TorrentIndex,
  TorrentNotFoundError,
  validateTorrentFileName,
} from "./lib/index/torrent_index.ts";
export { LocalFolderIndex } from "./lib/index/local_folder_index.ts";
export { HttpIndex, type HttpIndexOptions } from "./lib/index/http_index.ts";
export {
  type HttpIndexListing,
  type HttpIndexListingEntry,
  parseHttpIndexListing,
} from "./lib/index/http_index_format.ts";
export {
  type HttpIndexServer,
  type HttpIndexServerOptions,
  serveHttpIndex,
} from "./lib/index/http_index_server.ts";
export { DriveIndex, type DriveIndexOptions } from "./lib/index/drive_index.ts";
export {
  DRIVE_FILE_SCOPE,
  DRIVE_READONLY_SCOPE,
  type DriveAccess,
  type DriveAuthClient,
  driveScopes,
  type DriveToken,
} from "./lib/index/drive_credentials.ts";
export { authorizeDrive, type AuthorizeDriveOptions } from "./lib/index/drive_auth.ts";
export {
  type FetchedTorrent,
  fetchTorrent,
  findTorrent,
  resolveIndexes,
  type ResolveIndexesOptions,
  type TorrentHit,
  TorrentLookupError,
} from "./lib/index/config.ts";

// Loaders.
export {
  DataSourceDirLoader,
  type LoadedContent,
  type LoadOptions,
  type LoadOrigin,
  type LoadProgress,
  type LoadResult,
} from "./lib/loader/dir_loader.ts";
export { LoadFailedError, NoLoaderError } from "./lib/loader/errors.ts";
export { type LoadedEntry, LoaderRegistry } from "./lib/loader/registry.ts";
export {
  BitTorrentDataSourceDirLoader,
  type BitTorrentLoaderOptions,
  type TorrentLoadOptions,
} from "./lib/loader/bittorrent_loader.ts";
export { OfflineError, type OfflineErrorInit, type OfflineReason } from "./lib/loader/offline.ts";

// Offline mode and the shared content cache.
export {
  type CacheAddOptions,
  type CachedContent,
  CacheError,
  ContentCache,
  type ContentCacheOptions,
  type GcOptions,
  type GcReport,
} from "./lib/cache/content_cache.ts";
export { type CacheEntryRecord, CacheRecordError } from "./lib/cache/entry.ts";
export { type GcPlan, type GcPolicy, planGc } from "./lib/cache/gc.ts";
export { cacheLinksFromEnv, defaultCacheDir, offlineFromEnv } from "./lib/cache/env.ts";
export {
  type Rejected,
  type Served,
  serveFromCache,
  type ServeOptions,
} from "./lib/cache/serve.ts";
export { type PlaceOptions, type PlaceReport } from "./lib/cache/link.ts";
export {
  defaultIndexes,
  type DefaultRegistry,
  defaultRegistry,
  type DefaultRegistryOptions,
} from "./lib/stack/defaults.ts";
export {
  openStack,
  type Stack,
  type StackOptions,
} from "./lib/stack/stack.ts";
export {
  readSettings,
  SettingError,
  type Settings,
  type SettingsFlags,
} from "./lib/settings/settings.ts";
export { StoreLayout } from "./lib/settings/store_layout.ts";

// Reproducible pipelines: the lockfile (owm.lock) and require().
export { require, type RequireOptions } from "./lib/sdk/require.ts";
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
export { compareContent, compareRecorded, contentPresent } from "./lib/lock/compare.ts";
export { type ContentFile, listContent, snapshotContent } from "./lib/lock/content_files.ts";
export {
  loadLocked,
  type LockedLoadOptions,
  type LockedLoadResult,
} from "./lib/lock/locked_load.ts";

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
export { translationRunJson, translatorJson } from "./lib/bridge/translation_json.ts";
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
export {
  type ExtractedZip,
  extractZip,
  type ExtractZipOptions,
  type ZipLimits,
  ZipRefusedError,
} from "./lib/archive/zip_extract.ts";
export {
  type CreatedZip,
  createZip,
  type CreateZipOptions,
  ZipSourceError,
} from "./lib/archive/zip_create.ts";

// The torrent engine: one session over webtorrent, behind our own interface.
export {
  type AddOptions,
  DEFAULT_PORT,
  type SeedOptions,
  TorrentSession,
  type TorrentSessionOptions,
} from "./lib/torrent/session.ts";
export {
  type DoneOptions,
  type RemoveOptions,
  TorrentHandle,
  type TorrentHandleEventMap,
  type TorrentState,
  type TorrentStatus,
} from "./lib/torrent/handle.ts";
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
  type BridgePublishOptions,
  type BridgeTranslateOptions,
  type BridgeWatchOptions,
} from "./lib/bridge/client.ts";
export { BridgeError, type BridgeErrorOptions } from "./lib/bridge/errors.ts";
export type { BridgeStartOptions } from "./lib/bridge/start.ts";
export type { MultipartBody, UploadFile } from "./lib/bridge/multipart.ts";
export { EventSourceParserStream, type ServerSentEvent } from "./lib/bridge/sse.ts";
export type {
  ApiError,
  BridgeEvent,
  BridgeFile,
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
export {
  graphAllowlist,
  type GraphAllowlistOptions,
  graphInfoHashes,
} from "./lib/tracker/graph_allowlist.ts";
export {
  startTracker,
  TorrentNotAllowedError,
  type TorrentStats,
  type Tracker,
  type TrackerAllowlist,
  type TrackerOptions,
  TrackerStartError,
  type TrackerStats,
} from "./lib/tracker/tracker.ts";
