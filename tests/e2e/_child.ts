/**
 * Spawning the worker scripts of the cross-process tests as `deno run` child
 * processes, and reading their stdout line by line.
 *
 * @module
 */
import { fileURLToPath as fromFileUrl } from "node:url";

/** The repository root (where deno.json is), the children's working directory. */
export const ROOT: string = fromFileUrl(new URL("../../", import.meta.url));

/** A running worker with a line reader over its stdout. */
export interface Worker {
  /** The child process. */
  child: Deno.ChildProcess;
  /** The next stdout line, or `undefined` at end of output. */
  nextLine(): Promise<string | undefined>;
  /** Reads lines until one satisfies `test`; throws if output ends first or `ms` passes. */
  waitForLine(test: (line: string) => boolean, ms?: number): Promise<string>;
  /** Every stdout line read so far. */
  lines: string[];
  /** Collected stderr text (complete once the child has exited). */
  stderr(): Promise<string>;
}

/**
 * Starts `tests/e2e/<script>` with `args` under `deno run`, stdin piped (closing it
 * is a signal some workers wait for), stdout read as lines.
 */
export function spawnWorker(script: string, args: string[]): Worker {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      fromFileUrl(new URL(script, import.meta.url)),
      ...args,
    ],
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const stderrText = new Response(child.stderr).text();
  let buffer = "";
  let done = false;
  const lines: string[] = [];
  async function nextLine(): Promise<string | undefined> {
    for (;;) {
      const nl = buffer.indexOf("\n");
      if (nl !== -1) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        lines.push(line);
        return line;
      }
      if (done) return undefined;
      const { value, done: end } = await reader.read();
      if (end) done = true;
      else buffer += value;
    }
  }
  async function waitForLine(test: (line: string) => boolean, ms = 15_000): Promise<string> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Worker ${script} gave no expected line within ${ms} ms`)),
        ms,
      );
    });
    try {
      for (;;) {
        const line = await Promise.race([nextLine(), timeout]);
        if (line === undefined) {
          throw new Error(
            `Worker ${script} ended its output without the expected line; stderr: ${await stderrText}`,
          );
        }
        if (test(line)) return line;
      }
    } finally {
      clearTimeout(timer);
    }
  }
  return { child, nextLine, waitForLine, lines, stderr: () => stderrText };
}

/** Reads the rest of a worker's stdout, so that its pipe is drained and closed. */
export async function drain(worker: Worker): Promise<void> {
  while ((await worker.nextLine()) !== undefined) { /* keep reading */ }
}

/** Kills a worker with SIGKILL (if still running), waits for it and drains its pipes. */
export async function kill(worker: Worker): Promise<Deno.CommandStatus> {
  try {
    worker.child.kill("SIGKILL");
  } catch {
    // already exited
  }
  await worker.child.stdin.close().catch(() => {});
  const [status] = await Promise.all([worker.child.status, drain(worker), worker.stderr()]);
  return status;
}

/** Closes a worker's stdin, waits for it to exit and returns its status and stderr. */
export async function finish(
  worker: Worker,
): Promise<{ status: Deno.CommandStatus; stderr: string }> {
  await worker.child.stdin.close().catch(() => {});
  const [status, , stderr] = await Promise.all([
    worker.child.status,
    drain(worker),
    worker.stderr(),
  ]);
  return { status, stderr };
}
