/**
 * The bridge client and its wire types: `Bridge`, its errors, the JSON
 * shapes of the bridge's API, multipart uploads and the server-sent event
 * stream.
 *
 * @example
 * ```ts ignore
 * import { Bridge } from "owmeta-torrent/bridge";
 * await using bridge = await Bridge.connect({ start: false });
 * console.log(bridge.url);
 * ```
 *
 * @module
 */

// Lets Bridge.connect() start a bridge in this process when none runs.
import "../../kernel/in_process.ts";
export { translationRunJson, translatorJson } from "./translation_json.ts";
export {
  Bridge,
  type BridgeConnectOptions,
  type BridgeFetchOptions,
  type BridgeIndexOptions,
  type BridgePublishOptions,
  type BridgeTranslateOptions,
  type BridgeWatchOptions,
} from "./client.ts";
export { BridgeError, type BridgeErrorOptions } from "./errors.ts";
export type { BridgeStartOptions } from "./start.ts";
export type { MultipartBody, UploadFile } from "./multipart.ts";
export { EventSourceParserStream, type ServerSentEvent } from "./sse.ts";
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
} from "./api_types.ts";
export type { OwmError } from "../errors/owm_error.ts";
export type { VerifyReport } from "../integrity/verify.ts";
export type { SparqlResults } from "../sparql/engine.ts";
export type { TranslationRun } from "../translate/run.ts";
export type { DataTranslator } from "../translate/translator.ts";
export type { DataSource, DataSourceClass } from "../datasource/data_source.ts";
export type { IntegrityCheck } from "../integrity/verify.ts";
export type { BooleanResult, GraphResult, SelectResults } from "../sparql/engine.ts";
export type { TranslationRecord } from "../translate/provenance.ts";
export type {
  TranslationContext,
  TranslationInput,
  TranslationResult,
} from "../translate/translator.ts";
export type { DataSourceInit } from "../datasource/data_source.ts";
export type { FieldDeclarations, FieldValue, Informational } from "../datasource/informational.ts";
export type { DataSourceRepository } from "../datasource/repository.ts";
export type { Quad } from "../graph/rdf.ts";
export type { CheckKind } from "../integrity/verify.ts";
export type { Bindings } from "../sparql/engine.ts";
export type {
  FieldDatatype,
  InformationalOptions,
  PropertyType,
} from "../datasource/informational.ts";
export type { DataSourceSummary, KindSummary, SaveOptions } from "../datasource/repository.ts";
export type { GraphBackend } from "../graph/backend.ts";
export type { QuadGraph, QuadObject, QuadPredicate, QuadSubject, Term } from "../graph/rdf.ts";
export type { UpdateSummary } from "../graph/store.ts";
export type { CHECK_KINDS } from "../integrity/verify.ts";
export type { QueryOptions } from "../sparql/engine.ts";
export type { UpdateOptions } from "../graph/backend.ts";
export type { BlankNode, DefaultGraph, Literal, NamedNode, Variable } from "../graph/rdf.ts";
export type { GraphTransaction, QuadPattern } from "../graph/store.ts";
export type { QueryDataset } from "../sparql/engine.ts";
export type { ChainNode, ChainStep } from "../translate/chain.ts";
export type { GraphChanges } from "../graph/store.ts";
