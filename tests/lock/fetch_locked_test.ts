/**
 * `owm fetch --locked` against a real loopback seeder: it passes on content
 * that matches the lock (and OWM_LOCKED=1 does the same), refuses a changed
 * byte showing the expected and actual SHA-256 (and `--repair` restores the
 * pinned bytes), refuses a DataSource that is not in the lock, refuses a
 * changed infohash or torrent file name before downloading anything, and
 * checks every file after a download.
 */
import { join } from "node:path";
import { hashFile } from "../../lib/integrity/hash.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";
import { assertSameTree, bytes, makeDataset, tempDir, writeTree } from "../torrent/_fixtures.ts";
import { describeOnly, exists, flipByte, owm, startSeeder } from "./_fixtures.ts";

const ID = "CSVDataSource:worms";
const IRI = "http://data.openworm.org/data_sources/CSVDataSource#worms";

Deno.test("owm fetch --locked passes on the pinned content and refuses a changed byte, an unlocked id, a changed torrent", async () => {
  const root = await tempDir();
  const index = join(root, "index");
  const source = await makeDataset(join(root, "alice"), { a: 300_000, b: 120_001, c: 40_000 });
  await using seeder = await startSeeder(join(root, "alice"), source, index);
  const indexArgs = ["--index", `dir:${index}`];
  const peer = ["--peer", seeder.peer];

  // Bob fetches (not locked yet), then pins what he got.
  const bob = join(root, "bob");
  const home = join(bob, ".owm");
  await describeOnly(home, "worms", seeder.torrentFileName);
  const fetched = await owm(bob, home, ["fetch", ID, ...peer, ...indexArgs]);
  assertEquals(fetched.code, 0, fetched.stderr);
  const directory = join(home, "data_source_data", "bittorrent", "worms");
  const locked = await owm(bob, home, ["lock", ID, ...indexArgs]);
  assertEquals(locked.code, 0, locked.stderr);
  const lockFile = join(bob, "owm.lock");
  const entry = JSON.parse(await Deno.readTextFile(lockFile)).dataSources[IRI];
  assertEquals(entry.infoHash, seeder.infoHash);

  // Matching content: verified against the lock, nothing downloaded (no peer given).
  const ok = await owm(bob, home, ["fetch", ID, "--locked", "--json", ...indexArgs]);
  assertEquals(ok.code, 0, ok.stderr);
  const result = JSON.parse(ok.stdout);
  assertEquals(
    [result.directory, result.locked, result.alreadyPresent, result.infoHash, result.lockFile],
    [directory, true, true, seeder.infoHash, lockFile],
  );
  assertEquals(result.checks.map((c: { kind: string }) => c.kind), ["lock"]);
  const byEnv = await owm(bob, home, ["fetch", ID, ...indexArgs], { OWM_LOCKED: "1" });
  assertEquals(byEnv.code, 0, byEnv.stderr);
  assertStringIncludes(byEnv.stderr, "owm: verified lock (4 files");
  assertEquals(byEnv.stdout.trim().split("\n").at(-1), join(directory, "dataset"));

  // One changed byte: refused with the expected and actual SHA-256 and what to do.
  const file = join(directory, "dataset", "nested", "deeper", "b.bin");
  await flipByte(file, 100_000);
  const changed = (await hashFile(file, ["sha256"])).sha256;
  const pinned = entry.files["dataset/nested/deeper/b.bin"].sha256;
  const refused = await owm(bob, home, ["fetch", ID, "--locked", ...peer, ...indexArgs]);
  assertEquals(refused.code, 1, refused.stdout);
  assertStringIncludes(
    refused.stderr,
    `dataset/nested/deeper/b.bin sha256: expected ${pinned}, got ${changed}`,
  );
  assertStringIncludes(refused.stderr, `owm lock ${ID}`);
  assertStringIncludes(refused.stderr, `owm fetch --locked --repair ${ID}`);
  assertEquals(
    (await hashFile(file, ["sha256"])).sha256,
    changed,
    "nothing was 'repaired' silently",
  );
  // --repair restores the pinned bytes from the peer.
  const repaired = await owm(bob, home, [
    "fetch",
    ID,
    "--locked",
    "--repair",
    ...peer,
    ...indexArgs,
  ]);
  assertEquals(repaired.code, 0, repaired.stderr);
  await assertSameTree(join(directory, "dataset"), source);

  // A DataSource the lock does not pin.
  await describeOnly(home, "other", seeder.torrentFileName);
  const unlocked = await owm(bob, home, [
    "fetch",
    "CSVDataSource:other",
    "--locked",
    ...peer,
    ...indexArgs,
  ]);
  assertEquals(unlocked.code, 1);
  assertMatch(
    unlocked.stderr,
    /'CSVDataSource:other' does not match the lock .*owm\.lock: it is not in the lock/,
  );
  assertEquals(await exists(join(home, "data_source_data", "bittorrent", "other")), false);
  // No lockfile at all, with --locked: a clear error.
  const noLock = await owm(bob, home, [
    "fetch",
    ID,
    "--locked",
    "--lock",
    "missing.lock",
    ...indexArgs,
  ]);
  assertEquals(noLock.code, 1);
  assertMatch(noLock.stderr, /missing\.lock: does not exist: create it with `owm lock`/);

  // Carol has the lock, but her index now holds another torrent under the pinned name: refused
  // before downloading, although a peer seeds that other torrent.
  const other = await makeDataset(join(root, "mallory"), { a: 50_000, b: 1, c: 2 });
  await using otherSeeder = await startSeeder(join(root, "mallory"), other, join(root, "index2"));
  const carol = join(root, "carol");
  const carolHome = join(carol, ".owm");
  await describeOnly(carolHome, "worms", seeder.torrentFileName);
  await Deno.mkdir(join(carol, "swapped"), { recursive: true });
  await Deno.writeFile(join(carol, "swapped", seeder.torrentFileName), otherSeeder.torrent);
  await Deno.copyFile(lockFile, join(carol, "owm.lock"));
  const swapped = await owm(carol, carolHome, [
    "fetch",
    ID,
    "--locked",
    "--peer",
    otherSeeder.peer,
    "--index",
    `dir:${join(carol, "swapped")}`,
  ]);
  assertEquals(swapped.code, 1, swapped.stdout);
  assertStringIncludes(
    swapped.stderr,
    `infohash: expected ${seeder.infoHash}, got ${otherSeeder.infoHash}`,
  );
  assertEquals(await exists(join(carolHome, "data_source_data", "bittorrent", "worms")), false);
  assertEquals(await exists(join(carolHome, "session")), false, "no torrent session was opened");

  // Her DataSource names another torrent file: refused from the record alone.
  await describeOnly(carolHome, "worms", otherSeeder.torrentFileName);
  const renamed = await owm(carol, carolHome, ["fetch", ID, "--locked", "--index", `dir:${index}`]);
  assertEquals(renamed.code, 1);
  assertStringIncludes(
    renamed.stderr,
    `torrent file name: expected ${seeder.torrentFileName}, got ${otherSeeder.torrentFileName}`,
  );
});

