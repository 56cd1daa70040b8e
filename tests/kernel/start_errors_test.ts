/**
 * `deno task start`'s failures as real processes (issue #13 point 3): a port
 * taken by another bridge (named with its URL) or by another program, and an
 * option it does not take (did-you-mean), each one line and no stack.
 */
import { join } from "node:path";
import { shellEnv } from "../_env.ts";
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SERVER = join(ROOT, "kernel/server.ts");
const CONFIG = `--config=${join(ROOT, "deno.json")}`;
const decoder = new TextDecoder();

function bridgeCommand(args: string[]): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--allow-all", CONFIG, SERVER, ...args],
    clearEnv: true,
    env: shellEnv({ NO_COLOR: "1", OWM_DHT: "0", OWM_LSD: "0" }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

async function runBridge(args: string[]): Promise<{ code: number; stderr: string }> {
  const out = await bridgeCommand(args).output();
  return { code: out.code, stderr: decoder.decode(out.stderr) };
}

function assertOneLineNoStack(stderr: string): void {
  assert(!/^\s{4}at /m.test(stderr), stderr);
  assertEquals(stderr.trim().split("\n").length, 1, stderr);
}

Deno.test("a second bridge on a port another store's bridge holds: one line naming its URL", async () => {
  const dir = await Deno.makeTempDir({ prefix: "owm-start-" });
  const first = bridgeCommand(["--home", join(dir, "a"), "--port", "0", "--torrent-port", "0"])
    .spawn();
  try {
    const reader = first.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!/listening on (\S+)/.test(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the first bridge did not start: ${text}`);
      text += value;
    }
    const url = /listening on (\S+)/.exec(text)![1]!;
    const port = new URL(url).port;
    const second = await runBridge(["--home", join(dir, "b"), "--port", port]);
    assertEquals(second.code, 1);
    assertOneLineNoStack(second.stderr);
    assertStringIncludes(
      second.stderr,
      `bridge: port ${port} is in use by another owmeta-torrent bridge at ${url}`,
    );
    reader.releaseLock();
    first.stdout.cancel().catch(() => {});
  } finally {
    first.kill("SIGTERM");
    await first.status;
    await first.stderr.cancel().catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a port another program holds, and an unknown option: one line each", async () => {
  const dir = await Deno.makeTempDir({ prefix: "owm-start-" });
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (listener.addr as Deno.NetAddr).port;
    const taken = await runBridge(["--home", join(dir, "s"), "--port", String(port)]);
    assertEquals(taken.code, 1);
    assertOneLineNoStack(taken.stderr);
    assertStringIncludes(taken.stderr, `bridge: port ${port} on 127.0.0.1 is in use`);
    assertStringIncludes(taken.stderr, "--port 0");
    const typo = await runBridge(["--home", join(dir, "s"), "--prot", "3"]);
    assertEquals(typo.code, 2);
    assertOneLineNoStack(typo.stderr);
    assertStringIncludes(typo.stderr, "bridge: unknown option '--prot'; did you mean '--port'?");
  } finally {
    listener.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a store that is a file and a port out of range: one line each, no stack", async () => {
  const dir = await Deno.makeTempDir({ prefix: "owm-start-" });
  try {
    await Deno.writeTextFile(join(dir, "file"), "x");
    const file = await runBridge(["--home", join(dir, "file"), "--port", "0"]);
    assertEquals(file.code, 1);
    assertOneLineNoStack(file.stderr);
    assertStringIncludes(file.stderr, "bridge: a path that should be a folder is a file");
    assertStringIncludes(file.stderr, "must be a folder");
    const port = await runBridge(["--home", join(dir, "s"), "--port", "99999"]);
    assertEquals(port.code, 2);
    assertOneLineNoStack(port.stderr);
    assertStringIncludes(port.stderr, "use --port 0 to 65535");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
