/**
 * The shared cache against a download, in one run: a 256 MiB DataSource
 * (four files) is seeded on loopback by a torrent session in this process,
 * and fresh projects (stores) run the real `owm fetch ClassName:key`:
 *
 * - **download**: the cache off (`OWM_CACHE=0`): download from the seeder, verify;
 * - **download + add**: the cache on and empty: the same, then added to the cache;
 * - **from the cache, hard links**: another project, the cache on: placed and verified;
 * - **from the cache, copies**: the same with `OWM_CACHE_LINK=0` (as across file systems).
 *
 * Every run verifies what it gets (piece hashes and the legacy MD5 name) and
 * learns the SHA-256, as a real fetch does. Reports wall seconds per run and
 * the ratio download / from the cache.
 *
 * Usage: deno task bench:cache [--mib 256] [--rounds 3]
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CSVDataSource } from "../../lib/datasource/csv_data_source.ts";
import { DataSourceRepository } from "../../lib/datasource/repository.ts";
import { LocalFolderIndex } from "../../lib/index/local_folder_index.ts";
import { publish } from "../../lib/publish/publish.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import { processEnv } from "../../lib/settings/env.ts";

const { values } = parseArgs({
  args: Deno.args.filter((a) => a !== "--"), // `deno task x -- --flag` passes the "--"
  options: { mib: { type: "string", default: "256" }, rounds: { type: "string", default: "3" } },
});
const MIB = Number(values.mib);
const ROUNDS = Number(values.rounds);
const root = new URL("../../", import.meta.url).pathname;
const tmp = await Deno.makeTempDir({ prefix: "owm-bench-cache-" });

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
): Promise<number> {
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
  return seconds;
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
const rows: [string, number[]][] = [
  ["download (cache off)", []],
  ["download + add to the cache", []],
  ["from the cache, hard links", []],
  ["from the cache, copies", []],
];
try {
  for (let round = 0; round < ROUNDS; round++) {
    console.error(`round ${round + 1} of ${ROUNDS}…`);
    rows[0]![1].push(
      await fetchOnce(await newProject(published.torrentFileName), { OWM_CACHE: "0" }, peer),
    );
    await Deno.remove(cacheDir, { recursive: true }).catch(() => {});
    const on = { OWM_CACHE: "1", OWM_CACHE_DIR: cacheDir };
    rows[1]![1].push(await fetchOnce(await newProject(published.torrentFileName), on, peer));
    rows[2]![1].push(
      await fetchOnce(await newProject(published.torrentFileName), on, peer, true),
    );
    rows[3]![1].push(
      await fetchOnce(
        await newProject(published.torrentFileName),
        { ...on, OWM_CACHE_LINK: "0" },
        peer,
        true,
      ),
    );
  }
} finally {
  await session.close();
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`\n${MIB} MiB DataSource (4 files), owm fetch into a new project, ${ROUNDS} rounds:`);
console.log("| fetch | mean wall s | runs (s) | MiB/s |");
console.log("| --- | ---: | --- | ---: |");
for (const [name, xs] of rows) {
  console.log(
    `| ${name} | ${mean(xs).toFixed(2)} | ${xs.map((x) => x.toFixed(2)).join(", ")} | ${
      (MIB / mean(xs)).toFixed(0)
    } |`,
  );
}
const download = mean(rows[0]![1]);
console.log(
  `download / from the cache: ${(download / mean(rows[2]![1])).toFixed(2)}x (hard links), ${
    (download / mean(rows[3]![1])).toFixed(2)
  }x (copies); adding to the cache costs ${(mean(rows[1]![1]) - download).toFixed(2)} s`,
);
