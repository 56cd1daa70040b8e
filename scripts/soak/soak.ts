/**
 * Soak: a bounded, loopback-only run of the bridge under process kills.
 *
 * Seeders (TorrentSessions in this process, rate-limited so transfers
 * overlap) publish 20 datasets of 1–4 MiB into the bridge's torrent index; a
 * bridge runs as a child `deno run kernel/server.ts` on a temporary home
 * (DHT and LSD off). The script creates a DataSource per dataset, starts all
 * 20 fetches at once, publishes further folders through the bridge, and
 * SIGKILLs the bridge at random moments, restarting it on the same home and
 * port. At the end every dataset must be complete, byte-identical and
 * verified, and the graph must hold every DataSource.
 *
 * ```sh
 * deno task soak -- --minutes 3 [--seed N] [--keep]
 * ```
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Bridge } from "../../lib/bridge/client.ts";
import { DataSourceRepository } from "../../lib/datasource/repository.ts";
import { LocalFolderIndex } from "../../lib/index/local_folder_index.ts";
import { publish } from "../../lib/publish/publish.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";

const { values } = parseArgs({
  args: Deno.args.filter((a) => a !== "--"),
  options: {
    minutes: { type: "string", default: "3" },
    seed: { type: "string" },
    datasets: { type: "string", default: "20" },
    publishes: { type: "string", default: "4" },
    keep: { type: "boolean", default: false },
  },
});
const minutes = Number(values.minutes);
const seed = Number(values.seed ?? Date.now() % 2 ** 31);
const DATASETS = Number(values.datasets);
const PUBLISHES = Number(values.publishes);
const SEEDERS = 4;
const MiB = 1024 * 1024;
const started = Date.now();
const deadline = started + minutes * 60_000;
// Kills stop at 70% of the time, leaving the rest to finish and check.
const killUntil = started + minutes * 60_000 * 0.7;

let state = seed >>> 0 || 1;
function random(): number {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function bytesOf(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 65536) {
    crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65536)));
  }
  return out;
}
function log(line: string) {
  const at = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[${at}s] ${line}`);
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function treeHash(root: string): Promise<string> {
  const files: string[] = [];
  async function walk(dir: string, rel: string) {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isDirectory) await walk(join(dir, entry.name), `${rel}${entry.name}/`);
      else files.push(`${rel}${entry.name}`);
    }
  }
  await walk(root, "");
  const hash = createHash("sha256");
  for (const file of files.sort()) {
    hash.update(`${file}\0`);
    hash.update(await Deno.readFile(join(root, file)));
  }
  return hash.digest("hex");
}

const root = await Deno.makeTempDir({ prefix: "owm-soak-" });
const home = join(root, "store");
const shared = join(root, "shared");
await Deno.mkdir(shared, { recursive: true });
const httpPort = freePort();
const torrentPort = freePort();
const serverPath = new URL("../../kernel/server.ts", import.meta.url).pathname;

// --- Datasets and seeders -------------------------------------------------
log(`seed ${seed}, ${DATASETS} datasets, ${minutes} min, root ${root}`);
interface Dataset {
  id: string;
  key: string;
  content: string;
  bytes: number;
  hash: string;
  infoHash: string;
  torrentFileName: string;
  peer: string;
}
const datasets: Dataset[] = [];
let totalBytes = 0;
const specs = Array.from({ length: DATASETS }, (_, i) => {
  const size = Math.floor((1 + random() * 3) * MiB);
  totalBytes += size;
  return { i, size };
});
// Rate-limited so that, without kills, the fetches take about a third of the run.
const uploadLimit = Math.max(
  256 * 1024,
  Math.floor(totalBytes / SEEDERS / (minutes * 60 * 0.35)),
);
const repository = await DataSourceRepository.open({
  home: join(root, "seeder-store"),
  create: true,
});
const index = new LocalFolderIndex(join(home, "torrents"));
const seeders: TorrentSession[] = [];
for (let s = 0; s < SEEDERS; s++) {
  seeders.push(
    await TorrentSession.open({
      stateDir: join(root, `seeder-${s}`),
      dht: false,
      lsd: false,
      port: 0,
      hostname: "127.0.0.1",
      tracker: false,
      uploadLimit,
    }),
  );
}
for (const { i, size } of specs) {
  const key = `soak${String(i).padStart(2, "0")}`;
  const content = join(root, "sources", key, "data");
  await Deno.mkdir(join(content, "sub"), { recursive: true });
  const first = Math.floor(size * 0.7);
  await Deno.writeFile(join(content, "part-a.bin"), bytesOf(first));
  await Deno.writeFile(join(content, "sub", "part-b.csv"), bytesOf(size - first));
  const session = seeders[i % SEEDERS]!;
  const result = await publish(content, {
    class: "CSVDataSource",
    key,
    repository,
    index,
    session,
  });
  datasets.push({
    id: `CSVDataSource:${key}`,
    key,
    content,
    bytes: size,
    hash: await treeHash(content),
    infoHash: result.infoHash,
    torrentFileName: result.torrentFileName,
    peer: `127.0.0.1:${session.port}`,
  });
}
const published = Array.from({ length: PUBLISHES }, (_, i) => `pub${i}`);
for (const name of published) {
  await Deno.mkdir(join(shared, name), { recursive: true });
  await Deno.writeFile(join(shared, name, "data.bin"), bytesOf(MiB + i32(name)));
}
function i32(name: string): number {
  return name.length * 1000 + Number(name.slice(3)) * 7;
}
log(
  `seeding ${(totalBytes / MiB).toFixed(1)} MiB in ${DATASETS} datasets from ${SEEDERS} ` +
    `seeders at ${(uploadLimit / 1024).toFixed(0)} KiB/s each`,
);

// --- The bridge as a child process ---------------------------------------
let child: Deno.ChildProcess | undefined;
let kills = 0;
let restarts = 0;
const tail: string[] = [];

async function drain(stream: ReadableStream<Uint8Array>, onLine?: (line: string) => void) {
  const decoder = new TextDecoderStream();
  let buffer = "";
  for await (const text of stream.pipeThrough(decoder)) {
    buffer += text;
    let at;
    while ((at = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      tail.push(line);
      if (tail.length > 40) tail.shift();
      onLine?.(line);
    }
  }
}

async function startChild(): Promise<void> {
  const args = [
    "run",
    "--allow-all",
    serverPath,
    "--home",
    home,
    "--port",
    String(httpPort),
    "--torrent-port",
    String(torrentPort),
    "--no-dht",
    "--no-lsd",
    "--publish-root",
    shared,
    ...datasets.flatMap((d) => ["--peer", d.peer]),
  ];
  // No shared cache: never the user's, and every fetch really goes through the torrent session.
  const env = { OWM_CACHE: "0" };
  const cmd = new Deno.Command(Deno.execPath(), { args, env, stdout: "piped", stderr: "piped" });
  const proc = cmd.spawn();
  child = proc;
  const ready = Promise.withResolvers<void>();
  drain(proc.stdout, (line) => {
    if (line.startsWith("listening on")) ready.resolve();
  }).catch(() => {});
  drain(proc.stderr).catch(() => {});
  proc.status.then((s) => ready.reject(new Error(`bridge exited (${s.code}) before listening`)));
  const timer = setTimeout(() => ready.reject(new Error("bridge did not start in 60 s")), 60_000);
  try {
    await ready.promise;
  } finally {
    clearTimeout(timer);
  }
  restarts++;
}

async function killChild(): Promise<void> {
  if (!child) return;
  try {
    child.kill("SIGKILL");
  } catch {
    // already gone
  }
  await child.status;
  child = undefined;
  kills++;
}

async function client(): Promise<Bridge> {
  return await Bridge.connect({ home, start: false });
}

/** Runs `op` against the bridge, retrying (the bridge may be down) until `until`. */
async function retry<T>(
  what: string,
  op: (b: Bridge) => Promise<T>,
  until = Math.max(deadline, Date.now() + 60_000),
): Promise<T> {
  let last: unknown;
  while (Date.now() < until) {
    let bridge: Bridge | undefined;
    try {
      bridge = await client();
      return await op(bridge);
    } catch (error) {
      last = error;
      await sleep(300 + random() * 700);
    } finally {
      await bridge?.close().catch(() => {});
    }
  }
  throw new Error(`${what}: gave up: ${last instanceof Error ? last.message : last}`);
}

