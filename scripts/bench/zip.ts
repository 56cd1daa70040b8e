/**
 * Zip speed of createZip() and extractZip() against Info-ZIP `zip` and
 * `unzip` (when installed), on a folder of a few files: half random bytes
 * (incompressible), half CSV-like text (compressible). Each round times every
 * contender once, in turn; the table gives medians over the rounds in MiB/s of
 * input, the zip sizes, and the median within-round ratio ours/Info-ZIP time.
 * Both sides deflate at level 6 and extract the same zip (ours).
 *
 * `deno task bench:zip [--size MiB] [--rounds N]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { createZip } from "../../lib/archive/zip_create.ts";
import { extractZip } from "../../lib/archive/zip_extract.ts";
import { digestContent } from "../../lib/integrity/content_digest.ts";

const { values } = parseArgs({
  args: Deno.args.filter((a) => a !== "--"), // `deno task x -- --flag` passes the "--"
  options: {
    size: { type: "string", default: "200" },
    rounds: { type: "string", default: "3" },
  },
});
const MIB = 1 << 20;
const sizeMiB = Number(values.size);
const rounds = Number(values.rounds);
const LIMITS = { maxEntries: 1000, maxExpandedBytes: 2 * sizeMiB * MIB, maxRatio: 1000 };

async function writeFile(path: string, bytes: number, random: boolean): Promise<void> {
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  const chunk = new Uint8Array(4 * MIB);
  const text = new TextEncoder().encode(
    Array.from({ length: 40_000 }, (_, i) => `AVAL,AVAR,${i % 97},${(i * 7919) % 1000}.5\n`)
      .join(""),
  );
  for (let written = 0; written < bytes; written += chunk.length) {
    if (random) {
      for (let at = 0; at < chunk.length; at += 65_536) {
        crypto.getRandomValues(chunk.subarray(at, at + 65_536));
      }
    } else {
      for (let at = 0; at < chunk.length; at += text.length) {
        chunk.set(text.subarray(0, chunk.length - at), at);
      }
      crypto.getRandomValues(chunk.subarray(0, 16)); // no two chunks alike
    }
    const part = chunk.subarray(0, Math.min(chunk.length, bytes - written));
    let done = 0;
    while (done < part.length) done += await file.write(part.subarray(done));
  }
}

async function has(command: string): Promise<boolean> {
  try {
    return (await new Deno.Command(command, { args: ["-v"], stdout: "null", stderr: "null" })
      .output()).success;
  } catch {
    return false;
  }
}

async function run(command: string, args: string[], cwd: string): Promise<number> {
  const start = performance.now();
  const out = await new Deno.Command(command, { args, cwd, stdout: "null", stderr: "piped" })
    .output();
  const seconds = (performance.now() - start) / 1000;
  if (!out.success) throw new Error(`${command} failed: ${new TextDecoder().decode(out.stderr)}`);
  return seconds;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const dir = await Deno.makeTempDir({ prefix: "owm-zip-bench-" });
try {
  const src = join(dir, "data");
  await Deno.mkdir(join(src, "tables"), { recursive: true });
  const quarter = Math.floor((sizeMiB * MIB) / 4);
  console.error(`writing ${sizeMiB} MiB (2 random files, 2 CSV-like) in ${dir}…`);
  await writeFile(join(src, "random-1.bin"), quarter, true);
  await writeFile(join(src, "random-2.bin"), quarter, true);
  await writeFile(join(src, "tables", "connections-1.csv"), quarter, false);
  await writeFile(join(src, "tables", "connections-2.csv"), quarter, false);
  const inputBytes = 4 * quarter;
  const source = await digestContent(src, ["sha256"]);
  const zip = await has("zip");
  const unzip = await has("unzip");
  const times = new Map<string, number[]>();
  const ratios = new Map<string, number[]>();
  const record = (map: Map<string, number[]>, label: string, value: number) =>
    map.set(label, [...(map.get(label) ?? []), value]);
  let ourSize = 0;
  let infoZipSize = 0;
  for (let round = 1; round <= rounds; round++) {
    console.error(`round ${round} of ${rounds}…`);
    const ours = join(dir, `ours-${round}.zip`);
    const create = await timed(() => createZip(src, ours));
    record(times, "createZip", create);
    ourSize = (await Deno.stat(ours)).size;
    if (zip) {
      const theirs = join(dir, `infozip-${round}.zip`);
      const seconds = await run("zip", ["-q", "-r", "-6", "-X", theirs, "."], src);
      record(times, "zip -r -6", seconds);
      record(ratios, "create", create / seconds);
      infoZipSize = (await Deno.stat(theirs)).size;
      await Deno.remove(theirs);
    }
    const out = join(dir, `out-${round}`);
    const extract = await timed(() => extractZip(ours, out, LIMITS));
    record(times, "extractZip", extract);
    const back = await digestContent(out, ["sha256"]);
    if (back.digests.sha256 !== source.digests.sha256) throw new Error("the round trip differs");
    await Deno.remove(out, { recursive: true });
    if (unzip) {
      const target = join(dir, `unzip-${round}`);
      const seconds = await run("unzip", ["-q", ours, "-d", target], dir);
      record(times, "unzip", seconds);
      record(ratios, "extract", extract / seconds);
      await Deno.remove(target, { recursive: true });
    }
    if (round > 1) {
      const previous = await Deno.readFile(join(dir, `ours-${round - 1}.zip`));
      const now = await Deno.readFile(ours);
      if (previous.length !== now.length || previous.some((b, i) => b !== now[i])) {
        throw new Error("createZip gave different bytes in two rounds");
      }
      await Deno.remove(join(dir, `ours-${round - 1}.zip`));
    }
  }
  console.log(`input: ${(inputBytes / MIB).toFixed(0)} MiB in 4 files; ${rounds} rounds`);
  console.log(
    `zip size: ours ${(ourSize / MIB).toFixed(1)} MiB` +
      (zip ? `, Info-ZIP ${(infoZipSize / MIB).toFixed(1)} MiB` : " (zip not installed)"),
  );
  console.log("contender      median s   MiB/s");
  for (const [label, seconds] of times) {
    const s = median(seconds);
    console.log(
      `${label.padEnd(14)} ${s.toFixed(2).padStart(8)} ${
        (inputBytes / MIB / s).toFixed(0).padStart(7)
      }`,
    );
  }
  for (const [label, values] of ratios) {
    console.log(`${label}: ours/Info-ZIP time ${median(values).toFixed(2)}`);
  }
  console.log("createZip bytes identical across rounds: yes");
} finally {
  await Deno.remove(dir, { recursive: true });
}
