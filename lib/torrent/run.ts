/**
 * One run of one torrent in webtorrent: from `client.add` until it is stopped
 * (pause, remove, close) or fails. A {@linkcode TorrentHandle} starts a new
 * run on each resume. This is where webtorrent is hooked:
 *
 * - storage: a {@linkcode SafeChunkStore} through the `store` option, so every
 *   path is ours (webtorrent builds the store in `_onMetadata`, lib/torrent.js
 *   l.590, with `new this._store(pieceLength, {torrent, files, …})`), with
 *   no memory cache (`storeCacheSlots: 0`): data streams to disk;
 * - refusal: the store factory parses the metadata with our parser; if it
 *   refuses, or the infohash or file list disagree with webtorrent's, the
 *   store is inert and the run fails on the `metadata` event (emitted before
 *   anything is checked, requested or written);
 * - blame and bans: see peer_hooks.ts (which peer sent which block; banned
 *   peers refused); a failed hash is the `warning` "Piece N failed
 *   verification" (lib/torrent.js `_request`, l.2011), see peer_policy.ts;
 * - resume: a trusted bitfield goes in as the `bitfield` option (webtorrent
 *   then hashes one piece per file, `_verifyPiecesUsingBitfield`, l.745;
 *   accepted at l.633), otherwise webtorrent hashes every piece; the pieces
 *   recorded are those the store's put wrote (resume.ts).
 *
 * @module
 */
import { type SwarmSummary, SwarmWatch } from "./swarm_watch.ts";
import { lstatSync } from "node:fs";
import {
  boundRequests,
  cacheSpeeds,
  type ChunkStore,
  type EngineClient,
  type EngineTorrent,
  type EngineWire,
  type StoreConstructorOptions,
  toEngineTorrent,
} from "./engine.ts";
import { TorrentError } from "./errors.ts";
import {
  type Layout,
  type LayoutTarget,
  PieceProgress,
  pieceSize,
  planLayout,
  selectedBytes,
} from "./layout.ts";
import { type Metainfo, MetainfoError, parseMetainfo } from "./metainfo.ts";
import type { BanList, PeerPolicy, PeerRef } from "./peer_policy.ts";
import { disconnectPeer, refuseBannedPeers, watchWire } from "./peer_hooks.ts";
import { loadResume, ResumeWriter, saveTorrentFile, statePaths } from "./resume.ts";
import { type FileStamp, SafeChunkStore } from "./safe_store.ts";
import type { PieceSink, PieceSinkFactory } from "./piece_sink.ts";
import type { OpenFileLimit } from "./open_files.ts";
import type { PieceCache } from "./piece_cache.ts";

/** What a run tells its handle. */
export interface RunEvents {
  /** The metadata is known and accepted. */
  metadata(meta: Metainfo, layout: Layout): void;
  /** Existing data has been checked; downloading or seeding starts. */
  ready(): void;
  /** Every wanted piece is verified and on disk. */
  complete(): void;
  /** The run failed and is stopping. */
  failed(error: Error): void;
}

/** Everything a run needs. */
export interface RunOptions {
  /** The webtorrent client. */
  client: EngineClient;
  /** Session-wide bans. */
  bans: BanList;
  /** This torrent's strike counts. */
  policy: PeerPolicy;
  /** Where resume records live. */
  stateDir: string;
  /** A magnet link for webtorrent when the torrent is not known yet (`meta` is null). */
  magnet: string;
  /** The infohash expected. */
  infoHash: string;
  /** The parsed torrent, when known before the metadata. */
  meta: Metainfo | null;
  /** Where the files go. */
  target: LayoutTarget;
  /** Selected file indexes, or `null` for all. */
  selected: readonly number[] | null;
  /** Seeding existing content (`read`) or downloading (`readwrite`). */
  mode: "read" | "readwrite";
  /** Direct peers, `host:port`. */
  peers: readonly string[];
  /** Extra trackers. */
  announce: readonly string[];
  /** Extra web seeds. */
  webSeeds: readonly string[];
  /** Listeners. */
  events: RunEvents;
  /**
   * Downloads: makes the sink fed each verified piece as it is written (and
   * each piece on disk the run did not verify). @default none
   */
  sink?: PieceSinkFactory | undefined;
  /** The session's bound on open data files, shared by every run's store. @default none */
  openFiles?: OpenFileLimit | undefined;
  /** The session's cache of pieces read for peers, shared by every run's store. @default none */
  pieceCache?: PieceCache | undefined;
}

const FAILED_PIECE = /^Piece (\d+) failed verification$/;
const STOP_TIMEOUT_MS = 5000;
/**
 * Outstanding block requests per peer (16 KiB each, 2 MiB in all): see
 * `boundRequests`. Chosen by measurement (bench:download, 256 MiB from one
 * aria2c seeder over loopback, alternating): against webtorrent's unbounded
 * pipeline, 128 took 12% less CPU and no longer; 64 cost wall time, 16 twice as long.
 */
