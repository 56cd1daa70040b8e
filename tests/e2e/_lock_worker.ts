/**
 * Worker for tests/e2e/file_lock_test.ts.
 *
 * - `hold <lockPath>`: takes the lock, prints `locked`, holds it until stdin
 *   closes, prints `releasing` and releases it.
 * - `count <lockPath> <counterPath> <n>`: n times, under the lock, reads the
 *   number in counterPath, yields, and writes it back plus one; prints `done`.
 *
 * @module
 */
import { withFileLock } from "../../lib/fs/file_lock.ts";

const [mode, lockPath, counterPath, n] = Deno.args;

if (mode === "hold" && lockPath) {
  await withFileLock(lockPath, async () => {
    console.log("locked");
    for await (const _ of Deno.stdin.readable) { /* wait for stdin to close */ }
    console.log("releasing");
  });
} else if (mode === "count" && lockPath && counterPath && n) {
  for (let i = 0; i < Number(n); i++) {
    await withFileLock(lockPath, async () => {
      const value = Number((await Deno.readTextFile(counterPath).catch(() => "0")) || "0");
      await new Promise((resolve) => setTimeout(resolve, 1));
      await Deno.writeTextFile(counterPath, String(value + 1));
    });
  }
  console.log("done");
} else {
  console.error(`Usage: _lock_worker.ts hold <lock> | count <lock> <counter> <n>`);
  Deno.exit(2);
}
