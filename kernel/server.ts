/**
 * Starts the bridge: opens the store and the torrent session, resumes every
 * unfinished transfer, serves the app on 127.0.0.1, writes `bridge.json`, and
 * saves state on SIGINT/SIGTERM. `deno task start` runs {@linkcode main}.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { InvalidInputError } from "../lib/errors/invalid_input.ts";
import { resolveStoreHome } from "../lib/graph/store.ts";
import { graphAllowlist } from "../lib/tracker/graph_allowlist.ts";
import { startTracker, type Tracker } from "../lib/tracker/tracker.ts";
import { createApp, type KernelApp } from "./app.ts";
import {
  BridgeFileError,
  BridgeRunningError,
  claimBridgeFile,
  markStopped,
  writeBridgeFile,
} from "./bridge_file.ts";
import { BridgeState, type BridgeStateOptions } from "./bridge_state.ts";
import { parseByteSize } from "../lib/fs/byte_size.ts";
import { SERVER_USAGE } from "./server_usage.ts";
import { portInUseLine, startErrorReport } from "./start_errors.ts";
import { processEnv } from "../lib/settings/env.ts";
import { envSwitch } from "../lib/settings/settings.ts";
import { closeSparql } from "./routes/sparql.ts";
import { InflightBodies, type RequestLimits } from "./request_limits.ts";
import { readSettings, SettingError, type Settings } from "../lib/settings/settings.ts";

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
  /** Bounds on request bodies: JSON size (`--max-json`), body deadlines. */
  limits?: Partial<RequestLimits>;
  /** Accept SPARQL 1.1 Update at `/sparql` (`--sparql-update`). @default false */
  sparqlUpdate?: boolean;
  /** The deadline of one SPARQL query or update, in ms (`--sparql-timeout`). @default 5 s */
  sparqlTimeoutMs?: number;
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
  /**
   * Stops serving, saves state, closes the session and clears its URL from
   * `bridge.json`. It does not wait on clients: bodies still arriving are cut
   * off, and connections still open after {@linkcode STOP_GRACE_MS} are left to
   * the process's exit.
   */
  close(): Promise<void>;
}

/** How long a stopping bridge waits for open connections, and then for its session, in ms. */
export const STOP_GRACE_MS = 3000;

/** Waits for `promise` at most `ms` ms: true when it was fulfilled, false when late (rejects as it does). */
async function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
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
  // Before the store is opened: a second bridge on it is refused, naming the running one.
  const claimed = await claimBridgeFile(home);
  if (claimed.renewed) console.error(`bridge: warning: ${claimed.renewed}`);
  const state = await BridgeState.open({ ...options, home });
  const token = claimed.token;
  const inflight = new InflightBodies();
  // A specific address bound on purpose is a Host its clients use (bridge.json says so).
  const bound = hostname === "0.0.0.0" || hostname === "::"
    ? []
    : [hostname.includes(":") ? `[${hostname}]` : hostname];
  const app = createApp(state, {
    token,
    allowedHosts: [...bound, ...(options.allowedHosts ?? [])],
    ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.sparqlUpdate ? { sparqlUpdate: true } : {}),
    ...(options.sparqlTimeoutMs ? { sparqlTimeoutMs: options.sparqlTimeoutMs } : {}),
    inflight,
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
      try {
        state.events.closeAll();
        inflight.cutAll(); // uploads still arriving fail now and remove their .incoming-* folder
        // Deno.serve waits for ever on a client still sending its headers: not past the grace.
        if (!await settleWithin(server.shutdown(), STOP_GRACE_MS)) {
          console.error(
            `bridge: connections still open after ${STOP_GRACE_MS / 1000} s: not waiting`,
          );
        }
        await tracker?.close();
        await closeSparql(state);
        if (!await settleWithin(state.close(), STOP_GRACE_MS)) {
          console.error(
            `bridge: the torrent session did not close within ${STOP_GRACE_MS / 1000} s`,
          );
        }
      } finally {
        await markStopped(home, token, url);
      }
    })();
  return { url, token, port, state, tracker, close, [Symbol.asyncDispose]: close };
}

