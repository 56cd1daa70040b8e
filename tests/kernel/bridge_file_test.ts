/**
 * `bridge.json` and one bridge per store, with real bridge processes: a file
 * readable by others gets a new token and a warning; a symbolic link or a
 * folder there is a one-line error; a second bridge on a store is refused
 * naming the running one; a stale entry of a killed bridge is replaced; a
 * stopping bridge clears only its own entry.
 */
import { join } from "node:path";
import type { BridgeFile } from "../../lib/bridge/api_types.ts";
import { BridgeRunningError } from "../../kernel/bridge_file.ts";
import { startBridge } from "../../kernel/server.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_assert.ts";
import { tempDir } from "../torrent/_fixtures.ts";
import { startTestBridge } from "./_bridge.ts";
import { runBridge, spawnBridge } from "./_bridge_process.ts";

const OLD_TOKEN = "o".repeat(43);

async function read(home: string): Promise<BridgeFile> {
  return JSON.parse(await Deno.readTextFile(join(home, "bridge.json")));
}

function noStack(stderr: string): void {
  assert(!/^\s+at /m.test(stderr), `no stack trace:\n${stderr}`);
}

Deno.test("a bridge.json readable by others gets a new token, 0600, and a warning", async () => {
  const home = join(await tempDir(), "store");
  await Deno.mkdir(home, { recursive: true });
  const path = join(home, "bridge.json");
  await Deno.writeTextFile(path, JSON.stringify({ url: "", token: OLD_TOKEN }), { mode: 0o644 });
  await Deno.chmod(path, 0o644);
  const bridge = await spawnBridge(home);
  const running = await read(home);
  assert(running.token !== OLD_TOKEN, "a new token");
  assert(running.token.length >= 32);
  assertEquals((await Deno.stat(path)).mode! & 0o777, 0o600);
  const health = await fetch(`${bridge.url}/api/health`, {
    headers: { authorization: `Bearer ${OLD_TOKEN}` },
  });
  await health.body?.cancel();
  assertEquals(health.status, 401, "the old token no longer works");
  bridge.child.kill("SIGTERM");
  assertEquals(await bridge.exited(10_000), 0);
  const stderr = await bridge.stderr;
  assertStringIncludes(stderr, "readable by group or others");
  assertStringIncludes(stderr, "new token");
  noStack(stderr);

  // A 0600 file keeps its token: no warning.
  const again = await spawnBridge(home);
  assertEquals((await read(home)).token, running.token);
  again.child.kill("SIGTERM");
  assertEquals(await again.exited(10_000), 0);
  assert(!(await again.stderr).includes("readable by group"));
});

Deno.test("a symbolic link or a folder at bridge.json is a one-line error", async () => {
  const root = await tempDir();
  const home = join(root, "store");
  await Deno.mkdir(home, { recursive: true });
  const target = join(root, "elsewhere.json");
  await Deno.writeTextFile(target, "keep me\n");
  await Deno.symlink(target, join(home, "bridge.json"));
  const linked = await runBridge(home);
  assertEquals(linked.code, 1, linked.stderr);
  assertStringIncludes(linked.stderr, "symbolic link");
  assertEquals(linked.stderr.trim().split("\n").length, 1, linked.stderr);
  assertEquals(await Deno.readTextFile(target), "keep me\n", "the link's target is untouched");
  assertEquals(linked.stdout, "", "it never listened");

  await Deno.remove(join(home, "bridge.json"));
  await Deno.mkdir(join(home, "bridge.json"));
  const folder = await runBridge(home);
  assertEquals(folder.code, 1, folder.stderr);
  assertStringIncludes(folder.stderr, "is a folder");
  assertEquals(folder.stderr.trim().split("\n").length, 1, folder.stderr);
});

Deno.test("a second bridge on a store is refused naming the running one", async () => {
  const home = join(await tempDir(), "store");
  const first = await spawnBridge(home);
  const { pid } = await read(home);
  assertEquals(pid, first.child.pid);
  const second = await runBridge(home);
  assertEquals(second.code, 1, second.stderr);
  assertStringIncludes(second.stderr, first.url);
  assertStringIncludes(second.stderr, `pid ${first.child.pid}`);
  noStack(second.stderr);
  await assertRejects(
    () => startBridge({ home, port: 0, dht: false, lsd: false, torrentPort: 0 }),
    BridgeRunningError,
    first.url,
  );
  assertEquals((await read(home)).url, first.url, "the running bridge's entry is intact");
  const health = await fetch(`${first.url}/api/health`, {
    headers: { authorization: `Bearer ${(await read(home)).token}` },
  });
  assertEquals(health.status, 200, "the first still serves");
  await health.body?.cancel();

  // Killed without a chance to clean up: its entry is stale, and the next bridge replaces it.
  first.child.kill("SIGKILL");
  await first.exited(10_000);
  assertEquals((await read(home)).url, first.url, "a killed bridge leaves its entry");
  await using next = await startTestBridge({ home });
  const replaced = await read(home);
  assertEquals([replaced.url, replaced.pid], [next.bridge.url, Deno.pid]);
  assertEquals((await next.json("/api/health")).status, 200);
});

Deno.test("a stopping bridge clears only its own entry", async () => {
  const home = join(await tempDir(), "store");
  const bridge = await startTestBridge({ home });
  const token = bridge.bridge.token;
  // Meanwhile the file names another bridge (as after a stale takeover elsewhere).
  const other: BridgeFile = { url: "http://127.0.0.1:9", token, pid: 1 };
  await Deno.writeTextFile(join(home, "bridge.json"), JSON.stringify(other), { mode: 0o600 });
  await bridge.bridge.close();
  assertEquals(await read(home), other, "another bridge's entry is left alone");

  await using own = await startTestBridge({ home });
  await own.bridge.close();
  assertEquals((await read(home)).url, "", "its own entry is cleared");
});
