/**
 * Real BitTorrent clients for the interop tests, each started on loopback with
 * its own temporary profile and ports chosen free, and stopped (its whole
 * process group) by `stop()` / `await using`:
 *
 * - aria2 (`aria2c`), driven through its JSON-RPC interface;
 * - qBittorrent (`qbittorrent-nox` 4.5, libtorrent 2.0), through its Web API;
 * - Transmission (`transmission-daemon` 3.00), through its RPC API. It never
 *   dials loopback peers, so our side must dial it.
 *
 * @module
 */
import { join } from "node:path";
import { Buffer } from "node:buffer";

const encodeBase64 = (data: Uint8Array) => Buffer.from(data).toString("base64");

/** Whether `binary` is on PATH. */
export function hasBinary(binary: string): boolean {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (!dir) continue;
    try {
      if (Deno.statSync(join(dir, binary)).isFile) return true;
    } catch {
      // not here
    }
  }
  return false;
}

/**
 * Whether every binary a client needs is installed; if not, says so on the
 * console (the tests are then ignored, never silently).
 */
export function available(client: string, binaries: string[]): boolean {
  const missing = binaries.filter((b) => !hasBinary(b));
  if (missing.length === 0) return true;
  console.warn(
    `SKIPPING the ${client} interop tests: ${missing.join(", ")} not found on PATH ` +
      `(install the Debian packages listed in .ci/run)`,
  );
  return false;
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Sleeps `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value other than `undefined`, or throws after `timeoutMs`. */
export async function poll<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 200,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < end) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      if (error instanceof FatalClientError) throw error;
      lastError = error;
    }
    await sleep(everyMs);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}` +
      (lastError ? ` (last error: ${lastError})` : ""),
  );
}

/** A failure reported by the client itself: polling stops at once. */
export class FatalClientError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "FatalClientError";
  }
}

/** A child process in its own session (process group), its output in a log file. */
class Daemon {
  readonly #child: Deno.ChildProcess;
  readonly logPath: string;
  readonly exited: Promise<Deno.CommandStatus>;
  #stopped = false;

  constructor(args: string[], logPath: string, env: Record<string, string> = {}) {
    this.logPath = logPath;
    // setsid: a new session, so the whole group can be killed; sh: output into the log.
    this.#child = new Deno.Command("setsid", {
      args: ["sh", "-c", 'exec "$@" >"$OWM_INTEROP_LOG" 2>&1', "sh", ...args],
      env: { ...env, OWM_INTEROP_LOG: logPath },
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    this.exited = this.#child.status;
  }

  get pid(): number {
    return this.#child.pid;
  }

  async log(): Promise<string> {
    try {
      const text = await Deno.readTextFile(this.logPath);
      return text.length > 4000 ? "…" + text.slice(-4000) : text;
    } catch {
      return "(no log)";
    }
  }