Deno.test("owm fetch --locked downloads the pinned torrent and checks every file afterwards", async () => {
  const root = await tempDir();
  const index = join(root, "index");
  const source = join(root, "alice", "dataset");
  await writeTree(source, { "x.csv": bytes(90_000, 4), "y/z.bin": bytes(65_537, 5) });
  await using seeder = await startSeeder(join(root, "alice"), source, index);
  const args = ["--peer", seeder.peer, "--index", `dir:${index}`];

  // Bob pins it; Dave, with Bob's lock and a fresh store, fetches it locked.
  const bob = join(root, "bob");
  await describeOnly(join(bob, ".owm"), "worms", seeder.torrentFileName);
  assertEquals((await owm(bob, join(bob, ".owm"), ["fetch", ID, ...args])).code, 0);
  assertEquals((await owm(bob, join(bob, ".owm"), ["lock", ID, ...args.slice(2)])).code, 0);
  const lock = JSON.parse(await Deno.readTextFile(join(bob, "owm.lock")));

  const dave = join(root, "dave");
  await describeOnly(join(dave, ".owm"), "worms", seeder.torrentFileName);
  await Deno.writeTextFile(join(dave, "owm.lock"), JSON.stringify(lock, null, 2) + "\n");
  const fresh = await owm(dave, join(dave, ".owm"), ["fetch", ID, "--locked", "--json", ...args]);
  assertEquals(fresh.code, 0, fresh.stderr);
  const result = JSON.parse(fresh.stdout);
  assertEquals(result.alreadyPresent, false);
  assertEquals(result.checks.map((c: { kind: string }) => c.kind), [
    "legacy-md5",
    "pieces",
    "lock",
  ]);
  await assertSameTree(join(result.directory, "dataset"), source);

  // A lock whose pinned SHA-256 differs from the torrent's bytes (edited by hand): the
  // download completes, the check after it refuses.
  const erin = join(root, "erin");
  await describeOnly(join(erin, ".owm"), "worms", seeder.torrentFileName);
  const edited = structuredClone(lock);
  edited.dataSources[IRI].files["dataset/x.csv"].sha256 = "0".repeat(64);
  await Deno.writeTextFile(join(erin, "owm.lock"), JSON.stringify(edited));
  const after = await owm(erin, join(erin, ".owm"), ["fetch", ID, "--locked", ...args]);
  assertEquals(after.code, 1, after.stdout);
  assertMatch(after.stderr, /the content loaded into .*erin.* does not match the lock/);
  assertStringIncludes(
    after.stderr,
    `dataset/x.csv sha256: expected ${"0".repeat(64)}, got ${
      lock.dataSources[IRI].files["dataset/x.csv"].sha256
    }`,
  );
  assert(!after.stdout.includes("erin"), "no directory printed");
});
