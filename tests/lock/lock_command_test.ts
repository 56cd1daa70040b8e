/**
 * `owm lock`, run as a real process from a project directory: what it pins
 * (ids, infohash, torrent file name, each file's size and SHA-256), its
 * stable text (locking twice gives the same bytes), updating one entry while
 * keeping the others, `--lock PATH` and `OWM_LOCK`, and refusing content that
 * is not present or does not verify without touching the lockfile.
 */
import { join } from "node:path";
import { hashFile } from "../../lib/integrity/hash.ts";
import { parseLock, serializeLock } from "../../lib/lock/lock_format.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";
import { bytes, makeDataset, tempDir, writeTree } from "../torrent/_fixtures.ts";
import { describeOnly, exists, flipByte, owm, publishHere } from "./_fixtures.ts";

interface Project {
  dir: string;
  home: string;
  folder: string;
  single: string;
  worms: { infoHash: string; torrentFileName: string };
  notes: { infoHash: string; torrentFileName: string };
}

async function project(): Promise<Project> {
  const root = await tempDir();
  const dir = join(root, "project");
  const home = join(dir, ".owm");
  const folder = await makeDataset(join(root, "data"), { a: 70_000, b: 33_001, c: 5_000 });
  await writeTree(join(root, "single"), { "notes.csv": bytes(4_321, 9) });
  const single = join(root, "single", "notes.csv");
  const worms = await publishHere(home, folder, "worms");
  const notes = await publishHere(home, single, "notes");
  await describeOnly(home, "elsewhere", `${"e".repeat(32)}.torrent`); // never fetched here
  return { dir, home, folder, single, worms, notes };
}

Deno.test("owm lock pins every DataSource present here, in a stable canonical file", async () => {
  const p = await project();
  const run = await owm(p.dir, p.home, ["lock", "--json"]);
  assertEquals(run.code, 0, run.stderr);
  const summary = JSON.parse(run.stdout);
  const lockFile = join(p.dir, "owm.lock");
  assertEquals(summary.lockFile, lockFile, "owm.lock in the directory the user ran it from");
  assertEquals(summary.written, true);
  assertEquals(summary.locked.map((e: { id: string }) => e.id).sort(), [
    "CSVDataSource:notes",
    "CSVDataSource:worms",
  ]);
  assertEquals(summary.skipped, [{ id: "CSVDataSource:elsewhere", reason: "not present here" }]);

  const text = await Deno.readTextFile(lockFile);
  assertEquals(serializeLock(parseLock(text, lockFile)), text, "canonical: sorted, indented");
  const json = JSON.parse(text);
  assertEquals(json.version, 1);
  const worms = json.dataSources["http://data.openworm.org/data_sources/CSVDataSource#worms"];
  assertEquals(worms.id, "CSVDataSource:worms");
  assertEquals(worms.infoHash, p.worms.infoHash);
  assertEquals(worms.torrentFileName, p.worms.torrentFileName);
  assertEquals(Object.keys(worms.files), [
    "dataset/a.bin",
    "dataset/empty.txt",
    "dataset/nested/c.csv",
    "dataset/nested/deeper/b.bin",
  ]);
  assertEquals([worms.fileCount, worms.size], [4, 70_000 + 33_001 + 5_000]);
  for (
    const [path, file] of Object.entries(worms.files) as [
      string,
      { sha256: string; size: number },
    ][]
  ) {
    const real = join(p.folder, path.slice("dataset/".length));
    assertEquals(file.sha256, (await hashFile(real, ["sha256"])).sha256, `sha256 of ${path}`);
    assertEquals(file.size, (await Deno.stat(real)).size);
  }
  const notes = json.dataSources["http://data.openworm.org/data_sources/CSVDataSource#notes"];
  assertEquals(Object.keys(notes.files), ["notes.csv"], "a one-file torrent: its name");
  assertEquals(notes.files["notes.csv"].sha256, (await hashFile(p.single, ["sha256"])).sha256);

  // Locking again changes nothing, byte for byte, and says so.
  const again = await owm(p.dir, p.home, ["lock"]);
  assertEquals(again.code, 0, again.stderr);
  assertEquals(again.stdout.trim().split("\n").sort(), [
    "CSVDataSource:notes",
    "CSVDataSource:worms",
  ]);
  assertStringIncludes(again.stderr, "unchanged");
  assertEquals(await Deno.readTextFile(lockFile), text);
});

