/**
 * A torrent in a {@linkcode TorrentSession}: its status, its events, and the
 * calls that pause, resume and remove it.
 *
 * @module
 */
import { describeSwarm, type SwarmSummary } from "./swarm_watch.ts";
import { TorrentError } from "./errors.ts";
import type { Layout } from "./layout.ts";
import { isPeerAddress } from "./magnet.ts";
import type { Metainfo } from "./metainfo.ts";
import { PeerPolicy, type PeerRef } from "./peer_policy.ts";
import { deleteState } from "./resume.ts";
import { deleteFiles } from "./safe_store.ts";
import { EngineRun, type RunOptions } from "./run.ts";
import type { Ticker } from "./ticker.ts";

/**
 * What a torrent is doing:
 * - `metadata`: waiting for the torrent's metadata from peers (magnet, infohash);
 * - `checking`: hashing data already on disk;
 * - `downloading`: fetching the selected pieces;
 * - `seeding`: every selected piece is verified and on disk (uploading to others);
 * - `paused`: stopped by {@linkcode TorrentHandle.pause}; no connections, files closed;
 * - `error`: stopped by a failure, see `error`.
 */
export type TorrentState = "metadata" | "checking" | "downloading" | "seeding" | "paused" | "error";

/** A snapshot of a torrent's progress. */
export interface TorrentStatus {
  /** The infohash, 40 lowercase hex digits. */
  infoHash: string;
  /** The torrent name (sanitised), or the infohash before the metadata is known. */
  name: string;
  /** What the torrent is doing. */
  state: TorrentState;
  /** Bytes of the selected files held and verified. */
  bytesDone: number;
  /** Bytes of the selected files (0 before the metadata is known). */
  bytesTotal: number;
  /** Bytes per second received, recent average. */
  downloadRate: number;
  /** Bytes per second sent, recent average. */
  uploadRate: number;
  /** Piece data sent since the torrent was added. */
  uploaded: number;
  /** Piece data received since the torrent was added (including data thrown away). */
  downloaded: number;
  /** Connected peers (and web seeds). */
  peers: number;
  /** Verified pieces held. */
  piecesHave: number;
  /** Pieces in the torrent. */
  piecesTotal: number;
  /** Seconds until the selected files are complete at the current rate, or `null` if unknown. */
  eta: number | null;
  /** Bytes received that failed their piece hash (thrown away, never written). */
  corruptBytes: number;
  /** Addresses of peers banned for sending corrupt data. */
  bannedPeers: string[];
  /** Pieces of existing data read back and hashed by the last start or resume (0 for a fresh download). */
  piecesChecked: number;
  /** What went wrong, in state `error`. */
  error?: string;
  /** What is known of the swarm (trackers, peers known, connected, failed), while running. */
  swarm?: SwarmSummary;
}

/** Options for {@linkcode TorrentHandle.done}. */
export interface DoneOptions {
  /** Stops waiting (the torrent keeps running); the promise rejects with code `aborted`. */
  signal?: AbortSignal;
  /** Stops waiting after this many milliseconds; the promise rejects with code `timeout`. */
  timeoutMs?: number;
}

/** Options for {@linkcode TorrentHandle.remove}. */
export interface RemoveOptions {
  /** Also delete the torrent's files and its resume state. @default {false} */
  deleteData?: boolean;
}

/** The events of a {@linkcode TorrentHandle}. */
export interface TorrentHandleEventMap {
  /** About every 250 ms while something changes; `detail` is the status. */
  progress: CustomEvent<TorrentStatus>;
  /** Once, when every selected piece is verified and on disk; `detail` is the status. */
  done: CustomEvent<TorrentStatus>;
  /** Once, when the torrent fails; `error` is a `TorrentError` or `MetainfoError`. */
  error: ErrorEvent;
}

/** What a session gives a handle (made only by `TorrentSession`). */
export interface HandleInit {
  /** The infohash. */
  infoHash: string;
  /** The name to show until the metadata is known. */
  name: string;
  /** The directory given to `add`, or holding the content for `seed`. */
  dir: string;
  /** Everything a run needs but its listeners and policy. */
  run: Omit<RunOptions, "events" | "policy">;
  /** Strikes that get a peer banned. */
  maxHashFailures: number;
  /** Start paused. */
  paused: boolean;
  /** Called when a peer is banned (the session disconnects it everywhere). */
  onBan(peer: PeerRef): void;
  /** Gives the session the function that disconnects a banned peer from this torrent. */
  watchBans(disconnect: (peer: PeerRef) => void): void;
  /** Called once the torrent is removed. */
  onRemoved(handle: TorrentHandle): void;
  /** The session's one timer (every {@linkcode HANDLE_TICK_MS}): progress and resume records. */
  ticker: Ticker;
}

