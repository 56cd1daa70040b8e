/**
 * Torrent files and the torrent engine: bencode, `.torrent` parsing with
 * path safety, creation, magnet links, piece verification, the URL policy,
 * and the one session over webtorrent.
 *
 * @example
 * ```ts ignore
 * import { parseMetainfo } from "owmeta-torrent/torrent";
 * const bytes = await Deno.readFile("d9da5ce947c6f1c127dfcdc2ede63320.torrent");
 * console.log(parseMetainfo(bytes).name);
 * ```
 *
 * @module
 */
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
} from "./bencode.ts";
export {
  MAX_PIECE_LENGTH,
  type Metainfo,
  parseMetainfo,
  type ParseMetainfoOptions,
  type TorrentFile,
} from "./metainfo.ts";
export { MetainfoError, type MetainfoErrorCode } from "./metainfo_error.ts";
export {
  MAX_COMPONENT_BYTES,
  resolveCollisions,
  type ResolveCollisionsOptions,
  sanitizePathComponent,
  sanitizeTorrentPath,
} from "./paths.ts";
export {
  choosePieceLength,
  type CreatedTorrent,
  createTorrent,
  CreateTorrentError,
  type CreateTorrentOptions,
  NameCollisionError,
  UnsupportedFileError,
} from "./create.ts";
export {
  type AddressResolver,
  checkUrls,
  refusedAddressReason,
  RefusedUrlError,
  type UrlKind,
  type UrlPolicyOptions,
  urlRefusal,
} from "./url_policy.ts";
export {
  isPeerAddress,
  isUsableUrl,
  type Magnet,
  MagnetError,
  magnetLink,
  type MagnetLinkOptions,
  parseMagnet,
} from "./magnet.ts";
export {
  verifyPieces,
  type VerifyPiecesOptions,
  type VerifyPiecesProgress,
  type VerifyPiecesReport,
} from "./verify_pieces.ts";
export {
  type AddOptions,
  DEFAULT_PORT,
  type SeedOptions,
  TorrentSession,
  type TorrentSessionOptions,
} from "./session.ts";
export {
  type DoneOptions,
  type RemoveOptions,
  TorrentHandle,
  type TorrentHandleEventMap,
  type TorrentState,
  type TorrentStatus,
} from "./handle.ts";
export { TorrentError, type TorrentErrorCode } from "./errors.ts";
export type { InvalidInputError } from "../errors/invalid_input.ts";
export type { OwmError, OwmSyntaxError } from "../errors/owm_error.ts";
export type { OwmTypeError } from "../errors/owm_error.ts";
export type { FailedPeer, SwarmSummary } from "./swarm_watch.ts";
export type { PieceSink, PieceSinkFactory } from "./piece_sink.ts";
export type { FileStamp } from "./safe_store.ts";
export type { Layout } from "./layout.ts";
export type { PlacedFile } from "./layout.ts";
