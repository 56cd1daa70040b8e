/**
 * The one place that imports npm:webtorrent, with types for the parts of it
 * this library touches. webtorrent ships no type declarations, so these
 * interfaces are written from its source (webtorrent 3.0.21: index.js,
 * lib/torrent.js, lib/peer.js; bittorrent-protocol 5.0.9) and list only what
 * lib/torrent/ uses. Names starting with `_` are webtorrent internals that
 * have no public equivalent; each use is explained where it is made.
 *
 * @module
 */
import net from "node:net";
import { type BencodeNode, decodeBencode } from "./bencode.ts";
import { shareRatesFairly } from "./fair_bucket.ts";
import type { Metainfo } from "./metainfo.ts";

/** A node-style EventEmitter, as much of it as we use. */
export interface Emitter {
  on(event: string, listener: (...args: never[]) => void): this;
  once(event: string, listener: (...args: never[]) => void): this;
  removeListener(event: string, listener: (...args: never[]) => void): this;
  removeAllListeners(event?: string): this;
}

/** A callback-style chunk store, as webtorrent calls it (abstract-chunk-store). */
export interface ChunkStore {
  /** Bytes per chunk (the piece length). */
  readonly chunkLength: number;
  /** Writes one whole piece. */
  put(index: number, buf: Uint8Array, cb?: (err: Error | null) => void): void;
  /** Reads a piece, or a range of it. */
  get(
    index: number,
    opts: { offset?: number; length?: number } | null | undefined,
    cb: (err: Error | null, buf?: Uint8Array) => void,
  ): void;
  /** Closes the store (files stay). */
  close(cb?: (err: Error | null) => void): void;
  /** Closes the store and deletes its data. */
  destroy(cb?: (err: Error | null) => void): void;
}

/** What webtorrent passes to a custom store's constructor (lib/torrent.js `_onMetadata`). */
export interface StoreConstructorOptions {
  /** The torrent the store is for (set before the store is made). */
  torrent: EngineTorrent;
  /** webtorrent's own file list: raw (unsanitised) paths, lengths, offsets. */
  files: { path: string; length: number; offset: number }[];
  /** Total length in bytes. */
  length: number;
  /** Anything given as `storeOpts` to `client.add`. */
  [key: string]: unknown;
}

/** A bittorrent-protocol wire (one connection to a peer, or to a web seed). */
export interface EngineWire extends Emitter {
  /** `"tcpIncoming"`, `"tcpOutgoing"`, `"webSeed"`, … */
  readonly type: string;
  /** The remote peer id (hex), once the handshake is in. */
  readonly peerId: string | null;
  /** Set by webtorrent for TCP peers. */
  remoteAddress?: string;
  /** Set by webtorrent for TCP peers. */
  remotePort?: number;
  /** Whether the wire is closed. */
  readonly destroyed: boolean;
  /** Requests a block; the callback gets the block or an error. */
  request(
    index: number,
    offset: number,
    length: number,
    cb: (err: Error | null, chunk?: Uint8Array) => unknown,
  ): void;
  /** Closes the wire. */
  destroy(): void;
}

/** A webtorrent Peer (lib/peer.js): a connection attempt or a connected wire. */
export interface EnginePeer {
  /** `"ip:port"` (remote port, for incoming peers the ephemeral one) or a web seed URL. */
  readonly id: string;
  /** The wire, once connected. */
  readonly wire: EngineWire | null;
  /** Closes the peer. */
  destroy(err?: Error): void;
}

/** A webtorrent Torrent (lib/torrent.js). */
export interface EngineTorrent extends Emitter {
  readonly infoHash: string;
  readonly name?: string;
  readonly ready: boolean;
  readonly destroyed: boolean;
  readonly done: boolean;
  readonly paused: boolean;
  readonly length: number;
  readonly pieceLength: number;
  readonly lastPieceLength: number;
  /** The `.torrent` bytes webtorrent built from the metadata (set with `metadata`). */
  readonly torrentFile?: Uint8Array;
  /** Set once the metadata is known. */
  readonly metadata: Uint8Array | null;
  /** Verified pieces (MSB-first bitfield), once the metadata is known. */
  readonly bitfield?: { get(index: number): boolean; readonly buffer: Uint8Array };
  /** Per piece: the download in progress, or `null` once verified. */
  readonly pieces: (object | null)[];
  readonly files: { select(priority?: number): void; readonly length: number }[];
  readonly wires: EngineWire[];
  readonly numPeers: number;
  readonly downloadSpeed: number;
  readonly uploadSpeed: number;
  /** Connected and pending peers by id (internal, lib/torrent.js `_peers`). */
  readonly _peers: Map<string, EnginePeer> | null;
  /** Adds a peer by `"host:port"`; false when refused. */
  addPeer(peer: string): boolean;
  /** Adds a BEP 19 web seed. */
  addWebSeed(url: string): void;
  /** Disconnects and forgets a peer by id. */
  removePeer(id: string): void;
  /** Stops the torrent; the store is closed (and deleted with `destroyStore`). */
  destroy(opts: { destroyStore?: boolean } | null, cb?: (err?: Error | null) => void): void;
  /** Every outgoing peer, whatever its source, is created here (internal). */
  _addPeer(peer: unknown, type: string, source: unknown): unknown;
  /** Every incoming peer is handed over here after its handshake (internal). */
  _addIncomingPeer(peer: EnginePeer): void;
}

