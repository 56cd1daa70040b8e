/**
 * Reading `.torrent` files (BEP 3 metainfo) from untrusted bytes.
 *
 * {@linkcode parseMetainfo} checks the structure, computes the v1 infohash
 * from the exact bytes of the `info` dictionary, and returns file paths that
 * are sanitised, unique and relative, ready for {@linkcode confinedJoin}.
 * BitTorrent v2-only torrents are refused as unsupported; hybrid v1+v2
 * torrents load through their v1 part, once the two parts are checked to agree.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { BencodeError, type BencodeNode, decodeBencode } from "./bencode.ts";
import { MetainfoError } from "./metainfo_error.ts";
import {
  checkHybrid,
  intIn,
  MAX_TORRENT_BYTES,
  type RawFile,
  readFileList,
  text,
} from "./metainfo_files.ts";
import { resolveCollisions, sanitizePathComponent, sanitizeTorrentPath } from "./paths.ts";

export { MetainfoError, type MetainfoErrorCode } from "./metainfo_error.ts";

/** One file of a torrent. */
export interface TorrentFile {
  /**
   * Where the file goes, relative to the download directory, `/`-separated:
   * the torrent name, then the sanitised path (a single-file torrent's path is
   * its sanitised name). Unique in the torrent; join it with `confinedJoin`.
   */
  readonly path: string;
  /** The path as the torrent gives it (name first), decoded as UTF-8; for display only. */
  readonly originalPath: readonly string[];
  /** Length in bytes. */
  readonly length: number;
  /** Offset of the file's first byte in the torrent's byte stream. */
  readonly offset: number;
  /** A BEP 47 pad file: zeros that are hashed but never written. */
  readonly pad: boolean;
  /**
   * For a BEP 47 symbolic link (length 0), its target relative to the
   * torrent's root directory, sanitised. Never created as a link by this library.
   */
  readonly symlinkTarget?: string;
}

/** A parsed `.torrent` file. */
export interface Metainfo {
  /** The v1 infohash: lowercase hex SHA-1 of the exact `info` bytes. */
  readonly infoHash: string;
  /** The torrent name, sanitised to one path component (the infohash if nothing usable is left). */
  readonly name: string;
  /** Bytes per piece. */
  readonly pieceLength: number;
  /** Number of pieces. */
  readonly pieceCount: number;
  /** The SHA-1 of each piece, 20 bytes each. */
  readonly pieceHashes: Uint8Array;
  /** Total bytes in all files, pad files included. */
  readonly length: number;
  /** The files, in torrent order, pad files included. */
  readonly files: readonly TorrentFile[];
  /** Tracker URLs (`announce`, then `announce-list` flattened), trimmed, without duplicates. */
  readonly announce: readonly string[];
  /** BEP 19 web seed URLs (`url-list`), trimmed, without duplicates. */
  readonly urlList: readonly string[];
  /** BEP 27 private torrent: no DHT or peer exchange. */
  readonly private: boolean;
  /** The `comment`, if any. */
  readonly comment?: string;
  /** The `created by`, if any. */
  readonly createdBy?: string;
  /** The `creation date`, in seconds since the Unix epoch, if any. */
  readonly creationDate?: number;
  /** Always false: v2-only torrents are refused. */
  readonly v2Only: boolean;
  /** A hybrid v1+v2 torrent (BEP 52), loaded through its v1 part. */
  readonly hybrid: boolean;
  /** The exact bytes of the `info` dictionary. */
  readonly infoBytes: Uint8Array;
  /** The whole `.torrent` file (a copy of the input). */
  readonly bytes: Uint8Array;
}

/** Limits for {@linkcode parseMetainfo}. */
export interface ParseMetainfoOptions {
  /**
   * The largest `.torrent` file accepted, in bytes.
   *
   * @default {67108864}
   */
  maxBytes?: number;
  /**
   * The most pieces accepted (libtorrent's default limit).
   *
   * @default {2097152}
   */
  maxPieces?: number;
}

/** The largest accepted piece length: 512 MiB. */
export const MAX_PIECE_LENGTH = 2 ** 29;

function isWhitespace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