/** The period of the ticker a session gives its handles, in ms. */
export const HANDLE_TICK_MS = 250;
const SAVE_EVERY_TICKS = 8; // a resume record about every 2 s

type Snapshot = ReturnType<EngineRun["snapshot"]>;

/**
 * A torrent being downloaded or seeded. Made by `TorrentSession.add` and
 * `TorrentSession.seed`; listen for `progress`, `done` and `error`, or await
 * {@linkcode TorrentHandle.done}.
 *
 * @example
 * ```ts ignore
 * const handle = await session.add("data.torrent", { dir: "./datasets" });
 * handle.addEventListener("progress", (e) => console.log(e.detail.bytesDone, e.detail.eta));
 * await handle.done({ timeoutMs: 600_000 });
 * ```
 */
export class TorrentHandle extends EventTarget {
  /** The infohash, 40 lowercase hex digits. */
  readonly infoHash: string;
  /** The directory given to `add`, or the one holding the content for `seed`. */
  readonly dir: string;
  readonly #init: HandleInit;
  readonly #policy: PeerPolicy;
  readonly #done = Promise.withResolvers<void>();
  readonly #extraPeers = new Set<string>();
  #name: string;
  #meta: Metainfo | null;
  #layout: Layout | null = null;
  #run: EngineRun | null = null;
  #paused: boolean;
  #closed = false;
  #error: Error | null = null;
  #complete = false;
  #settled = false;
  #ops: Promise<void> = Promise.resolve();
  #stopTicking: () => void;
  #ticks = 0;
  #last: Snapshot | null = null;
  #lastKey = "";
  #lastRates = "";
  #lastPulse = "";
  #idle = false;
  #revision = 0;
  #downloadedBefore = 0;
  #uploadedBefore = 0;

