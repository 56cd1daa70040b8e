/**
 * Checking downloaded data against a torrent's own piece hashes.
 *
 * @module
 */
import { createHash, type Hash } from "node:crypto";
import type { Metainfo } from "./metainfo.ts";
import { confinedJoin } from "../fs/confine.ts";

/** Progress of {@linkcode verifyPieces}. */
export interface VerifyPiecesProgress {
  /** Bytes of the torrent's byte stream checked so far. */
  readonly bytesChecked: number;
  /** Total bytes of the torrent. */
  readonly bytesTotal: number;
  /** Pieces checked so far. */
  readonly piecesChecked: number;
  /** Total pieces. */
  readonly piecesTotal: number;
}

/** Options for {@linkcode verifyPieces}. */
export interface VerifyPiecesOptions {
  /** Called after each read, and once at the end. */
  onProgress?: (progress: VerifyPiecesProgress) => void;
  /** Stops the check (the call rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** The outcome of {@linkcode verifyPieces}. */
export interface VerifyPiecesReport {
  /** True when every piece matches and every file is present with its size. */
  readonly ok: boolean;
  /** Number of pieces in the torrent. */
  readonly piecesTotal: number;
  /** Indexes of pieces whose data is missing or does not match, ascending. */
  readonly piecesBad: number[];
  /** Torrent paths (`TorrentFile.path`) of files that are absent or not regular files. */
  readonly missingFiles: string[];
  /** Torrent paths of files whose size differs from the torrent's. */
  readonly sizeMismatches: string[];
}

const READ_SIZE = 1024 * 1024;
const ZEROS = new Uint8Array(READ_SIZE);

/** Feeds the torrent's byte stream, piece by piece, into SHA-1. */
class PieceChecker {
  readonly bad: number[] = [];
  position = 0;
  #hash: Hash = createHash("sha1");
  #inPiece = 0;
  #tainted = false;
  readonly #meta: Metainfo;

  constructor(meta: Metainfo) {
    this.#meta = meta;
  }

  get piecesChecked(): number {
    if (this.position === this.#meta.length) return this.#meta.pieceCount;
    return Math.floor(this.position / this.#meta.pieceLength);
  }

  /** Hashes `bytes` (or, when `bytes` is a number, skips that many missing bytes). */
  feed(bytes: Uint8Array | number): void {
    let left = typeof bytes === "number" ? bytes : bytes.length;
    let at = 0;
    while (left > 0) {
      const take = Math.min(this.#meta.pieceLength - this.#inPiece, left);
      if (typeof bytes === "number") this.#tainted = true;
      else if (!this.#tainted) this.#hash.update(bytes.subarray(at, at + take));
      at += take;
      left -= take;
      this.#inPiece += take;
      this.position += take;
      if (this.#inPiece === this.#meta.pieceLength || this.position === this.#meta.length) {
        this.#finishPiece();
      }
    }
  }

  #finishPiece(): void {
    const index = Math.ceil(this.position / this.#meta.pieceLength) - 1;
    const digest = this.#hash.digest();
    const expected = this.#meta.pieceHashes.subarray(index * 20, index * 20 + 20);
    if (this.#tainted || !digest.equals(expected)) this.bad.push(index);
    this.#hash = createHash("sha1");
    this.#inPiece = 0;
    this.#tainted = false;
  }
}

/**
 * Checks the files of a torrent in `dir` against its SHA-1 piece hashes,
 * streaming through the files in torrent order (1 MiB reads) with pad files
 * read as zeros. Paths are joined with `confinedJoin`; a path that is a
 * symbolic link or not a regular file counts as missing.
 *
 * @param meta The parsed torrent.
 * @param dir The download directory (the one holding the torrent's name).
 * @param options Progress callback and abort signal.
 * @returns Which pieces and files are wrong.
 *
 * @example
 * ```ts ignore
 * import { parseMetainfo } from "./metainfo.ts";
 * import { verifyPieces } from "./verify_pieces.ts";
 *
 * const meta = parseMetainfo(await Deno.readFile("data.torrent"));
 * const report = await verifyPieces(meta, "./downloads");
 * if (!report.ok) console.log(report.piecesBad, report.missingFiles);
 * ```
 */
export async function verifyPieces(
  meta: Metainfo,
  dir: string,
  options: VerifyPiecesOptions = {},
): Promise<VerifyPiecesReport> {
  const { onProgress, signal } = options;
  const checker = new PieceChecker(meta);
  const missingFiles: string[] = [];
  const sizeMismatches: string[] = [];
  const buffer = new Uint8Array(READ_SIZE);
  const progress = () =>
    onProgress?.({
      bytesChecked: checker.position,
      bytesTotal: meta.length,
      piecesChecked: checker.piecesChecked,
      piecesTotal: meta.pieceCount,
    });
  for (const file of meta.files) {
    signal?.throwIfAborted();
    if (file.pad) {
      for (let left = file.length; left > 0; left -= READ_SIZE) {
        checker.feed(ZEROS.subarray(0, Math.min(READ_SIZE, left)));
      }
      continue;
    }
    if (file.symlinkTarget !== undefined) continue;
    const path = confinedJoin(dir, file.path);
    let stat: Deno.FileInfo | undefined;
    try {
      stat = await Deno.lstat(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory)) {
        throw error;
      }
    }
    if (stat === undefined || !stat.isFile) {
      missingFiles.push(file.path);
      checker.feed(file.length);
      continue;
    }
    if (stat.size !== file.length) sizeMismatches.push(file.path);
    let left = file.length;
    {
      using handle = await Deno.open(path, { read: true });
      while (left > 0) {
        signal?.throwIfAborted();
        const count = await handle.read(buffer.subarray(0, Math.min(READ_SIZE, left)));
        if (count === null) break;
        checker.feed(buffer.subarray(0, count));
        left -= count;
        progress();
      }
    }
    checker.feed(left);
  }
  progress();
  return {
    ok: checker.bad.length === 0 && missingFiles.length === 0 && sizeMismatches.length === 0,
    piecesTotal: meta.pieceCount,
    piecesBad: checker.bad,
    missingFiles,
    sizeMismatches,
  };
}
