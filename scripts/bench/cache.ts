/**
 * The shared cache's placement modes against a download, in one run, with
 * their time and disk cost: a DataSource of `--mib` MiB (four files) is
 * seeded on loopback by a torrent session in this process, and fresh projects
 * (stores) run the real `owm fetch ClassName:key`:
 *
 * - **download**: the cache off (`OWM_CACHE=0`): download from the seeder, verify;
 * - **download + add, clone** / **hardlink**: the cache on and empty: the
 *   same, then added to the cache (cloned, or hard-linked, from the project);
 * - **from the cache, clone** (the default), **copy**, **hardlink**
 *   (`OWM_CACHE_LINK=…`): another project: placed and verified.
 *
 * Every run verifies what it gets (piece hashes and the legacy MD5 name) and
 * learns the SHA-256, as a real fetch does. Disk cost: the file system's free
 * space before and after each fetch (statfs, after `sync`), and `du` of the
 * project's folder (which counts a clone's or a link's blocks as its own).
 * Then the bare placement of the same 256 MiB (`placeTree` in each mode, and
 * node:fs `copyFile` with `COPYFILE_FICLONE`), timed, with the same free-space
 * delta. Reports wall seconds per run and ratios to the download and to clone.
 *
 * Usage: deno task bench:cache [--mib 256] [--rounds 3] [--dir PATH]
 * (`--dir`: where the run's files go, i.e. which file system is measured; a
 * reflink file system such as XFS or Btrfs shows clones costing no disk.)
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { constants as fsConstants } from "node:fs";
import { copyFile as nodeCopyFile, statfs } from "node:fs/promises";
import { CSVDataSource } from "../../lib/datasource/csv_data_source.ts";
import { DataSourceRepository } from "../../lib/datasource/repository.ts";
import { LocalFolderIndex } from "../../lib/index/local_folder_index.ts";
import { publish } from "../../lib/publish/publish.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import { processEnv } from "../../lib/settings/env.ts";
import { type PlaceMode, placeTree } from "../../lib/cache/link.ts";

const { values } = parseArgs({
  args: Deno.args.filter((a) => a !== "--"), // `deno task x -- --flag` passes the "--"
  options: {
    mib: { type: "string", default: "256" },
    rounds: { type: "string", default: "3" },
    dir: { type: "string" },
  },
});
const MIB = Number(values.mib);
const ROUNDS = Number(values.rounds);
const root = new URL("../../", import.meta.url).pathname;
const tmp = await Deno.makeTempDir({
  prefix: "owm-bench-cache-",
  ...(values.dir ? { dir: values.dir } : {}),
});

/** Free bytes of the file system holding `tmp`, once written data is on disk. */
async function freeBytes(): Promise<number> {
  await new Deno.Command("sync").output().catch(() => {});
  const fs = await statfs(tmp);
  return Number(fs.bavail) * Number(fs.bsize);
}

/** `du`'s disk usage of `path` in bytes (allocated blocks; a clone's or a link's count as its own). */
async function du(path: string): Promise<number> {
  const out = await new Deno.Command("du", { args: ["-s", "-B1", path] }).output();
  return Number(new TextDecoder().decode(out.stdout).split(/\s/)[0]);
}

/** A run: its time, the free space it took, and `du` of what it made. */
interface Cost {
  seconds: number;
  /** Free space consumed (before − after), bytes. */
  used: number;
  /** `du` of the project (or the placed tree), bytes. */
  du: number;
}

async function makeFile(path: string, mib: number, seed: number): Promise<void> {
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  const block = new Uint8Array(1 << 20);
  crypto.getRandomValues(block.subarray(0, 65536));
  for (let j = 65536; j < block.length; j += 65536) block.set(block.subarray(0, 65536), j);
  for (let i = 0; i < mib; i++) {
    for (let j = 0; j < block.length; j += 4096) {
      new DataView(block.buffer).setUint32(j, seed * 1e6 + i * 257 + j);
    }
    await file.write(block);
  }
}