Deno.test("owm lock <id> adds or updates that entry and keeps the others", async () => {
  const p = await project();
  const lockFile = join(p.dir, "pins", "data.lock");
  await Deno.mkdir(join(p.dir, "pins"), { recursive: true });
  const first = await owm(p.dir, p.home, [
    "lock",
    "CSVDataSource:worms",
    "--lock",
    "pins/data.lock",
  ]);
  assertEquals(first.code, 0, first.stderr);
  assertEquals(first.stdout.trim(), "CSVDataSource:worms");
  const onlyWorms = JSON.parse(await Deno.readTextFile(lockFile));
  assertEquals(Object.values(onlyWorms.dataSources).map((e) => (e as { id: string }).id), [
    "CSVDataSource:worms",
  ]);

  // OWM_LOCK names the same file; adding notes keeps worms' entry exactly.
  const second = await owm(p.dir, p.home, ["lock", "CSVDataSource:notes", "--json"], {
    OWM_LOCK: "pins/data.lock",
  });
  assertEquals(second.code, 0, second.stderr);
  const summary = JSON.parse(second.stdout);
  assertEquals(summary.lockFile, lockFile);
  assertEquals(summary.kept, ["CSVDataSource:worms"]);
  assertEquals(summary.locked.map((e: { changed: boolean }) => e.changed), [true]);
  const both = JSON.parse(await Deno.readTextFile(lockFile));
  const wormsIri = "http://data.openworm.org/data_sources/CSVDataSource#worms";
  assertEquals(both.dataSources[wormsIri], onlyWorms.dataSources[wormsIri]);
  assertEquals(Object.keys(both.dataSources).length, 2);

  // The content changes deliberately (a file is added): re-locking worms updates only worms.
  await Deno.writeTextFile(join(p.folder, "added.txt"), "new\n");
  const republished = await publishHere(p.home, p.folder, "worms");
  assert(republished.infoHash !== p.worms.infoHash);
  const relock = await owm(p.dir, p.home, ["lock", "CSVDataSource:worms", "--lock", lockFile]);
  assertEquals(relock.code, 0, relock.stderr);
  const after = JSON.parse(await Deno.readTextFile(lockFile));
  assertEquals(after.dataSources[wormsIri].infoHash, republished.infoHash);
  assert("dataset/added.txt" in after.dataSources[wormsIri].files);
  const notesIri = "http://data.openworm.org/data_sources/CSVDataSource#notes";
  assertEquals(after.dataSources[notesIri], both.dataSources[notesIri]);
});

Deno.test("owm lock refuses content not present or not verified, and leaves the lockfile alone", async () => {
  const p = await project();
  assertEquals((await owm(p.dir, p.home, ["lock"])).code, 0);
  const lockFile = join(p.dir, "owm.lock");
  const before = await Deno.readTextFile(lockFile);

  const absent = await owm(p.dir, p.home, [
    "lock",
    "CSVDataSource:worms",
    "CSVDataSource:elsewhere",
  ]);
  assertEquals(absent.code, 1, absent.stdout);
  assertMatch(
    absent.stderr,
    /Cannot lock 'CSVDataSource:elsewhere': its content is not present here.*owm fetch CSVDataSource:elsewhere/,
  );

  const unknown = await owm(p.dir, p.home, ["lock", "CSVDataSource:nope"]);
  assertEquals(unknown.code, 1);
  assertStringIncludes(unknown.stderr, "nope");

  await flipByte(join(p.folder, "a.bin"), 1234);
  const damaged = await owm(p.dir, p.home, ["lock", "CSVDataSource:worms"]);
  assertEquals(damaged.code, 1, damaged.stdout);
  assertMatch(
    damaged.stderr,
    /Cannot lock 'CSVDataSource:worms': its content at .* does not verify/,
  );
  // With no ids, damaged content present here fails the whole run too.
  assertEquals((await owm(p.dir, p.home, ["lock"])).code, 1);
  assertEquals(await Deno.readTextFile(lockFile), before, "the lockfile is unchanged");

  const empty = join(p.dir, "empty-store");
  await describeOnly(empty, "x", `${"f".repeat(32)}.torrent`);
  const nothing = await owm(p.dir, empty, ["lock", "--lock", "other.lock"]);
  assertEquals(nothing.code, 1);
  assertStringIncludes(nothing.stderr, "nothing to lock");
  assertEquals(await exists(join(p.dir, "other.lock")), false);
});
