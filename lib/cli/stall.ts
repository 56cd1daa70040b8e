/**
 * Waiting out loud: a fetch that makes no progress says every few seconds
 * what it waits for (the indexes, trackers answering, peers known, connected,
 * refused), on a terminal or not; after the stall limit with no progress at
 * all it gives up with that summary.
 *
 * @module
 */
import { OwmError } from "../errors/owm_error.ts";
import { describeSwarm } from "../torrent/swarm_watch.ts";
import type { ProgressLine } from "./progress.ts";

/** How often a waiting fetch says what it waits for, in milliseconds. */
export const WAIT_REPORT_MS = 5000;

/** The phases in which a fetch waits for the network. */
const NETWORK_PHASES = new Set(["metadata", "downloading"]);

/** A fetch that made no progress for the stall limit. */
export class StalledError extends OwmError {
  /** The error's code: `stalled`. */
  override readonly code: string = "stalled";
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "StalledError";
  }
}

/** Options of {@linkcode StallWatch}. */
export interface StallWatchOptions {
  /** What is fetched, for the lines printed. */
  target: string;
  /** Give up after this many milliseconds without progress; 0 never. */
  stallMs: number;
  /** Where a line goes. */
  say(line: string): void;
  /** Called once when the limit is reached, with the error to end the fetch with. */
  onStall(error: StalledError): void;
  /** What is consulted before any download starts (index specs), for the summary. */
  indexes?: readonly string[];
  /** How often to say what is waited for. @default 5000 */
  reportMs?: number;
}

/**
 * Watches a fetch's progress updates; see the module doc.
 *
 * @example
 * ```ts ignore
 * const watch = new StallWatch({ target, stallMs: 120_000, say: console.error, onStall: abort });
 * bar.observe((p) => watch.update(p));
 * try { await work(); } finally { watch.stop(); }
 * ```
 */
export class StallWatch {
  #o: StallWatchOptions;
  #started = Date.now();
  #lastProgress = Date.now();
  #lastReport = Date.now();
  #last: ProgressLine | undefined;
  #key = "";
  #timer: ReturnType<typeof setInterval>;
  #stalled = false;

  /** Starts watching (a timer ticks every second until {@linkcode StallWatch.stop}). */
  constructor(options: StallWatchOptions) {
    this.#o = options;
    this.#timer = setInterval(() => this.#tick(), 1000);
  }

  /**
   * Takes a progress update: new bytes or a new phase count as progress. The
   * stall limit runs only while a download waits for the network (the
   * `metadata` and `downloading` phases), never while the fetch looks up the
   * torrent or checks and verifies what is here (it only says what it does then).
   */
  update(p: ProgressLine): void {
    const key = `${p.phase}|${p.bytesDone}`;
    if (key !== this.#key) {
      this.#key = key;
      this.#lastProgress = Date.now();
      this.#lastReport = Date.now();
    }
    this.#last = p;
  }

  /** Whether the stall limit ended the fetch. */
  get stalled(): boolean {
    return this.#stalled;
  }

  /** What the fetch waits for, in one line. */
  summary(): string {
    const p = this.#last;
    if (!p) {
      const indexes = this.#o.indexes && this.#o.indexes.length > 0
        ? ` (${this.#o.indexes.join(", ")})`
        : "";
      return `looking up the torrent (indexes: ${
        indexes ? indexes.slice(2, -1) : "the store's torrents folder"
      }) and checking what is here`;
    }
    const phase = p.phase === "metadata"
      ? "waiting for the torrent's metadata from peers"
      : p.bytesTotal > 0
      ? `${p.phase}, ${p.bytesDone} of ${p.bytesTotal} bytes`
      : p.phase;
    return p.swarm ? `${phase}; ${describeSwarm(p.swarm)}` : phase;
  }

  /** Stops the timer. */
  stop(): void {
    clearInterval(this.#timer);
  }

  #tick(): void {
    const now = Date.now();
    const reportMs = this.#o.reportMs ?? WAIT_REPORT_MS;
    if (this.#last && !NETWORK_PHASES.has(this.#last.phase)) {
      this.#lastProgress = now;
      this.#lastReport = now;
      return;
    }
    const idle = Math.round((now - this.#lastProgress) / 1000);
    const downloading = this.#last !== undefined;
    if (
      downloading && this.#o.stallMs > 0 && now - this.#lastProgress >= this.#o.stallMs &&
      !this.#stalled
    ) {
      this.#stalled = true;
      this.stop();
      this.#o.onStall(
        new StalledError(
          `no progress on ${this.#o.target} for ${idle} s: ${this.summary()}; ` +
            `check the peers, trackers and indexes (or wait longer: --stall-timeout S, 0 = forever)`,
        ),
      );
      return;
    }
    if (now - this.#lastReport >= reportMs) {
      this.#lastReport = now;
      const waited = Math.round((now - this.#started) / 1000);
      this.#o.say(`owm: waiting (${waited} s, no progress for ${idle} s): ${this.summary()}`);
    }
  }
}