/** The webtorrent client. */
export interface EngineClient extends Emitter {
  readonly torrentPort: number;
  readonly listening: boolean;
  readonly destroyed: boolean;
  add(torrentId: unknown, opts: Record<string, unknown>): EngineTorrent;
  address(): { address: string; port: number } | null;
  destroy(cb?: (err?: Error | null) => void): void;
  throttleDownload(rate: number): void;
  throttleUpload(rate: number): void;
}

/** Options for {@linkcode createEngineClient}. */
export interface EngineClientOptions {
  dht: boolean;
  lsd: boolean;
  port: number;
  hostname?: string;
  downloadLimit: number;
  uploadLimit: number;
  tracker: boolean;
}

type WebTorrentConstructor = new (options: Record<string, unknown>) => unknown;
let WebTorrent: WebTorrentConstructor | undefined;

/**
 * Loads webtorrent, once. It is imported on first use rather than with this
 * module: loading it costs about 100 ms, which commands and data modules that
 * import the SDK but move no data should not pay.
 */
export async function loadEngine(): Promise<void> {
  WebTorrent ??= (await import("webtorrent")).default as unknown as WebTorrentConstructor;
}

/**
 * Makes a webtorrent client (call {@linkcode loadEngine} first) with no uTP, no WebRTC, no UPnP/NAT-PMP, and its
 * TCP listener bound to `hostname` when one is given. webtorrent has no option
 * for the listening address: its connection pool calls `server.listen(port,
 * cb)` synchronously inside the client constructor (lib/conn-pool.js), so the
 * address is added by wrapping `net.Server.prototype.listen` for the duration
 * of that call only. Its upload and download limits are shared fairly between
 * peers ({@linkcode shareRatesFairly}).
 */
export function createEngineClient(options: EngineClientOptions): EngineClient {
  if (!WebTorrent) throw new Error("createEngineClient() before loadEngine()");
  const Client = WebTorrent;
  const init = {
    dht: options.dht,
    lsd: options.lsd,
    utp: false,
    natUpnp: false,
    natPmp: false,
    webSeeds: true,
    torrentPort: options.port,
    downloadLimit: options.downloadLimit,
    uploadLimit: options.uploadLimit,
    tracker: options.tracker ? {} : false,
  };
  const hostname = options.hostname;
  if (hostname === undefined) return fair(new Client(init) as EngineClient);
  const proto = net.Server.prototype as unknown as { listen: (...args: unknown[]) => unknown };
  const listen = proto.listen;
  proto.listen = function (this: unknown, ...args: unknown[]) {
    if (typeof args[0] === "number" && typeof args[1] === "function") {
      return listen.call(this, args[0], hostname, args[1]);
    }
    return listen.apply(this, args);
  };
  try {
    return fair(new Client(init) as EngineClient);
  } finally {
    proto.listen = listen;
  }
}