  /** SIGTERM to the process group, SIGKILL after `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const signal = (sig: Deno.Signal) => {
      try {
        Deno.kill(-this.#child.pid, sig);
      } catch {
        try {
          this.#child.kill(sig);
        } catch {
          // already gone
        }
      }
    };
    signal("SIGTERM");
    const done = await Promise.race([
      this.exited.then(() => true),
      sleep(graceMs).then(() => false),
    ]);
    if (!done) {
      signal("SIGKILL");
      await this.exited;
    }
  }
}

/** What a real client offers the tests. */
export interface RealClient extends AsyncDisposable {
  /** The client's name. */
  readonly name: string;
  /** The port it listens on for peers, on 127.0.0.1. */
  readonly peerPort: number;
  /** `127.0.0.1:<peerPort>`. */
  readonly peer: string;
  /**
   * Adds `torrent` to seed the content under `parentDir` (which holds the
   * torrent's root file or folder); resolves once the client has checked it
   * and is seeding.
   */
  seed(torrent: Uint8Array, parentDir: string, infoHash: string): Promise<void>;
  /**
   * Adds `torrent` to download into `dir`, dialling `peers` if given (where
   * the client can); resolves at once.
   */
  download(torrent: Uint8Array, dir: string, infoHash: string, peers?: string[]): Promise<void>;
  /** Resolves when the download of `infoHash` is complete. */
  waitComplete(infoHash: string, timeoutMs: number): Promise<void>;
  /** The infohash the client computes for `torrent` (adding it paused where needed). */
  infoHashOf(torrent: Uint8Array, scratchDir: string): Promise<string>;
  /** The tail of the client's log, for failure messages. */
  log(): Promise<string>;
  /** Stops the client (its process group). */
  stop(): Promise<void>;
}

async function waitForPort(port: number, daemon: Daemon, timeoutMs = 15_000): Promise<void> {
  let exited = false;
  daemon.exited.then(() => exited = true);
  await poll(
    `port ${port}`,
    async () => {
      if (exited) throw new FatalClientError(`the client exited early: ${await daemon.log()}`);
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
      return true;
    },
    timeoutMs,
    100,
  );
}

// ---------------------------------------------------------------- aria2

/** Starts `aria2c` with JSON-RPC on loopback, no DHT, LPD or PEX. */
export async function startAria2(profile: string): Promise<RealClient> {
  await Deno.mkdir(profile, { recursive: true });
  const rpcPort = freePort();
  const peerPort = freePort();
  const secret = "interop";
  const daemon = new Daemon([
    "aria2c",
    "--no-conf",
    "--enable-rpc",
    `--rpc-listen-port=${rpcPort}`,
    "--rpc-listen-all=false",
    `--rpc-secret=${secret}`,
    `--listen-port=${peerPort}`,
    "--enable-dht=false",
    "--enable-dht6=false",
    "--bt-enable-lpd=false",
    "--enable-peer-exchange=false",
    "--disable-ipv6=true",
    "--file-allocation=none",
    "--bt-save-metadata=false",
    "--auto-save-interval=0",
    "--summary-interval=0",
    "--console-log-level=warn",
    "--bt-max-peers=0",
    `--dir=${profile}`,
  ], join(profile, "aria2.log"));
  const rpc = async (method: string, ...params: unknown[]): Promise<unknown> => {
    const res = await fetch(`http://127.0.0.1:${rpcPort}/jsonrpc`, {
      method: "POST",
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: "1",
        method: `aria2.${method}`,
        params: [`token:${secret}`, ...params],
      }),
    });
    const body = await res.json();
    if (body.error) throw new FatalClientError(`aria2 ${method}: ${JSON.stringify(body.error)}`);
    return body.result;
  };
  try {
    await waitForPort(rpcPort, daemon);
  } catch (error) {
    await daemon.stop();
    throw error;
  }
  const gids = new Map<string, string>();
  const status = async (infoHash: string) => {
    const gid = gids.get(infoHash);
    if (!gid) throw new Error(`aria2 does not have ${infoHash}`);
    const s = await rpc("tellStatus", gid) as Record<string, string>;
    if (s.status === "error" || s.status === "removed") {
      throw new FatalClientError(`aria2 failed ${infoHash}: ${s.errorCode} ${s.errorMessage}`);
    }
    return s;
  };
  const stop = () => daemon.stop();
  return {
    name: "aria2",
    peerPort,
    peer: `127.0.0.1:${peerPort}`,
    async seed(torrent, parentDir, infoHash) {
      const gid = await rpc("addTorrent", encodeBase64(torrent), [], {
        dir: parentDir,
        "check-integrity": "true",
        "seed-ratio": "0.0",
      }) as string;
      gids.set(infoHash, gid);
      await poll(`aria2 seeding ${infoHash}`, async () => {
        const s = await status(infoHash);
        return s.seeder === "true" && s.status === "active" ? true : undefined;
      }, 60_000);
    },
    async download(torrent, dir, infoHash) {
      const gid = await rpc("addTorrent", encodeBase64(torrent), [], {
        dir,
        "seed-time": "0",
      }) as string;
      gids.set(infoHash, gid);
    },
    async waitComplete(infoHash, timeoutMs) {
      await poll(`aria2 completing ${infoHash}`, async () => {
        const s = await status(infoHash);
        return s.status === "complete" ? true : undefined;
      }, timeoutMs);
    },
    async infoHashOf(torrent, scratchDir) {
      await Deno.mkdir(scratchDir, { recursive: true });
      const path = join(scratchDir, "check.torrent");
      await Deno.writeFile(path, torrent);
      const out = await new Deno.Command("aria2c", { args: ["--no-conf", "--show-files", path] })
        .output();
      const text = new TextDecoder().decode(out.stdout);
      const m = /Info Hash:\s*([0-9a-f]{40})/i.exec(text);
      if (!m) throw new Error(`aria2c --show-files printed no infohash:\n${text}`);
      return m[1]!.toLowerCase();
    },
    log: () => daemon.log(),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

// ---------------------------------------------------------------- qBittorrent

/** Starts `qbittorrent-nox` with a temporary profile, the Web API on loopback, bound to `lo`. */
export async function startQBittorrent(profile: string): Promise<RealClient> {
  const webPort = freePort();
  const peerPort = freePort();
  const configDir = join(profile, "qBittorrent", "config");
  await Deno.mkdir(configDir, { recursive: true });
  const downloads = join(profile, "downloads");
  await Deno.writeTextFile(
    join(configDir, "qBittorrent.conf"),
    [
      "[LegalNotice]",
      "Accepted=true",
      "",
      "[BitTorrent]",
      `Session\\Port=${peerPort}`,
      "Session\\Interface=lo",
      "Session\\InterfaceName=lo",
      "Session\\InterfaceAddress=127.0.0.1",
      "Session\\MultiConnectionsPerIp=true",
      "Session\\DHTEnabled=false",
      "Session\\LSDEnabled=false",
      "Session\\PeXEnabled=false",
      "Session\\QueueingSystemEnabled=false",
      "Session\\AnonymousModeEnabled=false",
      "Session\\IgnoreLimitsOnLAN=true",
      "Session\\GlobalMaxRatio=-1",
      `Session\\DefaultSavePath=${downloads}`,
      "",
      "[Preferences]",
      "Connection\\ResolvePeerCountries=false",
      "Connection\\UPnP=false",
      `Connection\\PortRangeMin=${peerPort}`,
      "General\\Locale=en",
      "WebUI\\Address=127.0.0.1",
      `WebUI\\Port=${webPort}`,
      "WebUI\\LocalHostAuth=false",
      "WebUI\\CSRFProtection=false",
      "WebUI\\HostHeaderValidation=false",
      "WebUI\\UseUPnP=false",
      "",
    ].join("\n"),
  );
  const daemon = new Daemon(
    ["qbittorrent-nox", `--profile=${profile}`, `--webui-port=${webPort}`],
    join(profile, "qbittorrent.log"),
    { HOME: profile, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
  );
  const base = `http://127.0.0.1:${webPort}/api/v2`;
  const get = async (path: string) => {
    const res = await fetch(`${base}/${path}`);
    if (!res.ok) throw new Error(`qBittorrent GET ${path}: ${res.status} ${await res.text()}`);
    return await res.json();
  };
  const post = async (path: string, form: FormData | URLSearchParams) => {
    const res = await fetch(`${base}/${path}`, { method: "POST", body: form });
    const text = await res.text();
    if (!res.ok || text.trim() === "Fails.") {
      throw new Error(`qBittorrent POST ${path}: ${res.status} ${text}`);
    }
    return text;
  };
  try {
    await waitForPort(webPort, daemon, 30_000);
    await poll("the qBittorrent Web API", async () => {
      const res = await fetch(`${base}/app/version`); // plain text
      await res.body?.cancel();
      return res.ok ? true : undefined;
    }, 15_000);
  } catch (error) {
    await daemon.stop();
    throw error;
  }
  const info = async (infoHash: string): Promise<Record<string, unknown> | undefined> => {
    const list = await get(`torrents/info?hashes=${infoHash}`) as Record<string, unknown>[];
    return list[0];
  };
  const add = async (torrent: Uint8Array, savePath: string, paused = false) => {
    const form = new FormData();
    form.append(
      "torrents",
      new Blob([torrent as Uint8Array<ArrayBuffer>], { type: "application/x-bittorrent" }),
      "t.torrent",
    );
    form.append("savepath", savePath);
    form.append("paused", String(paused));
    form.append("root_folder", "true");
    form.append("contentLayout", "Original");
    form.append("autoTMM", "false");
    form.append("sequentialDownload", "false");
    await post("torrents/add", form);
  };
  const failed = (t: Record<string, unknown>) =>
    t.state === "error" || t.state === "missingFiles"
      ? new FatalClientError(`qBittorrent reports ${t.state} for ${t.hash}`)
      : undefined;
  const complete = (t: Record<string, unknown>) =>
    t.progress === 1 && ["uploading", "stalledUP", "forcedUP", "queuedUP"].includes(
      String(t.state),
    );
  const stop = () => daemon.stop(5000);
  return {
    name: "qBittorrent",
    peerPort,
    peer: `127.0.0.1:${peerPort}`,
    async seed(torrent, parentDir, infoHash) {
      await add(torrent, parentDir);
      await poll(`qBittorrent seeding ${infoHash}`, async () => {
        const t = await info(infoHash);
        if (!t) return undefined;
        const bad = failed(t);
        if (bad) throw bad;
        return complete(t) ? true : undefined;
      }, 60_000);
    },
    async download(torrent, dir, infoHash, peers) {
      await add(torrent, dir);
      await poll(`qBittorrent adding ${infoHash}`, info.bind(null, infoHash), 15_000);
      if (peers?.length) {
        await post(
          "torrents/addPeers",
          new URLSearchParams({ hashes: infoHash, peers: peers.join("|") }),
        );
      }
    },
    async waitComplete(infoHash, timeoutMs) {
      await poll(`qBittorrent completing ${infoHash}`, async () => {
        const t = await info(infoHash);
        if (!t) return undefined;
        const bad = failed(t);
        if (bad) throw bad;
        return complete(t) ? true : undefined;
      }, timeoutMs);
    },
    async infoHashOf(torrent, scratchDir) {
      await Deno.mkdir(scratchDir, { recursive: true });
      const before = new Set(
        (await get("torrents/info") as { hash: string }[]).map((t) => t.hash),
      );
      await add(torrent, scratchDir, true);
      const added = await poll("qBittorrent listing the new torrent", async () => {
        const list = await get("torrents/info") as { hash: string; infohash_v1?: string }[];
        return list.find((t) => !before.has(t.hash));
      }, 15_000);
      await post(
        "torrents/delete",
        new URLSearchParams({ hashes: added.hash, deleteFiles: "false" }),
      );
      return (added.infohash_v1 || added.hash).toLowerCase();
    },
    log: () => daemon.log(),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

// ---------------------------------------------------------------- Transmission

/** Starts `transmission-daemon -f` with a temporary config dir, RPC on loopback. */
export async function startTransmission(profile: string): Promise<RealClient> {
  await Deno.mkdir(profile, { recursive: true });
  const rpcPort = freePort();
  const peerPort = freePort();
  const downloads = join(profile, "downloads");
  await Deno.mkdir(downloads, { recursive: true });
  await Deno.writeTextFile(
    join(profile, "settings.json"),
    JSON.stringify(
      {
        "bind-address-ipv4": "127.0.0.1",
        "bind-address-ipv6": "::1",
        "dht-enabled": false,
        "lpd-enabled": false,
        "pex-enabled": false,
        "utp-enabled": false,
        "port-forwarding-enabled": false,
        "peer-port": peerPort,
        "peer-port-random-on-start": false,
        "rpc-enabled": true,
        "rpc-bind-address": "127.0.0.1",
        "rpc-port": rpcPort,
        "rpc-authentication-required": false,
        "rpc-whitelist-enabled": true,
        "rpc-whitelist": "127.0.0.1",
        "rpc-host-whitelist-enabled": false,
        "download-dir": downloads,
        "incomplete-dir-enabled": false,
        "ratio-limit-enabled": false,
        "idle-seeding-limit-enabled": false,
        "speed-limit-up-enabled": false,
        "speed-limit-down-enabled": false,
        "download-queue-enabled": false,
        "seed-queue-enabled": false,
        "start-added-torrents": true,
        "encryption": 1,
        "message-level": 1,
        "preallocation": 0,
        "watch-dir-enabled": false,
      },
      null,
      2,
    ),
  );
  const daemon = new Daemon(
    [
      "transmission-daemon",
      "-f",
      "-g",
      profile,
      "-p",
      String(rpcPort),
      "-P",
      String(peerPort),
    ],
    join(profile, "transmission.log"),
    { HOME: profile, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
  );
  let sessionId = "";
  const rpc = async (
    method: string,
    args: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>> => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const res = await fetch(`http://127.0.0.1:${rpcPort}/transmission/rpc`, {
        method: "POST",
        headers: { "X-Transmission-Session-Id": sessionId },
        body: JSON.stringify({ method, arguments: args }),
      });
      if (res.status === 409) {
        sessionId = res.headers.get("X-Transmission-Session-Id") ?? "";
        await res.body?.cancel();
        continue;
      }
      const body = await res.json();
      if (body.result !== "success") {
        throw new FatalClientError(`transmission ${method}: ${body.result}`);
      }
      return body.arguments;
    }
    throw new Error(`transmission ${method}: no session id`);
  };
  try {
    await waitForPort(rpcPort, daemon);
    await poll("the Transmission RPC", async () => (await rpc("session-get")) && true, 15_000);
  } catch (error) {
    await daemon.stop();
    throw error;
  }
  const FIELDS = ["hashString", "percentDone", "leftUntilDone", "status", "error", "errorString"];
  const get = async (infoHash: string) => {
    const out = await rpc("torrent-get", { ids: [infoHash], fields: FIELDS });
    const t = (out.torrents as Record<string, unknown>[])[0];
    if (t && t.error !== 0 && t.error !== 1) { // 1 = tracker warning, not fatal
      throw new FatalClientError(`Transmission error on ${infoHash}: ${t.errorString}`);
    }
    return t;
  };
  const add = async (torrent: Uint8Array, dir: string, paused = false) => {
    const out = await rpc("torrent-add", {
      metainfo: encodeBase64(torrent),
      "download-dir": dir,
      paused,
    });
    const added = (out["torrent-added"] ?? out["torrent-duplicate"]) as { hashString: string };
    return added.hashString.toLowerCase();
  };
  const stop = () => daemon.stop();
  const STATUS_SEEDING = 6;
  return {
    name: "Transmission",
    peerPort,
    peer: `127.0.0.1:${peerPort}`,
    async seed(torrent, parentDir, infoHash) {
      await add(torrent, parentDir);
      await rpc("torrent-verify", { ids: [infoHash] });
      await poll(`Transmission seeding ${infoHash}`, async () => {
        const t = await get(infoHash);
        return t && t.leftUntilDone === 0 && t.status === STATUS_SEEDING ? true : undefined;
      }, 60_000);
    },
    async download(torrent, dir, infoHash) {
      await add(torrent, dir);
      // Dial it only once it downloads (not while it checks), or it refuses us.
      const STATUS_DOWNLOADING = 4;
      await poll(`Transmission starting ${infoHash}`, async () => {
        const t = await get(infoHash);
        return t && t.status === STATUS_DOWNLOADING ? true : undefined;
      }, 15_000);
    },
    async waitComplete(infoHash, timeoutMs) {
      await poll(`Transmission completing ${infoHash}`, async () => {
        const t = await get(infoHash);
        return t && t.percentDone === 1 && t.leftUntilDone === 0 ? true : undefined;
      }, timeoutMs);
    },
    async infoHashOf(torrent, scratchDir) {
      await Deno.mkdir(scratchDir, { recursive: true });
      const path = join(scratchDir, "check.torrent");
      await Deno.writeFile(path, torrent);
      const out = await new Deno.Command("transmission-show", { args: [path] }).output();
      const text = new TextDecoder().decode(out.stdout);
      const m = /Hash:\s*([0-9a-f]{40})/i.exec(text);
      if (!m) throw new Error(`transmission-show printed no infohash:\n${text}`);
      // The daemon itself agrees (it accepts the torrent, paused).
      const viaRpc = await add(torrent, scratchDir, true);
      await rpc("torrent-remove", { ids: [viaRpc], "delete-local-data": false });
      if (viaRpc !== m[1]!.toLowerCase()) {
        throw new Error(`transmission-show says ${m[1]}, the daemon says ${viaRpc}`);
      }
      return viaRpc;
    },
    log: () => daemon.log(),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
