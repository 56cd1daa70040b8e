import { join } from "node:path";
import { withFileLock } from "../../lib/fs/file_lock.ts";
import { GraphStore, LOCK_FILE } from "../../lib/graph/store.ts";
import { namedNode, quad } from "../../lib/graph/rdf.ts";
import { assert, assertEquals } from "../_assert.ts";
import { finish, kill, spawnWorker } from "./_child.ts";

/** Polls `test` every 10 ms until it holds; throws after `ms`. */
async function eventually(test: () => boolean, ms = 5000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!test()) {
    if (performance.now() > deadline) throw new Error(`Condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

Deno.test("withFileLock() excludes a second process: no increments are lost", async () => {
  const dir = await Deno.makeTempDir({ prefix: "owm-lock-" });
  try {
    const lock = join(dir, "x.lock");
    const counter = join(dir, "counter");
    await Deno.writeTextFile(counter, "0");
    const n = 60;
    const workers = [
      spawnWorker("_lock_worker.ts", ["count", lock, counter, String(n)]),
      spawnWorker("_lock_worker.ts", ["count", lock, counter, String(n)]),
    ];
    const results = await Promise.all(workers.map(finish));
    for (const { status, stderr } of results) assertEquals(status.code, 0, stderr);
    assertEquals(await Deno.readTextFile(counter), String(2 * n));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("withFileLock() waits for a lock held by another process and calls onWait with its pid", async () => {
  const dir = await Deno.makeTempDir({ prefix: "owm-lock-" });
  const lock = join(dir, "x.lock");
  const holder = spawnWorker("_lock_worker.ts", ["hold", lock]);
  try {
    await holder.waitForLine((line) => line === "locked");
    const waits: (string | undefined)[] = [];
    let acquired = false;
    const mine = withFileLock(lock, async () => {
      acquired = true;
      // The holder printed "releasing" before it released the lock.
      return await holder.nextLine();
    }, { onWait: (pid) => waits.push(pid), noticeAfterMs: 50 });
    await eventually(() => waits.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assertEquals(acquired, false, "acquired a lock another process holds");
    assertEquals(waits, [String(holder.child.pid)]);
    await holder.child.stdin.close();
    assertEquals(await mine, "releasing");
    assertEquals(waits.length, 1, "onWait is called once");
    const { status } = await finish(holder);
    assertEquals(status.code, 0);
  } finally {
    await kill(holder);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("withFileLock() takes over promptly from a holder killed with SIGKILL", async () => {
  const dir = await Deno.makeTempDir({ prefix: "owm-lock-" });
  const lock = join(dir, "x.lock");
  const holder = spawnWorker("_lock_worker.ts", ["hold", lock]);
  try {
    await holder.waitForLine((line) => line === "locked");
    assertEquals((await Deno.readTextFile(lock)).trim(), String(holder.child.pid));
    const waits: (string | undefined)[] = [];
    let acquiredAt = 0;
    const mine = withFileLock(lock, () => {
      acquiredAt = performance.now();
      return Promise.resolve(Deno.readTextFileSync(lock).trim());
    }, { onWait: (pid) => waits.push(pid), noticeAfterMs: 50 });
    await eventually(() => waits.length > 0);
    assertEquals(acquiredAt, 0, "acquired a lock another process holds");
    const killedAt = performance.now();
    const status = await kill(holder);
    assertEquals(status.signal, "SIGKILL");
    // The dead holder's pid is still in the lock file, yet the lock is free.
    assertEquals(await mine, String(Deno.pid), "the new holder writes its own pid");
    assert(acquiredAt - killedAt < 2000, `took ${acquiredAt - killedAt} ms after the kill`);
    assertEquals(waits, [String(holder.child.pid)]);
    // And a later, uncontended acquisition does not wait at all.
    const again: (string | undefined)[] = [];
    assertEquals(
      await withFileLock(lock, () => Promise.resolve(1), {
        onWait: (p) => again.push(p),
        noticeAfterMs: 0,
      }),
      1,
    );
  } finally {
    await kill(holder);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("GraphStore.update() calls onLockWait with the pid of another process holding the store lock", async () => {
  const home = await Deno.makeTempDir({ prefix: "owm-lock-" });
  const waits: (string | undefined)[] = [];
  const store = await GraphStore.open({ home, create: true, onLockWait: (pid) => waits.push(pid) });
  const holder = spawnWorker("_lock_worker.ts", ["hold", join(home, LOCK_FILE)]);
  try {
    await holder.waitForLine((line) => line === "locked");
    const update = store.update((tx) =>
      tx.add(quad(namedNode("urn:s"), namedNode("urn:p"), namedNode("urn:o")))
    );
    const started = performance.now();
    await eventually(() => waits.length > 0);
    assert(performance.now() - started > 900, "the default notice delay is 1 s");
    assertEquals(waits, [String(holder.child.pid)]);
    assertEquals((await store.readAll()).length, 0, "the update ran while the lock was held");
    await holder.child.stdin.close();
    assertEquals((await update).quads, 1);
    assertEquals((await store.readAll()).length, 1);
  } finally {
    await kill(holder);
    await Deno.remove(home, { recursive: true });
  }
});
