/**
 * Download and seeding benchmark over loopback, ours against aria2c (Debian's
 * aria2, the reference client) in the same run, rounds alternating:
 *
 * - leeching: one aria2c seeder (local tracker A); aria2c downloads, then
 *   `owm fetch` downloads (a cold fetch, `OWM_CACHE=0`), the whole `owm`
 *   process tree as users run it (scripts/launch.ts owm … → scripts/owm.ts);
 * - seeding: aria2c downloads from the aria2c seeder (tracker A), then from
 *   `owm seed` (tracker B; same infohash, the announce list is outside the
 *   info dictionary); the seeder's CPU over the transfer is read from /proc.
 *
 * Wall, throughput, CPU (user+sys; GNU time, or /proc for a seeder), peak RSS
 * (largest process of the tree), medians and ours/aria2c ratios, per size.
 * After the leeching table, the CPU floor measured on this machine (start-up
 * and one pass of each hash, scripts/bench/_cpu_floor.ts) against aria2c's.
 * Then (first size only) the restart of a half-done download with and without
 * its resume record.
 *
 * With `--sources N` (N ≥ 2), many sources instead (per size; see
 * {@linkcode manySources}): N aria2c seeders and a web seed (BEP 19
 * `url-list`, served by the bench, scripts/bench/_web_seed.ts) for the same
 * torrent, aria2c and `owm fetch` leeching from all of them, alternating, with
 * how much each source gave; then seeding to N aria2c leechers started
 * together, an aria2c seeder against `owm seed`: the seeder's CPU per GiB it
 * served, and the wall time until all N are done.
 *
 * `deno task bench:download [--sizes 256,1024] [--rounds 3] [--profile DIR]
 * [--skip-restart] [--skip-seed] [--sources N]` (needs aria2c and
 * /usr/bin/time: `apt-get install aria2 time`). `--profile DIR` runs one more `owm fetch` of the
 * first size with `DENO_V8_FLAGS=--prof --trace-gc` (V8 logs and the GC trace
 * in DIR; `node --prof-process DIR/isolate-*.log` for the top frames).
 * Ours runs with the V8 flags the `owm` task sets (its `DENO_V8_FLAGS=…`), or
 * `OWM_BENCH_V8_FLAGS` (comma-separated; empty for none) in every round; `OWM_BENCH_ENV="NAME=value,…"` adds to ours' environment.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createTorrent } from "../../lib/torrent/create.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import { startTracker } from "../../lib/tracker/tracker.ts";
import { cpuFloor } from "./_cpu_floor.ts";
import { ARIA2C_FLAGS } from "./_aria2c.ts";
import { launcherArgs } from "./_launcher.ts";
import { processTree, sampleProcess, TICKS_PER_SECOND } from "./_proc.ts";
import { processEnv } from "../../lib/settings/env.ts";
import { serveWebSeed } from "./_web_seed.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const { values } = parseArgs({
  args: Deno.args.filter((a) => a !== "--"), // `deno task x -- --flag` passes the "--"
  options: {
    sizes: { type: "string", default: "256" },
    mib: { type: "string" },
    rounds: { type: "string", default: "3" },
    profile: { type: "string" },
    "skip-restart": { type: "boolean", default: false },
    "skip-seed": { type: "boolean", default: false },
    sources: { type: "string", default: "1" },
  },
});
const SIZES = (values.mib ?? values.sizes).split(",").map(Number);
if (SIZES.some((n) => !Number.isInteger(n) || n <= 0)) {
  console.error("--sizes is a comma-separated list of MiB, e.g. --sizes 256,1024");
  Deno.exit(2);
}
const ROUNDS = Number(values.rounds);
const SOURCES = Number(values.sources);
if (!Number.isInteger(SOURCES) || SOURCES < 1 || SOURCES > 16) {
  console.error("--sources is how many aria2c seeders (and leechers), 1 to 16, e.g. --sources 4");
  Deno.exit(2);
}
/**
 * The many-sources scenario's ports: the aria2c leecher, the lone aria2c
 * seeder, `owm seed`, the N seeders from +10, the N leechers from +30 (away
 * from the single-source ports 51413–51416 and other benches').
 */
