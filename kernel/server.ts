/**
 * Starts the bridge: opens the store and the torrent session, resumes every
 * unfinished transfer, serves the app on 127.0.0.1, writes `bridge.json`, and
 * saves state on SIGINT/SIGTERM. `deno task start` runs {@linkcode main}.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { resolveStoreHome } from "../lib/graph/store.ts";
import { graphAllowlist } from "../lib/tracker/graph_allowlist.ts";
import { startTracker, type Tracker } from "../lib/tracker/tracker.ts";
import { createApp, type KernelApp } from "./app.ts";
import { existingToken, markStopped, newToken, writeBridgeFile } from "./bridge_file.ts";
import { BridgeState, type BridgeStateOptions } from "./bridge_state.ts";
import { parseByteSize } from "../lib/fs/byte_size.ts";
import { SERVER_USAGE } from "./server_usage.ts";

/** Options of {@linkcode startBridge}. */
export interface StartBridgeOptions extends Omit<BridgeStateOptions, "home"> {
  /** The store directory. @default OWM_HOME, else ./.owm */
  home?: string;
  /** The HTTP port; 0 picks a free one. @default 8484 */
  port?: number;
  /** The address to bind. @default 127.0.0.1 (another needs `allowRemote`) */
  hostname?: string;
  /** Allow binding a non-loopback address (the token is still required). */
  allowRemote?: boolean;
  /** Extra Host names accepted. */
  allowedHosts?: string[];
  /** Origins allowed to make changes (and given CORS headers). */
  allowedOrigins?: string[];
  /** Mounts extra routes (uploads, the page) on the app. */
  extend?: (app: KernelApp, state: BridgeState, token: string) => void;
  /**
   * Also runs a tracker (HTTP and UDP on `port`, 0 for free ports, on the
   * bridge's address) serving only the infohashes of the graph's DataSources.
   */
  tracker?: { port?: number };
}

/** A running bridge. */
export interface RunningBridge extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** The bearer token. */
  token: string;
  /** The port. */
  port: number;
  /** The state (store, session, events). */
  state: BridgeState;
  /** The tracker, when started with `tracker`. */
  tracker: Tracker | undefined;
  /** Stops serving, saves state, closes the session. */
  close(): Promise<void>;
}

const LOOPBACK = ["127.0.0.1", "::1", "localhost"];

/** Starts the bridge. */
export async function startBridge(options: StartBridgeOptions = {}): Promise<RunningBridge> {
  // Compared bare (no brackets, no port parsing: "::1" is loopback too).
  const hostname = (options.hostname ?? "127.0.0.1").replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (!LOOPBACK.includes(hostname) && !options.allowRemote) {
    throw new TypeError(
      `Refusing to bind ${hostname}: the bridge binds loopback only unless started with --allow-remote (the token is still required)`,
    );
  }
  const home = resolveStoreHome(options.home);
  const state = await BridgeState.open({ ...options, home });
  const token = (await existingToken(home)) ?? newToken();
  // A specific address bound on purpose is a Host its clients use (bridge.json says so).
  const bound = hostname === "0.0.0.0" || hostname === "::"
    ? []
    : [hostname.includes(":") ? `[${hostname}]` : hostname];
  const app = createApp(state, {
    token,
    allowedHosts: [...bound, ...(options.allowedHosts ?? [])],
    ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
  });
  let server: Deno.HttpServer<Deno.NetAddr>;
  let tracker: Tracker | undefined;
  try {
    options.extend?.(app, state, token);
    if (options.tracker) {
      tracker = await startTracker({
        hostname,
        httpPort: options.tracker.port ?? 0,
        udpPort: options.tracker.port ?? 0,
        allowlist: graphAllowlist(state.repo),
      });
    }
    server = Deno.serve({ hostname, port: options.port ?? 8484, onListen() {} }, app.fetch);
  } catch (error) {
    await tracker?.close();
    await state.close(); // e.g. the port is taken: leave no session or ticker behind
    throw error;
  }
  const port = server.addr.port;
  const url = `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
  await writeBridgeFile(home, {
    url,
    token,
    pid: Deno.pid,
    ...(tracker ? { trackers: [tracker.httpUrl, tracker.udpUrl] } : {}),
  });
  await state.resumeJobs();
  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= (async () => {
      state.events.closeAll();
      await server.shutdown();
      await tracker?.close();
      await state.close();
      await markStopped(home, token);
    })();
  return { url, token, port, state, tracker, close, [Symbol.asyncDispose]: close };
}

/** `deno task start`: parses flags, starts, prints `listening on …`, stops on a signal. */
export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      home: { type: "string" },
      port: { type: "string" },
      hostname: { type: "string" },
      "allow-remote": { type: "boolean" },
      "allow-host": { type: "string", multiple: true },
      "cors-origin": { type: "string", multiple: true },
      index: { type: "string", multiple: true },
      peer: { type: "string", multiple: true },
      "torrent-port": { type: "string" },
      "no-dht": { type: "boolean" },
      "no-lsd": { type: "boolean" },
      "publish-root": { type: "string" },
      "max-upload": { type: "string" },
      tracker: { type: "boolean" },
      "tracker-port": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(SERVER_USAGE);
    return 0;
  }
  const env = (name: string) => Deno.env.get(name);
  const port = Number(values.port ?? env("OWM_PORT") ?? 8484);
  const off = (flag: boolean | undefined, name: string) =>
    flag === true || ["0", "false", "off"].includes(env(name) ?? "");
  const bridge = await startBridge({
    ...(values.home ? { home: values.home } : {}),
    port,
    ...(values.hostname ? { hostname: values.hostname } : {}),
    allowRemote: values["allow-remote"] ?? false,
    allowedHosts: values["allow-host"] ?? [],
    allowedOrigins: values["cors-origin"] ?? [],
    indexes: values.index ?? env("OWM_INDEXES")?.split(",").filter(Boolean) ?? [],
    peers: values.peer ?? [],
    ...(values["torrent-port"] ? { torrentPort: Number(values["torrent-port"]) } : {}),
    dht: !off(values["no-dht"], "OWM_DHT"),
    lsd: !off(values["no-lsd"], "OWM_LSD"),
    ...(values["publish-root"] ? { publishRoot: values["publish-root"] } : {}),
    ...(values["max-upload"] ? { maxUploadBytes: parseByteSize(values["max-upload"]) } : {}),
    ...(env("OWM_DRIVE_ROOT_URL") ? { driveRootUrl: env("OWM_DRIVE_ROOT_URL")! } : {}),
    extend: (await import("./extensions.ts")).extend,
    ...(values.tracker || values["tracker-port"]
      ? { tracker: { port: Number(values["tracker-port"] ?? 6969) } }
      : {}),
  });
  console.log(`listening on ${bridge.url}`);
  if (bridge.tracker) {
    console.error(`bridge: tracker on ${bridge.tracker.httpUrl} and ${bridge.tracker.udpUrl}`);
  }
  console.error(
    `bridge: store ${bridge.state.repo.store.home}; token in ${bridge.state.repo.store.home}/bridge.json`,
  );
  const stop = new Promise<string>((resolve) => {
    Deno.addSignalListener("SIGINT", () => resolve("SIGINT"));
    Deno.addSignalListener("SIGTERM", () => resolve("SIGTERM"));
  });
  const signal = await stop;
  console.error(`bridge: ${signal}: saving state and stopping`);
  await bridge.close();
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