  /** Made by `TorrentSession`; not meant to be called directly. */
  constructor(init: HandleInit) {
    super();
    this.infoHash = init.infoHash;
    this.dir = init.dir;
    this.#init = init;
    this.#name = init.name;
    this.#meta = init.run.meta;
    this.#paused = init.paused;
    this.#policy = new PeerPolicy({ maxFailures: init.maxHashFailures, onBan: init.onBan });
    this.#done.promise.catch(() => {}); // rejections are for callers of done()
    this.#stopTicking = init.ticker.add(() => this.#tick());
    init.watchBans((peer) => this.#run?.disconnect(peer));
    if (!init.paused) this.#op(() => this.#start());
  }

  /** The torrent name (sanitised), or the infohash or magnet `dn` before the metadata is known. */
  get name(): string {
    return this.#name;
  }

  /** Where the content is (the torrent's folder, or its single file), once the metadata is known. */
  get contentPath(): string | null {
    return this.#layout?.contentPath ?? null;
  }

  /** The parsed torrent, once known. */
  get metainfo(): Metainfo | null {
    return this.#meta;
  }

  /**
   * A number that changes whenever {@linkcode status} may answer differently:
   * on each change of progress, rates, peers or swarm seen by the session's
   * tick, and on pause, resume, failure and removal. Whoever polls many
   * torrents compares it with the last one seen and skips those that have
   * not changed (a seeding torrent with no peers never changes).
   *
   * @example
   * ```ts ignore
   * let seen = -1;
   * setInterval(() => {
   *   if (handle.revision === seen) return;
   *   seen = handle.revision;
   *   console.log(handle.status());
   * }, 250);
   * ```
   */
  get revision(): number {
    return this.#revision;
  }

  /** A snapshot of the torrent's progress. */
  status(): TorrentStatus {
    const snap = this.#run?.snapshot() ?? this.#last;
    const bytesDone = snap?.bytesDone ?? 0;
    const bytesTotal = snap?.bytesTotal ?? 0;
    const downloadRate = this.#run ? snap?.downloadRate ?? 0 : 0;
    const state = this.#state();
    return {
      infoHash: this.infoHash,
      name: this.#name,
      state,
      bytesDone,
      bytesTotal,
      downloadRate,
      uploadRate: this.#run ? snap?.uploadRate ?? 0 : 0,
      uploaded: this.#uploadedBefore + (this.#run?.uploaded ?? 0),
      downloaded: this.#downloadedBefore + (this.#run?.downloaded ?? 0),
      peers: this.#run ? snap?.peers ?? 0 : 0,
      piecesHave: snap?.piecesHave ?? 0,
      piecesTotal: this.#layout?.pieceCount ?? this.#meta?.pieceCount ?? 0,
      eta: this.#complete
        ? 0
        : downloadRate > 0 && bytesTotal > 0
        ? Math.ceil((bytesTotal - bytesDone) / downloadRate)
        : null,
      corruptBytes: this.#policy.corruptBytes,
      bannedPeers: this.#policy.banned,
      piecesChecked: snap?.piecesChecked ?? 0,
      ...(this.#error ? { error: this.#error.message } : {}),
      ...(this.#run && snap?.swarm ? { swarm: snap.swarm } : {}),
    };
  }

  #state(): TorrentState {
    if (this.#error) return "error";
    if (this.#paused || this.#closed) return "paused";
    if (!this.#run) return this.#meta ? "checking" : "metadata"; // starting
    if (!this.#run.hasMetadata) return "metadata";
    if (!this.#run.ready) return "checking";
    return this.#complete ? "seeding" : "downloading";
  }

  /**
   * Resolves when every selected piece is verified and on disk (fsynced);
   * rejects when the torrent fails or is removed. Waiting can be bounded by
   * `timeoutMs` or `signal` without stopping the torrent.
   */
  done(options: DoneOptions = {}): Promise<void> {
    const { signal, timeoutMs } = options;
    if (!signal && timeoutMs === undefined) return this.#done.promise;
    return new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      const onAbort = () => {
        finish();
        reject(
          new TorrentError("aborted", `Stopped waiting for ${this.#name}`, {
            cause: signal?.reason,
          }),
        );
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          finish();
          const s = this.status();
          const percent = s.bytesTotal ? Math.floor((100 * s.bytesDone) / s.bytesTotal) : 0;
          reject(
            new TorrentError(
              "timeout",
              `Timed out after ${timeoutMs} ms waiting for ${this.#name} (${s.state}, ${percent}% done, ${s.peers} peers)`,
            ),
          );
        }, timeoutMs);
      }
      this.#done.promise.then(() => {
        finish();
        resolve();
      }, (error) => {
        finish();
        reject(error);
      });
    });
  }

  /** Stops the torrent (connections closed, resume record written) until {@linkcode resume}. */
  pause(): Promise<void> {
    return this.#op(async () => {
      if (this.#paused || this.#error || this.#closed) return;
      this.#paused = true;
      this.#revision++;
      await this.#stopRun(true);
    });
  }