/** `--sparql-timeout S`: seconds, more than 0. */
function sparqlTimeout(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new InvalidInputError(
      `--sparql-timeout takes a number of seconds above 0, got ${JSON.stringify(value)}`,
    );
  }
  return seconds * 1000;
}

/**
 * `deno task start`: parses flags, starts, prints `listening on …`, stops on a
 * signal. What goes wrong is printed as one line per cause, never a stack
 * (`OWM_DEBUG=1` adds it).
 */
export async function main(args: string[]): Promise<number> {
  try {
    return await serve(args);
  } catch (error) {
    const report = startErrorReport(error);
    for (const line of report.lines) console.error(line);
    let debug = false;
    try {
      debug = envSwitch(processEnv, "OWM_DEBUG") ?? false;
    } catch {
      debug = true;
    }
    if (debug && error instanceof Error) console.error(String(error.stack));
    return report.exit;
  }
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      home: { type: "string" },
      graph: { type: "string" },
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
      "max-json": { type: "string" },
      "sparql-update": { type: "boolean" },
      "sparql-timeout": { type: "string" },
      tracker: { type: "boolean" },
      "tracker-port": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(SERVER_USAGE);
    return 0;
  }
  // Flags over the environment, with one set of rules (lib/settings/settings.ts).
  let settings: Settings;
  try {
    settings = readSettings({
      ...(values.port === undefined ? {} : { bridgePort: Number(values.port) }),
      indexes: values.index,
      ...(values["no-dht"] ? { dht: false } : {}),
      ...(values["no-lsd"] ? { lsd: false } : {}),
    });
  } catch (error) {
    if (!(error instanceof SettingError)) throw error;
    console.error(`bridge: ${error.message}`);
    return 2;
  }
  const port = settings.bridgePort;
  const bridge = await startBridge({
    ...(values["max-json"] ? { limits: { maxJsonBytes: parseByteSize(values["max-json"]) } } : {}),
    ...(values.home ? { home: values.home } : {}),
    ...(values.graph ? { graph: values.graph } : {}),
    port,
    ...(values.hostname ? { hostname: values.hostname } : {}),
    allowRemote: values["allow-remote"] ?? false,
    ...(values["sparql-update"] ? { sparqlUpdate: true } : {}),
    ...(values["sparql-timeout"]
      ? { sparqlTimeoutMs: sparqlTimeout(values["sparql-timeout"]) }
      : {}),
    allowedHosts: values["allow-host"] ?? [],
    allowedOrigins: values["cors-origin"] ?? [],
    indexes: settings.indexes,
    peers: values.peer ?? [],
    ...(values["torrent-port"] ? { torrentPort: Number(values["torrent-port"]) } : {}),
    dht: settings.dht,
    lsd: settings.lsd,
    ...(values["publish-root"] ? { publishRoot: values["publish-root"] } : {}),
    ...(values["max-upload"] ? { maxUploadBytes: parseByteSize(values["max-upload"]) } : {}),
    ...(settings.driveRootUrl ? { driveRootUrl: settings.driveRootUrl } : {}),
    extend: (await import("./extensions.ts")).extend,
    ...(values.tracker || values["tracker-port"]
      ? { tracker: { port: Number(values["tracker-port"] ?? 6969) } }
      : {}),
  }).catch((error) => {
    // Another bridge on the store, or a bridge.json that is a link or a folder: one line.
    if (error instanceof BridgeRunningError || error instanceof BridgeFileError) {
      console.error(`bridge: ${error.message}`);
      return undefined;
    }
    if (error instanceof Deno.errors.AddrInUse) {
      return portInUseLine(values.hostname ?? "127.0.0.1", port).then((line) => {
        console.error(line);
        return undefined;
      });
    }
    throw error;
  });
  if (!bridge) return 1;
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
  // close() bounds each of its waits; this bounds the whole (the exit ends what is left).
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stopped = await Promise.race([
    bridge.close().then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 3 * STOP_GRACE_MS))),
  ]);
  clearTimeout(timer);
  if (!stopped) console.error("bridge: stopping took too long: exiting now");
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
