/**
 * Many torrents (#15 point 5): a bridge seeding 100 datasets, against a
 * bridge seeding one and against aria2c seeding the same 100, in one run.
 *
 * - Data: `--count` datasets (one file each) of `--total-mib` in all, under a
 *   publish root in a temp folder.
 * - Bridges as users start them (`deno task start`: scripts/launch.ts bridge,
 *   which runs kernel/server.ts in a child Deno), each with its own store,
 *   `--no-dht --no-lsd`, `OWM_CACHE=0`; every dataset published through
 *   `POST /api/publish` (the bridge hashes it and seeds it). The reference
 *   bridge publishes one dataset of the same size.
 * - Restart: both bridges are stopped (SIGTERM, state saved) and started
 *   again; the time from the launcher's start until `GET /api/torrents` shows
 *   every torrent `seeding` with all its pieces, and what the bridge process
 *   read meanwhile (/proc/PID/io `rchar`, page-cache hits included, and
 *   `read_bytes`, from storage), against the content size: re-hashing would
 *   read it all.
 * - Idle: CPU of each process tree over `--idle-seconds` with no peers
 *   (/proc/PID/stat), resident memory (the bridge process, and the tree),
 *   open descriptors (all, and those on the datasets) — for both bridges and
 *   for one aria2c seeding all 100 (`--bt-seed-unverified`, `-j count`).
 * - Leeching: 4 aria2c leechers at once, each fetching a quarter of the
 *   datasets one after another (every dataset once, the whole `--total-mib`),
 *   from the 100-seed bridge, then from the aria2c seeder: the seeder's CPU
 *   per GiB served, peak memory and descriptors. The bridge's torrents carry
 *   no tracker (the bridge publishes without one), so the bench announces the
 *   bridge's BitTorrent port to a loopback tracker (lib/tracker) for every
 *   infohash, as a tracker in the torrent would, and gives the leechers the
 *   same torrents with that tracker added (the infohash is unchanged).
 *
 * `deno task bench:seed-many [--count 100] [--total-mib 1024] [--idle-seconds 30]
 * [--skip-leech] [--skip-aria2c] [--keep]` (needs aria2c). Run it under the
 * shared lock: `flock /tmp/owm-bench.lock deno task bench:seed-many`.
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { PublishedJson, TorrentStatusJson } from "../../lib/bridge/api_types.ts";
import { processEnv } from "../../lib/settings/env.ts";
import { parseMetainfo } from "../../lib/torrent/metainfo.ts";
import { startTracker } from "../../lib/tracker/tracker.ts";
import { sampleProcess, sampleTree, TICKS_PER_SECOND, type TreeSample } from "./_proc.ts";
import { ARIA2C_FLAGS } from "./_aria2c.ts";
import { launcherArgs } from "./_launcher.ts";

const { values } = parseArgs({
  args: Deno.args.filter((a) => a !== "--"),
  options: {
    count: { type: "string", default: "100" },
    "total-mib": { type: "string", default: "1024" },
    "idle-seconds": { type: "string", default: "30" },
    "skip-leech": { type: "boolean", default: false },
    "skip-aria2c": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});
const COUNT = Number(values.count);
const TOTAL_MIB = Number(values["total-mib"]);
const IDLE_S = Number(values["idle-seconds"]);
if (!Number.isInteger(COUNT) || COUNT < 1 || !(TOTAL_MIB > 0) || !(IDLE_S > 0)) {
  console.error("--count is a whole number ≥ 1, --total-mib and --idle-seconds numbers > 0");
  Deno.exit(2);
}
const EACH = Math.max(1, Math.floor((TOTAL_MIB * 1024 * 1024) / COUNT));
const TOTAL = EACH * COUNT;
const LEECHERS = 4;
/**
 * Open files on the datasets a seeding bridge may hold, whatever the number of
 * torrents (the session's default `maxOpenFiles`; files being read by a
 * transfer may pass it briefly).
 */
const FD_BOUND = 64;