function sha1Hex(bytes: Uint8Array): string {
  return createHash("sha1").update(bytes).digest("hex");
}

function urls(nodes: (BencodeNode | undefined)[]): string[] {
  const out = new Set<string>();
  for (const node of nodes) {
    if (node?.type !== "string") continue;
    const url = text(node).trim();
    if (url !== "") out.add(url);
  }
  return [...out];
}

function listOf(node: BencodeNode | undefined): BencodeNode[] {
  if (node === undefined) return [];
  return node.type === "list" ? [...node.value] : [node];
}

function allSorted(node: BencodeNode): boolean {
  if (node.type === "list") return node.value.every(allSorted);
  if (node.type === "dictionary") return node.sorted && [...node.value.values()].every(allSorted);
  return true;
}

function decodeRoot(bytes: Uint8Array): BencodeNode {
  let end = bytes.length;
  while (end > 0 && isWhitespace(bytes[end - 1])) end--; // a newline added by an editor
  try {
    return decodeBencode(bytes.subarray(0, end));
  } catch (error) {
    if (!(error instanceof BencodeError)) throw error;
    throw new MetainfoError("bencode", `Not a valid .torrent file: ${error.message}`, {
      cause: error,
    });
  }
}

/**
 * Parses a `.torrent` file, refusing anything malformed, hostile or unsupported.
 *
 * @param input The `.torrent` bytes (untrusted; copied, not kept).
 * @param options Limits; see {@linkcode ParseMetainfoOptions}.
 * @returns The metainfo, with sanitised, unique, relative file paths.
 * @throws {MetainfoError} When the torrent cannot be used; `code` says why.
 *
 * @example
 * ```ts
 * import { parseMetainfo } from "./metainfo.ts";
 *
 * const meta = parseMetainfo(await Deno.readFile("tests/testdata/libtorrent/base.torrent"));
 * console.log(meta.infoHash, meta.name, meta.files.map((f) => f.path));
 * ```
 */
