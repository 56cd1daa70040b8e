/**
 * The lockfile (`owm.lock`): its format, reading and writing it, what a
 * DataSource pins, comparing content, and loading under a lock.
 *
 * @example
 * ```ts ignore
 * import { resolveLockPath } from "owmeta-torrent/lock";
 * console.log(resolveLockPath());
 * ```
 *
 * @module
 */
export {
  LockFileError,
  type LockMismatch,
  LockMismatchError,
  type LockMismatchKind,
  NotLockableError,
} from "./errors.ts";
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
} from "./lock_format.ts";
export {
  mergeLock,
  readLockFile,
  requireLockFile,
  resolveLockPath,
  writeLockFile,
} from "./lock_file.ts";
export {
  lockDataSources,
  type LockDataSourcesResult,
  lockEntryFor,
  type LockOptions,
} from "./lock_sources.ts";
export { compareContent, compareRecorded, contentPresent } from "./compare.ts";
export { type ContentFile, listContent, snapshotContent } from "./content_files.ts";
export { loadLocked, type LockedLoadOptions, type LockedLoadResult } from "./locked_load.ts";
export type { DataSource } from "../datasource/data_source.ts";
export type { DataSourceRepository } from "../datasource/repository.ts";
export type { OwmError } from "../errors/owm_error.ts";
export type { TorrentIndex } from "../index/torrent_index.ts";
export type { LoadProgress, LoadResult } from "../loader/dir_loader.ts";
export type { LoaderRegistry } from "../loader/registry.ts";
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
export type { VerifyReport } from "../integrity/verify.ts";
export type { DataSourceDirLoader, LoadOptions, LoadOrigin } from "../loader/dir_loader.ts";
export type { LoadedEntry } from "../loader/registry.ts";
export type { QueryOptions, SparqlResults } from "../sparql/engine.ts";
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
export type { IntegrityCheck } from "../integrity/verify.ts";
export type { LoadedContent } from "../loader/dir_loader.ts";
export type { BooleanResult, GraphResult, QueryDataset, SelectResults } from "../sparql/engine.ts";
export type { InformationalOptions } from "../datasource/informational.ts";
export type { QuadGraph, QuadObject, QuadPredicate, QuadSubject, Term } from "../graph/rdf.ts";
export type { GraphChanges } from "../graph/store.ts";
export type { CheckKind } from "../integrity/verify.ts";
export type { Bindings } from "../sparql/engine.ts";
export type { BlankNode, DefaultGraph, Literal, NamedNode, Variable } from "../graph/rdf.ts";
export type { CHECK_KINDS } from "../integrity/verify.ts";
export type { FailedPeer, SwarmSummary } from "../torrent/swarm_watch.ts";
