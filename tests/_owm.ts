/**
 * The `owm` command run as a real process, as a user's shell runs it: `deno
 * run` of scripts/owm.ts with the project's config, the shell's environment
 * (tests/_env.ts, INIT_CWD removed) with colour, DHT and local discovery off,
 * and no stdin. {@linkcode owm} runs it to the end; {@linkcode spawnOwm}
 * starts a long-running one (a seeder, a tracker) and reads its first line.
 *
 * @module
 */
import { join } from "node:path";
import { shellEnv } from "./_env.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const OWM = join(ROOT, "scripts/owm.ts");
const CONFIG = `--config=${join(ROOT, "deno.json")}`;
const decoder = new TextDecoder();

/** What a command printed, and its exit code. */
export interface Run {
  /** The exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** How to run `owm`. */
export interface OwmOptions {
  /** `deno run` permission flags; default `--allow-all` (as `deno task owm` runs with every permission). */
  flags?: string[];
  /** Variables added to the shell's environment (after NO_COLOR=1, OWM_DHT=0, OWM_LSD=0). */
  env?: Record<string, string>;
  /** The working directory; default this process's. */
  cwd?: string;
  /** Run it as `deno task owm …`, with the task's own permissions (`flags` is then ignored). */
  task?: boolean;
}

/** The `deno` command that runs `owm …args`, stdin closed, stdout and stderr piped. */
export function owmCommand(args: string[], options: OwmOptions = {}): Deno.Command {
  const deno = options.task
    ? ["task", "--quiet", CONFIG, "owm"]
    : ["run", "--quiet", ...(options.flags ?? ["--allow-all"]), CONFIG, OWM];
  return new Deno.Command(Deno.execPath(), {
    args: [...deno, ...args],
    clearEnv: true,
    env: shellEnv({ NO_COLOR: "1", OWM_DHT: "0", OWM_LSD: "0", ...options.env }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
}

/** Runs `owm …args` to the end: its exit code and what it printed. */
export async function owm(args: string[], options: OwmOptions = {}): Promise<Run> {
  const out = await owmCommand(args, options).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** A long-running `owm` process that has printed its first line. */
export interface RunningOwm {
  /** Its first stdout line (without the newline). */
  firstLine: string;
  /** Its whole stderr, once it has exited. */
  stderr: Promise<string>;
  /** Sends SIGTERM (unless it has exited already) and waits for it to exit. */
  stop(): Promise<{ code: number; stderr: string }>;
}

/**
 * Starts `owm …args` and waits for its first stdout line; throws (with its
 * stderr) if it exits before printing one. Stop it with `stop()`.
 */
export async function spawnOwm(
  args: string[],
  options: Omit<OwmOptions, "cwd" | "task"> = {},
): Promise<RunningOwm> {
  const child = owmCommand(args, options).spawn();
  const stderr = new Response(child.stderr).text();
  const stdout = child.stdout.pipeThrough(new TextDecoderStream());
  const reader = stdout.getReader();
  let buffered = "";
  while (!buffered.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) {
      const status = await child.status;
      throw new Error(`owm ${args.join(" ")} exited ${status.code}: ${await stderr}`);
    }
    buffered += value;
  }
  reader.releaseLock();
  return {
    firstLine: buffered.slice(0, buffered.indexOf("\n")),
    stderr,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch {
        // it has exited already
      }
      const status = await child.status;
      await stdout.cancel().catch(() => {});
      return { code: status.code, stderr: await stderr };
    },
  };
}
