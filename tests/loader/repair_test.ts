/**
 * `owm fetch … --repair` mends every kind of damage, through the real CLI
 * against a real seeder (`owm publish`) on loopback: a missing file, a
 * truncated one, one with bytes appended (every piece still passes: the file
 * must be cut back), a changed byte; each time the bytes after the repair are
 * the torrent's. A file in the content folder that the torrent does not list
 * is named and left as it was (same bytes, same inode, same mtime), on a
 * repair by download and on one served from the shared cache; as it changes
 * the DataSource's digest of the whole folder, the fetch fails saying so and
 * what to do. A magnet fetch (no folder digest) mends an extended file (the
 * torrent is only known once downloaded) and reports an unlisted one.
 */
import { join } from "node:path";
import { listTree } from "../../lib/integrity/tree.ts";
import { owm as runOwm, type Run, spawnOwm } from "../_owm.ts";
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { describeOnly, makeDataset } from "../e2e/_fixtures.ts";

const KEY = "worms";
const ID = `CSVDataSource:${KEY}`;

function owm(home: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return runOwm(["--home", home, ...args], { env });
}

/** What `owm fetch --json` prints (the fields these tests read). */
interface Fetched {
  contentPath: string;
  verified: boolean;
  alreadyPresent: boolean;
  fromCache: boolean;
  notes: string[];
}

/** Alice publishes a dataset made in `tmp` to a folder index there and seeds it (`publisher`). */
async function alicePublishes(tmp: string) {
  const source = await makeDataset(tmp);
  await Deno.mkdir(join(tmp, "shared"));
  const index = ["--index", `dir:${join(tmp, "shared")}`];
  const publisher = await spawnOwm([
    "--home",
    join(tmp, "alice"),
    "publish",
    source,
    "--class",
    "CSVDataSource",
    "--key",
    KEY,
    "--port",
    "0",
    "--json",
    ...index,
  ]);
  return { source, index, publisher };
}

async function fetchJson(home: string, args: string[], env: Record<string, string> = {}) {
  const run = await owm(home, ["fetch", ...args, "--json"], env);
  assertEquals(run.code, 0, `owm fetch ${args.join(" ")}: ${run.stderr}`);
  return JSON.parse(run.stdout) as Fetched;
}

/** Every file of `source` has the same bytes at the same place below `actual`. */
async function assertTorrentBytes(actual: string, source: string): Promise<void> {
  for (const file of await listTree(source)) {
    const got = await Deno.readFile(join(actual, file.path)).catch(() => undefined);
    assert(got !== undefined, `${file.path} is back`);
    assertEquals(got.length, file.size, `${file.path}: the torrent's length`);
    const want = await Deno.readFile(file.absolutePath);
    const differs = want.findIndex((b, i) => b !== got[i]);
    assertEquals(differs, -1, `${file.path}: the torrent's bytes`);
  }
}

/** A file the torrent does not list: its bytes and identity, to check it was left alone. */
async function plantExtra(path: string, text: string) {
  await Deno.mkdir(join(path, ".."), { recursive: true });
  await Deno.writeTextFile(path, text);
  const before = await Deno.stat(path);
  return {
    async assertUntouched(label: string) {
      assertEquals(await Deno.readTextFile(path), text, `${label}: same bytes`);
      const after = await Deno.stat(path);
      assertEquals(after.ino, before.ino, `${label}: the same file, not a copy`);
      assertEquals(after.mtime?.getTime(), before.mtime?.getTime(), `${label}: not written`);
    },
  };
}

async function flipByte(path: string, offset: number): Promise<void> {
  const bytes = await Deno.readFile(path);
  bytes[offset] = bytes[offset]! ^ 0xff;
  await Deno.writeFile(path, bytes);
}

