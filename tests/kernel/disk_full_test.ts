/**
 * A full disk under the bridge's store, for real (a small tmpfs mounted by
 * the test; CI runs as root): `POST /api/publish` answers 507 with a plain
 * one-line message, not a 500, and the bridge logs no stack trace.
 */
import { join } from "node:path";
import type { ApiError } from "../../lib/bridge/api_types.ts";
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { spawnBridge } from "./_bridge_process.ts";

async function run(cmd: string, ...args: string[]): Promise<boolean> {
  return (await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output()).success;
}

/** Writes `path` until the disk is full. */
async function fill(path: string): Promise<void> {
  using file = await Deno.open(path, { write: true, create: true });
  const chunk = new Uint8Array(64 * 1024).fill(7);
  for (;;) {
    try {
      await file.write(chunk);
    } catch {
      // Full: smaller writes take what is left.
      for (let size = chunk.length / 2; size >= 1; size /= 2) {
        try {
          while (true) await file.write(chunk.subarray(0, size));
        } catch {
          // this size no longer fits
        }
      }
      return;
    }
  }
}

Deno.test("POST /api/publish on a full disk answers 507 with one line and logs no stack", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "owm-kernel-disk-" });
  const disk = join(tmp, "disk");
  await Deno.mkdir(disk);
  assert(
    await run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", disk),
    `cannot mount a tmpfs at ${disk}: this test needs root (CI runs as root)`,
  );
  try {
    const root = join(tmp, "pub");
    await Deno.mkdir(join(root, "dataset"), { recursive: true });
    await Deno.writeTextFile(join(root, "dataset", "a.csv"), "1,2\n".repeat(1000));
    const home = join(disk, "store");
    const bridge = await spawnBridge(home, ["--publish-root", root]);
    const { token } = JSON.parse(await Deno.readTextFile(join(home, "bridge.json")));
    const filler = join(disk, "filler");
    let answer: { status: number; body: ApiError };
    try {
      await fill(filler);
      const res = await fetch(`${bridge.url}/api/publish`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ path: "dataset", class: "CSVDataSource", key: "full" }),
      });
      answer = { status: res.status, body: await res.json() };
      await Deno.remove(filler); // room again, so that the bridge can stop cleanly
    } finally {
      bridge.child.kill("SIGTERM");
      await bridge.exited(30_000);
    }
    const stderr = await bridge.stderr;
    assertEquals(answer.status, 507, JSON.stringify(answer.body));
    assert(["disk-full", "store-write"].includes(answer.body.error.code), answer.body.error.code);
    assert(!answer.body.error.message.includes("\n"));
    assertStringIncludes(answer.body.error.message.toLowerCase(), "space");
    assertEquals(stderr.split("\n").filter((l) => l.startsWith("    at ")), [], stderr);
  } finally {
    await run("umount", disk);
    await Deno.remove(tmp, { recursive: true });
  }
});