/** The client, its upload and download limits shared fairly between its peers. */
function fair(client: EngineClient): EngineClient {
  shareRatesFairly(client as { throttleGroups?: unknown });
  return client;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A dictionary key as npm:bencode will re-encode it (UTF-8), from our latin1 form. */
function keyOf(latin1: string): string {
  if (![...latin1].some((c) => c.charCodeAt(0) > 0x7f)) return latin1;
  try {
    return utf8.decode(Uint8Array.from(latin1, (c) => c.charCodeAt(0)));
  } catch {
    return latin1; // not UTF-8: the re-encoded metadata will not match, and is not offered
  }
}

function plain(node: BencodeNode): unknown {
  switch (node.type) {
    case "integer":
      return Number(node.value);
    case "string":
      return node.value;
    case "list":
      return node.value.map(plain);
    case "dictionary":
      return Object.fromEntries([...node.value].map(([key, value]) => [keyOf(key), plain(value)]));
  }
}

/**
 * The torrent as webtorrent's parser (npm:parse-torrent) would describe it,
 * built from our own parse, so that webtorrent never parses `.torrent` bytes:
 * it accepts this object as is (parse-torrent returns any object with an
 * `infoHash` unchanged). This keeps webtorrent's view (infohash, file list,
 * piece hashes) equal to ours, including for valid torrents its parser gets
 * wrong: info dictionaries with unsorted keys (it re-encodes them and gets
 * another infohash), pad files without a path, zero-size symlink entries.
 * File paths are the torrent's own, name first, as BEP 19 web seed URLs need;
 * webtorrent never writes through them (the store does, with sanitised paths).
 * `info` is used by webtorrent only to re-encode the metadata it offers to
 * peers (ut_metadata), which checks the hash and offers nothing on a mismatch.
 */
export function toEngineTorrent(meta: Metainfo): Record<string, unknown> {
  const pieces: string[] = [];
  for (let i = 0; i < meta.pieceHashes.length; i += 20) {
    pieces.push(
      Array.from(meta.pieceHashes.subarray(i, i + 20), (b) => b.toString(16).padStart(2, "0")).join(
        "",
      ),
    );
  }
  return {
    info: plain(decodeBencode(meta.infoBytes)),
    infoHash: meta.infoHash,
    name: meta.name,
    announce: [...meta.announce],
    urlList: [...meta.urlList],
    private: meta.private,
    files: meta.files.map((file) => ({
      path: file.originalPath.join("/"),
      name: file.originalPath[file.originalPath.length - 1] ?? meta.name,
      length: file.length,
      offset: file.offset,
    })),
    length: meta.length,
    pieceLength: meta.pieceLength,
    lastPieceLength: meta.length - (meta.pieceCount - 1) * meta.pieceLength,
    pieces,
  };
}

/**
 * Bounds the block requests webtorrent keeps outstanding on `wire` to `max`.
 * webtorrent pipelines a second of the peer's measured speed (lib/torrent.js
 * `getBlockPipelineLength`, `PIPELINE_MAX_DURATION`), which over loopback is
 * hundreds of 16 KiB blocks in flight, all of them buffers in this process;
 * it honours the peer's `reqq` (BEP 10) as an upper bound, so the peer's
 * extended handshake (bittorrent-protocol keeps it as `peerExtendedHandshake`)
 * is seen through a `reqq` of at most `max`.
 *
 * @param wire A peer wire, before its extended handshake.
 * @param max The most outstanding block requests.
 */
export function boundRequests(wire: EngineWire, max: number): void {
  const target = wire as unknown as { peerExtendedHandshake?: Record<string, unknown> };
  const clamp = (info: Record<string, unknown> | undefined): Record<string, unknown> => {
    const reqq = info?.reqq;
    return { ...info, reqq: typeof reqq === "number" && reqq > 0 ? Math.min(reqq, max) : max };
  };
  let info = clamp(target.peerExtendedHandshake);
  Object.defineProperty(target, "peerExtendedHandshake", {
    configurable: true,
    enumerable: true,
    get: () => info,
    set: (value: Record<string, unknown> | undefined) => info = clamp(value),
  });
}

/**
 * Makes reading `wire.downloadSpeed()` and `wire.uploadSpeed()` cheap.
 * They are npm:throughput meters, which read `process.hrtime()` on every
 * call (an op in Deno), and webtorrent reads the download speed for every
 * piece it considers in a request round (lib/torrent.js `_request` →
 * `getBlockPipelineLength`, `speedRanker`, `_hotswap`): with several peers,
 * many pieces in flight are reserved by another peer, each round walks past
 * them, and a 64 MiB fetch from 4 seeders spent 1.4 s of its 2.7 s of CPU in
 * these clocks. A read now returns the value the meter gave earlier in the
 * same job (until the next microtask checkpoint), unless bytes were added
 * since; adding bytes (`downloadSpeed(n)`, as the wire does for each block)
 * always goes to the meter. The meter's buckets are 100 ms wide, so within
 * one job the value read is the one a call would have returned.
 *
 * @param wire A peer or web seed wire, as the torrent's `wire` event gives it.
 */
export function cacheSpeeds(wire: EngineWire): void {
  const meters = wire as unknown as Record<string, unknown>;
  for (const name of ["downloadSpeed", "uploadSpeed"]) {
    const meter = meters[name];
    if (typeof meter !== "function") continue;
    let fresh = false;
    let value = 0;
    const expire = () => fresh = false;
    meters[name] = (delta?: number): number => {
      if (delta || !fresh) {
        value = meter(delta);
        if (!fresh) {
          fresh = true;
          queueMicrotask(expire);
        }
      }
      return value;
    };
  }
}
