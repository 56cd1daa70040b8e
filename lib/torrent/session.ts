/**
 * The BitTorrent engine: a {@linkcode TorrentSession} downloads and seeds
 * torrents over npm:webtorrent (TCP peers, HTTP and UDP trackers, web seeds,
 * optional DHT and local peer discovery), with the safety webtorrent lacks:
 * confined file paths, banning of peers that send corrupt data, resume
 * records, and clear errors for unusable data folders.
 *
 * @example Download a torrent from a known peer
 * ```ts ignore
 * await using session = await TorrentSession.open({ stateDir: ".owm/torrents" });
 * const handle = await session.add("dataset.torrent", { dir: "data", peers: ["10.0.0.5:6881"] });
 * await handle.done();
 * console.log(handle.contentPath);
 * ```
 *
 * @module
 */
import { mkdir, readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { createEngineClient, type EngineClient, loadEngine } from "./engine.ts";
import { TorrentError } from "./errors.ts";
import { InvalidInputError } from "../errors/invalid_input.ts";
import { statePaths } from "./resume.ts";
import { HANDLE_TICK_MS, type HandleInit, TorrentHandle } from "./handle.ts";
import { Ticker } from "./ticker.ts";
import { OpenFileLimit } from "./open_files.ts";
import { PieceCache } from "./piece_cache.ts";
import { checkContent } from "./content_check.ts";
import { planLayout } from "./layout.ts";
import type { PieceSinkFactory } from "./piece_sink.ts";
import { isPeerAddress } from "./magnet.ts";
import { BanList, type PeerRef } from "./peer_policy.ts";
import { resolveSource, type TorrentSource } from "./source.ts";
import { checkUrls, screenUrls, type UrlPolicyOptions } from "./url_policy.ts";

/** The listening port used when none is given (falls back to any free port if taken). */
export const DEFAULT_PORT = 6881;

/** The most data files a session keeps open over all its torrents, unless told. */
const DEFAULT_MAX_OPEN_FILES = 64;
/** Bytes of whole pieces kept for the blocks peers ask for, over all torrents of a session. */
const PIECE_CACHE_BYTES = 16 << 20;

/** Options for {@linkcode TorrentSession.open}. */
export interface TorrentSessionOptions {
  /** Directory for resume records and torrents fetched by magnet (created if missing). */
  stateDir: string;
  /** Use the DHT to find peers. @default {true} */
  dht?: boolean;
  /** Use local peer discovery (BEP 14). @default {true} */
  lsd?: boolean;
  /** Use trackers. @default {true} */
  tracker?: boolean;
  /** TCP port to listen on; 0 for any. @default {6881, or any free port if taken} */
  port?: number;
  /** Address to listen on (TCP). @default {all interfaces} */
  hostname?: string;
  /**
   * Download limit in bytes per second over every peer, shared between them
   * in turn; -1 for none. @default {-1}
   */
  downloadLimit?: number;
  /**
   * Upload limit in bytes per second over every peer, shared between them in
   * turn (four leechers of a limited seeder each get a quarter); -1 for none.
   * @default {-1}
   */
  uploadLimit?: number;
  /**
   * The most data files the session keeps open, over all its torrents (the
   * least recently used idle ones are closed beyond it). @default {64}
   */
  maxOpenFiles?: number;
  /** Hash failures after which a peer is disconnected and banned for the session. @default {3} */
  maxHashFailuresPerPeer?: number;
  /**
   * Which tracker and web seed addresses may be contacted (see url_policy.ts):
   * link-local and metadata addresses are refused unless allowed. Refused
   * URLs given in options are an error; those that came with a torrent or
   * magnet are dropped with a warning.
   */
  urlPolicy?: UrlPolicyOptions;
  /** Where warnings go (a dropped tracker or web seed). @default {console.warn} */
  onWarning?: (message: string) => void;
}

/** Options for {@linkcode TorrentSession.add}. */
export interface AddOptions {
  /** Download directory: files go to `<dir>/<torrent name>/…` (created if missing). */
  dir: string;
  /** Peers to connect to, `host:port`. */
  peers?: readonly string[];
  /** Extra tracker URLs. */
  announce?: readonly string[];
  /** Extra BEP 19 web seed URLs. */
  webSeeds?: readonly string[];
  /** Indexes (in torrent order) of the files to download; all when absent. */
  files?: readonly number[];
  /** Add without starting; call `resume()` to start. @default {false} */
  paused?: boolean;
  /**
   * Makes the sink each run feeds verified pieces to as they are written
   * (lib/integrity/single_pass.ts hashes the content as it lands). @default none
   */
  sink?: PieceSinkFactory;
}

/** Options for {@linkcode TorrentSession.seed}. */
export interface SeedOptions {
  /** Peers to connect to, `host:port`. */
  peers?: readonly string[];
  /** Extra tracker URLs. */
  announce?: readonly string[];
  /** Extra BEP 19 web seed URLs. */
  webSeeds?: readonly string[];
}

function checkPeers(peers: readonly string[] = []): string[] {
  for (const peer of peers) {
    if (!isPeerAddress(peer)) {
      throw new TypeError(`Invalid peer address ${JSON.stringify(peer)}: use host:port`);
    }
  }
  return [...peers];
}

function waitListening(client: EngineClient): Promise<void> {
  return new Promise((resolve, reject) => {
    if (client.listening) return resolve();
    const done = (error?: Error) => {
      client.removeListener("listening", onListening);
      client.removeListener("error", onError);
      if (error) reject(error);
      else resolve();
    };
    const onListening = () => done();
    const onError = (error: Error) => done(error);
    client.once("listening", onListening);
    client.once("error", onError);
  });
}

function destroyClient(client: EngineClient): Promise<void> {
  return new Promise((resolve) => {
    if (client.destroyed) return resolve();
    client.destroy(() => resolve());
  });
}

/**
 * A BitTorrent session: one listening port, one set of banned peers, any
 * number of torrents. Close it (or `await using` it) to stop every torrent,
 * writing their resume records.
 */
export class TorrentSession implements AsyncDisposable {
  readonly #client: EngineClient;
  readonly #options: TorrentSessionOptions;
  readonly #stateDir: string;
  readonly #bans = new BanList();
  readonly #handles = new Map<string, TorrentHandle>();
  readonly #disconnectors = new Map<string, (peer: PeerRef) => void>();
  /** One timer for every torrent's progress and resume records (ticker.ts). */
  readonly #ticker = new Ticker(HANDLE_TICK_MS);
  readonly #openFiles: OpenFileLimit;
  /** Pieces read once for the blocks peers ask for (16 MiB over every torrent). */
  readonly #pieceCache = new PieceCache(PIECE_CACHE_BYTES);
  #closing: Promise<void> | null = null;

  private constructor(client: EngineClient, options: TorrentSessionOptions, stateDir: string) {
    this.#client = client;
    this.#options = options;
    this.#stateDir = stateDir;
    this.#openFiles = new OpenFileLimit(options.maxOpenFiles ?? DEFAULT_MAX_OPEN_FILES);
    // Torrent errors reach the client when a torrent has no listener; runs listen, so
    // anything here is a client failure (e.g. the listening socket). Never throw it.
    client.on("error", () => {});
  }

  /**
   * Starts a session listening for peers.
   *
   * @param options Ports, discovery, rate limits and the state directory.
   * @returns The session, once listening.
   * @throws {TorrentError} With code `io` when the state directory or the port cannot be used.
   * @throws {InvalidInputError} When `maxOpenFiles` is not a whole number of at least 1.
   */
  static async open(options: TorrentSessionOptions): Promise<TorrentSession> {
    const maxOpenFiles = options.maxOpenFiles;
    if (maxOpenFiles !== undefined && !(Number.isInteger(maxOpenFiles) && maxOpenFiles >= 1)) {
      throw new InvalidInputError(
        `maxOpenFiles must be a whole number of at least 1, got ${maxOpenFiles}`,
      );
    }
    const stateDir = resolve(options.stateDir);
    try {
      await mkdir(stateDir, { recursive: true });
    } catch (cause) {
      throw new TorrentError(
        "io",
        `Cannot use state directory ${JSON.stringify(stateDir)}: ${cause}`,
        {
          cause,
        },
      );
    }
    await loadEngine();
    const make = (port: number) =>
      createEngineClient({
        dht: options.dht ?? true,
        lsd: options.lsd ?? true,
        tracker: options.tracker ?? true,
        port,
        ...(options.hostname === undefined ? {} : { hostname: options.hostname }),
        downloadLimit: options.downloadLimit ?? -1,
        uploadLimit: options.uploadLimit ?? -1,
      });
    let client = make(options.port ?? DEFAULT_PORT);
    try {
      await waitListening(client);
    } catch (cause) {
      await destroyClient(client).catch(() => {});
      if (options.port !== undefined) {
        throw new TorrentError("io", `Cannot listen on port ${options.port}: ${cause}`, { cause });
      }
      client = make(0);
      await waitListening(client);
    }
    return new TorrentSession(client, options, stateDir);
  }

  /**
   * Whether this session's state directory holds the resume record of an
   * unfinished download of `infoHash` (then {@linkcode TorrentSession.add}
   * continues it rather than starting over): partial files on disk are work
   * in progress, not damaged content.
   *
   * @param infoHash The torrent's infohash.
   * @returns True when a record exists and not every piece is recorded as verified.
   */
  async hasUnfinished(infoHash: string): Promise<boolean> {
    try {
      const record = JSON.parse(
        await readFile(statePaths(this.#stateDir, infoHash.toLowerCase()).record, "utf8"),
      );
      const bits = Uint8Array.from(atob(String(record.pieces)), (c) => c.charCodeAt(0));
      let have = 0;
      for (const byte of bits) for (let b = byte; b; b &= b - 1) have++;
      return have < Number(record.pieceCount);
    } catch {
      return false;
    }
  }

  /** The TCP port the session listens on. */
  get port(): number {
    return this.#client.address()?.port ?? this.#client.torrentPort;
  }

  /** The torrents in the session. */
  get torrents(): TorrentHandle[] {
    return [...this.#handles.values()];
  }

  /** The torrent with `infoHash`, if it is in the session. */
  get(infoHash: string): TorrentHandle | undefined {
    return this.#handles.get(infoHash.toLowerCase());
  }

  /**
   * Adds a torrent to download. A torrent already in the session is returned
   * as it is (unless it failed: then it is replaced).
   *
   * @param source `.torrent` bytes, a `.torrent` file path, a magnet link, or a 40-hex infohash.
   * @param options Download directory, peers, trackers, web seeds, file selection.
   * @returns The torrent, started (or paused).
   * @throws {MetainfoError} When the `.torrent` is malformed, hostile or unsupported.
   * @throws {MagnetError} When the magnet link is unusable.
   * @throws {TorrentError} When the directory cannot be created (`io`), or the session is closed.
   */
  async add(source: Uint8Array | string, options: AddOptions): Promise<TorrentHandle> {
    this.#checkOpen();
    const peers = checkPeers(options.peers);
    const found = await this.#screen(await resolveSource(source, this.#stateDir), options);
    const existing = await this.#existing(found.infoHash);
    if (existing) return existing;
    const dir = resolve(options.dir);
    try {
      await mkdir(dir, { recursive: true });
    } catch (cause) {
      throw new TorrentError(
        "io",
        `Cannot create download directory ${JSON.stringify(dir)}: ${cause}`,
        {
          cause,
        },
      );
    }
    if (found.meta) planLayout(found.meta, { dir }, { selected: options.files ?? null });
    return this.#register(found, {
      dir,
      target: { dir },
      selected: options.files ? [...options.files] : null,
      mode: "readwrite",
      peers: [...found.peers, ...peers],
      announce: [...found.announce, ...(options.announce ?? [])],
      webSeeds: [...found.webSeeds, ...(options.webSeeds ?? [])],
      paused: options.paused ?? false,
      ...(options.sink ? { sink: options.sink } : {}),
    });
  }

  /**
   * Seeds existing content. The content is checked first (every file present
   * with its size and readable, every piece hashed, or trusted from a resume
   * record whose file stamps still match).
   *
   * @param contentPath The torrent's folder (multi-file) or its single file.
   * @param torrent The `.torrent` bytes.
   * @param options Peers, trackers, web seeds.
   * @returns The torrent, seeding.
   * @throws {MetainfoError} When the `.torrent` is malformed, hostile or unsupported.
   * @throws {TorrentError} With code `io` when the content cannot be read, or
   *   `content-mismatch` when it does not match the torrent.
   */
  async seed(
    contentPath: string,
    torrent: Uint8Array,
    options: SeedOptions = {},
  ): Promise<TorrentHandle> {
    this.#checkOpen();
    const peers = checkPeers(options.peers);
    const found = await this.#screen(await resolveSource(torrent, this.#stateDir), options);
    const meta = found.meta!;
    const existing = await this.#existing(found.infoHash);
    if (existing) return existing;
    const content = resolve(contentPath);
    await checkContent(planLayout(meta, { contentPath: content }), meta.files.length);
    const handle = this.#register(found, {
      dir: dirname(content),
      target: { contentPath: content },
      selected: null,
      mode: "read",
      peers: [...found.peers, ...peers],
      announce: [...found.announce, ...(options.announce ?? [])],
      webSeeds: [...found.webSeeds, ...(options.webSeeds ?? [])],
      paused: false,
    });
    try {
      await handle.done();
    } catch (error) {
      await handle.remove().catch(() => {});
      throw error;
    }
    return handle;
  }

  #register(
    found: TorrentSource,
    spec:
      & Pick<
        HandleInit["run"],
        "target" | "selected" | "mode" | "peers" | "announce" | "webSeeds" | "sink"
      >
      & {
        dir: string;
        paused: boolean;
      },
  ): TorrentHandle {
    const handle = new TorrentHandle({
      infoHash: found.infoHash,
      name: found.name,
      dir: spec.dir,
      maxHashFailures: this.#options.maxHashFailuresPerPeer ?? 3,
      paused: spec.paused,
      onBan: (peer) => this.#ban(peer),
      watchBans: (disconnect) => this.#disconnectors.set(found.infoHash, disconnect),
      ticker: this.#ticker,
      onRemoved: (h) => {
        if (this.#handles.get(h.infoHash) !== h) return;
        this.#handles.delete(h.infoHash);
        this.#disconnectors.delete(h.infoHash);
      },
      run: {
        client: this.#client,
        bans: this.#bans,
        stateDir: this.#stateDir,
        magnet: found.magnet,
        infoHash: found.infoHash,
        meta: found.meta,
        target: spec.target,
        selected: spec.selected,
        mode: spec.mode,
        peers: [...new Set(spec.peers)],
        announce: [...new Set(spec.announce)],
        webSeeds: [...new Set(spec.webSeeds)],
        ...(spec.sink ? { sink: spec.sink } : {}),
        openFiles: this.#openFiles,
        pieceCache: this.#pieceCache,
      },
    });
    this.#handles.set(found.infoHash, handle);
    return handle;
  }

  /**
   * Applies the URL policy: refused trackers and web seeds given in `extra`
   * are an error; those that came with the torrent or magnet are dropped,
   * each with a warning.
   */
  async #screen(
    found: TorrentSource,
    extra: { announce?: readonly string[]; webSeeds?: readonly string[] },
  ): Promise<TorrentSource> {
    const policy = this.#options.urlPolicy ?? {};
    await checkUrls(extra.announce ?? [], "tracker", policy);
    await checkUrls(extra.webSeeds ?? [], "web seed", policy);
    const [metaAnnounce, metaUrlList, announce, webSeeds] = await Promise.all([
      screenUrls(found.meta?.announce ?? [], "tracker", policy),
      screenUrls(found.meta?.urlList ?? [], "web seed", policy),
      screenUrls(found.announce, "tracker", policy),
      screenUrls(found.webSeeds, "web seed", policy),
    ]);
    const warn = this.#options.onWarning ?? ((message: string) => console.warn(message));
    for (const screened of [metaAnnounce, metaUrlList, announce, webSeeds]) {
      for (const warning of screened.warnings) warn(`${found.infoHash}: ${warning}`);
    }
    return {
      ...found,
      meta: found.meta
        ? { ...found.meta, announce: metaAnnounce.kept, urlList: metaUrlList.kept }
        : null,
      announce: announce.kept,
      webSeeds: webSeeds.kept,
    };
  }

  #ban(peer: PeerRef): void {
    this.#bans.add(peer);
    for (const disconnect of this.#disconnectors.values()) disconnect(peer);
  }

  /** A torrent already in the session; one that failed is removed, to be added afresh. */
  async #existing(infoHash: string): Promise<TorrentHandle | undefined> {
    const handle = this.#handles.get(infoHash);
    if (handle?.status().state !== "error") return handle;
    await handle.remove();
    return undefined;
  }

  #checkOpen(): void {
    if (this.#closing) throw new TorrentError("closed", "The torrent session is closed");
  }

  /** Stops every torrent (writing resume records) and the listener. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all([...this.#handles.values()].map((h) => h.close().catch(() => {})));
      await destroyClient(this.#client);
    })();
    return this.#closing;
  }

  /** Same as {@linkcode close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
