/**
 * A bound on the data files a whole session keeps open. Each chunk store
 * keeps the files it read or wrote open for the next piece; a session seeding
 * 100 datasets then held 100 descriptors for ever (bench:seed-many), and one
 * seeding thousands of files would run out. The stores of a session share
 * one {@linkcode OpenFileLimit}: the least recently used idle files, in any
 * store, are closed beyond it.
 *
 * @module
 */

/** How a store closes one of its files: false when it is in use (then it is kept). */
export type CloseIdle = () => boolean;

/**
 * A least-recently-used list of open files across stores.
 *
 * @example
 * ```ts
 * import { OpenFileLimit } from "./open_files.ts";
 * const limit = new OpenFileLimit(2);
 * const closed: string[] = [];
 * for (const name of ["a", "b", "c"]) limit.touch(name, () => (closed.push(name), true));
 * console.log(closed, limit.size); // ["a"] 2
 * ```
 */
export class OpenFileLimit {
  /** The most files kept open (files in use are never closed, so it can be passed briefly). */
  readonly max: number;
  readonly #open = new Map<unknown, CloseIdle>();

  /** @param max The most files kept open, at least 1. */
  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`The open file limit must be a whole number ≥ 1, got ${max}`);
    }
    this.max = max;
  }

  /** How many files are counted as open. */
  get size(): number {
    return this.#open.size;
  }

  /**
   * Marks `file` as just used (opening it counts it), then closes the least
   * recently used idle files beyond the limit.
   *
   * @param file Any key for the open file (the store's own record of it).
   * @param close Closes it unless it is in use; returns whether it did.
   */
  touch(file: unknown, close: CloseIdle): void {
    this.#open.delete(file);
    this.#open.set(file, close);
    this.#trim(file);
  }

  /**
   * Closes the least recently used idle files beyond the limit: a store calls
   * it when one of its files stops being in use, since files in use when the
   * limit was passed were kept open.
   */
  trim(): void {
    this.#trim(undefined);
  }

  #trim(keep: unknown): void {
    if (this.#open.size <= this.max) return;
    for (const [key, closeIdle] of this.#open) {
      if (this.#open.size <= this.max) break;
      if (key === keep) continue;
      if (closeIdle()) this.#open.delete(key);
    }
  }

  /** Forgets `file` (its store closed it). */
  release(file: unknown): void {
    this.#open.delete(file);
  }
}
