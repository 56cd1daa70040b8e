/**
 * The CPU floor of a fetch in this runtime, measured in child processes on
 * this machine (for bench:download's "what stands in the way" lines):
 *
 * - start-up: CPU of `deno run` of an empty module, and of `owm --version`
 *   through the permission launcher (two processes, as `deno task owm` runs);
 * - hashing: CPU of one pass of SHA-1 (the engine's piece check), MD5 (the
 *   legacy content name) and SHA-256 over `mib` MiB with node:crypto, in
 *   256 KiB updates as pieces land, each algorithm measured alone.
 *
 * A fetch that records MD5 and SHA-256 cannot cost less than start-up plus
 * the three hashes, whatever the engine does; aria2c hashes SHA-1 only.
 *
 * Run alone: `deno run --allow-run --allow-read --allow-write scripts/bench/_cpu_floor.ts 256`.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { launcherArgs } from "./_launcher.ts";

/** CPU seconds (user+system) of each part of the floor. */
export interface CpuFloor {
  /** `deno run` of an empty module. */
  startup: number;
  /** `owm --version` through scripts/launch.ts (launcher plus CLI start, no work). */
  owmStartup: number;
  /** One pass of each algorithm over the data, by algorithm. */
  hash: Record<"sha1" | "md5" | "sha256", number>;
}

const HASHER = `
import { createHash } from "node:crypto";
const [alg, mib] = [Deno.args[0], Number(Deno.args[1])];
const piece = new Uint8Array(256 * 1024);
crypto.getRandomValues(piece.subarray(0, 65536));
for (let i = 65536; i < piece.length; i += 65536) piece.copyWithin(i, 0, 65536);
const h = createHash(alg);
for (let i = 0; i < mib * 4; i++) h.update(piece);
h.digest("hex");
`;

/** CPU seconds of a child process's run, from getrusage via /usr/bin/time. */
async function cpuOf(args: string[]): Promise<number> {
  const out = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "%U %S", Deno.execPath(), ...args],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  const [u, s] = new TextDecoder().decode(out.stderr).trim().split("\n").at(-1)!.split(" ")
    .map(Number);
  return u! + s!;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** Measures the floor for `mib` MiB (median of `runs` runs of each part). */
export async function cpuFloor(mib: number, runs = 3): Promise<CpuFloor> {
  const dir = await Deno.makeTempDir({ prefix: "owm-floor-" });
  try {
    const empty = `${dir}/empty.ts`;
    const hasher = `${dir}/hash.ts`;
    await Deno.writeTextFile(empty, "");
    await Deno.writeTextFile(hasher, HASHER);
    const startups: number[] = [];
    for (let i = 0; i < runs; i++) startups.push(await cpuOf(["run", "--quiet", empty]));
    const startup = median(startups);
    const owms: number[] = [];
    for (let i = 0; i < runs; i++) {
      owms.push(
        await cpuOf(launcherArgs("owm", "--version")),
      );
    }
    const owmStartup = median(owms);
    const hash = { sha1: 0, md5: 0, sha256: 0 };
    for (const alg of ["sha1", "md5", "sha256"] as const) {
      const cpus: number[] = [];
      for (let i = 0; i < runs; i++) {
        cpus.push(await cpuOf(["run", "--quiet", hasher, alg, String(mib)]));
      }
      hash[alg] = Math.max(0, median(cpus) - startup);
    }
    return { startup, owmStartup, hash };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const mib = Number(Deno.args[0] ?? 256);
  const floor = await cpuFloor(mib);
  const total = floor.owmStartup + floor.hash.sha1 + floor.hash.md5 + floor.hash.sha256;
  console.log(
    `CPU floor for ${mib} MiB (${fileURLToPath(import.meta.url)}): start-up ${
      floor.startup.toFixed(2)
    } s (owm --version through the launcher ${floor.owmStartup.toFixed(2)} s), SHA-1 ${
      floor.hash.sha1.toFixed(2)
    } s, MD5 ${floor.hash.md5.toFixed(2)} s, SHA-256 ${floor.hash.sha256.toFixed(2)} s; in all ${
      total.toFixed(2)
    } s`,
  );
}
