/**
 * The README's tour runs as written (issue #13 point 10): every `$ deno task
 * owm …` line of the console blocks in "A five-minute tour" is run in order,
 * with `deno task` as a user runs it, in a copy of the project (its own
 * `./.owm`), with the tour's data module saved as `datasets/t.ts` and
 * `./worm_dataset` holding `worms.csv` (`name,legs` / `elegans,0`). Each
 * command must exit 0; where the README shows output, each line shown must be
 * printed (the copy's absolute path reads `.`), and every line printed on
 * stdout must be shown. A command that seeds until interrupted is left
 * running until the tour ends, once it says `press Ctrl-C` (its output goes to
 * files: read through pipes inside the test runner, it never arrived).
 * `OWM_TOUR_README=FILE` checks another text instead (e.g. a proposed README).
 */
import { join } from "node:path";
import { shellEnv } from "../_env.ts";
import { assert, assertEquals } from "../_assert.ts";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
/** What the project copy holds (the rest is not needed to run `deno task owm`). */
const COPIED = ["deno.json", "deno.lock", "mod.ts", "lib", "kernel", "scripts", "examples"];
const WORMS_CSV = "name,legs\nelegans,0\n";

/** One `$ deno task owm …` line of the tour and the output shown after it. */
interface TourStep {
  line: string;
  args: string[];
  shown: string[];
}

/** Splits a shell line into words: single and double quotes, no expansions. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end === -1) throw new Error(`unbalanced quote in: ${line}`);
      word = (word ?? "") + line.slice(i + 1, end);
      i = end;
    } else if (c === " ") {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "#" && word === undefined) {
      break; // a comment
    } else word = (word ?? "") + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The tour section of `readme`: its first `ts` block and its console steps. */
export function tourOf(readme: string): { module: string; steps: TourStep[] } {
  const start = readme.indexOf("## A five-minute tour");
  assert(start !== -1, "README.md has no '## A five-minute tour' section");
  const next = readme.indexOf("\n## ", start + 1);
  const tour = readme.slice(start, next === -1 ? undefined : next);
  const module = /```ts\n([\s\S]*?)```/.exec(tour)?.[1];
  assert(module !== undefined, "the tour has no ```ts data module");
  const steps: TourStep[] = [];
  for (const block of tour.matchAll(/```console\n([\s\S]*?)```/g)) {
    let step: TourStep | undefined;
    for (const text of block[1]!.split("\n")) {
      if (text.startsWith("$ ")) {
        const words = shellWords(text.slice(2));
        assertEquals(words.slice(0, 3), ["deno", "task", "owm"], `not an owm command: ${text}`);
        step = { line: text, args: words.slice(3), shown: [] };
        steps.push(step);
      } else if (step && text.trim() !== "") step.shown.push(text);
    }
  }
  return { module, steps };
}

function taskCommand(dir: string, args: string[]): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "owm", ...args],
    cwd: dir,
    clearEnv: true,
    env: shellEnv({ NO_COLOR: "1", OWM_DHT: "0", OWM_LSD: "0" }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

/** Starts `deno task owm …args` with its stdout and stderr going to files. */
async function spawnToFiles(
  dir: string,
  args: string[],
  outFile: string,
  errFile: string,
): Promise<Deno.ChildProcess> {
  const quoted = ["task", "--quiet", "owm", ...args].map((a) => `'${a.replaceAll("'", `'\\''`)}'`);
  await Deno.writeTextFile(outFile, "");
  await Deno.writeTextFile(errFile, "");
  return new Deno.Command("sh", {
    args: ["-c", `exec '${Deno.execPath()}' ${quoted.join(" ")} >'${outFile}' 2>'${errFile}'`],
    cwd: dir,
    clearEnv: true,
    env: shellEnv({ NO_COLOR: "1", OWM_DHT: "0", OWM_LSD: "0" }),
    stdin: "null",
  }).spawn();
}

/** Whether the command seeds until interrupted. */
function seedsUntilInterrupted(args: string[]): boolean {
  return (args.includes("publish") && !args.includes("--no-seed")) || args[0] === "seed";
}

function check(step: TourStep, stdout: string, stderr: string, dir: string): void {
  const plain = (text: string) => text.replaceAll(dir, ".").split("\n").filter((l) => l !== "");
  const out = plain(stdout);
  const all = [...out, ...plain(stderr)];
  if (step.shown.length === 0) return;
  for (const line of step.shown) {
    assert(
      all.includes(line),
      `${step.line}\nshows:   ${line}\nprinted:\n${all.join("\n")}`,
    );
  }
  for (const line of out) {
    assert(
      step.shown.includes(line),
      `${step.line}\nprints ${JSON.stringify(line)}, which the README does not show`,
    );
  }
}

Deno.test({
  name: "README: every command of the tour runs as written and prints what it shows",
  async fn() {
    const readme = await Deno.readTextFile(
      Deno.env.get("OWM_TOUR_README") ?? join(ROOT, "README.md"),
    );
    const { module, steps } = tourOf(readme);
    assert(steps.length >= 6, `only ${steps.length} tour commands found`);
    const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "owm-tour-" }));
    const seeders: Deno.ChildProcess[] = [];
    const checks: Promise<void>[] = [];
    const stopSeeders = async () => {
      for (const child of seeders.splice(0)) {
        try {
          child.kill("SIGINT");
        } catch {
          // exited
        }
        await child.status;
      }
    };
    try {
      for (const name of COPIED) {
        await new Deno.Command("cp", { args: ["-r", join(ROOT, name), dir] }).output();
      }
      await Deno.mkdir(join(dir, "datasets"));
      await Deno.writeTextFile(join(dir, "datasets", "t.ts"), module);
      await Deno.mkdir(join(dir, "worm_dataset"));
      await Deno.writeTextFile(join(dir, "worm_dataset", "worms.csv"), WORMS_CSV);
      for (const step of steps) {
        if (seedsUntilInterrupted(step.args)) {
          // Its output goes to files, read until it says it seeds.
          const outFile = join(dir, `.tour-${seeders.length}.out`);
          const errFile = join(dir, `.tour-${seeders.length}.err`);
          const child = await spawnToFiles(dir, step.args, outFile, errFile);
          seeders.push(child);
          let stderr = "";
          while (!stderr.includes("press Ctrl-C")) {
            const exited = await Promise.race([
              child.status.then(() => true),
              new Promise<false>((r) => setTimeout(() => r(false), 200)),
            ]);
            stderr = await Deno.readTextFile(errFile);
            assert(
              !exited || stderr.includes("press Ctrl-C"),
              `${step.line}\nended before seeding:\n${stderr}`,
            );
          }
          checks.push(child.status.then(async () => {
            check(step, await Deno.readTextFile(outFile), stderr, dir);
          }));
          continue;
        }
        const out = await taskCommand(dir, step.args).output();
        const stdout = new TextDecoder().decode(out.stdout);
        const stderr = new TextDecoder().decode(out.stderr);
        assertEquals(out.code, 0, `${step.line}\nexit ${out.code}:\n${stderr}${stdout}`);
        check(step, stdout, stderr, dir);
      }
      await stopSeeders();
      await Promise.all(checks);
    } finally {
      await stopSeeders();
      await Promise.allSettled(checks);
      await Deno.remove(dir, { recursive: true });
    }
  },
});
