/**
 * Starting a bridge inside this process, for {@linkcode Bridge.connect} when
 * none runs. The server (kernel/, built on Hono) is not imported from here:
 * `kernel/in_process.ts` provides the starter ({@linkcode provideInProcessStarter}),
 * and the SDK's entry points (`mod.ts`, `owmeta-torrent/bridge`) import it.
 * So the dependency is explicit and static where it is used, and programs that
 * only talk to a running bridge (the `owm` command) never load or even resolve
 * the server: Deno prepares every literal import, dynamic ones too, before a
 * program starts, which cost each `owm` command about 110 ms.
 *
 * @module
 */
import { BridgeError } from "./errors.ts";

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
  if (!starter) {
    throw new BridgeError(
      "not-running",
      `No bridge answers for the store ${home}, and this program cannot start one in-process: start one with 'deno task start', or import 'owmeta-torrent' (mod.ts), which can`,
    );
  }
  return await starter(home, options);
}

/** Starts a bridge in this process on the store at `home` (see {@linkcode provideInProcessStarter}). */
export type InProcessStarter = (
  home: string,
  options: BridgeStartOptions,
) => Promise<StartedBridge>;

let starter: InProcessStarter | undefined;

/**
 * Gives {@linkcode startInProcess} the way to start a bridge: called once by
 * `kernel/in_process.ts`, which the SDK's entry points import.
 *
 * @example
 * ```ts ignore
 * import { provideInProcessStarter } from "./start.ts";
 * provideInProcessStarter(async (home, options) => await startBridge({ ...options, home }));
 * ```
 */
export function provideInProcessStarter(start: InProcessStarter): void {
  starter = start;
}
