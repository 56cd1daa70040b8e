/**
 * JobList: the bridge's persisted transfers (`<store>/bridge-jobs.json`).
 */
import { join } from "node:path";
import { JobList } from "../../kernel/jobs.ts";
import { assertEquals } from "../_assert.ts";
import { tempDir } from "../torrent/_fixtures.ts";

Deno.test("JobList.put() calls made at once all reach the file, the last value of each winning", async () => {
  const home = await tempDir();
  const jobs = await JobList.open(home);
  const hash = (i: number) => i.toString(16).padStart(40, "0");
  await Promise.all(
    Array.from(
      { length: 40 },
      (_, i) =>
        jobs.put({
          kind: "fetch",
          id: `urn:x:${i % 20}`,
          infoHash: hash(i % 20),
          peers: [],
          done: i >= 20,
        }),
    ),
  );
  await jobs.remove(hash(0));
  const reread = await JobList.open(home);
  assertEquals(reread.all.length, 19);
  assertEquals(reread.all.every((job) => job.kind === "fetch" && job.done), true);
  assertEquals((await Deno.stat(join(home, "bridge-jobs.json"))).mode! & 0o777, 0o600);
});

Deno.test("JobList.open() starts empty on a missing or unreadable file", async () => {
  const home = await tempDir();
  assertEquals((await JobList.open(home)).all, []);
  await Deno.writeTextFile(join(home, "bridge-jobs.json"), "{not json");
  const errors: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void errors.push(args);
  try {
    assertEquals((await JobList.open(home)).all, []);
  } finally {
    console.error = original;
  }
  assertEquals(errors.length, 1, "the unreadable file is reported");
});
