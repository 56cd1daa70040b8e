import { join } from "node:path";
import { DESCRIPTION_SUFFIX, LocalFolderIndex } from "../../lib/index/local_folder_index.ts";
import {
  IndexError,
  TorrentExistsError,
  TorrentNotFoundError,
} from "../../lib/index/torrent_index.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_assert.ts";
import { bytesOf, namesIn, withTempDir } from "./_temp.ts";

Deno.test("LocalFolderIndex finds, fetches and lists .torrent files", async () => {
  await withTempDir(async (dir) => {
    const a = bytesOf(300, 1);
    await Deno.writeFile(join(dir, "a.torrent"), a);
    await Deno.writeFile(join(dir, "b.torrent"), bytesOf(10, 2));
    await Deno.writeTextFile(join(dir, "notes.txt"), "ignored");
    await Deno.mkdir(join(dir, "c.torrent")); // a folder, not a torrent
    const index = new LocalFolderIndex(dir);
    assertEquals(index.kind, "dir");
    assertEquals(index.location, `dir:${dir}`);
    assertEquals(await index.find("a.torrent"), { name: "a.torrent", size: 300 });
    assertEquals(await index.find("missing.torrent"), undefined);
    assertEquals(await index.find("c.torrent"), undefined);
    assertEquals(await index.fetch("a.torrent"), a);
    assertEquals((await index.list()).map((e) => e.name), ["a.torrent", "b.torrent"]);
  });
});

Deno.test("LocalFolderIndex.fetch() of a missing torrent throws TorrentNotFoundError", async () => {
  await withTempDir(async (dir) => {
    const index = new LocalFolderIndex(dir);
    const error = await assertRejects(() => index.fetch("nope.torrent"), TorrentNotFoundError);
    assertEquals(error.locations, [`dir:${dir}`]);
  });
});

Deno.test("LocalFolderIndex refuses names that are not plain *.torrent names", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeFile(join(dir, "secret.torrent"), bytesOf(5));
    const inner = join(dir, "inner");
    await Deno.mkdir(inner);
    const index = new LocalFolderIndex(inner);
    for (
      const name of [
        "../secret.torrent",
        "x/../../secret.torrent",
        "a\\b.torrent",
        "a\0.torrent",
        "x.txt",
      ]
    ) {
      await assertRejects(() => index.find(name), TypeError);
      await assertRejects(() => index.fetch(name), TypeError);
      await assertRejects(() => index.publish(name, bytesOf(3)), TypeError);
    }
    assertEquals(await namesIn(inner), []);
  });
});

Deno.test("LocalFolderIndex.publish() writes atomically, with a description, creating the folder", async () => {
  await withTempDir(async (dir) => {
    const folder = join(dir, "new", "torrents");
    const index = new LocalFolderIndex(folder);
    const bytes = bytesOf(1000, 3);
    const entry = await index.publish("x.torrent", bytes, {
      description: "Connectome, 2000 connections",
    });
    assertEquals(entry, {
      name: "x.torrent",
      size: 1000,
      description: "Connectome, 2000 connections",
    });
    assertEquals(await Deno.readFile(join(folder, "x.torrent")), bytes);
    assertEquals(
      await namesIn(folder),
      ["x.torrent", "x.torrent" + DESCRIPTION_SUFFIX],
      "no temporary files left",
    );
    assertEquals(await index.find("x.torrent"), entry);
    assertEquals(await index.list(), [entry]);
  });
});

Deno.test("LocalFolderIndex.publish() of identical bytes is a no-op; different bytes need replace", async () => {
  await withTempDir(async (dir) => {
    const index = new LocalFolderIndex(dir);
    const first = bytesOf(100, 1);
    await index.publish("x.torrent", first);
    const { mtime } = await Deno.stat(join(dir, "x.torrent"));
    await new Promise((r) => setTimeout(r, 20));
    await index.publish("x.torrent", first);
    assertEquals((await Deno.stat(join(dir, "x.torrent"))).mtime, mtime, "not rewritten");

    const second = bytesOf(100, 2);
    const error = await assertRejects(() => index.publish("x.torrent", second), TorrentExistsError);
    assertEquals(error.fileName, "x.torrent");
    assertEquals(await Deno.readFile(join(dir, "x.torrent")), first, "nothing changed");

    await index.publish("x.torrent", second, { replace: true });
    assertEquals(await index.fetch("x.torrent"), second);
  });
});

Deno.test("LocalFolderIndex.publish() never leaves a partial file: a reader sees old or new bytes", async () => {
  await withTempDir(async (dir) => {
    const index = new LocalFolderIndex(dir);
    const old = bytesOf(2_000_000, 1);
    const fresh = bytesOf(2_000_000, 2);
    await index.publish("big.torrent", old);
    let done = false;
    const writer = index.publish("big.torrent", fresh, { replace: true }).finally(() =>
      done = true
    );
    let reads = 0;
    while (!done) {
      const seen = await Deno.readFile(join(dir, "big.torrent"));
      assert(
        seen.length === old.length && (seen[0] === old[0] || seen[0] === fresh[0]),
        "a whole file is visible",
      );
      const whole = seen.every((b, i) => b === old[i]) || seen.every((b, i) => b === fresh[i]);
      assert(whole, "the file is the old or the new one, never a mixture");
      reads++;
    }
    await writer;
    assert(reads > 0);
    assertEquals(await index.fetch("big.torrent"), fresh);
    assertEquals(await namesIn(dir), ["big.torrent"]);
  });
});

Deno.test("LocalFolderIndex.fetch() refuses a file over maxBytes", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeFile(join(dir, "big.torrent"), bytesOf(5000));
    const index = new LocalFolderIndex(dir);
    const error = await assertRejects(
      () => index.fetch("big.torrent", { maxBytes: 4096 }),
      IndexError,
    );
    assertStringIncludes(error.message, "larger than 4096 bytes");
    assertEquals((await index.fetch("big.torrent", { maxBytes: 5000 })).length, 5000);
  });
});

Deno.test("LocalFolderIndex reports a missing folder as a configuration error", async () => {
  await withTempDir(async (dir) => {
    const index = new LocalFolderIndex(join(dir, "typo"));
    const error = await assertRejects(() => index.find("a.torrent"), IndexError);
    assertStringIncludes(error.message, "does not exist");
    assertStringIncludes(error.message, 'fix the "dir:" index setting');
  });
});