async function fetchOnce(
  home: string,
  env: Record<string, string>,
  peer: string,
  fromCache = false,
): Promise<Cost> {
  const before = await freeBytes();
  const start = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-all",
      `--config=${root}deno.json`,
      `${root}scripts/owm.ts`,
      "--home",
      home,
      "fetch",
      "CSVDataSource:bench",
      "--peer",
      peer,
      "--index",
      `dir:${join(tmp, "index")}`,
      "--json",
    ],
    clearEnv: true,
    env: { NO_COLOR: "1", OWM_DHT: "0", OWM_LSD: "0", PATH: processEnv("PATH") ?? "", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - start) / 1000;
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`owm fetch failed: ${stderr}`);
  const result = JSON.parse(new TextDecoder().decode(out.stdout));
  if (!result.verified) throw new Error("not verified");
  if (result.fromCache !== fromCache) {
    throw new Error(`expected fromCache ${fromCache}, got ${result.fromCache}`);
  }
  const used = before - await freeBytes();
  return { seconds, used, du: await du(home) };
}

let project = 0;
async function newProject(torrentFileName: string): Promise<string> {
  const home = join(tmp, `project-${++project}`);
  const repo = await DataSourceRepository.open({ home, create: true });
  await repo.save([new CSVDataSource({ key: "bench", torrentFileName })]);
  return home;
}

const content = join(tmp, "dataset");
await Deno.mkdir(content);
console.error(`making ${MIB} MiB of data…`);
for (let i = 0; i < 4; i++) await makeFile(join(content, `part-${i}.bin`), MIB / 4, i + 1);
await Deno.mkdir(join(tmp, "index"));
const seedRepo = await DataSourceRepository.open({ home: join(tmp, "seeder-store"), create: true });
const session = await TorrentSession.open({
  stateDir: join(tmp, "seeder-session"),
  dht: false,
  lsd: false,
  port: 0,
  hostname: "127.0.0.1",
});
const published = await publish(content, {
  class: "CSVDataSource",
  key: "bench",
  repository: seedRepo,
  index: new LocalFolderIndex(join(tmp, "index")),
  session,
});
const peer = `127.0.0.1:${session.port}`;
const cacheDir = join(tmp, "cache");
const linkCacheDir = join(tmp, "cache-hardlink");
const fetchRows: [string, Cost[]][] = [
  ["download (cache off)", []],
  ["download + add to the cache, clone", []],
  ["download + add to the cache, hardlink", []],
  ["from the cache, clone (default)", []],
  ["from the cache, copy", []],
  ["from the cache, hardlink (opt-in)", []],
];
const placeRows: [string, Cost[]][] = [
  ["placeTree clone (Deno.copyFile: copy_file_range)", []],
  ["node:fs copyFile COPYFILE_FICLONE", []],
  ["placeTree copy (read/write through the process)", []],
  ["placeTree hardlink", []],
];

/** Fetches into a new project, records the cost, and removes the project again. */
async function measure(row: Cost[], env: Record<string, string>, fromCache: boolean) {
  const home = await newProject(published.torrentFileName);
  row.push(await fetchOnce(home, env, peer, fromCache));
  await Deno.remove(home, { recursive: true });
}

/** Places the dataset with `place`, records the cost, and removes the copy. */
async function measurePlace(row: Cost[], place: (target: string) => Promise<void>) {
  const target = join(tmp, `placed-${crypto.randomUUID().slice(0, 8)}`);
  const before = await freeBytes();
  const start = performance.now();
  await place(target);
  const seconds = (performance.now() - start) / 1000;
  row.push({ seconds, used: before - await freeBytes(), du: await du(target) });
  await Deno.remove(target, { recursive: true });
}

async function nodeClone(target: string): Promise<void> {
  await Deno.mkdir(target);
  for await (const entry of Deno.readDir(content)) {
    await nodeCopyFile(
      join(content, entry.name),
      join(target, entry.name),
      fsConstants.COPYFILE_FICLONE,
    );
  }
}