  /** Restarts a paused torrent; verified pieces are kept (see resume.ts). */
  resume(): Promise<void> {
    return this.#op(async () => {
      if (!this.#paused || this.#error || this.#closed) return;
      this.#paused = false;
      this.#revision++;
      await this.#start();
    });
  }

  /**
   * Connects to a peer now (and again after each resume).
   *
   * @param address `host:port` or `[ipv6]:port`.
   * @returns false when the peer is refused (banned, or the torrent is stopped).
   * @throws {TypeError} When `address` is not `host:port`.
   */
  addPeer(address: string): boolean {
    if (!isPeerAddress(address)) {
      throw new TypeError(`Invalid peer address ${JSON.stringify(address)}: use host:port`);
    }
    this.#extraPeers.add(address);
    if (!this.#run) return !this.#error && !this.#closed;
    return this.#run.addPeer(address);
  }

  /**
   * Stops the torrent and forgets it. With `deleteData`, also deletes its files (for a seed:
   * the content that was seeded) and its resume state.
   */
  remove(options: RemoveOptions = {}): Promise<void> {
    return this.#op(async () => {
      if (this.#closed) return;
      this.#closed = true;
      this.#revision++;
      this.#stopTicking();
      await this.#stopRun(!options.deleteData);
      this.#settle(new TorrentError("closed", `${this.#name} was removed`));
      if (options.deleteData) {
        await deleteState(this.#init.run.stateDir, this.infoHash);
        if (this.#layout) await deleteFiles(this.#layout);
      }
      this.#init.onRemoved(this);
    });
  }

  /** Stops the torrent, writing its resume record (used by `TorrentSession.close`). */
  close(): Promise<void> {
    return this.#op(async () => {
      if (this.#closed) return;
      this.#closed = true;
      this.#revision++;
      this.#stopTicking();
      await this.#stopRun(true);
      this.#settle(
        new TorrentError("closed", `The session was closed before ${this.#name} completed`),
      );
    });
  }

  #op(fn: () => Promise<void>): Promise<void> {
    const next = this.#ops.then(fn);
    this.#ops = next.catch(() => {});
    return next;
  }

  async #start(): Promise<void> {
    const meta = this.#meta;
    this.#idle = false; // a new run: its first tick computes the status
    try {
      this.#run = await EngineRun.start({
        ...this.#init.run,
        meta,
        peers: [...new Set([...this.#init.run.peers, ...this.#extraPeers])],
        policy: this.#policy,
        events: {
          metadata: (m, layout) => {
            this.#meta = m;
            this.#layout = layout;
            this.#name = m.name;
          },
          ready: () => this.#tick(),
          complete: () => this.#op(() => this.#finish()).catch(() => {}),
          failed: (error) => this.#fail(error),
        },
      });
      if (this.#run.layout) this.#layout = this.#run.layout;
    } catch (error) {
      this.#fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  async #stopRun(save: boolean): Promise<void> {
    const run = this.#run;
    if (!run) return;
    this.#last = { ...run.snapshot(), downloadRate: 0, uploadRate: 0, peers: 0 };
    this.#run = null;
    this.#downloadedBefore += run.downloaded;
    this.#uploadedBefore += run.uploaded;
    await run.stop(save);
  }

  async #finish(): Promise<void> {
    const run = this.#run;
    if (!run || this.#complete || this.#error) return;
    await run.saveRecord();
    if (this.#run !== run || this.#error) return;
    this.#complete = true;
    const status = this.status();
    this.#emitProgress(status);
    if (!this.#settled) {
      this.dispatchEvent(new CustomEvent("done", { detail: status }));
      this.#settle(null);
    }
  }

  #fail(error: Error): void {
    if (this.#error || this.#closed) return;
    this.#error = error;
    this.#revision++;
    this.#stopTicking();
    const run = this.#run;
    if (run) {
      this.#last = { ...run.snapshot(), downloadRate: 0, uploadRate: 0, peers: 0 };
      this.#downloadedBefore += run.downloaded;
      this.#uploadedBefore += run.uploaded;
      this.#run = null;
      run.stop(run.ready).catch(() => {});
    }
    this.dispatchEvent(new ErrorEvent("error", { error, message: error.message }));
    this.#settle(error);
  }

  #settle(error: Error | null): void {
    if (this.#settled) return;
    this.#settled = true;
    if (error) this.#done.reject(error);
    else this.#done.resolve();
  }

  #tick(): void {
    const run = this.#run;
    if (!run) return;
    if (++this.#ticks % SAVE_EVERY_TICKS === 0 && run.unsaved) run.saveRecord().catch(() => {});
    // Nothing moved since a tick that saw rates at 0 (an idle seed): the status is unchanged.
    const pulse = run.pulse();
    if (this.#idle && pulse === this.#lastPulse) return;
    this.#lastPulse = pulse;
    const status = this.status();
    this.#idle = status.downloadRate === 0 && status.uploadRate === 0;
    const rates = [
      status.downloadRate,
      status.uploadRate,
      status.corruptBytes,
      status.bannedPeers.length,
    ].join();
    if (rates !== this.#lastRates) {
      this.#lastRates = rates;
      this.#revision++;
    }
    this.#emitProgress(status);
  }

  #emitProgress(status: TorrentStatus): void {
    const key = [
      status.state,
      status.bytesDone,
      status.piecesHave,
      status.peers,
      status.downloaded,
      status.uploaded,
      status.swarm ? describeSwarm(status.swarm) : "",
    ].join();
    if (key === this.#lastKey) return;
    this.#lastKey = key;
    this.#revision++;
    this.dispatchEvent(new CustomEvent("progress", { detail: status }));
  }

  /** Adds a typed listener for `progress`, `done` or `error`. */
  override addEventListener<K extends keyof TorrentHandleEventMap>(
    type: K,
    listener: (this: TorrentHandle, event: TorrentHandleEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  /** Adds a listener. */
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null | ((event: never) => void),
    options?: boolean | AddEventListenerOptions,
  ): void {
    super.addEventListener(type, listener as EventListenerOrEventListenerObject | null, options);
  }
}