Deno.test("owm fetch --repair mends missing, truncated, extended and changed files; unlisted files are reported and left alone", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "owm-repair-" });
  try {
    const { source, index, publisher } = await alicePublishes(tmp);
    try {
      const summary = JSON.parse(publisher.firstLine);
      const peer = ["--peer", `127.0.0.1:${summary.seeding.port}`];
      const bob = join(tmp, "bob");
      await describeOnly(bob, KEY, summary.torrentFileName);
      const first = await fetchJson(bob, [ID, ...peer, ...index]);
      const content = first.contentPath;
      assertEquals(content, join(bob, "data_source_data", "bittorrent", KEY, "worm_dataset"));
      await assertTorrentBytes(content, source);
      const csv = join(content, "connectome.csv");
      const big = join(content, "nested", "deeper", "stack.bin");
      const notes = join(content, "nested", "notes.txt");

      const repair = async (label: string, damage: () => Promise<void>) => {
        await damage();
        const refused = await owm(bob, ["fetch", ID, ...peer, ...index]);
        assertEquals(refused.code, 1, `${label}: without --repair, fetch refuses`);
        assertStringIncludes(refused.stderr, "present but does not verify");
        const repaired = await fetchJson(bob, [ID, "--repair", ...peer, ...index]);
        assertEquals(repaired.verified, true, label);
        await assertTorrentBytes(content, source);
        return repaired;
      };

      await repair("missing", async () => {
        await Deno.remove(notes);
        await Deno.remove(csv);
      });
      await repair("truncated", () => Deno.truncate(big, 1_000_000));
      const bigSize = (await Deno.stat(big)).size;
      const tail = new TextEncoder().encode("appended after the torrent's bytes");
      const extended = await repair("extended", async () => {
        using file = await Deno.open(big, { append: true });
        await file.write(tail);
        using small = await Deno.open(csv, { append: true });
        await small.write(new TextEncoder().encode("ADAR,ADAL,1\n"));
      });
      assertStringIncludes(
        extended.notes.join("\n"),
        `worm_dataset/nested/deeper/stack.bin had ${
          bigSize + tail.length
        } bytes, the torrent says ${bigSize}`,
      );
      await repair("changed byte", () => flipByte(big, 2_000_000));

      // Unlisted files are left alone and named. The DataSource records a digest of the whole
      // folder (sha256, legacy-md5), which they change: the fetch says so, and what to do.
      const extra = await plantExtra(join(content, "my_notes.txt"), "mine, not the torrent's\n");
      const nested = await plantExtra(join(content, "nested", "scratch", "x.tmp"), "scratch\n");
      const unlisted = "worm_dataset/my_notes.txt, worm_dataset/nested/scratch";
      const alone = await owm(bob, ["fetch", ID, "--repair", ...peer, ...index]);
      assertEquals(alone.code, 1, alone.stdout);
      assertStringIncludes(alone.stderr, `does not list, left alone: ${unlisted}.`);
      assertStringIncludes(alone.stderr, "verifies against its piece hashes");
      assertStringIncludes(alone.stderr, `move them out of ${content}`);
      await extra.assertUntouched("extra file, nothing else wrong");
      await nested.assertUntouched("extra folder, nothing else wrong");
      await assertTorrentBytes(content, source);
      await flipByte(big, 7);
      const withDamage = await owm(bob, ["fetch", ID, "--repair", ...peer, ...index]);
      assertEquals(withDamage.code, 1, withDamage.stdout);
      assertStringIncludes(withDamage.stderr, `left alone: ${unlisted}.`);
      assertStringIncludes(withDamage.stderr, "was mended and verifies against its piece hashes");
      await assertTorrentBytes(content, source);
      await extra.assertUntouched("extra file, beside a file repaired by download");
      await nested.assertUntouched("extra folder, beside a file repaired by download");
      // Moved out, the folder is the DataSource's content again.
      await Deno.rename(join(content, "my_notes.txt"), join(tmp, "my_notes.txt"));
      await Deno.remove(join(content, "nested", "scratch"), { recursive: true });
      const clean = await fetchJson(bob, [ID, ...peer, ...index]);
      assertEquals([clean.verified, clean.alreadyPresent], [true, true]);

      // A magnet fetch (the torrent known only once downloaded) cuts an extended file back too;
      // with no folder digest recorded, an unlisted file is only reported. In a store of its own:
      // in bob's, the magnet is CSVDataSource:worms's (its infohash), with its folder digest.
      const erin = join(tmp, "erin");
      const magnet = await fetchJson(erin, [summary.magnetLink, ...peer]);
      await assertTorrentBytes(magnet.contentPath, source);
      const magnetCsv = join(magnet.contentPath, "connectome.csv");
      using appended = await Deno.open(magnetCsv, { append: true });
      await appended.write(new TextEncoder().encode("more,rows,9\n"));
      const mine = await plantExtra(join(magnet.contentPath, "mine.txt"), "mine\n");
      const mended = await fetchJson(erin, [summary.magnetLink, ...peer]);
      assertEquals(mended.verified, true);
      await assertTorrentBytes(magnet.contentPath, source);
      assertStringIncludes(mended.notes.join("\n"), "worm_dataset/connectome.csv had");
      assertStringIncludes(
        mended.notes.join("\n"),
        "not in the torrent, left alone: worm_dataset/mine.txt",
      );
      await mine.assertUntouched("an unlisted file beside a magnet fetch's content");
      const human = await owm(erin, ["fetch", summary.magnetLink, ...peer]);
      assertEquals(human.code, 0, human.stderr);
      assertStringIncludes(
        human.stderr,
        "owm: not in the torrent, left alone: worm_dataset/mine.txt",
      );
    } finally {
      const status = await publisher.stop();
      assertEquals(status.code, 0, status.stderr);
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("owm fetch --repair served from the shared cache replaces damaged files and carries unlisted ones over", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "owm-repair-cache-" });
  try {
    const cacheEnv = { OWM_CACHE: "1", OWM_CACHE_DIR: join(tmp, "cache") };
    const { source, index, publisher } = await alicePublishes(tmp);
    let peer: string[];
    const bob = join(tmp, "bob");
    try {
      const summary = JSON.parse(publisher.firstLine);
      peer = ["--peer", `127.0.0.1:${summary.seeding.port}`];
      await describeOnly(bob, KEY, summary.torrentFileName);
      await fetchJson(bob, [ID, ...peer, ...index], cacheEnv); // downloaded, added to the cache
    } finally {
      const status = await publisher.stop();
      assertEquals(status.code, 0, status.stderr);
    }
    // No seeder from here on: only the cache can mend.
    const content = join(bob, "data_source_data", "bittorrent", KEY, "worm_dataset");
    const big = join(content, "nested", "deeper", "stack.bin");
    using file = await Deno.open(big, { append: true });
    await file.write(new Uint8Array(100));
    await Deno.remove(join(content, "nested", "notes.txt"));
    const extra = await plantExtra(join(content, "nested", "mine.txt"), "keep me\n");
    const repaired = await owm(bob, ["fetch", ID, "--repair", ...index], cacheEnv);
    assertEquals(repaired.code, 1, repaired.stdout);
    assertStringIncludes(repaired.stderr, "left alone: worm_dataset/nested/mine.txt.");
    assertStringIncludes(repaired.stderr, "was mended and verifies against its piece hashes");
    await assertTorrentBytes(content, source);
    await extra.assertUntouched("an unlisted file, carried over from the damaged copy");
    const left = await Array.fromAsync(Deno.readDir(join(content, "..")));
    assertEquals(left.map((e) => e.name), ["worm_dataset"], "no staging folder left behind");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
