/**
 * Hashing content as its pieces land, once per byte: the digests (MD5,
 * SHA-256, SHA-512) of a byte stream made of header bytes and ranges of a
 * torrent's piece space, computed over the contiguous prefix that has
 * arrived. A piece that lands ahead of the prefix is held in memory while
 * there is room (a bounded number of bytes), else read back from disk when
 * the prefix reaches it. A piece on disk that was not verified in this run
 * (trusted from a resume record) is read back and checked against its SHA-1
 * before its bytes count, so the result is as strong as a fresh re-hash.
 *
 * The stream for a file is its bytes; for a folder it is the owm folder
 * digest's stream (`content_digest.ts`): each file's path, NUL, decimal
 * length, NUL, then its bytes, in byte-wise path order. Building that stream
 * from a torrent's layout is the torrent side's job (lib/torrent/single_pass.ts).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { type Digests, type HashAlgorithm, MultiHash } from "./hash.ts";

/** One part of the hashed stream: literal bytes, or bytes `[from, to)` of the piece space. */
export type StreamPart = { readonly bytes: Uint8Array } | {
  readonly from: number;
  readonly to: number;
};

/** What {@linkcode PrefixHasher} needs to know of the torrent. */
export interface PrefixHasherOptions<A extends HashAlgorithm> {
  /** The digests wanted; may be empty (then only unverified pieces are checked). */
  algorithms: readonly A[];
  /** The hashed stream, in order. */
  parts: readonly StreamPart[];
  /** Bytes per piece. */
  pieceLength: number;
  /** Total bytes of the piece space. */
  length: number;
  /** The 20-byte SHA-1 of piece `index`. */
  pieceHash(index: number): Uint8Array;
  /** Reads piece `index` back from disk. */
  read(index: number): Promise<Uint8Array>;
  /** Bytes of pieces ahead of the prefix kept in memory. @default 8 MiB */
  holdBytes?: number;
}

/** What {@linkcode PrefixHasher.finish} found. */
export interface PrefixResult<A extends HashAlgorithm> {
  /** The digests of the stream, or null when no algorithm was asked for. */
  digests: Digests<A> | null;
  /** Bytes of the stream hashed. */
  bytes: number;
  /** Number of pieces. */
  piecesTotal: number;
  /** Pieces whose bytes on disk did not match their SHA-1 when read back. */
  piecesBad: number[];
  /** Pieces read back from disk (held pieces are not). */
  piecesRead: number;
  /** Pieces read back that this run had not verified (checked against their SHA-1). */
  piecesChecked: number;
}

/**
 * Digests of a stream over a torrent's piece space, fed by pieces as they
 * land (see the module documentation).
 *
 * @example
 * ```ts ignore
 * const hasher = new PrefixHasher({ algorithms: ["md5"], parts: [{ from: 0, to: length }],
 *   pieceLength, length, pieceHash: (i) => meta.pieces[i], read: (i) => store.readPiece(i) });
 * hasher.landed(0, piece0);           // verified by the engine, just written
 * const { digests } = await hasher.finish();
 * ```
 */
export class PrefixHasher<A extends HashAlgorithm = HashAlgorithm> {
  readonly #o: PrefixHasherOptions<A>;
  readonly #hash: MultiHash<A> | null;
  readonly #pieceCount: number;
  /** 0 absent, 1 on disk but not verified here, 2 verified (by the engine here, or read back). */
  readonly #state: Uint8Array;
  readonly #held = new Map<number, Uint8Array>();
  #heldBytes = 0;
  #part = 0;
  #pos: number;
  #bytes = 0;
  #pumping: Promise<void> | null = null;
  #bad: number[] = [];
  #read = 0;
  #checked = 0;
  #error: unknown = null;
  #finished: Promise<PrefixResult<A>> | null = null;

  /** Starts the digests at the beginning of the stream. */
  constructor(options: PrefixHasherOptions<A>) {
    this.#o = options;
    this.#hash = options.algorithms.length > 0 ? new MultiHash(options.algorithms) : null;
    this.#pieceCount = Math.ceil(options.length / options.pieceLength);
    this.#state = new Uint8Array(this.#pieceCount);
    this.#pos = this.#startOf(0);
  }

