/**
 * The bridge as a real process: `deno run kernel/server.ts --home … --port 0`
 * (DHT and local discovery off), its URL read from its first line, its stderr
 * kept, and a way to signal it and wait a bounded time for its exit; or run
 * to the end (a bridge that refuses to start).
 *
 * @module
 */
import { join } from "node:path";
import { shellEnv } from "../_env.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SERVER = join(ROOT, "kernel/server.ts");
const CONFIG = `--config=${join(ROOT, "deno.json")}`;

/** A bridge process that has printed `listening on URL` (or exited). */
export interface BridgeProcess extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** The port. */
  port: number;
  /** The process. */
  child: Deno.ChildProcess;
  /** Its whole stderr, once it has exited. */
  stderr: Promise<string>;
  /** Waits for it to exit, at most `ms`: its code, or `undefined` when it still runs. */
  exited(ms: number): Promise<number | undefined>;
}

/** Reads the first line of `stream`, then keeps reading the rest (so the process never blocks). */
async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string | undefined> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return undefined;
    text += value;
    const nl = text.indexOf("\n");
    if (nl !== -1) {
      (async () => {
        while (!(await reader.read()).done) { /* drained */ }
      })().catch(() => {});
      return text.slice(0, nl);
    }
  }
}

/** A bridge run to the end: its exit code and stderr (for bridges that refuse to start). */
export async function runBridge(home: string, args: string[] = []): Promise<{
  code: number;
  stdout: string;
  stderr: string;
}> {
  const out = await command(home, args).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

function command(home: string, args: string[]): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-all",
      CONFIG,
      SERVER,
      "--home",
      home,
      "--port",
      "0",
      "--torrent-port",
      "0",
      "--no-dht",
      "--no-lsd",
      ...args,
    ],
    clearEnv: true,
    env: shellEnv({ NO_COLOR: "1", OWM_DHT: "0", OWM_LSD: "0" }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

/** Starts the bridge process on the store `home` and waits for `listening on URL`. */
export async function spawnBridge(home: string, args: string[] = []): Promise<BridgeProcess> {
  const child = command(home, args).spawn();
  const stderr = new Response(child.stderr).text();
  const line = await firstLine(child.stdout);
  const match = line === undefined ? null : /^listening on (http:\/\/\S+)$/.exec(line);
  if (!match) {
    const { code } = await child.status;
    throw new Error(`The bridge did not start (exit ${code}): ${line ?? ""}\n${await stderr}`);
  }
  const url = match[1]!;
  const exited = async (ms: number) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((
      resolve,
    ) => (timer = setTimeout(() => resolve(undefined), ms)));
    try {
      return await Promise.race([child.status.then((s) => s.code), late]);
    } finally {
      clearTimeout(timer);
    }
  };
  const dispose = async () => {
    if (await exited(0) === undefined) {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }
    await child.status;
    await stderr;
  };
  return {
    url,
    port: Number(new URL(url).port),
    child,
    stderr,
    exited,
    [Symbol.asyncDispose]: dispose,
  };
}
