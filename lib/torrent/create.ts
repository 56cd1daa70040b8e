/**
 * Making a v1 `.torrent` from a file or a folder.
 *
 * @module
 */
import { createHash, type Hash } from "node:crypto";
import { basename, isAbsolute, join, relative, resolve, sep } from "node:path";
import { type BencodeInput, encodeBencode } from "./bencode.ts";
import { isUsableUrl } from "./magnet.ts";
import { type Metainfo, parseMetainfo } from "./metainfo.ts";

/** A file or folder that cannot be made into a torrent. */
export class CreateTorrentError extends Error {
  /** The path at fault. */
  readonly path: string;
  /** Creates the error for `path`. */
  constructor(path: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CreateTorrentError";
    this.path = path;
  }
}

/** Options for {@linkcode createTorrent}. */
export interface CreateTorrentOptions {
  /** The torrent name. @default {the base name of the path} */
  name?: string;
  /** Tracker URLs (http, https, udp, ws, wss): the first is `announce`, all are in `announce-list`. */
  trackers?: readonly string[];
  /** BEP 19 web seed URLs (http, https), in `url-list`. */
  webSeeds?: readonly string[];
  /** Bytes per piece, a power of two from 16 KiB to 512 MiB. @default {choosePieceLength(total)} */
  pieceLength?: number;
  /** BEP 27 private torrent. @default {false} */
  private?: boolean;
  /** The `comment`. */
  comment?: string;
  /** The `created by`. */
  createdBy?: string;
  /** The `creation date`; left out by default so the same input gives the same file. */
  creationDate?: Date | number;
  /** Called after each read with the bytes hashed so far and the total. */
  onProgress?: (hashed: number, total: number) => void;
  /** Stops hashing (the call rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** The result of {@linkcode createTorrent}. */
export interface CreatedTorrent {
  /** The `.torrent` file. */
  readonly bytes: Uint8Array;
  /** The same, parsed. */
  readonly metainfo: Metainfo;
}

interface SourceFile {
  readonly parts: string[];
  readonly path: string;
  readonly size: number;
}

const MIN_PIECE = 16 * 1024;
const MAX_CHOSEN_PIECE = 16 * 1024 * 1024;
const TARGET_MAX_PIECES = 2000;
const READ_SIZE = 1024 * 1024;

/**
 * Chooses a piece length for `totalBytes`: the smallest power of two from
 * 16 KiB that gives at most 2,000 pieces, capped at 16 MiB.
 *
 * @param totalBytes The torrent's total size.
 * @returns The piece length in bytes.
 *
 * @example
 * ```ts
 * import { choosePieceLength } from "./create.ts";
 *
 * choosePieceLength(1024 ** 3); // 1048576 (1,024 pieces of 1 MiB)
 * ```
 */
export function choosePieceLength(totalBytes: number): number {
  let length = MIN_PIECE;
  while (length < MAX_CHOSEN_PIECE && Math.ceil(totalBytes / length) > TARGET_MAX_PIECES) {
    length *= 2;
  }
  return length;
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

async function collect(root: string, dir: string, parts: string[], out: SourceFile[]) {
  const entries: Deno.DirEntry[] = [];
  for await (const entry of Deno.readDir(dir)) entries.push(entry);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const here = [...parts, entry.name];
    if (entry.isDirectory) {
      await collect(root, path, here, out);
      continue;
    }
    let target = path;
    if (entry.isSymlink) {
      try {
        target = await Deno.realPath(path);
      } catch (error) {
        throw new CreateTorrentError(path, `Cannot add '${path}': it is a broken symbolic link`, {
          cause: error,
        });
      }
      if (!inside(root, target)) {
        throw new CreateTorrentError(
          path,
          `Cannot add '${path}': it is a symbolic link to '${target}', outside the folder; copy the file in or remove the link`,
        );
      }
    }
    const stat = await Deno.stat(target);
    if (!stat.isFile) {
      throw new CreateTorrentError(
        path,
        stat.isDirectory
          ? `Cannot add '${path}': it is a symbolic link to a folder; replace it with the folder or remove it`
          : `Cannot add '${path}': it is not a regular file (a device, socket or pipe); remove it`,
      );
    }
    out.push({ parts: here, path: target, size: stat.size });
  }
}

async function sourceFiles(path: string): Promise<{ files: SourceFile[]; single: boolean }> {
  let real: string;
  try {
    real = await Deno.realPath(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new CreateTorrentError(
      path,
      `Cannot create a torrent from '${path}': it does not exist`,
      {
        cause: error,
      },
    );
  }
  const stat = await Deno.stat(real);
  if (stat.isFile) return { files: [{ parts: [], path: real, size: stat.size }], single: true };
  if (!stat.isDirectory) {
    throw new CreateTorrentError(
      path,
      `Cannot create a torrent from '${path}': it is neither a regular file nor a folder`,
    );
  }
  const files: SourceFile[] = [];
  await collect(real, real, [], files);
  return { files, single: false };
}

/** Hashes the concatenated files, piece by piece, reading 1 MiB at a time. */
async function hashPieces(
  files: readonly SourceFile[],
  pieceLength: number,
  total: number,
  options: CreateTorrentOptions,
): Promise<Uint8Array> {
  const pieces = new Uint8Array(Math.ceil(total / pieceLength) * 20);
  const buffer = new Uint8Array(READ_SIZE);
  let hash: Hash = createHash("sha1");
  let inPiece = 0;
  let index = 0;
  let hashed = 0;
  const finish = () => {
    pieces.set(hash.digest(), index++ * 20);
    hash = createHash("sha1");
    inPiece = 0;
  };
  for (const file of files) {
    using handle = await Deno.open(file.path, { read: true });
    let left = file.size;
    while (left >= 0) {
      options.signal?.throwIfAborted();
      const count = await handle.read(buffer.subarray(0, Math.max(1, Math.min(READ_SIZE, left))));
      if ((count === null) !== (left === 0)) {
        throw new CreateTorrentError(
          file.path,
          `Cannot add '${file.path}': it changed size while being read; try again when it is complete`,
        );
      }
      if (count === null) break;
      for (let at = 0; at < count;) {
        const take = Math.min(pieceLength - inPiece, count - at);
        hash.update(buffer.subarray(at, at + take));
        at += take;
        inPiece += take;
        if (inPiece === pieceLength) finish();
      }
      left -= count;
      hashed += count;
      options.onProgress?.(hashed, total);
    }
  }
  if (inPiece > 0) finish();
  return pieces;
}

function checkOptions(options: CreateTorrentOptions): void {
  for (const url of options.trackers ?? []) {
    if (!isUsableUrl(url, "tracker")) {
      throw new TypeError(`Tracker '${url}' is not an http, https, udp, ws or wss URL`);
    }
  }
  for (const url of options.webSeeds ?? []) {
    if (!isUsableUrl(url, "web seed")) {
      throw new TypeError(`Web seed '${url}' is not an http or https URL`);
    }
  }
  const length = options.pieceLength;
  if (
    length !== undefined &&
    (!Number.isInteger(length) || length < MIN_PIECE || length > 2 ** 29 ||
      (length & (length - 1)) !== 0)
  ) {
    throw new RangeError(`Piece length ${length} is not a power of two from 16384 to 536870912`);
  }
  const name = options.name;
  if (
    name !== undefined && (name === "" || name === "." || name === ".." || /[/\\\0]/.test(name))
  ) {
    throw new RangeError(`Torrent name '${name}' is not a single file name`);
  }
}

/**
 * Makes a v1 `.torrent` from a file (a single-file torrent) or a folder (a
 * multi-file torrent of every file below it, in sorted path order; empty
 * folders are left out). Files are streamed, never read whole. The same input
 * and options give the same bytes, hence the same infohash: no creation date
 * is written unless given. Symbolic links are followed only to files inside
 * the folder; links out of it, links to folders, and special files are refused.
 *
 * @param path A file or folder.
 * @param options Name, trackers, web seeds, piece length and other fields.
 * @returns The `.torrent` bytes and their parsed metainfo.
 * @throws {CreateTorrentError} When the path is missing, holds no data, or holds what cannot be shared.
 * @throws {TypeError} For a bad tracker or web seed URL.
 * @throws {RangeError} For a bad piece length or name.
 *
 * @example
 * ```ts ignore
 * import { createTorrent } from "./create.ts";
 *
 * const { bytes, metainfo } = await createTorrent("./dataset", {
 *   trackers: ["udp://tracker.example.org:6969/announce"],
 * });
 * await Deno.writeFile(`${metainfo.name}.torrent`, bytes);
 * ```
 */
export async function createTorrent(
  path: string,
  options: CreateTorrentOptions = {},
): Promise<CreatedTorrent> {
  checkOptions(options);
  const { files, single } = await sourceFiles(path);
  const total = files.reduce((sum, file) => sum + file.size, 0);
  if (total === 0) {
    throw new CreateTorrentError(
      path,
      `Cannot create a torrent from '${path}': it holds no data (no files, or only empty ones)`,
    );
  }
  const pieceLength = options.pieceLength ?? choosePieceLength(total);
  const pieces = await hashPieces(files, pieceLength, total, options);
  const name = options.name ?? basename(resolve(path));
  const info: Record<string, BencodeInput | undefined> = {
    name,
    "piece length": pieceLength,
    pieces,
    private: options.private ? 1 : undefined,
    ...(single
      ? { length: total }
      : { files: files.map((file) => ({ length: file.size, path: file.parts })) }),
  };
  const trackers = options.trackers ?? [];
  const date = options.creationDate;
  const bytes = encodeBencode({
    announce: trackers[0],
    "announce-list": trackers.length > 1 ? trackers.map((url) => [url]) : undefined,
    comment: options.comment,
    "created by": options.createdBy,
    "creation date": date === undefined
      ? undefined
      : Math.floor((date instanceof Date ? date.getTime() : date * 1000) / 1000),
    info,
    "url-list": options.webSeeds && options.webSeeds.length > 0 ? [...options.webSeeds] : undefined,
  });
  return { bytes, metainfo: parseMetainfo(bytes) };
}
