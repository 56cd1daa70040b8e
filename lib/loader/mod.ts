/**
 * Loaders: how a DataSource's content becomes a local folder (the registry,
 * the directory loaders, the BitTorrent loader, offline mode).
 *
 * @example
 * ```ts ignore
 * import { LoaderRegistry } from "owmeta-torrent/loader";
 * console.log(typeof LoaderRegistry);
 * ```
 *
 * @module
 */
export {
  DataSourceDirLoader,
  type LoadedContent,
  type LoadOptions,
  type LoadOrigin,
  type LoadProgress,
  type LoadResult,
} from "./dir_loader.ts";
export { LoadFailedError, NoLoaderError } from "./errors.ts";
export { type LoadedEntry, LoaderRegistry } from "./registry.ts";
export {
  BitTorrentDataSourceDirLoader,
  type BitTorrentLoaderOptions,
  type TorrentLoadOptions,
} from "./bittorrent_loader.ts";
export { OfflineError, type OfflineErrorInit, type OfflineReason } from "./offline.ts";
export type { ContentCache } from "../cache/content_cache.ts";
export type { DataSource } from "../datasource/data_source.ts";
export type { DataSourceRepository } from "../datasource/repository.ts";
export type { OwmError } from "../errors/owm_error.ts";
export type { TorrentIndex } from "../index/torrent_index.ts";
export type { VerifyReport } from "../integrity/verify.ts";
export type { TorrentSession } from "../torrent/session.ts";
export type {
  CacheAddOptions,
  CachedContent,
  GcOptions,
  GcReport,
} from "../cache/content_cache.ts";
export type { CacheEntryRecord } from "../cache/entry.ts";
export type { PlaceMode, PlaceReport } from "../cache/link.ts";
export type { DataSourceClass } from "../datasource/data_source.ts";
export type { FieldValue, Informational } from "../datasource/informational.ts";
export type { DataSourceSummary, KindSummary, SaveOptions } from "../datasource/repository.ts";
export type { GraphBackend } from "../graph/backend.ts";
export type { UpdateSummary } from "../graph/store.ts";
export type { DataSourceRecord, PutRecordOptions, RecordListing } from "../index/record.ts";
export type {
  FetchOptions,
  FindOptions,
  IndexEntry,
  PublishOptions,
} from "../index/torrent_index.ts";
export type { IntegrityCheck } from "../integrity/verify.ts";
export type { QueryOptions, SparqlResults } from "../sparql/engine.ts";
export type { TorrentHandle } from "../torrent/handle.ts";
export type { Metainfo } from "../torrent/metainfo.ts";
export type { AddOptions, SeedOptions } from "../torrent/session.ts";
export type { GcPolicy } from "../cache/gc.ts";
export type { DataSourceInit } from "../datasource/data_source.ts";
export type {
  FieldDatatype,
  FieldDeclarations,
  PropertyType,
} from "../datasource/informational.ts";
export type { UpdateOptions } from "../graph/backend.ts";
export type { Quad } from "../graph/rdf.ts";
export type { GraphTransaction, QuadPattern } from "../graph/store.ts";
export type { RefusedRecord } from "../index/record.ts";
export type { CheckKind } from "../integrity/verify.ts";
export type { BooleanResult, GraphResult, QueryDataset, SelectResults } from "../sparql/engine.ts";
export type {
  DoneOptions,
  RemoveOptions,
  TorrentHandleEventMap,
  TorrentStatus,
} from "../torrent/handle.ts";
export type { TorrentFile } from "../torrent/metainfo.ts";
export type { InformationalOptions } from "../datasource/informational.ts";
export type { QuadGraph, QuadObject, QuadPredicate, QuadSubject, Term } from "../graph/rdf.ts";
export type { GraphChanges } from "../graph/store.ts";
export type { CHECK_KINDS } from "../integrity/verify.ts";
export type { Bindings } from "../sparql/engine.ts";
export type { TorrentState } from "../torrent/handle.ts";
export type { BlankNode, DefaultGraph, Literal, NamedNode, Variable } from "../graph/rdf.ts";
export type { FailedPeer, SwarmSummary } from "../torrent/swarm_watch.ts";
export type { PieceSink, PieceSinkFactory } from "../torrent/piece_sink.ts";
export type { FileStamp } from "../torrent/safe_store.ts";
export type { Layout } from "../torrent/layout.ts";
export type { PlacedFile } from "../torrent/layout.ts";
