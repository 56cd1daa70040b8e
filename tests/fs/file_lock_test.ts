import { join } from "node:path";
import { withFileLock } from "../../lib/fs/file_lock.ts";
import { assert, assertEquals, assertRejects } from "../_assert.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "owm-lock-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 2));

Deno.test("withFileLock() returns the callback's value and writes the holder's pid", async () => {
  await withTempDir(async (dir) => {
    const lock = join(dir, "a.lock");
    const seen = await withFileLock(lock, async () => (await Deno.readTextFile(lock)).trim());
    assertEquals(seen, String(Deno.pid));
  });
});

Deno.test("withFileLock() runs callers of one process one at a time, in call order", async () => {
  await withTempDir(async (dir) => {
    const lock = join(dir, "a.lock");
    let inside = 0;
    let maxInside = 0;
    const order: number[] = [];
    await Promise.all(Array.from({ length: 20 }, (_, i) =>
      withFileLock(lock, async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        await tick();
        order.push(i);
        inside--;
      })));
    assertEquals(maxInside, 1);
    assertEquals(order, Array.from({ length: 20 }, (_, i) => i));
  });
});

Deno.test("withFileLock() keeps separate lock files independent", async () => {
  await withTempDir(async (dir) => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = withFileLock(join(dir, "a.lock"), () => held);
    // A different lock file is not blocked by the held one.
    assertEquals(await withFileLock(join(dir, "b.lock"), () => Promise.resolve("b")), "b");
    release();
    await first;
  });
});

Deno.test("withFileLock() releases the lock when the callback throws", async () => {
  await withTempDir(async (dir) => {
    const lock = join(dir, "a.lock");
    await assertRejects(
      () => withFileLock(lock, () => Promise.reject(new RangeError("boom"))),
      RangeError,
      "boom",
    );
    const waits: (string | undefined)[] = [];
    const value = await withFileLock(lock, () => Promise.resolve(42), {
      onWait: (pid) => waits.push(pid),
      noticeAfterMs: 0,
    });
    assertEquals(value, 42);
    assertEquals(waits, [], "a free lock is not waited for");
  });
});

Deno.test("withFileLock() does not call onWait when the lock is free", async () => {
  await withTempDir(async (dir) => {
    const waits: (string | undefined)[] = [];
    let ran = false;
    await withFileLock(join(dir, "a.lock"), async () => {
      await new Promise((resolve) => setTimeout(resolve, 80));
      ran = true;
    }, { onWait: (pid) => waits.push(pid), noticeAfterMs: 20 });
    assert(ran);
    assertEquals(waits, []);
  });
});

Deno.test("withFileLock() rejects when the lock file's directory does not exist, and recovers", async () => {
  await withTempDir(async (dir) => {
    const lock = join(dir, "missing", "a.lock");
    await assertRejects(() => withFileLock(lock, () => Promise.resolve()), Deno.errors.NotFound);
    await Deno.mkdir(join(dir, "missing"));
    assertEquals(await withFileLock(lock, () => Promise.resolve("ok")), "ok");
  });
});
