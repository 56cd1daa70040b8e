/**
 * Torrent indexes: a local folder, an HTTP index (and its server), Google
 * Drive, and the index specs (`dir:…`, `http(s)://…`, `drive:…`).
 *
 * @example
 * ```ts ignore
 * import { LocalFolderIndex } from "owmeta-torrent/index";
 * const index = new LocalFolderIndex("./torrents");
 * console.log(await index.list());
 * ```
 *
 * @module
 */
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
} from "./torrent_index.ts";
export { LocalFolderIndex } from "./local_folder_index.ts";
export {
  type Catalogue,
  type CatalogueEntry,
  type CatalogueProblem,
  listCatalogue,
  type ListCatalogueOptions,
  matchesText,
} from "./catalogue.ts";
export {
  buildRecord,
  type DataSourceRecord,
  MAX_RECORD_BYTES,
  MAX_RECORD_STATEMENTS,
  parseRecord,
  type ParseRecordOptions,
  type PutRecordOptions,
  RECORD_MIME_TYPE,
  RECORD_SUFFIX,
  recordDataSource,
  RecordError,
  RecordExistsError,
  recordFileName,
  type RecordListing,
  recordQuads,
  RecordsUnsupportedError,
  recordWriteDecision,
  type RefusedRecord,
  torrentOfRecordFileName,
} from "./record.ts";
export { HttpIndex, type HttpIndexOptions } from "./http_index.ts";
export {
  type HttpIndexListing,
  type HttpIndexListingEntry,
  parseHttpIndexListing,
} from "./http_index_format.ts";
export {
  type HttpIndexServer,
  type HttpIndexServerOptions,
  serveHttpIndex,
} from "./http_index_server.ts";
export { DriveIndex, type DriveIndexOptions } from "./drive_index.ts";
export {
  DRIVE_FILE_SCOPE,
  DRIVE_READONLY_SCOPE,
  type DriveAccess,
  type DriveAuthClient,
  driveScopes,
  type DriveToken,
} from "./drive_credentials.ts";
export { authorizeDrive, type AuthorizeDriveOptions } from "./drive_auth.ts";
export {
  type FetchedTorrent,
  fetchTorrent,
  findTorrent,
  resolveIndexes,
  type ResolveIndexesOptions,
  type TorrentHit,
  TorrentLookupError,
} from "./config.ts";
export type { OwmError } from "../errors/owm_error.ts";
export type { Quad } from "../graph/rdf.ts";
export type { QuadGraph, QuadObject, QuadPredicate, QuadSubject, Term } from "../graph/rdf.ts";
export type { BlankNode, DefaultGraph, Literal, NamedNode, Variable } from "../graph/rdf.ts";
export type { DataSource } from "../datasource/data_source.ts";
export type { FieldValue, Informational } from "../datasource/informational.ts";
export type { FieldDatatype, PropertyType } from "../datasource/informational.ts";