const MANY_PORT = 51700;

const tmp = await Deno.makeTempDir({ prefix: "owm-bench-dl-" });
/** The V8 flags the `owm` task sets (`DENO_V8_FLAGS=… deno run …`), unless OWM_BENCH_V8_FLAGS says. */
function taskV8Flags(): string | undefined {
  const config = JSON.parse(Deno.readTextFileSync(`${root}deno.json`));
  return /^DENO_V8_FLAGS=(\S+) /.exec(String(config.tasks?.owm ?? ""))?.[1];
}
const v8Flags = processEnv("OWM_BENCH_V8_FLAGS") ?? taskV8Flags();
/** `OWM_BENCH_ENV="NAME=value,…"`: more environment for ours only (e.g. MALLOC_ARENA_MAX=2). */
const oursEnv: Record<string, string> = Object.fromEntries(
  (processEnv("OWM_BENCH_ENV") ?? "").split(",").filter(Boolean).map((kv) => {
    const at = kv.indexOf("=");
    return [kv.slice(0, at), kv.slice(at + 1)];
  }),
);
const env: Record<string, string> = {
  NO_COLOR: "1",
  OWM_DHT: "0",
  OWM_LSD: "0",
  OWM_CACHE: "0",
  PATH: processEnv("PATH") ?? "",
  HOME: join(tmp, "home"),
};
/** Ours' environment: the V8 flags, then OWM_BENCH_ENV. */
const oursV8: Record<string, string> = v8Flags ? { DENO_V8_FLAGS: v8Flags } : {};
const DENO = Deno.execPath();
/** `owm …` as users run it: the permission launcher, which starts scripts/owm.ts. */
const owm = (...args: string[]) => [DENO, ...launcherArgs("owm", ...args)];

/** `owm seed <torrent>` of `dir`/seed on `port`, as users run it (its own store in `dir`/s). */
function owmSeed(dir: string, torrent: string, port: number): Deno.ChildProcess {
  return new Deno.Command(DENO, {
    args: owm(
      "--home",
      join(dir, "s", "home"),
      "seed",
      torrent,
      "--dir",
      join(dir, "seed"),
      "--port",
      String(port),
    ).slice(1),
    cwd: dir,
    clearEnv: true,
    env: { ...env, ...oursV8, ...oursEnv },
    stdout: "null",
    stderr: "piped",
  }).spawn();
}

/** Writes `mib` MiB of data, every MiB different, to `dir`/seed/bench.bin, and returns its path. */
async function makeData(dir: string, mib: number): Promise<string> {
  await Deno.mkdir(join(dir, "seed"), { recursive: true });
  const path = join(dir, "seed", "bench.bin");
  console.error(`making ${mib} MiB of data…`);
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
  return path;
}

interface Measured {
  seconds: number;
  cpu: number;
  rssMiB: number;
  /** Largest anonymous / file-backed resident memory of one process of the tree, sampled (MiB). */
  anonMiB?: number;
  fileMiB?: number;
}

