/**
 * Whole pieces read once for the blocks peers ask of them. A peer asks for a
 * piece 16 KiB at a time, so seeding a 256 KiB piece read the same file 16
 * times, each read an asynchronous file operation (a thread-pool round trip)
 * and a fresh buffer; the seeder's CPU per GiB served was 4× aria2c's
 * (bench:download, bench:seed-many). With this cache the first block of a
 * piece reads the whole piece and the other blocks are views of it.
 *
 * The stores of a session share one {@linkcode PieceCache} with one byte
 * budget: the least recently used pieces, of any store, are dropped beyond
 * it, so a session seeding many torrents holds no more than the budget, and
 * pieces nobody asked for in {@linkcode IDLE_MS} are dropped (an idle seeder
 * holds nothing). A store drops a piece when it writes it and all of its
 * pieces when it closes.
 *
 * @module
 */

/** Pieces are dropped when none was asked for in this long (milliseconds). */
export const IDLE_MS = 5000;

/**
 * A least-recently-used set of whole pieces, keyed by store and piece index,
 * within a byte budget.
 *
 * @example
 * ```ts
 * import { PieceCache } from "./piece_cache.ts";
 * const cache = new PieceCache(1 << 20);
 * const store = {};
 * const piece = await cache.get(store, 0, 262144, async () => new Uint8Array(262144));
 * console.log(piece.length, cache.bytes); // 262144 262144
 * ```
 */
export class PieceCache {
  /** The most bytes of pieces kept. */
  readonly budget: number;
  readonly #entries = new Map<
    string,
    { owner: object; bytes: Promise<Uint8Array>; size: number }
  >();
  readonly #ids = new WeakMap<object, number>();
  #nextId = 0;
  #bytes = 0;
  #lastUse = 0;
  #timer: ReturnType<typeof setInterval> | null = null;

  /** @param budget The most bytes kept, at least 1. */
  constructor(budget: number) {
    if (!Number.isInteger(budget) || budget < 1) {
      throw new RangeError(`The piece cache budget must be a whole number ≥ 1, got ${budget}`);
    }
    this.budget = budget;
  }

  /** Bytes of the pieces kept (and being read). */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Whether a piece of `size` bytes is kept: at most an eighth of the budget,
   * so that peers asking for blocks of several pieces at once do not evict
   * each other's pieces (each eviction would read a whole piece again).
   */
  fits(size: number): boolean {
    return size <= this.budget / 8;
  }

  /**
   * Piece `index` of `owner`, read with `read` unless it is kept or being read.
   * A failed read is not kept.
   */
  get(
    owner: object,
    index: number,
    size: number,
    read: () => Promise<Uint8Array>,
  ): Promise<Uint8Array> {
    this.#lastUse = Date.now();
    this.#watchIdle();
    const key = this.#key(owner, index);
    const kept = this.#entries.get(key);
    if (kept) {
      this.#entries.delete(key); // most recently used last
      this.#entries.set(key, kept);
      return kept.bytes;
    }
    const bytes = read();
    const entry = { owner, bytes, size };
    this.#entries.set(key, entry);
    this.#bytes += size;
    bytes.catch(() => this.#entries.get(key) === entry && this.#drop(key));
    this.#trim();
    return bytes;
  }

  /** Forgets piece `index` of `owner` (it is being written). */
  drop(owner: object, index: number): void {
    const id = this.#ids.get(owner);
    if (id !== undefined) this.#drop(`${id}:${index}`);
  }

  /** Forgets every piece of `owner` (its store closes). */
  dropAll(owner: object): void {
    for (const [key, entry] of this.#entries) if (entry.owner === owner) this.#drop(key);
  }

  /** While pieces are kept: one timer, which drops them all once none was used for IDLE_MS. */
  #watchIdle(): void {
    if (this.#timer !== null) return;
    const timer = setInterval(() => {
      if (this.#entries.size > 0 && Date.now() - this.#lastUse < IDLE_MS) return;
      for (const key of [...this.#entries.keys()]) this.#drop(key);
      clearInterval(timer);
      this.#timer = null;
    }, IDLE_MS / 2);
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  #key(owner: object, index: number): string {
    let id = this.#ids.get(owner);
    if (id === undefined) this.#ids.set(owner, id = this.#nextId++);
    return `${id}:${index}`;
  }

  #drop(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.size;
  }

  #trim(): void {
    for (const key of this.#entries.keys()) {
      if (this.#bytes <= this.budget) break;
      this.#drop(key);
    }
  }
}
