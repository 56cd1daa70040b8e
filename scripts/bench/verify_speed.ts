/**
 * Hashing speed of hashFile() against coreutils `md5sum`, `sha256sum` and
 * `sha512sum`, side by side in one run, on one file in the page cache.
 * Each round times every contender once, in turn; the table gives medians
 * over the rounds, and the median over rounds of the ratio ours/coreutils
 * within a round (the machine's load changes less within a round).
 *
 * `deno task bench:verify [--size MiB] [--rounds N] [--buffers 1,4,8]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { type HashAlgorithm, hashFile } from "../../lib/integrity/hash.ts";

const { values } = parseArgs({
  args: Deno.args.filter((a) => a !== "--"), // `deno task x -- --flag` passes the "--"
  options: {
    size: { type: "string", default: "512" },
    rounds: { type: "string", default: "3" },
    buffers: { type: "string", default: "1,4,8" },
    algorithms: { type: "string", default: "md5,sha256,sha512" },
  },
});
const MIB = 1 << 20;
const sizeMiB = Number(values.size);
const rounds = Number(values.rounds);
const buffers = values.buffers.split(",").map((b) => Number(b) * MIB);
const algorithms = values.algorithms.split(",") as HashAlgorithm[];

async function writeFixture(path: string): Promise<void> {
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  const chunk = new Uint8Array(4 * MIB);
  for (let written = 0; written < sizeMiB * MIB; written += chunk.length) {
    for (let at = 0; at < chunk.length; at += 65_536) {
      crypto.getRandomValues(chunk.subarray(at, at + 65_536));
    }
    let done = 0;
    const part = chunk.subarray(0, Math.min(chunk.length, sizeMiB * MIB - written));
    while (done < part.length) done += await file.write(part.subarray(done));
  }
}

async function coreutils(algorithm: HashAlgorithm, path: string): Promise<[number, string]> {
  const start = performance.now();
  const out = await new Deno.Command(`${algorithm}sum`, { args: [path], stdout: "piped" }).output();
  const seconds = (performance.now() - start) / 1000;
  if (!out.success) throw new Error(`${algorithm}sum failed`);
  return [seconds, new TextDecoder().decode(out.stdout).split(" ")[0]!];
}

async function ours(
  algorithms: HashAlgorithm[],
  path: string,
  bufferSize: number,
): Promise<[number, string]> {
  const start = performance.now();
  const digests = await hashFile(path, algorithms, { bufferSize });
  const seconds = (performance.now() - start) / 1000;
  return [seconds, digests[algorithms[0]!]];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const dir = await Deno.makeTempDir({ prefix: "owm-verify-bench-" });
try {
  const path = join(dir, "data.bin");
  console.error(`writing a ${sizeMiB} MiB file of random bytes in ${dir}…`);
  await writeFixture(path);
  await hashFile(path, ["sha256"]); // into the page cache
  const times = new Map<string, number[]>();
  const record = (label: string, seconds: number) =>
    times.set(label, [...(times.get(label) ?? []), seconds]);
  for (let round = 1; round <= rounds; round++) {
    console.error(`round ${round} of ${rounds}…`);
    for (const algorithm of algorithms) {
      const [seconds, reference] = await coreutils(algorithm, path);
      record(`${algorithm}sum`, seconds);
      for (const bufferSize of buffers) {
        const [ourSeconds, digest] = await ours([algorithm], path, bufferSize);
        if (digest !== reference) throw new Error(`${algorithm} digests differ`);
        record(`${algorithm} ${bufferSize / MIB} MiB`, ourSeconds);
      }
    }
    const [allSeconds] = await ours(algorithms, path, 4 * MIB);
    record(`${algorithms.join("+")} 4 MiB`, allSeconds);
  }
  const rate = (label: string) => sizeMiB / median(times.get(label)!);
  const runs = (label: string) => times.get(label)!.map((s) => (sizeMiB / s).toFixed(0)).join(", ");
  console.log(
    `hashing ${sizeMiB} MiB in the page cache, ${rounds} rounds (Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} CPUs)\n`,
  );
  const ratio = (label: string, base: string) =>
    median(times.get(label)!.map((seconds, i) => times.get(base)![i]! / seconds));
  console.log("| what | median MiB/s | each round | ours / coreutils |");
  console.log("| --- | ---: | --- | ---: |");
  for (const algorithm of algorithms) {
    const base = rate(`${algorithm}sum`);
    console.log(`| ${algorithm}sum | ${base.toFixed(0)} | ${runs(`${algorithm}sum`)} | |`);
    for (const bufferSize of buffers) {
      const label = `${algorithm} ${bufferSize / MIB} MiB`;
      console.log(
        `| hashFile ${label} reads | ${rate(label).toFixed(0)} | ${runs(label)} | ${
          ratio(label, `${algorithm}sum`).toFixed(2)
        } |`,
      );
    }
  }
  const all = `${algorithms.join("+")} 4 MiB`;
  const sequential = algorithms.reduce((sum, a) => sum + median(times.get(`${a}sum`)!), 0);
  console.log(
    `| hashFile ${algorithms.join("+")} in one pass, 4 MiB reads | ${rate(all).toFixed(0)} | ${
      runs(all)
    } | ${(sequential / median(times.get(all)!)).toFixed(2)} (vs running each *sum in turn) |`,
  );
} finally {
  await Deno.remove(dir, { recursive: true });
}