/** Runs a command under GNU time; returns wall seconds, CPU seconds and peak RSS. */
async function timed(
  cmd: string[],
  cwd: string,
  extra: Record<string, string> = {},
  stdout?: string,
): Promise<Measured> {
  const timeFile = join(tmp, `time-${crypto.randomUUID()}.txt`);
  const child = new Deno.Command("/usr/bin/time", {
    args: ["-f", "%e %U %S %M", "-o", timeFile, ...cmd],
    cwd,
    clearEnv: true,
    env: { ...env, ...extra },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let anon = 0;
  let fileBacked = 0;
  const sampler = setInterval(async () => {
    for (const p of await processTree(child.pid)) {
      const status = await Deno.readTextFile(`/proc/${p}/status`).catch(() => "");
      anon = Math.max(anon, Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? 0));
      fileBacked = Math.max(fileBacked, Number(/RssFile:\s+(\d+)/.exec(status)?.[1] ?? 0));
    }
  }, 100);
  const out = await child.output();
  clearInterval(sampler);
  if (stdout) await Deno.writeFile(stdout, out.stdout);
  if (!out.success) {
    const said = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    throw new Error(`${cmd[0]} failed (exit ${out.code}): ${said.slice(-2000)}`);
  }
  const [e, u, s, m] = (await Deno.readTextFile(timeFile)).trim().split("\n").at(-1)!.split(" ")
    .map(Number);
  return {
    seconds: e!,
    cpu: u! + s!,
    rssMiB: m! / 1024,
    anonMiB: anon / 1024,
    fileMiB: fileBacked / 1024,
  };
}

/** User+system CPU seconds of a process tree and its largest peak RSS (MiB), from /proc. */
async function treeUsage(pid: number): Promise<{ cpu: number; rssMiB: number }> {
  const procs = await Promise.all((await processTree(pid)).map((p) => sampleProcess(p)));
  return {
    cpu: procs.reduce((sum, p) => sum + p.ticks, 0) / TICKS_PER_SECOND,
    rssMiB: Math.max(0, ...procs.map((p) => p.hwmKiB)) / 1024,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

type Row = [string, Measured];

function table(title: string, mib: number, rows: Row[], ours: string, ref: string): void {
  console.log(`\n${title}`);
  console.log("| round | who | wall s | MiB/s | CPU s | peak RSS MiB | anon / file RSS MiB |");
  console.log("| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
  const seen = new Map<string, number>();
  for (const [name, m] of rows) {
    const round = (seen.get(name) ?? 0) + 1;
    seen.set(name, round);
    console.log(
      `| ${round} | ${name} | ${m.seconds.toFixed(2)} | ${(mib / m.seconds).toFixed(0)} | ${
        m.cpu.toFixed(2)
      } | ${m.rssMiB.toFixed(0)} | ${
        m.anonMiB === undefined ? "" : `${m.anonMiB.toFixed(0)} / ${m.fileMiB!.toFixed(0)}`
      } |`,
    );
  }
  const med = (name: string, key: "seconds" | "cpu" | "rssMiB") =>
    median(rows.filter(([n]) => n === name).map(([, m]) => m[key]));
  for (const name of [ref, ours]) {
    console.log(
      `| median | ${name} | ${med(name, "seconds").toFixed(2)} | ${
        (mib / med(name, "seconds")).toFixed(0)
      } | ${med(name, "cpu").toFixed(2)} | ${med(name, "rssMiB").toFixed(0)} | |`,
    );
  }
  const ratio = (key: "seconds" | "cpu" | "rssMiB") => (med(ours, key) / med(ref, key)).toFixed(2);
  console.log(
    `ours/aria2c (medians): throughput ${
      (med(ref, "seconds") / med(ours, "seconds")).toFixed(2)
    }x, CPU ${ratio("cpu")}x, peak RSS ${ratio("rssMiB")}x; CPU per GiB: ours ${
      (med(ours, "cpu") * 1024 / mib).toFixed(2)
    } s, aria2c ${(med(ref, "cpu") * 1024 / mib).toFixed(2)} s`,
  );
}

const load = async () =>
  (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");

/** Waits until `child`'s stderr prints a line containing `text`; keeps draining it after. */
async function waitFor(child: Deno.ChildProcess, text: string): Promise<void> {
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the seeder exited before printing '${text}': ${seen}`);
    seen += value;
    if (seen.includes(text)) break;
  }
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
}

await Deno.mkdir(env.HOME!, { recursive: true });
console.log(
  `load average at start: ${await load()} (${navigator.hardwareConcurrency} cores); ours with DENO_V8_FLAGS=${
    v8Flags ?? ""
  }`,
);
for (const MIB of SOURCES > 1 ? SIZES : []) await manySources(MIB, SOURCES);
for (const [sizeIndex, MIB] of (SOURCES > 1 ? [] : SIZES).entries()) {
  const dir = join(tmp, `${MIB}`);
  const data = await makeData(dir, MIB);
  await using trackerA = await startTracker({ interval: 2000 });
  await using trackerB = await startTracker({ interval: 2000 });
  const t1 = join(dir, "a.torrent");
  const t2 = join(dir, "b.torrent");
  const { bytes } = await createTorrent(data, { trackers: [trackerA.httpUrl] });
  await Deno.writeFile(t1, bytes);
  await Deno.writeFile(t2, (await createTorrent(data, { trackers: [trackerB.httpUrl] })).bytes);

  const seeder = new Deno.Command("aria2c", {
    args: [
      ...ARIA2C_FLAGS,
      "-V",
      "--seed-ratio=0.0",
      "--seed-time=600",
      "--listen-port=51413",
      "-d",
      join(dir, "seed"),
      t1,
    ],
    clearEnv: true,
    env,
    stdout: "null",
    stderr: "null",
  }).spawn();
  await new Promise((r) => setTimeout(r, 3000 + MIB * 8)); // aria2c hashes the file, then announces

  const leech: Row[] = [];
  console.error(`leeching ${MIB} MiB, ${ROUNDS} rounds (load ${await load()})…`);
  for (let round = 0; round < ROUNDS; round++) {
    await Deno.remove(join(dir, "a"), { recursive: true }).catch(() => {});
    leech.push([
      "aria2c",
      await timed([
        "aria2c",
        ...ARIA2C_FLAGS,
        "--seed-time=0",
        "--listen-port=51414",
        "-d",
        join(dir, "a"),
        t1,
      ], dir),
    ]);
    await Deno.remove(join(dir, "a"), { recursive: true }).catch(() => {});
    await Deno.remove(join(dir, "o"), { recursive: true }).catch(() => {});
    leech.push([
      "owm fetch",
      await timed(
        owm("--home", join(dir, "o", "home"), "fetch", t1, "--dir", join(dir, "o", "data")),
        dir,
        { ...oursV8, ...oursEnv },
      ),
    ]);
    await Deno.remove(join(dir, "o"), { recursive: true }).catch(() => {});
  }
  const leechLoad = await load();
  table(
    `${MIB} MiB leeching over loopback from one aria2c seeder, cold (OWM_CACHE=0), ${ROUNDS} alternating rounds, load ${leechLoad}:`,
    MIB,
    leech,
    "owm fetch",
    "aria2c",
  );
  // What no engine can go below here: start-up and one pass of each hash (scripts/bench/_cpu_floor.ts).
  const floor = await cpuFloor(MIB);
  const ariaCpu = median(leech.filter(([n]) => n === "aria2c").map(([, m]) => m.cpu));
  const fetchFloor = floor.owmStartup + floor.hash.sha1 + floor.hash.sha256;
  console.log(
    `CPU floor on this machine: owm start-up ${floor.owmStartup.toFixed(2)} s, SHA-1 ${
      floor.hash.sha1.toFixed(2)
    } s, SHA-256 ${floor.hash.sha256.toFixed(2)} s, MD5 ${
      floor.hash.md5.toFixed(2)
    } s; this fetch (it learns SHA-256; the engine checks SHA-1) cannot cost less than ${
      fetchFloor.toFixed(2)
    } s = ${
      (fetchFloor / ariaCpu).toFixed(2)
    }x aria2c's CPU; one that also checks MD5 (a legacy-named torrent) ${
      (fetchFloor + floor.hash.md5).toFixed(2)
    } s = ${((fetchFloor + floor.hash.md5) / ariaCpu).toFixed(2)}x`,
  );

  if (values.profile && sizeIndex === 0) {
    const prof = values.profile;
    await Deno.mkdir(prof, { recursive: true });
    console.error(`profiling owm fetch into ${prof}…`);
    const m = await timed(
      owm("--home", join(dir, "o", "home"), "fetch", t1, "--dir", join(dir, "o", "data")),
      prof,
      { ...oursEnv, DENO_V8_FLAGS: `--prof,--trace-gc${v8Flags ? `,${v8Flags}` : ""}` },
      join(prof, "trace-gc.txt"),
    );
    console.log(`profiled round (--prof --trace-gc, slower): ${JSON.stringify(m)}`);
    await Deno.remove(join(dir, "o"), { recursive: true }).catch(() => {});
  }
  if (!values["skip-seed"]) {
    console.error(`seeding ${MIB} MiB…`);
    const ours = owmSeed(dir, t2, 51415);
    await waitFor(ours, "press Ctrl-C");
    await new Promise((r) => setTimeout(r, 2500)); // its first announce
    const seedRows: Row[] = [];
    const seedTo = async (name: string, pid: number, torrent: string) => {
      const before = await treeUsage(pid);
      await Deno.remove(join(dir, "l"), { recursive: true }).catch(() => {});
      const leecher = await timed([
        "aria2c",
        ...ARIA2C_FLAGS,
        "--seed-time=0",
        "--listen-port=51416",
        "-d",
        join(dir, "l"),
        torrent,
      ], dir);
      const after = await treeUsage(pid);
      seedRows.push([name, {
        seconds: leecher.seconds,
        cpu: after.cpu - before.cpu,
        rssMiB: after.rssMiB,
      }]);
      await Deno.remove(join(dir, "l"), { recursive: true }).catch(() => {});
    };
    for (let round = 0; round < ROUNDS; round++) {
      await seedTo("aria2c seeds", seeder.pid, t1);
      await seedTo("owm seed", ours.pid, t2);
    }
    table(
      `${MIB} MiB seeding to one aria2c leecher (wall: the leecher's; CPU: the seeder's over the transfer, /proc; RSS: the seeder's peak so far), ${ROUNDS} alternating rounds, load ${await load()}:`,
      MIB,
      seedRows,
      "owm seed",
      "aria2c seeds",
    );
    ours.kill("SIGTERM");
    await ours.status;
  }
  seeder.kill("SIGTERM");
  await seeder.status;

  if (sizeIndex === 0 && !values["skip-restart"]) await restartBench(MIB, data, bytes);
  await Deno.remove(dir, { recursive: true });
}
await Deno.remove(tmp, { recursive: true });

/** The restart of a half-done download, with and without the resume record. */
async function restartBench(MIB: number, data: string, bytes: Uint8Array): Promise<void> {
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
  console.log(
    `| kept | ${withRecord.ms.toFixed(0)} | ${withRecord.checked} | ${withRecord.have} |`,
  );
  console.log(
    `| deleted | ${
      withoutRecord.ms.toFixed(0)
    } | ${withoutRecord.checked} | ${withoutRecord.have} |`,
  );
  console.log(`restart ratio (kept / deleted): ${(withRecord.ms / withoutRecord.ms).toFixed(2)}`);
}

/** Stops `children` (SIGTERM, then waits) when disposed, once; also on an error. */
function stopping(children: Deno.ChildProcess[]): AsyncDisposable {
  let done: Promise<unknown> | undefined;
  return {
    [Symbol.asyncDispose]: () =>
      done ??= Promise.all(children.map((child) => {
        try {
          child.kill("SIGTERM");
        } catch {
          // already exited
        }
        return child.status;
      })),
  } as AsyncDisposable;
}

/** Bytes a process tree wrote (files and sockets: /proc/PID/io `wchar`), summed. */
async function treeWritten(pid: number): Promise<number> {
  let total = 0;
  for (const p of await processTree(pid)) {
    const io = await Deno.readTextFile(`/proc/${p}/io`).catch(() => "");
    total += Number(/wchar:\s+(\d+)/.exec(io)?.[1] ?? 0);
  }
  return total;
}

/** Waits until `tracker` counts `count` seeders of `infoHash` (each has checked its data and announced). */
async function seedersAnnounced(
  tracker: { stats(): { byInfoHash: Record<string, { seeders: number }> } },
  infoHash: string,
  count: number,
): Promise<void> {
  const started = Date.now();
  while ((tracker.stats().byInfoHash[infoHash]?.seeders ?? 0) < count) {
    if (Date.now() - started > 180_000) {
      throw new Error(
        `only ${tracker.stats().byInfoHash[infoHash]?.seeders ?? 0} of ${count} seeders announced`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * `--sources N`, for one size: N aria2c seeders (tracker A, ports
 * from MANY_PORT + 10) and a web seed in the torrent's `url-list`; aria2c and `owm fetch`
 * (cold, as users run it) download from all of them, alternating rounds; the
 * bytes each source gave come from the web seed's counts and each seeder's
 * `wchar`. Then seeding: N aria2c leechers started together download from an
 * aria2c seeder (tracker C), then from `owm seed` (tracker B; neither torrent
 * has a web seed), alternating, until the tracker has heard all N complete;
 * the seeder's CPU over the round, per GiB it served: N copies less what the
 * leechers uploaded to each other (each leecher's `wchar` is its copy of the
 * file plus its uploads; aria2c's own `wchar` beside it shows the estimate
 * holds; Deno's socket writes are not in `wchar`). The leechers trade among
 * themselves, so a seeder serves 1 to N copies.
 */
async function manySources(MIB: number, n: number): Promise<void> {
  const dir = join(tmp, `many-${MIB}`);
  const data = await makeData(dir, MIB);
  await using trackerA = await startTracker({ interval: 2000 });
  await using trackerB = await startTracker({ interval: 2000 });
  await using trackerC = await startTracker({ interval: 2000 });
  await using webSeed = serveWebSeed(data);
  const tA = join(dir, "many.torrent");
  const tB = join(dir, "ours-seeds.torrent");
  const tC = join(dir, "aria2c-seeds.torrent");
  const made = await createTorrent(data, { trackers: [trackerA.httpUrl], webSeeds: [webSeed.url] });
  const infoHash = made.metainfo.infoHash;
  await Deno.writeFile(tA, made.bytes);
  await Deno.writeFile(tB, (await createTorrent(data, { trackers: [trackerB.httpUrl] })).bytes);
  await Deno.writeFile(tC, (await createTorrent(data, { trackers: [trackerC.httpUrl] })).bytes);
  const ariaSeeder = (torrent: string, port: number) =>
    new Deno.Command("aria2c", {
      args: [
        ...ARIA2C_FLAGS,
        "-V",
        "--seed-ratio=0.0",
        "--seed-time=600",
        `--listen-port=${port}`,
        "-d",
        join(dir, "seed"),
        torrent,
      ],
      clearEnv: true,
      env,
      stdout: "null",
      stderr: "null",
    }).spawn();

  const seeders = Array.from({ length: n }, (_, i) => ariaSeeder(tA, MANY_PORT + 10 + i));
  await using _stopSeeders = stopping(seeders);
  console.error(`${n} aria2c seeders checking ${MIB} MiB…`);
  await seedersAnnounced(trackerA, infoHash, n);
  const leech: Row[] = [];
  const sources: string[] = [];
  console.error(`leeching ${MIB} MiB from ${n} seeders and a web seed, ${ROUNDS} rounds…`);
  const fromSources = async (name: string, run: () => Promise<Measured>) => {
    webSeed.reset();
    const before = await Promise.all(seeders.map((s) => treeWritten(s.pid)));
    leech.push([name, await run()]);
    const after = await Promise.all(seeders.map((s) => treeWritten(s.pid)));
    const ws = webSeed.counts();
    const mib = (b: number) => (b / 2 ** 20).toFixed(0);
    const peers = after.map((a, i) => a - before[i]!);
    sources.push(
      `| ${Math.ceil(leech.length / 2)} | ${name} | ${
        mib(ws.bytes)
      } | ${ws.requests} | ${ws.maxOpen} | ${peers.map(mib).join(" / ")} | ${
        peers.filter((b) => b > 2 ** 20).length
      } |`,
    );
  };
  for (let round = 0; round < ROUNDS; round++) {
    await Deno.remove(join(dir, "a"), { recursive: true }).catch(() => {});
    await fromSources("aria2c", () =>
      timed([
        "aria2c",
        ...ARIA2C_FLAGS,
        "--seed-time=0",
        `--listen-port=${MANY_PORT}`,
        "-d",
        join(dir, "a"),
        tA,
      ], dir));
    await Deno.remove(join(dir, "a"), { recursive: true }).catch(() => {});
    await Deno.remove(join(dir, "o"), { recursive: true }).catch(() => {});
    await fromSources("owm fetch", () =>
      timed(
        owm("--home", join(dir, "o", "home"), "fetch", tA, "--dir", join(dir, "o", "data")),
        dir,
        { ...oursV8, ...oursEnv },
      ));
    await Deno.remove(join(dir, "o"), { recursive: true }).catch(() => {});
  }
  table(
    `${MIB} MiB leeching over loopback from ${n} aria2c seeders and a web seed (url-list), cold (OWM_CACHE=0), ${ROUNDS} alternating rounds, load ${await load()}:`,
    MIB,
    leech,
    "owm fetch",
    "aria2c",
  );
  console.log(
    `\nwhere the ${MIB} MiB came from (MiB; a seeder's share is what it wrote, /proc wchar):`,
  );
  console.log(
    "| round | who | web seed MiB | web seed requests | most open at once | each seeder MiB | seeders giving > 1 MiB |",
  );
  console.log("| ---: | --- | ---: | ---: | ---: | --- | ---: |");
  for (const line of sources) console.log(line);
  await _stopSeeders[Symbol.asyncDispose]();

  if (!values["skip-seed"]) {
    await seedToMany(dir, MIB, n, { tB, tC, trackerB, trackerC, infoHash }, ariaSeeder);
  }
  await Deno.remove(dir, { recursive: true });
}

/** The seeding half of {@linkcode manySources}: N aria2c leechers at once, from aria2c, then from ours. */
async function seedToMany(
  dir: string,
  MIB: number,
  n: number,
  t: {
    tB: string;
    tC: string;
    trackerB: Awaited<ReturnType<typeof startTracker>>;
    trackerC: Awaited<ReturnType<typeof startTracker>>;
    infoHash: string;
  },
  ariaSeeder: (torrent: string, port: number) => Deno.ChildProcess,
): Promise<void> {
  console.error(`seeding ${MIB} MiB to ${n} aria2c leechers at once…`);
  const theirs = ariaSeeder(t.tC, MANY_PORT + 1);
  const ours = owmSeed(dir, t.tB, MANY_PORT + 2);
  await using _stopSeeders = stopping([theirs, ours]);
  await waitFor(ours, "press Ctrl-C");
  await seedersAnnounced(t.trackerC, t.infoHash, 1);
  await seedersAnnounced(t.trackerB, t.infoHash, 1);
  interface SeedRound {
    who: string;
    wall: number;
    cpu: number;
    /** Bytes the leechers got from the seeder: N copies less what they wrote beyond their own copy (wchar). */
    served: number;
    /** The seeder's `wchar` (exact for aria2c, which writes sockets with write(2); not Deno). */
    wrote: number;
    rssMiB: number;
    leecherCpu: number;
  }
  const rounds: SeedRound[] = [];
  /**
   * One round: N aria2c leechers at once, which keep their connections (and
   * trade) until the tracker has heard all N say "completed"; then the
   * seeder's counts are read and the leechers stopped. Stopping them first
   * would close the seeder's sockets before their last bytes were counted.
   */
  const seedTo = async (
    who: string,
    pid: number,
    torrent: string,
    tracker: { stats(): { byInfoHash: Record<string, { completed: number }> } },
  ) => {
    for (let i = 0; i < n; i++) {
      await Deno.remove(join(dir, `l${i}`), { recursive: true }).catch(() => {});
    }
    const completed = () => tracker.stats().byInfoHash[t.infoHash]?.completed ?? 0;
    const doneBefore = completed();
    const before = await treeUsage(pid);
    const wroteBefore = await treeWritten(pid);
    const start = performance.now();
    const leechers = Array.from({ length: n }, (_, i) =>
      new Deno.Command("aria2c", {
        args: [
          ...ARIA2C_FLAGS,
          "--seed-time=600",
          "--disk-cache=0", // each byte on disk once written, so wchar = file + uploads
          `--listen-port=${MANY_PORT + 30 + i}`,
          "-d",
          join(dir, `l${i}`),
          torrent,
        ],
        cwd: dir,
        clearEnv: true,
        env,
        stdout: "null",
        stderr: "null",
      }).spawn());
    await using stopLeechers = stopping(leechers);
    let exited = false;
    for (const leecher of leechers) leecher.status.then(() => exited = true);
    while (completed() < doneBefore + n) {
      if (exited) throw new Error("an aria2c leecher exited before all of them were done");
      if (performance.now() - start > 300_000) throw new Error("the leechers took over 300 s");
      await new Promise((r) => setTimeout(r, 20));
    }
    const wall = (performance.now() - start) / 1000;
    const after = await treeUsage(pid);
    // Each leecher wrote the file once and uploaded the rest to the others:
    // what they got from the seeder is N copies less what they gave each other.
    let leechersWrote = 0;
    for (const leecher of leechers) leechersWrote += await treeWritten(leecher.pid);
    const served = 2 * n * MIB * 2 ** 20 - leechersWrote;
    let leecherCpu = 0;
    for (const leecher of leechers) leecherCpu += (await treeUsage(leecher.pid)).cpu;
    rounds.push({
      who,
      wall,
      cpu: after.cpu - before.cpu,
      served,
      wrote: (await treeWritten(pid)) - wroteBefore,
      rssMiB: after.rssMiB,
      leecherCpu,
    });
    await stopLeechers[Symbol.asyncDispose]();
    for (let i = 0; i < n; i++) {
      await Deno.remove(join(dir, `l${i}`), { recursive: true }).catch(() => {});
    }
  };
  for (let round = 0; round < ROUNDS; round++) {
    await seedTo("aria2c seeds", theirs.pid, t.tC, t.trackerC);
    await seedTo("owm seed", ours.pid, t.tB, t.trackerB);
  }
  await _stopSeeders[Symbol.asyncDispose]();

  const perGiB = (r: SeedRound) => r.cpu / (r.served / 2 ** 30);
  console.log(
    `\n${MIB} MiB seeding to ${n} aria2c leechers started together (they also trade among themselves; wall: until the tracker heard all complete; served: N copies less what the leechers uploaded to each other, from their /proc wchar; the seeder's wchar: exact for aria2c, blind to Deno's sockets), ${ROUNDS} alternating rounds, load ${await load()}:`,
  );
  console.log(
    "| round | seeder | wall s (all done) | MiB/s delivered | seeder CPU s | served MiB, estimated (copies) | seeder's wchar MiB | seeder CPU s per GiB served | seeder peak RSS MiB | leechers' CPU s |",
  );
  console.log("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  const seen = new Map<string, number>();
  for (const r of rounds) {
    const round = (seen.get(r.who) ?? 0) + 1;
    seen.set(r.who, round);
    console.log(
      `| ${round} | ${r.who} | ${r.wall.toFixed(2)} | ${(n * MIB / r.wall).toFixed(0)} | ${
        r.cpu.toFixed(2)
      } | ${(r.served / 2 ** 20).toFixed(0)} (${(r.served / 2 ** 20 / MIB).toFixed(2)}) | ${
        (r.wrote / 2 ** 20).toFixed(0)
      } | ${perGiB(r).toFixed(2)} | ${r.rssMiB.toFixed(0)} | ${r.leecherCpu.toFixed(2)} |`,
    );
  }
  const med = (who: string, f: (r: SeedRound) => number) =>
    median(rounds.filter((r) => r.who === who).map(f));
  for (const who of ["aria2c seeds", "owm seed"]) {
    console.log(
      `| median | ${who} | ${med(who, (r) => r.wall).toFixed(2)} | ${
        (n * MIB / med(who, (r) => r.wall)).toFixed(0)
      } | ${med(who, (r) => r.cpu).toFixed(2)} | ${
        (med(who, (r) => r.served) / 2 ** 20).toFixed(0)
      } | | ${med(who, perGiB).toFixed(2)} | ${med(who, (r) => r.rssMiB).toFixed(0)} | ${
        med(who, (r) => r.leecherCpu).toFixed(2)
      } |`,
    );
  }
  const ratio = (f: (r: SeedRound) => number) =>
    (med("owm seed", f) / med("aria2c seeds", f)).toFixed(2);
  console.log(
    `ours/aria2c (medians): delivery speed ${
      (med("aria2c seeds", (r) => r.wall) / med("owm seed", (r) => r.wall)).toFixed(2)
    }x, seeder CPU ${
      ratio((r) => r.cpu)
    }x (for the same ${n} copies delivered), seeder CPU per GiB served (estimated) ${
      ratio(perGiB)
    }x, served ${ratio((r) => r.served)}x, seeder peak RSS ${ratio((r) => r.rssMiB)}x`,
  );
}