const MAX_REQUESTS = 128;

function refusedStore(pieceLength: number, error: Error): ChunkStore {
  const fail = (cb?: (err: Error | null) => void) => queueMicrotask(() => cb?.(error));
  return {
    chunkLength: pieceLength,
    put: (_i, _b, cb) => fail(cb),
    get: (_i, _o, cb) => fail(cb),
    close: (cb) => queueMicrotask(() => cb?.(null)),
    destroy: (cb) => queueMicrotask(() => cb?.(null)),
  };
}

/** One webtorrent torrent, hooked. */
export class EngineRun {
  /** Payload bytes received in this run (piece data, including data thrown away). */
  downloaded = 0;
  /** Payload bytes sent in this run. */
  uploaded = 0;
  /** Why the resume record was or was not trusted. */
  resumeReason = "";
  readonly #o: RunOptions;
  readonly #torrent: EngineTorrent;
  #layout: Layout | null;
  #meta: Metainfo | null;
  #store: SafeChunkStore | null = null;
  #sink: PieceSink | null = null;
  #writer: ResumeWriter | null;
  #refusal: Error | null = null;
  readonly #swarm = new SwarmWatch();
  #ready = false;
  #stopped = false;
  #stopping: Promise<void> | null = null;
  #progress: PieceProgress | null = null;
  #savedHave = -1;

  /** Starts a run: reads the resume record (when the torrent is known) and adds it to webtorrent. */
  static async start(options: RunOptions): Promise<EngineRun> {
    let layout: Layout | null = null;
    let bitfield: Uint8Array | null = null;
    let reason = "metadata not known yet";
    let generation = Date.now();
    if (options.meta) {
      layout = planLayout(options.meta, options.target, {
        selected: options.selected,
        partPath: statePaths(options.stateDir, options.infoHash).part,
      });
      const decision = await loadResume(options.stateDir, layout);
      bitfield = decision.bitfield;
      reason = decision.reason;
      generation = decision.generation;
    }
    return new EngineRun(options, layout, bitfield, reason, generation);
  }

