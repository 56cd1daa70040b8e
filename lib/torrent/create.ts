/**
 * Making a v1 `.torrent` from a file or a folder.
 *
 * @module
 */
import { createHash, type Hash } from "node:crypto";
import { basename, isAbsolute, join, relative, resolve, sep } from "node:path";
import { type BencodeInput, encodeBencode } from "./bencode.ts";
import { InvalidInputError } from "../errors/invalid_input.ts";
import { type Metainfo, parseMetainfo } from "./metainfo.ts";
import { sanitizeTorrentPath } from "./paths.ts";
import { checkUrls, type UrlPolicyOptions } from "./url_policy.ts";
import { OwmError } from "../errors/owm_error.ts";

/** A file or folder that cannot be made into a torrent. */
export class CreateTorrentError extends OwmError {
  /** The error's code: `bad-content`. */
  override readonly code: string = "bad-content";
  /** The path at fault. */
  readonly path: string;
  /** Creates the error for `path`. */
  constructor(path: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CreateTorrentError";
    this.path = path;
  }
}

/**
 * A file that cannot be shared in a torrent: a pipe, socket or device, a
 * symbolic link out of the folder, to a folder or to nothing, or a name that
 * would be written under another name by whoever fetches it.
 *
 * @example
 * ```ts ignore
 * try {
 *   await createTorrent("./dataset"); // holds a named pipe
 * } catch (error) {
 *   if (error instanceof UnsupportedFileError) console.log(error.path, error.kind);
 * }
 * ```
 */
export class UnsupportedFileError extends CreateTorrentError {
  /** The error's code: `unsupported-file`. */
  override readonly code: string = "unsupported-file";
  /** What it is, e.g. `"a named pipe (FIFO)"` or `"a symbolic link out of the folder"`. */
  readonly kind: string;
  /** Creates the error for `path`, which is `kind`; `advice` says what to do. */
  constructor(path: string, kind: string, advice: string, options?: ErrorOptions) {
    super(path, `Cannot add '${path}': it is ${kind}; ${advice}`, options);
    this.name = "UnsupportedFileError";
    this.kind = kind;
  }
}

/**
 * Two files whose names differ only in case or Unicode normalisation (or a
 * file and a folder so named): on macOS and Windows, and for the engine, they
 * are one name, so the torrent could not be written or seeded as it is.
 *
 * @example
 * ```ts ignore
 * try {
 *   await createTorrent("./dataset"); // holds Data.csv and data.csv
 * } catch (error) {
 *   if (error instanceof NameCollisionError) console.log(error.path, error.other);
 * }
 * ```
 */
export class NameCollisionError extends CreateTorrentError {
  /** The error's code: `name-collision`. */
  override readonly code: string = "name-collision";
  /** The other path of the pair. */
  readonly other: string;
  /** Creates the error for `path`, which collides with `other`. */
  constructor(path: string, other: string) {
    super(
      path,
      `Cannot add '${path}': its name differs from '${other}' only in case or Unicode form, and a torrent's names must differ on every system; rename one of them`,
    );
    this.name = "NameCollisionError";
    this.other = other;
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
  /** Which tracker and web seed addresses are allowed (see url_policy.ts). */
  urlPolicy?: UrlPolicyOptions;
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
        throw new UnsupportedFileError(path, "a broken symbolic link", "remove it", {
          cause: error,
        });
      }
      if (!inside(root, target)) {
        throw new UnsupportedFileError(
          path,
          `a symbolic link to '${target}', outside the folder`,
          "copy the file in or remove the link",
        );
      }
    }
    const stat = await Deno.stat(target);
    if (!stat.isFile) {
      if (stat.isDirectory) {
        throw new UnsupportedFileError(
          path,
          "a symbolic link to a folder",
          "replace it with the folder or remove it",
        );
      }
      throw new UnsupportedFileError(
        path,
        specialKind(stat),
        "only regular files can be shared; remove it",
      );
    }
    out.push({ parts: here, path: target, size: stat.size });
  }
}

/** What a file that is neither a regular file nor a folder is. */
function specialKind(stat: Deno.FileInfo): string {
  if (stat.isFifo) return "a named pipe (FIFO)";
  if (stat.isSocket) return "a socket";
  if (stat.isCharDevice) return "a character device";
  if (stat.isBlockDevice) return "a block device";
  return "not a regular file";
}

/**
 * Refuses names a fetcher would write under another name: two that differ
 * only in case or Unicode form (or a file named like a folder), and names
 * the torrent path rules change (`a:b`, `CON.txt`, a trailing dot, …).
 */
function checkNames(root: string, files: readonly SourceFile[]): void {
  const seen = new Map<string, string>();
  const claim = (parts: readonly string[]) => {
    const key = parts.join("/").normalize("NFC").toLowerCase();
    const display = join(root, ...parts);
    const previous = seen.get(key);
    if (previous !== undefined && previous !== display) {
      throw new NameCollisionError(display, previous);
    }
    seen.set(key, display);
  };
  for (const file of files) {
    for (let n = 1; n <= file.parts.length; n++) claim(file.parts.slice(0, n));
    const safe = sanitizeTorrentPath(file.parts);
    if (safe.join("/") !== file.parts.join("/")) {
      throw new UnsupportedFileError(
        join(root, ...file.parts),
        `a name that cannot be written as it is on every system (it would become '${
          safe.join("/")
        }')`,
        "rename it",
      );
    }
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
  checkNames(path, files);
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

async function checkOptions(options: CreateTorrentOptions): Promise<void> {
  const policy = options.urlPolicy ?? {};
  await checkUrls(options.trackers ?? [], "tracker", policy);
  await checkUrls(options.webSeeds ?? [], "web seed", policy);
  const length = options.pieceLength;
  if (
    length !== undefined &&
    (!Number.isInteger(length) || length < MIN_PIECE || length > 2 ** 29 ||
      (length & (length - 1)) !== 0)
  ) {
    throw new InvalidInputError(
      `Piece length ${length} is not a power of two from 16384 to 536870912`,
    );
  }
  const name = options.name;
  if (
    name !== undefined && (name === "" || name === "." || name === ".." || /[/\\\0]/.test(name))
  ) {
    throw new InvalidInputError(`Torrent name '${name}' is not a single file name`);
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
 * @throws {UnsupportedFileError} For a pipe, socket, device, a link out of the folder, or a name a
 *   fetcher would change.
 * @throws {NameCollisionError} For two names that differ only in case or Unicode form.
 * @throws {RefusedUrlError} For a tracker or web seed URL of another scheme, or a link-local or
 *   metadata address (see url_policy.ts).
 * @throws {InvalidInputError} For a bad piece length or name.
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
  await checkOptions(options);
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
