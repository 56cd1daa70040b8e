/**
 * Integrity: streaming hashes, the folder digest, the legacy MD5 scheme,
 * recorded integrity and verify reports.
 *
 * @example
 * ```ts ignore
 * import { verify } from "owmeta-torrent/integrity";
 * const report = await verify("./data", { md5: "d9da5ce947c6f1c127dfcdc2ede63320" });
 * console.log(report.ok);
 * ```
 *
 * @module
 */
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
} from "./hash.ts";
export { listTree, type ListTreeOptions, type TreeEntry, TreeEntryError } from "./tree.ts";
export {
  ContentChangedError,
  type ContentDigests,
  digestContent,
  folderDigest,
} from "./content_digest.ts";
export { legacyMd5, legacyNameOf, legacyTorrentFileName } from "./legacy.ts";
export {
  assertVerified,
  CHECK_KINDS,
  type CheckKind,
  type ExpectedIntegrity,
  type IntegrityCheck,
  IntegrityError,
  type KnownIntegrity,
  parseHexDigest,
  type PiecesCheck,
  type PiecesResult,
  verify,
  type VerifyOptions,
  type VerifyReport,
} from "./verify.ts";
export { recordedIntegrity } from "./recorded.ts";
export {
  isNamedAsTorrent,
  torrentPiecesCheck,
  type TorrentPiecesCheckOptions,
} from "./torrent_pieces.ts";
export type { DataSource } from "../datasource/data_source.ts";
export type { OwmError } from "../errors/owm_error.ts";
export type { Metainfo } from "../torrent/metainfo.ts";
export type { FieldValue, Informational } from "../datasource/informational.ts";
export type { TorrentFile } from "../torrent/metainfo.ts";
export type { FieldDatatype, PropertyType } from "../datasource/informational.ts";
