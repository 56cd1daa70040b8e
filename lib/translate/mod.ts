/**
 * Translators and provenance: the translator interface and registry, the
 * built-in translators (zip, directory, CSV to RDF), running a translation,
 * and the provenance chain.
 *
 * @example
 * ```ts ignore
 * import { builtinTranslators } from "owmeta-torrent/translate";
 * console.log([...builtinTranslators().keys()]);
 * ```
 *
 * @module
 */
export {
  type DataTranslator,
  type TranslationContext,
  TranslationError,
  type TranslationInput,
  TranslationInputError,
  type TranslationInputProblem,
  type TranslationResult,
} from "./translator.ts";
export { TranslatorRegistry } from "./registry.ts";
export { builtinTranslators } from "./builtins.ts";
export {
  checkInputs,
  isOfKind,
  runTranslation,
  type RunTranslationOptions,
  TRANSLATION_LOADER_KEY,
  translationBase,
  type TranslationRun,
} from "./run.ts";
export {
  PROV_NS,
  provenanceTerms,
  readTranslation,
  type TranslationRecord,
  TRANSLATIONS_NS,
  translationsUsing,
  translatorIri,
  TRANSLATORS_NS,
} from "./provenance.ts";
export {
  type ChainNode,
  type ChainStep,
  derivationTree,
  formatChain,
  provenanceTree,
} from "./chain.ts";
export {
  TranslationDataSourceDirLoader,
  type TranslationLoaderOptions,
} from "./translation_loader.ts";
export {
  type ContentTranslationOptions,
  type ContentTranslationRecord,
  contentTranslatorHook,
  translateLoadedContent,
} from "./content_translation.ts";
export { ZIP_TO_DIRECTORY_LIMITS, zipFolderName, zipToDirectory } from "./zip_to_directory.ts";
export { directoryToZip } from "./directory_to_zip.ts";
export { csvGraphName, csvToRdf, STATEMENTS_FILE } from "./csv_to_rdf.ts";
export { CsvTranslationError } from "./csv_errors.ts";
export {
  CSV_PREDICATE_NS,
  CSV_ROW_CLASS,
  type CsvHeaderMode,
  type CsvToRdfOptions,
  parseCsvToRdfOptions,
} from "./csv_options.ts";
export { CSV_COLUMN_TYPES, type CsvColumnType } from "./csv_columns.ts";
export type { ZipLimits } from "../archive/zip_extract.ts";
export type { DataSource, DataSourceClass } from "../datasource/data_source.ts";
export type { DataSourceRepository } from "../datasource/repository.ts";
export type { OwmError } from "../errors/owm_error.ts";
export type { GraphBackend } from "../graph/backend.ts";
export type { Quad } from "../graph/rdf.ts";
export type { TorrentIndex } from "../index/torrent_index.ts";
export type { DataSourceDirLoader, LoadedContent, LoadOptions } from "../loader/dir_loader.ts";
export type { LoaderRegistry } from "../loader/registry.ts";
export type { DataSourceInit } from "../datasource/data_source.ts";
export type { FieldDeclarations, FieldValue, Informational } from "../datasource/informational.ts";
export type { DataSourceSummary, KindSummary, SaveOptions } from "../datasource/repository.ts";
export type { UpdateOptions } from "../graph/backend.ts";
export type { QuadGraph, QuadObject, QuadPredicate, QuadSubject, Term } from "../graph/rdf.ts";
export type { GraphTransaction, QuadPattern, UpdateSummary } from "../graph/store.ts";
export type { DataSourceRecord, PutRecordOptions, RecordListing } from "../index/record.ts";
export type {
  FetchOptions,
  FindOptions,
  IndexEntry,
  PublishOptions,
} from "../index/torrent_index.ts";
export type { LoadProgress, LoadResult } from "../loader/dir_loader.ts";
export type { LoadedEntry } from "../loader/registry.ts";
export type { QueryOptions, SparqlResults } from "../sparql/engine.ts";
export type {
  FieldDatatype,
  InformationalOptions,
  PropertyType,
} from "../datasource/informational.ts";
export type { BlankNode, DefaultGraph, Literal, NamedNode, Variable } from "../graph/rdf.ts";
export type { GraphChanges } from "../graph/store.ts";
export type { RefusedRecord } from "../index/record.ts";
export type { VerifyReport } from "../integrity/verify.ts";
export type { LoadOrigin } from "../loader/dir_loader.ts";
export type { BooleanResult, GraphResult, QueryDataset, SelectResults } from "../sparql/engine.ts";
export type { IntegrityCheck } from "../integrity/verify.ts";
export type { Bindings } from "../sparql/engine.ts";
export type { CheckKind } from "../integrity/verify.ts";
export { CHECK_KINDS } from "../integrity/verify.ts";
export type { FailedPeer, SwarmSummary } from "../torrent/swarm_watch.ts";