  /** A piece the engine verified and wrote; `buf` is its bytes (held, never copied). */
  landed(index: number, buf: Uint8Array): void {
    if (index < 0 || index >= this.#pieceCount) return;
    this.#state[index] = 2;
    const now = this.#current === index; // the prefix waits for exactly this one
    if (
      this.#hash && this.#needed(index) && (now || this.#heldBytes + buf.length <= this.#holdLimit)
    ) {
      this.#held.set(index, buf);
      this.#heldBytes += buf.length;
    }
    this.#pump();
  }

  /** A piece on disk that this run did not verify (a resume record trusts it). */
  present(index: number): void {
    if (index < 0 || index >= this.#pieceCount || this.#state[index] !== 0) return;
    this.#state[index] = 1;
    this.#pump();
  }

  /** Whether every piece is on disk. */
  get complete(): boolean {
    return this.#state.every((s) => s !== 0);
  }

  /**
   * Hashes what is left (every piece must be on disk), checks every piece
   * this run did not verify, and returns the digests (the same result on
   * every call).
   *
   * @throws {Error} when a piece is missing, or a read failed.
   */
  finish(): Promise<PrefixResult<A>> {
    this.#finished ??= this.#finish();
    return this.#finished;
  }

  async #finish(): Promise<PrefixResult<A>> {
    while (this.#pumping) await this.#pumping;
    if (this.#error) throw this.#error;
    const missing = this.#state.indexOf(0);
    if (missing >= 0) throw new Error(`Piece ${missing} is not on disk yet`);
    this.#pump();
    while (this.#pumping) await this.#pumping;
    if (this.#error) throw this.#error;
    for (let i = 0; i < this.#pieceCount; i++) {
      if (this.#state[i] === 1) await this.#piece(i);
    }
    this.#held.clear();
    this.#heldBytes = 0;
    return {
      digests: this.#hash ? this.#hash.digest() : null,
      bytes: this.#bytes,
      piecesTotal: this.#pieceCount,
      piecesBad: [...this.#bad].sort((a, b) => a - b),
      piecesRead: this.#read,
      piecesChecked: this.#checked,
    };
  }

  get #holdLimit(): number {
    return this.#o.holdBytes ?? 8 << 20;
  }

  /** The piece the prefix needs next, or -1. */
  get #current(): number {
    const part = this.#o.parts[this.#part];
    return part && "from" in part && this.#pos < part.to
      ? Math.floor(this.#pos / this.#o.pieceLength)
      : -1;
  }

  /** Where part `i` starts in the piece space (or the current position for literal parts). */
  #startOf(i: number): number {
    const part = this.#o.parts[i];
    return part && "from" in part ? part.from : 0;
  }

  /** Whether the prefix has yet to pass piece `index`. */
  #needed(index: number): boolean {
    const part = this.#o.parts[this.#part];
    if (!part) return false;
    return "from" in part ? (index + 1) * this.#o.pieceLength > this.#pos : true;
  }

  #pump(): void {
    if (this.#pumping || this.#error || !this.#hash) return;
    const step = this.#advance();
    if (step === null) return;
    this.#pumping = step.then(
      () => {
        this.#pumping = null;
        this.#pump();
      },
      (error) => {
        this.#pumping = null;
        this.#error = error;
      },
    );
  }

  /**
   * Hashes as far as pieces in memory allow; returns a promise when it must
   * read a piece back first (the caller pumps again after it), else null.
   */
  #advance(): Promise<void> | null {
    const parts = this.#o.parts;
    const size = this.#o.pieceLength;
    while (this.#part < parts.length) {
      const part = parts[this.#part]!;
      if ("bytes" in part) {
        this.#hash!.update(part.bytes);
        this.#bytes += part.bytes.length;
        this.#next();
        continue;
      }
      if (this.#pos >= part.to) {
        this.#next();
        continue;
      }
      const index = Math.floor(this.#pos / size);
      if (this.#state[index] === 0) return null; // the prefix waits for it
      const buf = this.#held.get(index);
      if (!buf) return this.#piece(index).then(() => {});
      const end = Math.min(part.to, (index + 1) * size);
      const chunk = buf.subarray(this.#pos - index * size, end - index * size);
      this.#hash!.update(chunk);
      this.#bytes += chunk.length;
      this.#pos = end;
      if (end === (index + 1) * size || end === this.#o.length) this.#drop(index);
    }
    for (const index of [...this.#held.keys()]) this.#drop(index);
    return null;
  }

  #next(): void {
    this.#part++;
    this.#pos = this.#startOf(this.#part);
  }

  #drop(index: number): void {
    const buf = this.#held.get(index);
    if (!buf) return;
    this.#held.delete(index);
    this.#heldBytes -= buf.length;
  }

  /** Reads piece `index` back (checking its SHA-1 when this run did not verify it) and holds it. */
  async #piece(index: number): Promise<void> {
    const buf = await this.#o.read(index);
    this.#read++;
    if (this.#state[index] === 1) {
      this.#checked++;
      const sha1 = createHash("sha1").update(buf).digest();
      const want = this.#o.pieceHash(index);
      if (!equal(sha1, want)) this.#bad.push(index);
      this.#state[index] = 2;
    }
    if (this.#hash && this.#needed(index) && !this.#held.has(index)) {
      this.#held.set(index, buf); // held past the limit: the prefix is about to take it
      this.#heldBytes += buf.length;
    }
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