const tmp = await Deno.makeTempDir({ prefix: "owm-bench-many-" });
const DATA = join(tmp, "data");
const DENO = Deno.execPath();
const env: Record<string, string> = {
  NO_COLOR: "1",
  OWM_DHT: "0",
  OWM_LSD: "0",
  OWM_CACHE: "0",
  PATH: processEnv("PATH") ?? "",
  HOME: processEnv("HOME") ?? tmp,
  ...(processEnv("DENO_DIR") ? { DENO_DIR: processEnv("DENO_DIR")! } : {}),
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (bytes: number) => bytes / 1048576;
const log = (message: string) => console.error(`[seed-many] ${message}`);

/** Frees a port number the OS picks (for --torrent-port and aria2c's --listen-port). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function makeData(): Promise<string[]> {
  await Deno.mkdir(DATA, { recursive: true });
  const names: string[] = [];
  const block = new Uint8Array(Math.min(EACH, 1 << 20));
  for (let i = 0; i < COUNT; i++) {
    const name = `ds-${String(i).padStart(3, "0")}.bin`;
    names.push(name);
    using file = await Deno.open(join(DATA, name), { write: true, create: true, truncate: true });
    crypto.getRandomValues(block.subarray(0, Math.min(block.length, 65536)));
    for (let done = 0; done < EACH; done += block.length) {
      const n = Math.min(block.length, EACH - done);
      new DataView(block.buffer).setUint32(0, i * 65537 + done); // every chunk differs
      for (let j = 65536; j < n; j += 65536) block.set(block.subarray(0, 65536), j);
      await file.write(block.subarray(0, n));
    }
  }
  return names;
}

/** A bridge started as users start it: `deno task start` (the launcher), its own store. */
interface Bridge {
  name: string;
  home: string;
  torrentPort: number;
  child: Deno.ChildProcess;
  url: string;
  token: string;
  /** Milliseconds from spawn to `listening on`. */
  listeningMs: number;
  startedAt: number;
}

async function startBridge(name: string, home: string, torrentPort: number): Promise<Bridge> {
  const startedAt = performance.now();
  const child = new Deno.Command(DENO, {
    args: launcherArgs(
      "bridge",
      "--home",
      home,
      "--port",
      "0",
      "--torrent-port",
      String(torrentPort),
      "--no-dht",
      "--no-lsd",
      "--publish-root",
      DATA,
    ),
    clearEnv: true,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // stderr is drained (and shown on failure).
  let stderr = "";
  (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) stderr += chunk;
  })().catch(() => {});
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`bridge ${name} exited before listening: ${out}\n${stderr}`);
    out += value;
    const match = /listening on (http:\/\/\S+)\n/.exec(out);
    if (match) {
      const listeningMs = performance.now() - startedAt;
      (async () => {
        while (!(await reader.read()).done) { /* drain */ }
      })().catch(() => {});
      const file = JSON.parse(await Deno.readTextFile(join(home, "bridge.json")));
      return {
        name,
        home,
        torrentPort,
        child,
        url: match[1]!,
        token: file.token,
        listeningMs,
        startedAt,
      };
    }
  }
}

