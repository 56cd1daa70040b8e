/**
 * Download benchmark over loopback, side by side in one run: a 256 MiB file
 * seeded by aria2c (Debian's aria2, the reference client) through a local
 * tracker, downloaded by aria2c and by `owm fetch`, each from the same
 * seeder; wall time, throughput, CPU seconds and peak RSS of each downloader
 * (GNU time). Then the restart of a half-done download with and without its
 * resume record. `deno task bench:download [--mib N]` (needs aria2c and
 * /usr/bin/time: `apt-get install aria2 time`).
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createTorrent } from "../../lib/torrent/create.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import { startTracker } from "../../lib/tracker/tracker.ts";
import { processEnv } from "../../lib/settings/env.ts";

const { values } = parseArgs({
  args: Deno.args.filter((a) => a !== "--"), // `deno task x -- --flag` passes the "--"
  options: { mib: { type: "string", default: "256" } },
});
const MIB = Number(values.mib);
const root = fileURLToPath(new URL("../../", import.meta.url));
const tmp = await Deno.makeTempDir({ prefix: "owm-bench-dl-" });
const env = { NO_COLOR: "1", OWM_DHT: "0", OWM_LSD: "0", PATH: processEnv("PATH") ?? "" };

async function makeData(path: string, mib: number): Promise<void> {
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  const block = new Uint8Array(1 << 20);
  crypto.getRandomValues(block.subarray(0, 65536));
  for (let i = 0; i < mib; i++) {
    for (let j = 0; j < block.length; j += 65536) block.set(block.subarray(0, 65536), j);
    new DataView(block.buffer).setUint32(0, i); // every MiB differs
    for (let j = 65536; j < block.length; j += 4096) {
      new DataView(block.buffer).setUint32(j, i * 257 + j);
    }
    await file.write(block);
  }
}

interface Measured {
  seconds: number;
  cpu: number;
  rssMiB: number;
}

/** Runs a command under GNU time; returns wall seconds, CPU seconds and peak RSS. */
async function timed(cmd: string[], cwd: string): Promise<Measured> {
  const timeFile = join(tmp, `time-${crypto.randomUUID()}.txt`);
  const out = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "%e %U %S %M", "-o", timeFile, ...cmd],
    cwd,
    clearEnv: true,
    env,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`${cmd[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
  const [e, u, s, m] = (await Deno.readTextFile(timeFile)).trim().split("\n").at(-1)!.split(" ")
    .map(
      Number,
    );
  return { seconds: e!, cpu: u! + s!, rssMiB: m! / 1024 };
}

const aria = [
  "--enable-dht=false",
  "--enable-dht6=false",
  "--bt-enable-lpd=false",
  "--enable-peer-exchange=false",
  "--summary-interval=0",
  "--console-log-level=warn",
  "--file-allocation=none",
];

await Deno.mkdir(join(tmp, "seed"));
const data = join(tmp, "seed", "bench.bin");
console.error(`making ${MIB} MiB of data…`);
await makeData(data, MIB);
await using tracker = await startTracker({ interval: 2000 });
const { bytes } = await createTorrent(data, { trackers: [tracker.httpUrl] });
const torrent = join(tmp, "bench.torrent");
await Deno.writeFile(torrent, bytes);

const seeder = new Deno.Command("aria2c", {
  args: [
    ...aria,
    "-V",
    "--seed-ratio=0.0",
    "--seed-time=30",
    "--listen-port=51413",
    "-d",
    join(tmp, "seed"),
    torrent,
  ],
  clearEnv: true,
  env,
  stdout: "null",
  stderr: "null",
}).spawn();
await new Promise((r) => setTimeout(r, 4000)); // aria2c hashes the file, then announces

const results: [string, Measured][] = [];
for (let round = 0; round < 2; round++) {
  await Deno.remove(join(tmp, "a"), { recursive: true }).catch(() => {});
  await Deno.remove(join(tmp, "o"), { recursive: true }).catch(() => {});
  results.push([
    "aria2c -> aria2c",
    await timed([
      "aria2c",
      ...aria,
      "--seed-time=0",
      "--listen-port=51414",
      "-d",
      join(tmp, "a"),
      torrent,
    ], tmp),
  ]);
  results.push([
    "aria2c -> owm fetch",
    await timed([
      Deno.execPath(),
      "run",
      "--allow-all",
      `--config=${root}deno.json`,
      `${root}scripts/owm.ts`,
      "--home",
      join(tmp, "o", "home"),
      "fetch",
      torrent,
      "--dir",
      join(tmp, "o", "data"),
    ], tmp),
  ]);
}
seeder.kill("SIGTERM");
await seeder.status;

console.log(`\n${MIB} MiB over loopback from one aria2c seeder (local tracker), 2 rounds:`);
console.log("| downloader | wall s | MiB/s | CPU s | peak RSS MiB |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const [name, m] of results) {
  console.log(
    `| ${name} | ${m.seconds.toFixed(2)} | ${(MIB / m.seconds).toFixed(0)} | ${
      m.cpu.toFixed(2)
    } | ${m.rssMiB.toFixed(0)} |`,
  );
}
const mean = (name: string, key: keyof Measured) => {
  const xs = results.filter(([n]) => n === name).map(([, m]) => m[key]);
  return xs.reduce((a, b) => a + b, 0) / xs.length;
};
const ratio = (key: keyof Measured) =>
  (mean("aria2c -> owm fetch", key) / mean("aria2c -> aria2c", key)).toFixed(2);
console.log(
  `owm/aria2c ratios: wall ${ratio("seconds")}, CPU ${ratio("cpu")}, peak RSS ${ratio("rssMiB")}`,
);

// Restart of a half-done download, with and without the resume record.
console.error("\nrestart of a half-done download…");
const state = join(tmp, "state");
const dir = join(tmp, "half");
const seedSession = await TorrentSession.open({
  stateDir: join(tmp, "seed-state"),
  dht: false,
  lsd: false,
  port: 0,
});
await seedSession.seed(data, bytes);
const leech = await TorrentSession.open({
  stateDir: state,
  dht: false,
  lsd: false,
  port: 0,
  downloadLimit: 20 * 1024 * 1024,
});
const handle = await leech.add(bytes, { dir, peers: [`127.0.0.1:${seedSession.port}`] });
await new Promise<void>((resolve) => {
  handle.addEventListener("progress", (e) => {
    if (e.detail.bytesDone >= e.detail.bytesTotal / 2) resolve();
  });
});
const half = handle.status();
await leech.close();
await seedSession.close();

/** Time from add() until the torrent downloads again (its check of present data done). */
async function restart(): Promise<{ ms: number; checked: number; have: number }> {
  const session = await TorrentSession.open({ stateDir: state, dht: false, lsd: false, port: 0 });
  const start = performance.now();
  const h = await session.add(bytes, { dir });
  for (;;) {
    const s = h.status();
    if (s.state === "downloading" || s.state === "seeding" || s.state === "error") {
      const ms = performance.now() - start;
      await session.close();
      if (s.state !== "downloading") {
        throw new Error(`unexpected state ${s.state} ${s.error ?? ""}`);
      }
      return { ms, checked: s.piecesChecked, have: s.piecesHave };
    }
    await new Promise((r) => setTimeout(r, 2));
  }
}
const withRecord = await restart();
for await (const entry of Deno.readDir(state)) {
  if (entry.isFile && entry.name.endsWith(".resume.json")) {
    await Deno.remove(join(state, entry.name));
  }
}
const withoutRecord = await restart();
console.log(
  `\nrestart of a half-done ${MIB} MiB download (${half.piecesHave} of ${half.piecesTotal} pieces), until it downloads again:`,
);
console.log(`| resume record | ms | pieces re-hashed | pieces kept |`);
console.log(`| --- | ---: | ---: | ---: |`);
console.log(`| kept | ${withRecord.ms.toFixed(0)} | ${withRecord.checked} | ${withRecord.have} |`);
console.log(
  `| deleted | ${withoutRecord.ms.toFixed(0)} | ${withoutRecord.checked} | ${withoutRecord.have} |`,
);
console.log(`restart ratio (kept / deleted): ${(withRecord.ms / withoutRecord.ms).toFixed(2)}`);
await Deno.remove(tmp, { recursive: true });
