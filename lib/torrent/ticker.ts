/**
 * One timer for every torrent of a session. Each torrent reports progress and
 * saves its resume record on a tick; with a timer of its own, 100 seeding
 * torrents woke the process 400 times a second while nothing happened
 * (bench:seed-many). A {@linkcode Ticker} wakes once per period for all of
 * them, and not at all while nothing listens.
 *
 * @module
 */

/**
 * Calls every listener once per period, from one `setInterval` that runs
 * only while there are listeners. A listener that throws does not stop the
 * others.
 *
 * @example
 * ```ts
 * import { Ticker } from "./ticker.ts";
 * const ticker = new Ticker(250);
 * const stop = ticker.add(() => console.log("tick"));
 * stop(); // the timer stops with its last listener
 * ```
 */
export class Ticker {
  readonly #ms: number;
  readonly #listeners = new Set<() => void>();
  #timer: ReturnType<typeof setInterval> | undefined;

  /** @param ms The period in milliseconds. */
  constructor(ms: number) {
    this.#ms = ms;
  }

  /** How many listeners there are. */
  get size(): number {
    return this.#listeners.size;
  }

  /** Whether the timer runs (it does exactly while there are listeners). */
  get running(): boolean {
    return this.#timer !== undefined;
  }

  /**
   * Adds a listener, called once per period from the next one on.
   *
   * @returns A function that removes it (the timer stops with the last one).
   */
  add(listener: () => void): () => void {
    const once = () => listener();
    this.#listeners.add(once);
    this.#timer ??= setInterval(() => this.#fire(), this.#ms);
    return () => {
      this.#listeners.delete(once);
      if (this.#listeners.size === 0 && this.#timer !== undefined) {
        clearInterval(this.#timer);
        this.#timer = undefined;
      }
    };
  }

  #fire(): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch (error) {
        queueMicrotask(() => {
          throw error; // reported as uncaught, as a timer callback's error would be
        });
      }
    }
  }
}