await startChild();
log(`bridge up at http://127.0.0.1:${httpPort} (pid ${child!.pid})`);

// DataSources for the 20 datasets (before any kill: each create is acknowledged).
for (const d of datasets) {
  await retry(`create ${d.id}`, (b) =>
    b.create({
      class: "CSVDataSource",
      key: d.key,
      fields: { torrentFileName: d.torrentFileName },
    }));
}
log(`${datasets.length} DataSources created`);

// --- The run: fetches, publishes, kills ----------------------------------
const failures: string[] = [];
const startFetches = async () => {
  for (const d of datasets) {
    await retry(`fetch ${d.id}`, (b) => b.fetch(d.id, { wait: false, peers: [d.peer] }))
      .catch((error) => failures.push(String(error)));
  }
};
await startFetches();
log(`${datasets.length} fetches started`);

const publishedOk = new Set<string>();
const publishing = (async () => {
  for (const name of published) {
    await sleep(random() * (killUntil - Date.now()) / 2);
    await retry(`publish ${name}`, async (b) => {
      try {
        await b.publish(name, { class: "CSVDataSource", key: name });
      } catch (error) {
        // A publish cut by a kill may have landed: then the DataSource is there.
        const exists = await b.show(`CSVDataSource:${name}`).then(() => true, () => false);
        if (!exists) throw error;
      }
      publishedOk.add(name);
      log(`published ${name}`);
    }).catch((error) => failures.push(String(error)));
  }
})();

