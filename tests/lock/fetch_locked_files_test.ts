/**
 * `owm fetch --locked`, as a process, on content that differs from the lock
 * by its files rather than its bytes: a missing file, a resized file and an
 * extra file are each refused (exit 1) naming the file and the difference,
 * with nothing changed on disk; put back as it was, the content passes.
 */
import { join } from "node:path";
import { assertEquals, assertStringIncludes } from "../_assert.ts";
import { makeDataset, tempDir } from "../torrent/_fixtures.ts";
import { describeOnly, exists, owm, startSeeder } from "./_fixtures.ts";

const ID = "CSVDataSource:worms";

Deno.test("owm fetch --locked refuses a missing, a resized and an extra file, naming each", async () => {
  const root = await tempDir();
  const index = join(root, "index");
  const source = await makeDataset(join(root, "alice"), { a: 200_000, b: 80_001, c: 40_000 });
  const seeder = await startSeeder(join(root, "alice"), source, index);
  const indexArgs = ["--index", `dir:${index}`];

  const bob = join(root, "bob");
  const home = join(bob, ".owm");
  try {
    await describeOnly(home, "worms", seeder.torrentFileName);
    const fetched = await owm(bob, home, ["fetch", ID, "--peer", seeder.peer, ...indexArgs]);
    assertEquals(fetched.code, 0, fetched.stderr);
    const locked = await owm(bob, home, ["lock", ID, ...indexArgs]);
    assertEquals(locked.code, 0, locked.stderr);
  } finally {
    await seeder[Symbol.asyncDispose](); // from now on nothing is downloaded: all is on the disk
  }
  const content = join(home, "data_source_data", "bittorrent", "worms", "dataset");
  const fetchLocked = () => owm(bob, home, ["fetch", ID, "--locked", ...indexArgs]);
  const refusedWith = async (expected: string) => {
    const run = await fetchLocked();
    assertEquals(run.code, 1, `refused: ${run.stdout}${run.stderr}`);
    assertStringIncludes(run.stderr, `'${ID}' does not match the lock`);
    assertStringIncludes(run.stderr, expected);
    assertEquals(run.stdout, "", "no directory printed");
  };
  const passes = async () => {
    const run = await fetchLocked();
    assertEquals(run.code, 0, run.stderr);
  };
  await passes();

  // A missing file.
  const csv = join(content, "nested", "c.csv");
  await Deno.rename(csv, join(root, "c.csv.aside"));
  await refusedWith("dataset/nested/c.csv is missing (expected 40000 bytes)");
  assertEquals(await exists(csv), false, "nothing was restored silently");
  await Deno.rename(join(root, "c.csv.aside"), csv);
  await passes();

  // A resized file (one byte appended).
  const original = await Deno.readFile(csv);
  await Deno.chmod(csv, 0o644);
  await Deno.writeFile(csv, new Uint8Array([0x0a]), { append: true });
  await refusedWith("dataset/nested/c.csv size: expected 40000 bytes, got 40001");
  assertEquals((await Deno.stat(csv)).size, 40_001, "nothing was repaired silently");
  await Deno.writeFile(csv, original);
  await passes();

  // An extra file.
  const extra = join(content, "nested", "deeper", "notes.txt");
  await Deno.writeTextFile(extra, "mine");
  await refusedWith("dataset/nested/deeper/notes.txt is not in the lock (4 bytes)");
  assertEquals(await Deno.readTextFile(extra), "mine", "the extra file was left alone");
  await Deno.remove(extra);
  await passes();
});