  private constructor(
    options: RunOptions,
    layout: Layout | null,
    bitfield: Uint8Array | null,
    reason: string,
    generation: number,
  ) {
    this.#o = options;
    this.#layout = layout;
    this.#meta = options.meta;
    this.resumeReason = reason;
    this.#writer = layout ? new ResumeWriter(options.stateDir, layout, generation) : null;
    const createStore = (opts: StoreConstructorOptions) => this.#createStore(opts);
    // webtorrent calls `new store(pieceLength, opts)`: a function, not an arrow.
    function Store(_chunkLength: number, opts: StoreConstructorOptions): ChunkStore {
      return createStore(opts);
    }
    const source = options.meta ? toEngineTorrent(options.meta) : options.magnet;
    this.#torrent = options.client.add(source, {
      // Never a real directory: webtorrent uses `path` only for its own stores
      // and strips it from web seed URLs (lib/webconn.js), which a NUL avoids.
      path: "\u0000",
      store: Store,
      storeCacheSlots: 0,
      announce: [...options.announce],
      urlList: [...options.webSeeds],
      deselect: options.selected !== null,
      ...(bitfield ? { bitfield } : {}),
    });
    this.#hook();
  }

  /** The layout, once the metadata is known. */
  get layout(): Layout | null {
    return this.#layout;
  }

  /** Whether existing data has been checked. */
  get ready(): boolean {
    return this.#ready;
  }

  /** Whether the metadata is known. */
  get hasMetadata(): boolean {
    return this.#meta !== null;
  }

  /** Numbers for a status report. */
  snapshot(): {
    piecesHave: number;
    bytesDone: number;
    bytesTotal: number;
    peers: number;
    downloadRate: number;
    uploadRate: number;
    piecesChecked: number;
    swarm: SwarmSummary;
  } {
    const t = this.#torrent;
    let piecesHave = this.#progress?.piecesHave ?? 0;
    if (!this.#progress && t.bitfield && this.#layout) {
      piecesHave = 0;
      for (let i = 0; i < this.#layout.pieceCount; i++) if (t.bitfield.get(i)) piecesHave++;
    }
    return {
      piecesHave,
      bytesDone: this.#progress?.bytesDone ?? 0,
      bytesTotal: this.#layout ? selectedBytes(this.#layout) : 0,
      peers: t.destroyed ? 0 : t.numPeers,
      downloadRate: t.destroyed ? 0 : Math.round(t.downloadSpeed),
      uploadRate: t.destroyed ? 0 : Math.round(t.uploadSpeed),
      piecesChecked: this.#store?.pieceReads ?? 0,
      swarm: this.#swarm.summary(),
    };
  }

  /**
   * A cheap fingerprint of what moves a status: bytes in and out, connected
   * peers, swarm news, verified and checked pieces, readiness. Two equal
   * pulses with rates already at 0 mean an unchanged {@linkcode snapshot}
   * (an idle seed), which the handle then does not compute.
   */
  pulse(): string {
    const t = this.#torrent;
    return [
      this.downloaded,
      this.uploaded,
      t.destroyed ? 0 : t.numPeers,
      this.#swarm.version,
      this.#progress?.piecesHave ?? -1,
      this.#store?.pieceReads ?? 0,
      this.#ready,
      this.#meta !== null,
    ].join();
  }

  /** Connects to a peer; false when refused (banned, malformed, stopped). */
  addPeer(address: string): boolean {
    const t = this.#torrent;
    if (this.#stopped || t.destroyed || !t.infoHash) return false;
    return t.addPeer(address);
  }

  /** Disconnects every connection to `peer`. */
  disconnect(peer: PeerRef): void {
    disconnectPeer(this.#torrent, peer);
  }

  #createStore(opts: StoreConstructorOptions): ChunkStore {
    const t = opts.torrent;
    try {
      const meta = this.#meta ?? parseMetainfo(t.torrentFile ?? new Uint8Array());
      if (meta.infoHash !== this.#o.infoHash || t.infoHash !== this.#o.infoHash) {
        throw new TorrentError(
          "refused",
          `The torrent's metadata has infohash ${meta.infoHash} where ${this.#o.infoHash} was expected (non-canonical info dictionary?)`,
        );
      }
      const lengths = opts.files.map((f) => f.length).join();
      if (lengths !== meta.files.map((f) => f.length).join()) {
        throw new TorrentError("refused", "The engine read a different file list than ours");
      }
      this.#meta = meta;
      this.#layout ??= planLayout(meta, this.#o.target, {
        selected: this.#o.selected,
        partPath: statePaths(this.#o.stateDir, this.#o.infoHash).part,
      });
      this.#writer ??= new ResumeWriter(this.#o.stateDir, this.#layout, Date.now());
      this.#store = new SafeChunkStore(this.#layout, {
        mode: this.#o.mode,
        ...(this.#o.openFiles ? { openFiles: this.#o.openFiles } : {}),
        ...(this.#o.pieceCache ? { pieceCache: this.#o.pieceCache } : {}),
        beforePut: (index, paths) => this.#writer?.intent(index, paths).catch(() => {}),
        afterPut: (index, buf, paths) => this.#afterPut(index, buf, paths),
      });
      const store = this.#store;
      if (this.#o.mode === "readwrite" && this.#o.sink) {
        this.#sink = this.#o.sink(meta, this.#layout, (index) => store.readPiece(index));
      }
      return store;
    } catch (error) {
      this.#refusal = error instanceof TorrentError || error instanceof MetainfoError
        ? error
        : new TorrentError("refused", `Cannot place the torrent's files: ${String(error)}`, {
          cause: error,
        });
      return refusedStore(t.pieceLength, this.#refusal);
    }
  }

  async #afterPut(index: number, buf: Uint8Array, paths: readonly string[]): Promise<void> {
    this.#o.policy.verified(index, buf);
    if (!this.#writer && !this.#sink) return;
    const stamps: [string, FileStamp][] = [];
    for (const path of paths) {
      // Synchronous: a stat of a file just written is served from the inode
      // cache (5 µs here), where the async call costs a thread-pool round trip
      // (64 µs; 71 ms of main-thread time per 256 MiB fetch, profiled).
      const info = lstatSync(path);
      stamps.push([path, { size: info.size, mtimeMs: info.mtimeMs }]);
    }
    this.#sink?.landed(index, buf, stamps);
    await this.#writer?.journal(index, stamps).catch(() => {});
  }

  #hook(): void {
    const t = this.#torrent;
    refuseBannedPeers(t, this.#o.bans);
    this.#swarm.hook(t);
    t.on("infoHash", () => {
      if (t.infoHash !== this.#o.infoHash) {
        return this.#fail(
          new TorrentError(
            "refused",
            `The engine computed infohash ${t.infoHash}, not ${this.#o.infoHash}`,
          ),
        );
      }
      for (const peer of this.#o.peers) t.addPeer(peer);
    });
    t.on("metadata", () => this.#onMetadata());
    t.on("ready", () => this.#onReady());
    t.on("verified", (index: number) => this.#onVerified(index));
    t.on("wire", (wire: EngineWire) => {
      boundRequests(wire, MAX_REQUESTS);
      cacheSpeeds(wire);
    });
    t.on("wire", (wire: EngineWire, addr?: string) =>
      watchWire(t, wire, addr, {
        bans: this.#o.bans,
        policy: this.#o.policy,
        onDownload: (bytes) => this.downloaded += bytes,
        onUpload: (bytes) => this.uploaded += bytes,
      }));
    t.on("warning", (err: Error) => {
      const match = FAILED_PIECE.exec(err?.message ?? "");
      if (match && this.#layout) {
        const index = Number(match[1]);
        this.#o.policy.failed(index, pieceSize(this.#layout, index));
      }
    });
    t.on("error", (err: Error) => {
      this.#fail(
        err instanceof TorrentError
          ? err
          : new TorrentError("engine", `BitTorrent engine error: ${err?.message ?? err}`, {
            cause: err,
          }),
      );
    });
    t.on("close", () => {
      if (!this.#stopped) this.#fail(new TorrentError("engine", "The engine closed the torrent"));
    });
  }

  #onMetadata(): void {
    if (this.#refusal) return this.#fail(this.#refusal);
    const meta = this.#meta!;
    const layout = this.#layout!;
    if (layout.selected) {
      for (const index of layout.selected) this.#torrent.files[index]?.select();
    }
    saveTorrentFile(this.#o.stateDir, meta.infoHash, meta.bytes).catch(() => {});
    this.#o.events.metadata(meta, layout);
  }

  #onReady(): void {
    const t = this.#torrent;
    const layout = this.#layout;
    const store = this.#store;
    if (this.#stopped || !layout || !store || !t.bitfield) return;
    store.checking = false;
    if (store.firstError) return this.#fail(store.firstError);
    const bitfield = t.bitfield;
    const progress = this.#progress = new PieceProgress(layout, (i) => bitfield.get(i));
    if (this.#sink) {
      for (let i = 0; i < layout.pieceCount; i++) if (bitfield.get(i)) this.#sink.present(i);
    }
    this.#ready = true;
    if (this.#o.mode === "read" && progress.missing > 0) {
      return this.#fail(
        new TorrentError(
          "content-mismatch",
          `The content at ${
            JSON.stringify(layout.contentPath)
          } does not match the torrent: ${progress.missing} of ${layout.pieceCount} pieces fail their hash`,
        ),
      );
    }
    // Save at once: a full check may have found the last record stale, and
    // journal lines written from now on must extend a record of this state.
    this.saveRecord(async () => {
      if (this.#o.mode === "readwrite") await store.createEmptyFiles();
    }).then(() => {
      if (this.#stopped) return;
      this.#o.events.ready();
      if (progress.missing === 0) this.#o.events.complete();
    }, (error) => this.#fail(error));
  }

  #onVerified(index: number): void {
    if (!this.#ready || this.#stopped) return;
    if (this.#progress?.add(index)) this.#o.events.complete();
  }

  /**
   * Writes a resume record at a write barrier (after `before`, if given):
   * data fsynced, then stamped, then the bitfield copied.
   */
  async saveRecord(before?: () => Promise<void>): Promise<void> {
    const store = this.#store;
    if (!store) return;
    this.#savedHave = this.#progress?.piecesHave ?? 0;
    await store.barrier(async () => {
      await before?.();
      await this.#writeRecord();
    });
  }

  /** Writes the record; the caller holds the store's barrier. */
  async #writeRecord(): Promise<void> {
    const store = this.#store;
    const writer = this.#writer;
    const bitfield = this.#torrent.bitfield;
    const layout = this.#layout;
    if (!store || !writer || !layout || !bitfield) return;
    await store.sync();
    await writer.save(bitfield.buffer.slice(0, Math.ceil(layout.pieceCount / 8)));
  }

  /** Whether pieces were verified since the last record. */
  get unsaved(): boolean {
    return this.#ready && (this.#progress?.piecesHave ?? 0) !== this.#savedHave;
  }

  /** fsyncs the data written so far. */
  async sync(): Promise<void> {
    await this.#store?.sync();
  }

  #fail(error: Error): void {
    if (this.#stopped) return;
    this.#o.events.failed(error);
    this.stop(this.#ready).catch(() => {});
  }

  /** Stops the run: optionally writes a resume record, then leaves webtorrent, files closed. */
  stop(save: boolean): Promise<void> {
    this.#stopping ??= this.#stop(save);
    return this.#stopping;
  }

  async #stop(save: boolean): Promise<void> {
    this.#stopped = true;
    const t = this.#torrent;
    const destroy = () =>
      new Promise<void>((resolve) => {
        if (t.destroyed) return this.#store ? this.#store.close(() => resolve()) : resolve();
        const timer = setTimeout(resolve, STOP_TIMEOUT_MS);
        t.destroy({ destroyStore: false }, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    const store = this.#store;
    if (save && store && this.#ready && !t.destroyed) {
      await store.barrier(async () => {
        await this.#writeRecord().catch(() => {});
        await destroy();
      });
    } else {
      await destroy();
    }
    await this.#writer?.close();
  }
}