export function parseMetainfo(input: Uint8Array, options: ParseMetainfoOptions = {}): Metainfo {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const maxPieces = options.maxPieces ?? 0x200000;
  if (input.length > maxBytes) {
    throw new MetainfoError(
      "too-large",
      `The .torrent file is ${input.length} bytes, more than the ${maxBytes} accepted`,
    );
  }
  const bytes = input.slice();
  const root = decodeRoot(bytes);
  if (root.type !== "dictionary") {
    throw new MetainfoError("not-a-dictionary", `Not a .torrent file: it holds a ${root.type}`);
  }
  const info = root.value.get("info");
  if (info?.type !== "dictionary") {
    throw new MetainfoError("missing-info", "Not a .torrent file: it has no 'info' dictionary");
  }
  const infoBytes = bytes.subarray(info.start, info.end);
  const infoHash = sha1Hex(infoBytes);
  const get = (key: string) => info.value.get(key);

  const versionNode = get("meta version");
  const version = versionNode === undefined ? 1 : intIn(versionNode, 1, 2);
  if (version === undefined) {
    throw new MetainfoError(
      "unsupported-version",
      "The torrent's 'meta version' is not 1 or 2: it needs a newer BitTorrent client",
    );
  }
  const hybrid = version === 2;
  if (hybrid && get("pieces") === undefined) {
    throw new MetainfoError(
      "v2-only-unsupported",
      "This is a BitTorrent v2-only torrent, which is not supported: ask its publisher for a v1 or hybrid torrent",
    );
  }
  if (hybrid && !allSorted(info)) {
    throw new MetainfoError(
      "bencode",
      "The info dictionary of this hybrid torrent has unsorted keys, which BitTorrent v2 forbids",
    );
  }

  const pieceLength = intIn(get("piece length"), 1, MAX_PIECE_LENGTH);
  if (
    pieceLength === undefined ||
    (hybrid && (pieceLength < 16384 || (pieceLength & (pieceLength - 1)) !== 0))
  ) {
    throw new MetainfoError(
      "bad-piece-length",
      `The torrent's 'piece length' is missing or invalid: it must be an integer from 1 to ${MAX_PIECE_LENGTH}${
        hybrid ? ", and a power of two of at least 16384 in a hybrid torrent" : ""
      }`,
    );
  }

  const nameNode = get("name.utf-8")?.type === "string" ? get("name.utf-8") : get("name");
  if (nameNode?.type !== "string") {
    throw new MetainfoError("bad-name", "The torrent's 'name' is missing or not a string");
  }
  const rawName = text(nameNode);
  const name = sanitizePathComponent(rawName) || infoHash;

  const filesNode = get("files");
  const single = filesNode === undefined;
  const raw: RawFile[] = single
    ? [{
      parts: [],
      exactParts: [],
      length: intIn(get("length"), 0, MAX_TORRENT_BYTES) ?? badSingleLength(),
      pad: false,
      symlink: undefined,
    }]
    : readFileList(filesNode);
  if (hybrid) {
    checkHybrid(info, raw, single, new TextDecoder("latin1").decode(nameNode.value), pieceLength);
  }

  const files = layOut(raw, single, name, rawName);
  const last = files[files.length - 1]!;
  const length = last.offset + last.length;
  if (length === 0) {
    throw new MetainfoError("empty-torrent", "The torrent's files hold no data (0 bytes in total)");
  }
  const pieceCount = Math.ceil(length / pieceLength);
  if (pieceCount > maxPieces) {
    throw new MetainfoError(
      "too-many-pieces",
      `The torrent has ${pieceCount} pieces, more than the ${maxPieces} accepted`,
    );
  }
  const pieces = get("pieces");
  if (pieces?.type !== "string" || pieces.value.length !== pieceCount * 20) {
    throw new MetainfoError(
      "bad-pieces",
      `The torrent's 'pieces' must hold ${pieceCount * 20} bytes (20 per piece), but ${
        pieces?.type === "string" ? `holds ${pieces.value.length}` : "is missing or not a string"
      }`,
    );
  }

  const comment = root.value.get("comment.utf-8") ?? root.value.get("comment");
  const createdBy = root.value.get("created by");
  const creationDate = intIn(root.value.get("creation date"), 0, Number.MAX_SAFE_INTEGER);
  const announceList = listOf(root.value.get("announce-list")).flatMap(listOf);
  return {
    infoHash,
    name,
    pieceLength,
    pieceCount,
    pieceHashes: pieces.value,
    length,
    files,
    announce: urls([root.value.get("announce"), ...announceList]),
    urlList: urls(listOf(root.value.get("url-list"))),
    private: intIn(get("private"), 1, 1) === 1,
    ...(comment?.type === "string" ? { comment: text(comment) } : {}),
    ...(createdBy?.type === "string" ? { createdBy: text(createdBy) } : {}),
    ...(creationDate === undefined ? {} : { creationDate }),
    v2Only: false,
    hybrid,
    infoBytes,
    bytes,
  };
}

function badSingleLength(): never {
  throw new MetainfoError(
    "bad-file-size",
    "The torrent's 'length' is missing, negative, not an integer or over 2^48 bytes",
  );
}

/** Sanitises and de-duplicates paths, and computes offsets. */
function layOut(raw: RawFile[], single: boolean, name: string, rawName: string): TorrentFile[] {
  const sanitised = raw.map((file) => single ? [name] : [name, ...sanitizeTorrentPath(file.parts)]);
  let unique: string[][];
  try {
    unique = resolveCollisions(sanitised, { skip: raw.map((file) => file.pad) });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new MetainfoError("too-many-duplicates", `${error.message}: the torrent looks hostile`, {
      cause: error,
    });
  }
  let offset = 0;
  return raw.map((file, i) => {
    const entry: TorrentFile = {
      path: unique[i]!.join("/"),
      originalPath: single ? [rawName] : [rawName, ...file.parts],
      length: file.length,
      offset,
      pad: file.pad,
      ...(file.symlink ? { symlinkTarget: sanitizeTorrentPath(file.symlink).join("/") } : {}),
    };
    offset += file.length;
    if (offset > MAX_TORRENT_BYTES) {
      throw new MetainfoError(
        "bad-file-size",
        "The torrent's files add up to more than 2^48 bytes",
      );
    }
    return entry;
  });
}
