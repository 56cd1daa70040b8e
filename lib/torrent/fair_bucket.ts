/**
 * A token bucket that shares a session's upload (or download) limit fairly
 * between its peers, in place of the one webtorrent's throttles use.
 *
 * webtorrent limits rates with npm:speed-limiter, whose throttles (one per
 * peer connection) take tokens from one npm:limiter `TokenBucket`. That
 * bucket has no queue: each throttle that finds it short sets its own timer
 * for when its slice should be there, and whoever's timer fires first (or
 * whoever arrives while tokens are there) takes them; the others go back to
 * sleep. Measured on loopback, a seeder limited to 1 MiB/s serving four
 * leechers gave one of them most of the rate (a 1 MB copy in 1.2 s while
 * another waited 2 s for its first byte, now and then until the first had
 * finished): a limited seeder served its leechers nearly one after another.
 *
 * This bucket keeps the same interface (`tryRemoveTokens`, `removeTokens`,
 * `bucketSize`, `tokensPerInterval`, written by `setRate`) and serves waiting
 * throttles first come, first served with one timer, and refuses an
 * immediate take while anyone waits. As every throttle asks for one slice
 * (a tenth of the rate) at a time and asks again behind the others, the
 * rate is shared round-robin between the connections that have data.
 *
 * @module
 */

/** What a waiting throttle is called back with: an error, or the tokens left. */
type TokenCallback = (err: unknown, remaining: number | null) => void;

interface Waiter {
  count: number;
  callback: TokenCallback;
}

/**
 * A token bucket (capacity `bucketSize`, refilled at `tokensPerInterval` per
 * second) that serves its waiters in order of arrival.
 *
 * @example
 * ```ts
 * import { FairTokenBucket } from "./fair_bucket.ts";
 *
 * const bucket = new FairTokenBucket(1024 * 1024); // 1 MiB/s
 * bucket.removeTokens(64 * 1024, () => console.log("64 KiB may go"));
 * bucket.clear();
 * ```
 */
export class FairTokenBucket {
  /** Most tokens held at once (a second's worth: speed-limiter keeps it equal to the rate). */
  bucketSize: number;
  /** Tokens added per second (0: no limit, as in npm:limiter). */
  tokensPerInterval: number;
  /** The refill interval, milliseconds. */
  readonly interval = 1000;
  /** Tokens held now; below 0 after a slice larger than the bucket was let through. */
  content = 0;
  #lastDrip = performance.now();
  #queue: Waiter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** A bucket of `rate` tokens per second, starting empty. */
  constructor(rate: number) {
    this.bucketSize = rate;
    this.tokensPerInterval = rate;
  }

  /** Number of throttles waiting for tokens. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Adds the tokens earned since the last call. */
  drip(): void {
    const now = performance.now();
    const earned = ((now - this.#lastDrip) * this.tokensPerInterval) / this.interval;
    this.#lastDrip = now;
    this.content = Math.min(this.bucketSize, this.content + earned);
  }

  /**
   * Takes `count` tokens at once if they are there and nobody waits before
   * this caller.
   */
  tryRemoveTokens(count: number): boolean {
    if (!this.bucketSize) return true;
    if (this.#queue.length > 0) return false;
    this.drip();
    if (count > this.content) return false;
    this.content -= count;
    return true;
  }

  /**
   * Takes `count` tokens, now or when they are there, behind every earlier
   * waiter, then calls `callback`. A slice larger than the bucket (the rate
   * was lowered while it was cut) goes once the bucket is full, and the
   * bucket owes the rest. With no limit (`bucketSize` 0) every waiter goes at once.
   *
   * @returns whether the tokens were taken at once.
   */
  removeTokens(count: number, callback: TokenCallback): boolean {
    const waiter = { count, callback };
    this.#queue.push(waiter);
    this.#serve();
    return !this.#queue.includes(waiter);
  }

  /** Forgets every waiter and stops the timer (the throttles are being destroyed). */
  clear(): void {
    this.#queue = [];
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #serve(): void {
    this.drip();
    while (this.#queue.length > 0) {
      const head = this.#queue[0]!;
      if (!this.bucketSize) {
        this.#queue.shift();
        head.callback(null, Number.POSITIVE_INFINITY);
        continue;
      }
      if (Math.min(head.count, this.bucketSize) > this.content) break;
      this.#queue.shift();
      this.content -= head.count;
      head.callback(null, this.content);
    }
    if (this.#queue.length === 0 || this.#timer !== undefined) return;
    const need = Math.min(this.#queue[0]!.count, this.bucketSize) - this.content;
    const wait = this.tokensPerInterval > 0
      ? Math.max(1, Math.ceil((need * this.interval) / this.tokensPerInterval))
      : this.interval;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#serve();
    }, wait);
  }
}

/** The part of a speed-limiter `ThrottleGroup` this module touches. */
interface ThrottleGroupLike {
  bucket: unknown;
  getRate(): number;
  destroy(): void;
}

/**
 * Gives each of a webtorrent client's two throttle groups (`up`, `down`) a
 * {@linkcode FairTokenBucket} of the same rate, and clears it when the group
 * is destroyed. Call right after making the client, before any peer connects.
 *
 * @example
 * ```ts ignore
 * shareRatesFairly(client as { throttleGroups: unknown });
 * ```
 */
export function shareRatesFairly(client: { throttleGroups?: unknown }): void {
  const groups = client.throttleGroups as Record<string, ThrottleGroupLike> | undefined;
  for (const name of ["up", "down"]) {
    const group = groups?.[name];
    if (!group || typeof group.getRate !== "function") {
      throw new Error(
        `webtorrent's client has no throttle group "${name}": the engine changed, check lib/torrent/fair_bucket.ts`,
      );
    }
    const bucket = new FairTokenBucket(group.getRate());
    group.bucket = bucket;
    const destroy = group.destroy.bind(group);
    group.destroy = () => {
      bucket.clear();
      destroy();
    };
  }
}