while (Date.now() < killUntil) {
  await sleep(4000 + random() * 12_000);
  if (Date.now() >= killUntil) break;
  const torrents = await retry("status", (b) => b.torrents(), Date.now() + 5000).catch(() => []);
  const done = torrents.filter((t) => t.percentDone === 1).length;
  await killChild();
  log(`SIGKILL #${kills} (${done}/${torrents.length} torrents complete)`);
  await sleep(random() * 1500);
  await startChild();
  log(`restarted (#${restarts - 1})`);
  // Fetches the bridge did not resume by itself are asked for again.
  await startFetches();
}
await publishing;

// --- Final checks --------------------------------------------------------
log("kills over; waiting for every fetch and checking");
let bytesChecked = 0;
for (const d of datasets) {
  try {
    const directory = await retry(
      `fetch ${d.id}`,
      (b) => b.fetch(d.id, { peers: [d.peer], signal: AbortSignal.timeout(60_000) }),
      Math.max(deadline, Date.now() + 60_000),
    );
    const report = await retry(`verify ${d.id}`, (b) => b.verify(d.id));
    if (!report.ok) throw new Error(`${d.id}: verify failed: ${JSON.stringify(report)}`);
    const hash = await treeHash(join(directory, "data"));
    if (hash !== d.hash) throw new Error(`${d.id}: content differs from the source`);
    bytesChecked += d.bytes;
  } catch (error) {
    failures.push(error instanceof Error ? error.message : String(error));
  }
}
for (const name of published) {
  if (!publishedOk.has(name)) continue;
  try {
    const report = await retry(`verify pub ${name}`, (b) => b.verify(`CSVDataSource:${name}`));
    if (!report.ok) throw new Error(`CSVDataSource:${name}: verify failed`);
  } catch (error) {
    failures.push(error instanceof Error ? error.message : String(error));
  }
}
if (publishedOk.size !== published.length) {
  failures.push(`only ${publishedOk.size}/${published.length} publishes succeeded`);
}
const ids = new Set(
  (await retry("datasources", (b) => b.datasources()).catch(() => [])).map((d) => d.id),
);
const expectedIds = [
  ...datasets.map((d) => d.id),
  ...published.map((name) => `CSVDataSource:${name}`),
];
const missing = expectedIds.filter((id) => !ids.has(id));
if (missing.length > 0) failures.push(`the graph lacks ${missing.join(", ")}`);

await killChild().catch(() => {});
kills--; // the final stop is not one of the random kills
for (const session of seeders) await session.close();

const seconds = ((Date.now() - started) / 1000).toFixed(0);
console.log(
  `soak: ${datasets.length} datasets (+${publishedOk.size} published), ${kills} kills, ` +
    `${(bytesChecked / MiB).toFixed(1)} MiB checked of ${(totalBytes / MiB).toFixed(1)} MiB, ` +
    `${expectedIds.length - missing.length}/${expectedIds.length} DataSources in the graph, ` +
    `${failures.length} failures, ${seconds} s (seed ${seed})`,
);
for (const failure of failures) console.error(`failure: ${failure}`);
if (failures.length > 0) console.error(`last bridge output:\n${tail.join("\n")}`);
if (!values.keep && failures.length === 0) await Deno.remove(root, { recursive: true });
else console.error(`kept ${root}`);
Deno.exit(failures.length === 0 ? 0 : 1);
