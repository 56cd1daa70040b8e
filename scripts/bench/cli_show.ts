/**
 * Process-level timing of `owm source show` on a store of 100,000
 * DataSources, against a reference `deno run` of an empty script with the same
 * flags in the same run: the difference is the work done after the process
 * starts. `deno task bench:cli [--count N] [--runs R]`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { makeStore } from "./_fixture.ts";

const { values } = parseArgs({
  args: Deno.args.filter((a) => a !== "--"), // `deno task x -- --flag` passes the "--"
  options: {
    count: { type: "string", default: "100000" },
    runs: { type: "string", default: "15" },
  },
});
const count = Number(values.count);
const runs = Number(values.runs);
const root = fileURLToPath(new URL("../../", import.meta.url));
const flags = ["run", "--allow-read", "--allow-write", "--allow-env", `--config=${root}deno.json`];

async function timeRun(args: string[], env: Record<string, string>): Promise<number> {
  const start = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    env,
    stdout: "null",
    stderr: "piped",
  })
    .output();
  const elapsed = performance.now() - start;
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return elapsed;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

console.error(`building a store of ${count} DataSources…`);
const t0 = performance.now();
const { home } = await makeStore(count);
const buildMs = performance.now() - t0;
const empty = await Deno.makeTempFile({ suffix: ".ts" });
await Deno.writeTextFile(empty, "");
const env = { OWM_HOME: home, NO_COLOR: "1" };
const owm = `${root}scripts/owm.ts`;
const id = `ConnectomeCSVDataSource:dataset_${Math.floor(count / 2)}`;
await timeRun([...flags, empty], env); // warm the module cache
await timeRun([...flags, owm, "source", "show", id], env);
const reference: number[] = [];
const show: number[] = [];
for (let i = 0; i < runs; i++) {
  reference.push(await timeRun([...flags, empty], env));
  show.push(await timeRun([...flags, owm, "source", "show", id], env));
}
const r = median(reference);
const s = median(show);
console.log(
  `store: ${count} DataSources, ${
    (await Deno.stat(`${home}/graph.nq`)).size
  } bytes, built and saved in ${buildMs.toFixed(0)} ms`,
);
console.log(`reference (deno run of an empty script): median ${r.toFixed(1)} ms over ${runs} runs`);
console.log(`owm source show ${id}: median ${s.toFixed(1)} ms`);
console.log(
  `work after process start: ${(s - r).toFixed(1)} ms (show / reference = ${(s / r).toFixed(2)})`,
);
await Deno.remove(home, { recursive: true });
await Deno.remove(empty);