async function api<T>(bridge: Bridge, path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${bridge.url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${bridge.token}`,
      "content-type": "application/json",
      ...init.headers,
    },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

async function stopBridge(bridge: Bridge): Promise<void> {
  try {
    bridge.child.kill("SIGTERM");
  } catch { /* gone */ }
  await bridge.child.status;
}

/** Polls until every torrent is `seeding` with all its pieces; returns ms since the spawn. */
async function untilSeedingAll(bridge: Bridge, count: number): Promise<number> {
  for (;;) {
    const list = await api<TorrentStatusJson[]>(bridge, "/api/torrents");
    const seeding = list.filter((t) =>
      t.status === "seeding" && t.piecesHave === t.pieceCount && t.pieceCount > 0
    );
    if (seeding.length >= count) return performance.now() - bridge.startedAt;
    const failed = list.find((t) => t.status === "error");
    if (failed) throw new Error(`${bridge.name}: ${failed.name}: ${failed.errorString}`);
    await sleep(20);
  }
}

/** The bridge process itself (the launcher's child). */
async function bridgePid(bridge: Bridge): Promise<number> {
  return (await sampleTree(bridge.child.pid)).main.pid;
}

const percentEncode = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => `%${b.toString(16).padStart(2, "0")}`).join("");
const hexBytes = (hex: string) => Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16));

/** Announces `port` on 127.0.0.1 as a seeder of `infoHash` to the tracker at `announceUrl`. */
async function announceSeeder(announceUrl: string, infoHash: string, port: number): Promise<void> {
  const peerId = new TextEncoder().encode("-OW0001-benchseedmny");
  const query = `info_hash=${percentEncode(hexBytes(infoHash))}&peer_id=${
    percentEncode(peerId)
  }&port=${port}&uploaded=0&downloaded=0&left=0&event=started&compact=1`;
  const res = await fetch(`${announceUrl}?${query}`);
  const body = new Uint8Array(await res.arrayBuffer());
  if (!res.ok || new TextDecoder().decode(body).includes("failure")) {
    throw new Error(`announce of ${infoHash}: ${res.status} ${new TextDecoder().decode(body)}`);
  }
}

/** The same torrent with `announce` set (the key sorts first; the info dictionary is untouched). */
function withTracker(torrent: Uint8Array, url: string): Uint8Array {
  const meta = parseMetainfo(torrent);
  if (meta.announce.length > 0) throw new Error("the published torrent already names a tracker");
  const head = new TextEncoder().encode(`d8:announce${url.length}:${url}`);
  const out = new Uint8Array(head.length + torrent.length - 1);
  out.set(head);
  out.set(torrent.subarray(1), head.length);
  if (parseMetainfo(out).infoHash !== meta.infoHash) throw new Error("infohash changed");
  return out;
}

interface Usage {
  cpuPercent: number;
  seconds: number;
  cpuSeconds: number;
  rssMiB: number;
  treeRssMiB: number;
  fds: number;
  fdsData: number;
  peakRssMiB: number;
  peakFds: number;
  peakFdsData: number;
}

/** Samples trees over `fn` (or `seconds` of idling): CPU, memory now and at peak, descriptors. */
async function measure(pids: number[], run: number | (() => Promise<void>)): Promise<Usage[]> {
  const before = await Promise.all(pids.map((p) => sampleTree(p, [DATA])));
  const peaks = before.map((s) => ({ rss: s.main.rssKiB, fds: s.fds, data: s.fdsUnder }));
  const t0 = performance.now();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await sleep(typeof run === "number" ? 2000 : 250);
      const now = await Promise.all(pids.map((p) => sampleTree(p, [DATA])));
      now.forEach((s, i) => {
        const peak = peaks[i]!;
        peak.rss = Math.max(peak.rss, s.main.rssKiB);
        peak.fds = Math.max(peak.fds, s.fds);
        peak.data = Math.max(peak.data, s.fdsUnder);
      });
    }
  })();
  if (typeof run === "number") await sleep(run * 1000);
  else await run();
  const seconds = (performance.now() - t0) / 1000;
  sampling = false;
  await sampler;
  const after: TreeSample[] = await Promise.all(pids.map((p) => sampleTree(p, [DATA])));
  return after.map((s, i) => {
    const cpuSeconds = (s.ticks - before[i]!.ticks) / TICKS_PER_SECOND;
    return {
      cpuPercent: (100 * cpuSeconds) / seconds,
      seconds,
      cpuSeconds,
      rssMiB: s.main.rssKiB / 1024,
      treeRssMiB: s.rssKiB / 1024,
      fds: s.fds,
      fdsData: s.fdsUnder,
      peakRssMiB: Math.max(peaks[i]!.rss, s.main.rssKiB) / 1024,
      peakFds: Math.max(peaks[i]!.fds, s.fds),
      peakFdsData: Math.max(peaks[i]!.data, s.fdsUnder),
    };
  });
}

/** 4 aria2c leechers at once, each fetching its share of `torrents` one after another. */
async function leech(torrents: string[], label: string): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: LEECHERS }, async (_, n) => {
    const dir = join(tmp, `leech-${label}-${n}`);
    const port = freePort();
    for (let i = next++; i < torrents.length; i = next++) {
      const out = await new Deno.Command("aria2c", {
        args: [
          ...ARIA2C_FLAGS,
          "--seed-time=0",
          `--listen-port=${port}`,
          "--bt-stop-timeout=60",
          "-d",
          dir,
          torrents[i]!,
        ],
        clearEnv: true,
        env,
        stdout: "null",
        stderr: "piped",
      }).output();
      if (!out.success) {
        throw new Error(`aria2c leecher ${n}: ${new TextDecoder().decode(out.stderr)}`);
      }
      await Deno.remove(dir, { recursive: true });
    }
  }));
}

// ---- the run ----------------------------------------------------------------------------------

log(`${COUNT} datasets of ${mib(EACH).toFixed(2)} MiB (${mib(TOTAL).toFixed(0)} MiB) in ${tmp}`);
const names = await makeData();
await using trackerBridge = await startTracker({ interval: 600_000 });
await using trackerAria = await startTracker({ interval: 600_000 });

const many = await startBridge("bridge x100", join(tmp, "many"), freePort());
const one = await startBridge("bridge x1", join(tmp, "one"), freePort());
const started: Bridge[] = [many, one];
let ariaSeeder: Deno.ChildProcess | undefined;
const cleanup = async () => {
  for (const b of started) await stopBridge(b).catch(() => {});
  if (ariaSeeder) {
    try {
      ariaSeeder.kill("SIGTERM");
    } catch { /* gone */ }
    await ariaSeeder.status;
  }
};
try {
  const publishStart = performance.now();
  const published: PublishedJson[] = [];
  for (const [i, name] of names.entries()) {
    published.push(
      await api<PublishedJson>(many, "/api/publish", {
        method: "POST",
        body: JSON.stringify({ path: name, class: "LocalFileDataSource", key: `ds${i}` }),
      }),
    );
  }
  const publishSeconds = (performance.now() - publishStart) / 1000;
  await api(one, "/api/publish", {
    method: "POST",
    body: JSON.stringify({ path: names[0], class: "LocalFileDataSource", key: "ds0" }),
  });
  log(`published ${COUNT} in ${publishSeconds.toFixed(1)} s; restarting both bridges`);

  // Restart: both stopped (state saved), then started again one after the other.
  const restarts: { ms: number; listeningMs: number; rchar: number; readBytes: number }[] = [];
  for (const [i, [b, count]] of ([[many, COUNT], [one, 1]] as const).entries()) {
    await stopBridge(b);
    const again = await startBridge(b.name, b.home, b.torrentPort);
    started[i] = again;
    const ms = await untilSeedingAll(again, count);
    const io = await sampleProcess(await bridgePid(again));
    restarts.push({ ms, listeningMs: again.listeningMs, rchar: io.rchar, readBytes: io.readBytes });
  }
  const [many2, one2] = started as [Bridge, Bridge];

  // aria2c seeding the same torrents (with the aria2c tracker), all at once.
  const torrentsDir = join(tmp, "torrents");
  await Deno.mkdir(torrentsDir, { recursive: true });
  const bridgeTorrents: string[] = [];
  const ariaTorrents: string[] = [];
  for (const p of published) {
    const bytes = await Deno.readFile(
      join(many2.home, "session", `${p.infoHash}.published.torrent`),
    );
    const b = join(torrentsDir, `${p.infoHash}.bridge.torrent`);
    const a = join(torrentsDir, `${p.infoHash}.aria2c.torrent`);
    await Deno.writeFile(b, withTracker(bytes, trackerBridge.httpUrl));
    await Deno.writeFile(a, withTracker(bytes, trackerAria.httpUrl));
    bridgeTorrents.push(b);
    ariaTorrents.push(a);
  }
  if (!values["skip-aria2c"]) {
    ariaSeeder = new Deno.Command("aria2c", {
      args: [
        ...ARIA2C_FLAGS,
        "--seed-ratio=0.0",
        "--bt-seed-unverified=true",
        "--check-integrity=false",
        `--max-concurrent-downloads=${COUNT}`,
        `--listen-port=${freePort()}`,
        "-d",
        DATA,
        ...ariaTorrents,
      ],
      clearEnv: true,
      env,
      stdout: "null",
      stderr: "null",
    }).spawn();
    await sleep(3000); // every torrent added and announced
  }

  // Idle: no peers, all measured over the same window.
  await sleep(2000);
  const idlePids = [many2.child.pid, one2.child.pid, ...(ariaSeeder ? [ariaSeeder.pid] : [])];
  log(`idle for ${IDLE_S} s…`);
  const [idleMany, idleOne, idleAria] = await measure(idlePids, IDLE_S);

  // Leeching: 4 aria2c leechers over every dataset, from the bridge, then from aria2c.
  let leechMany: Usage | undefined;
  let leechAria: Usage | undefined;
  if (!values["skip-leech"]) {
    for (const p of published) {
      await announceSeeder(trackerBridge.httpUrl, p.infoHash, many2.torrentPort);
    }
    log(`${LEECHERS} aria2c leechers fetch all ${COUNT} from the bridge…`);
    [leechMany] = await measure([many2.child.pid], () => leech(bridgeTorrents, "bridge"));
    if (ariaSeeder) {
      log(`…and from the aria2c seeder`);
      [leechAria] = await measure([ariaSeeder.pid], () => leech(ariaTorrents, "aria2c"));
    }
  }

  // ---- report --------------------------------------------------------------------------------
  const load = (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
  const f = (n: number | undefined, digits = 1) => (n === undefined ? "–" : n.toFixed(digits));
  const met = (ok: boolean) => (ok ? "met" : "NOT met");
  console.log(
    `\n${COUNT} datasets × ${mib(EACH).toFixed(2)} MiB = ${
      mib(TOTAL).toFixed(0)
    } MiB; bridges through the launcher (--no-dht --no-lsd); idle ${IDLE_S} s, load ${load}`,
  );
  console.log(`publish of ${COUNT} through POST /api/publish: ${publishSeconds.toFixed(1)} s\n`);
  console.log(`| measure | bridge ×${COUNT} | bridge ×1 | aria2c ×${COUNT} | ratio | target | |`);
  console.log("| --- | ---: | ---: | ---: | --- | --- | --- |");
  const row = (...cells: string[]) => console.log(`| ${cells.join(" | ")} |`);
  row(
    "idle CPU, % of one core (whole tree)",
    f(idleMany!.cpuPercent, 2),
    f(idleOne!.cpuPercent, 2),
    f(idleAria?.cpuPercent, 2),
    idleAria ? `×${f(idleMany!.cpuPercent / Math.max(idleAria.cpuPercent, 0.01), 0)} aria2c` : "",
    "≤ 1%",
    met(idleMany!.cpuPercent <= 1),
  );
  const rssRatio = idleMany!.rssMiB / idleOne!.rssMiB;
  row(
    "RSS MiB, bridge process (tree)",
    `${f(idleMany!.rssMiB, 0)} (${f(idleMany!.treeRssMiB, 0)})`,
    `${f(idleOne!.rssMiB, 0)} (${f(idleOne!.treeRssMiB, 0)})`,
    f(idleAria?.rssMiB, 0),
    `×${f(rssRatio, 2)} of ×1`,
    "≤ 1.5× ×1",
    met(rssRatio <= 1.5),
  );
  row(
    "open fds (on the datasets)",
    `${idleMany!.fds} (${idleMany!.fdsData})`,
    `${idleOne!.fds} (${idleOne!.fdsData})`,
    idleAria ? `${idleAria.fds} (${idleAria.fdsData})` : "–",
    "",
    `bounded: data fds ≤ ${FD_BOUND}`,
    met(idleMany!.fdsData <= FD_BOUND),
  );
  const [rMany, rOne] = restarts as [typeof restarts[0], typeof restarts[0]];
  row(
    `restart to seeding all, s (to 'listening')`,
    `${f(rMany.ms / 1000, 2)} (${f(rMany.listeningMs / 1000, 2)})`,
    `${f(rOne.ms / 1000, 2)} (${f(rOne.listeningMs / 1000, 2)})`,
    "–",
    `×${f(rMany.ms / rOne.ms, 2)} of ×1`,
    "< 5 s",
    met(rMany.ms < 5000),
  );
  const extra = rMany.rchar - rOne.rchar;
  row(
    "read during restart, MiB: rchar (read_bytes)",
    `${f(mib(rMany.rchar))} (${f(mib(rMany.readBytes))})`,
    `${f(mib(rOne.rchar))} (${f(mib(rOne.readBytes))})`,
    "–",
    `+${f(mib(extra))} MiB = ${f((100 * extra) / TOTAL, 2)}% of content`,
    "no re-hash: < 5% of content",
    met(extra < TOTAL * 0.05),
  );
  if (leechMany) {
    const perGiB = (u: Usage) => (u.cpuSeconds * 1073741824) / TOTAL;
    row(
      `${LEECHERS} leechers, all ${COUNT}: seeder CPU s per GiB`,
      f(perGiB(leechMany), 2),
      "–",
      f(leechAria && perGiB(leechAria), 2),
      leechAria ? `×${f(perGiB(leechMany) / perGiB(leechAria), 2)} aria2c` : "",
      "",
      "",
    );
    row(
      `${LEECHERS} leechers: wall s (seeder CPU %)`,
      `${f(leechMany.seconds)} (${f(leechMany.cpuPercent, 0)})`,
      "–",
      leechAria ? `${f(leechAria.seconds)} (${f(leechAria.cpuPercent, 0)})` : "–",
      "",
      "",
      "",
    );
    row(
      `${LEECHERS} leechers: peak RSS MiB`,
      f(leechMany.peakRssMiB, 0),
      "–",
      f(leechAria?.peakRssMiB, 0),
      leechAria ? `×${f(leechMany.peakRssMiB / leechAria.peakRssMiB, 1)} aria2c` : "",
      "",
      "",
    );
    row(
      `${LEECHERS} leechers: peak fds (on the datasets)`,
      `${leechMany.peakFds} (${leechMany.peakFdsData})`,
      "–",
      leechAria ? `${leechAria.peakFds} (${leechAria.peakFdsData})` : "–",
      "",
      `data fds ≤ ${FD_BOUND} + ${LEECHERS} in use`,
      met(leechMany.peakFdsData <= FD_BOUND + LEECHERS),
    );
  }
} finally {
  await cleanup();
  if (!values.keep) await Deno.remove(tmp, { recursive: true }).catch(() => {});
  else log(`kept ${tmp}`);
}
