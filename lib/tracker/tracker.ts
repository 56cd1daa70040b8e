/**
 * A private-swarm BitTorrent tracker: npm:bittorrent-tracker's server with
 * HTTP and UDP announce and scrape, bound to a chosen address, an optional
 * infohash allowlist, and per-torrent stats.
 *
 * @module
 */
import { Server } from "bittorrent-tracker";
import { OwmError } from "../errors/owm_error.ts";

/** An announce for a torrent the tracker's allowlist does not hold. */
export class TorrentNotAllowedError extends OwmError {
  /** The error's code: `torrent-not-allowed`. */
  override readonly code: string = "torrent-not-allowed";
  /** The refused infohash (hex). */
  readonly infoHash: string;
  /** Creates the error. */
  constructor(infoHash: string) {
    super(`Torrent not allowed on this tracker: '${infoHash}'`);
    this.name = "TorrentNotAllowedError";
    this.infoHash = infoHash;
  }
}

/** The tracker could not start (e.g. the port is taken). */
export class TrackerStartError extends OwmError {
  /** The error's code: `tracker-start`. */
  override readonly code: string = "tracker-start";
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TrackerStartError";
  }
}

/** The infohashes (lowercase hex) a tracker serves; others are refused. */
export type TrackerAllowlist = () => Promise<Set<string>> | Set<string>;

/** Options of {@linkcode startTracker}. */
export interface TrackerOptions {
  /** The address to bind (HTTP and UDP). @default {"127.0.0.1"} */
  hostname?: string;
  /** The HTTP port; 0 picks a free one. @default {0} */
  httpPort?: number;
  /** The UDP port; 0 picks a free one. @default {0} */
  udpPort?: number;
  /** When given, only these infohashes are tracked; announces for others fail. */
  allowlist?: TrackerAllowlist;
  /** The announce interval told to clients, in milliseconds. @default {600000} */
  interval?: number;
}

/** Counts for one torrent. */
export interface TorrentStats {
  /** Peers with the whole torrent. */
  seeders: number;
  /** Peers still downloading. */
  leechers: number;
  /** Downloads completed while the tracker ran. */
  completed: number;
}

/** What a tracker knows. */
export interface TrackerStats {
  /** Number of torrents with a swarm. */
  torrents: number;
  /** Per infohash (hex). */
  byInfoHash: Record<string, TorrentStats>;
}

/** A running tracker. */
export interface Tracker extends AsyncDisposable {
  /** `http://HOST:PORT/announce`. */
  readonly httpUrl: string;
  /** `udp://HOST:PORT`. */
  readonly udpUrl: string;
  /** The bound HTTP port. */
  readonly httpPort: number;
  /** The bound UDP port. */
  readonly udpPort: number;
  /** Current swarms. */
  stats(): TrackerStats;
  /** Stops the tracker, dropping open connections. */
  close(): Promise<void>;
}

interface Swarm {
  complete: number;
  incomplete: number;
}

function hostPart(hostname: string): string {
  return hostname.includes(":") ? `[${hostname}]` : hostname;
}

/**
 * Starts a tracker (HTTP and UDP; no WebSocket). Its HTTP server also answers
 * `GET /stats.json`.
 *
 * @param options Address, ports, allowlist and interval.
 * @returns The running tracker, with its announce URLs.
 * @throws {TrackerStartError} When a port cannot be bound.
 *
 * @example Run a tracker on loopback
 * ```ts ignore
 * await using tracker = await startTracker({ httpPort: 6969, udpPort: 6969 });
 * console.log(tracker.httpUrl, tracker.udpUrl);
 * ```
 */
export async function startTracker(options: TrackerOptions = {}): Promise<Tracker> {
  const hostname = (options.hostname ?? "127.0.0.1").replace(/^\[(.*)\]$/, "$1");
  const allowlist = options.allowlist;
  const completed = new Map<string, number>();
  const server = new Server({
    http: true,
    udp: true,
    ws: false,
    stats: true,
    trustProxy: false,
    interval: options.interval ?? 600_000,
    ...(allowlist
      ? {
        filter: (infoHash: string, _params: unknown, cb: (err?: Error | null) => void) => {
          Promise.resolve(allowlist()).then(
            (allowed) =>
              cb(allowed.has(infoHash.toLowerCase()) ? null : new TorrentNotAllowedError(infoHash)),
            (error) => cb(error instanceof Error ? error : new Error(String(error))),
          );
        },
      }
      : {}),
  });
  server.on("warning", () => {});
  server.on("complete", (_addr: unknown, params: { info_hash?: string }) => {
    const hash = params.info_hash;
    if (hash) completed.set(hash, (completed.get(hash) ?? 0) + 1);
  });
  const v6 = hostname.includes(":");
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(
        { http: options.httpPort ?? 0, udp: options.udpPort ?? 0 },
        {
          http: hostname,
          udp: v6 ? "127.0.0.1" : hostname,
          udp6: v6 ? hostname : "::1",
        },
        () => {
          server.removeListener("error", reject);
          resolve();
        },
      );
    });
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw new TrackerStartError(
      `Cannot start the tracker on ${hostname}: ${error instanceof Error ? error.message : error}`,
      { cause: error },
    );
  }
  server.on("error", () => {});
  const httpPort = (server.http.address() as { port: number }).port;
  const udpSocket = v6 ? server.udp6 : server.udp4;
  const udpPort = (udpSocket.address() as { port: number }).port;
  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Drop open HTTP connections too: a client's keep-alive announce connection
      // would otherwise hold close() forever.
      (server.http as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    });
  return {
    httpUrl: `http://${hostPart(hostname)}:${httpPort}/announce`,
    udpUrl: `udp://${hostPart(hostname)}:${udpPort}`,
    httpPort,
    udpPort,
    stats() {
      const torrents = server.torrents as Record<string, Swarm>;
      const byInfoHash: Record<string, TorrentStats> = {};
      for (const [hash, swarm] of Object.entries(torrents)) {
        byInfoHash[hash] = {
          seeders: swarm.complete,
          leechers: swarm.incomplete,
          completed: completed.get(hash) ?? 0,
        };
      }
      return { torrents: Object.keys(byInfoHash).length, byInfoHash };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
