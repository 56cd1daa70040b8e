/**
 * Starting a bridge inside this process, for {@linkcode Bridge.connect} when
 * none runs. The server (kernel/, built on Hono) is imported dynamically, by
 * literal specifiers: the import is open (`deno info`, `deno check` and
 * `deno compile` see it) but runs only when a client starts a bridge, so
 * programs that only talk to a running bridge, or never use the bridge, do
 * not load the web framework.
 *
 * @module
 */
/**
 * How {@linkcode Bridge.connect} starts a bridge in-process: the options of
 * the server's `startBridge` (kernel/server.ts) other than the store home,
 * which `connect` gives. Tests check that these stay assignable to the
 * server's own options type.
 */
export interface BridgeStartOptions {
  /** The HTTP port; 0 picks a free one. @default 0 */
  port?: number;
  /** The address to bind. @default 127.0.0.1 (another needs `allowRemote`) */
  hostname?: string;
  /** Allow binding a non-loopback address (the token is still required). */
  allowRemote?: boolean;
  /** Extra Host names accepted. */
  allowedHosts?: string[];
  /** Origins allowed to make changes (and given CORS headers). */
  allowedOrigins?: string[];
  /** Index specs (`dir:…`, `http(s)://…`, `drive:…`). @default the store's `torrents/` folder */
  indexes?: readonly string[];
  /** Peers every fetch dials, `host:port`. */
  peers?: readonly string[];
  /** The BitTorrent port; 0 for any. @default 6881, or any if taken */
  torrentPort?: number;
  /** DHT. @default true */
  dht?: boolean;
  /** Local peer discovery. @default true */
  lsd?: boolean;
  /** Folder under which `POST /api/publish` may publish local paths; off when unset. */
  publishRoot?: string;
  /** Most bytes one `POST /api/uploads` may carry. @default 1 GiB */
  maxUploadBytes?: number;
  /** The Drive API root for Drive indexes (tests point it at a local server). */
  driveRootUrl?: string;
}

/** The part of the server's running bridge (`RunningBridge`) that the client uses. */
export interface StartedBridge {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** The bearer token. */
  token: string;
  /** Stops serving, saves state, closes the session. */
  close(): Promise<void>;
}

/**
 * Starts a bridge in this process on the store at `home`, with the routes
 * `deno task start` mounts.
 */
export async function startInProcess(
  home: string,
  options: BridgeStartOptions = {},
): Promise<StartedBridge> {
  const [server, extensions] = await Promise.all([
    import("../../kernel/server.ts"),
    import("../../kernel/extensions.ts"),
  ]);
  return await server.startBridge({
    port: 0,
    ...options,
    home,
    extend: extensions.extend,
  });
}