try {
  for (let round = 0; round < ROUNDS; round++) {
    console.error(`round ${round + 1} of ${ROUNDS}…`);
    const rows = fetchRows.map(([, costs]) => costs);
    await measure(rows[0]!, { OWM_CACHE: "0" }, false);
    await Deno.remove(cacheDir, { recursive: true }).catch(() => {});
    await Deno.remove(linkCacheDir, { recursive: true }).catch(() => {});
    const clone = { OWM_CACHE: "1", OWM_CACHE_DIR: cacheDir };
    const link = { OWM_CACHE: "1", OWM_CACHE_DIR: linkCacheDir, OWM_CACHE_LINK: "hardlink" };
    await measure(rows[1]!, clone, false);
    await measure(rows[2]!, link, false);
    await measure(rows[3]!, clone, true);
    await measure(rows[4]!, { ...clone, OWM_CACHE_LINK: "copy" }, true);
    await measure(rows[5]!, link, true);
    const place = placeRows.map(([, costs]) => costs);
    const placeIn = (mode: PlaceMode) => async (target: string) => {
      await placeTree(content, target, { mode });
    };
    await measurePlace(place[0]!, placeIn("clone"));
    await measurePlace(place[1]!, nodeClone);
    await measurePlace(place[2]!, placeIn("copy"));
    await measurePlace(place[3]!, placeIn("hardlink"));
  }
} finally {
  await session.close();
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
}

const fsType = await new Deno.Command("df", { args: ["--output=fstype", values.dir ?? "/tmp"] })
  .output().then((o) => new TextDecoder().decode(o.stdout).split("\n")[1]?.trim() ?? "?")
  .catch(() => "?");
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const mib = (bytes: number) => (bytes / (1 << 20)).toFixed(1);

function table(title: string, rows: [string, Cost[]][], base: number, baseName: string) {
  console.log(`\n${title}`);
  console.log(
    `| ${
      title.startsWith("owm") ? "fetch" : "placement"
    } | mean wall s | runs (s) | MiB/s | ${baseName} / this | free space used, MiB | du, MiB |`,
  );
  console.log("| --- | ---: | --- | ---: | ---: | ---: | ---: |");
  for (const [name, costs] of rows) {
    const s = mean(costs.map((c) => c.seconds));
    console.log(
      `| ${name} | ${s.toFixed(3)} | ${costs.map((c) => c.seconds.toFixed(3)).join(", ")} | ${
        (MIB / s).toFixed(0)
      } | ${(base / s).toFixed(2)}x | ${mib(mean(costs.map((c) => c.used)))} | ${
        mib(mean(costs.map((c) => c.du)))
      } |`,
    );
  }
}

const seconds = (rows: [string, Cost[]][], i: number) => mean(rows[i]![1].map((c) => c.seconds));
console.log(`\nfile system: ${fsType} (${values.dir ?? "the system's temporary folder"})`);
table(
  `owm fetch of a ${MIB} MiB DataSource (4 files) into a new project, ${ROUNDS} rounds:`,
  fetchRows,
  seconds(fetchRows, 0),
  "download",
);
table(
  `Placing the same ${MIB} MiB (4 files) in one file system, ${ROUNDS} rounds:`,
  placeRows,
  seconds(placeRows, 0),
  "clone",
);
const fromClone = seconds(fetchRows, 3);
console.log(
  `\nfrom the cache: clone / hardlink time ${
    (fromClone / seconds(fetchRows, 5)).toFixed(2)
  }x, copy / clone ${(seconds(fetchRows, 4) / fromClone).toFixed(2)}x; adding to the cache costs ${
    (seconds(fetchRows, 1) - seconds(fetchRows, 0)).toFixed(2)
  } s (clone), ${(seconds(fetchRows, 2) - seconds(fetchRows, 0)).toFixed(2)} s (hardlink)`,
);
