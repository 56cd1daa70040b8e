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
