/**
 * The BitTorrent loader with the shared cache, against a real seeder on
 * loopback: a second project gets the same DataSource from the cache with no
 * peer and no torrent session; a damaged cache entry is detected, dropped
 * and downloaded again; content is found by its recorded SHA-256; and, with
 * hard links opted into, a repair never writes through a link into the cache.
 */
import { join } from "node:path";
import { ContentCache } from "../../lib/cache/content_cache.ts";
import { digestContent } from "../../lib/integrity/content_digest.ts";
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { assertSameTree, withTempDir } from "../torrent/_fixtures.ts";
import { damage, details, KEY, project, startSeeder } from "./_stores.ts";

Deno.test("the cache serves a second project the same DataSource without any peer or session", async () => {
  await withTempDir(async (tmp) => {
    const cache = new ContentCache(join(tmp, "cache"));
    const seeder = await startSeeder(join(tmp, "seeder"), join(tmp, "shared"));
    const fields = { torrentFileName: seeder.torrentFileName };
    await using a = await project(join(tmp, "a"), join(tmp, "shared"), {
      fields,
      cache,
      peers: [seeder.peer],
    });
    const first = details(await a.loader.load(await a.ds()));
    const dirA = first.directory;
    assertEquals([first.fromCache, first.alreadyPresent, a.sessionsOpened()], [false, false, 1]);
    await assertSameTree(join(dirA, "dataset"), seeder.content);
    const entry = await cache.get(seeder.infoHash);
    assert(entry, "the verified download was added to the cache");
    assertEquals(
      entry.record.sha256,
      (await digestContent(seeder.content, ["sha256"])).digests.sha256,
    );
    assertEquals(entry.record.homes, [a.home]);
    assertEquals((await Deno.stat(join(dirA, "dataset", "a.bin"))).nlink, 1, "cloned, not linked");
    await seeder[Symbol.asyncDispose](); // no peer from now on

    await using b = await project(join(tmp, "b"), join(tmp, "shared"), { fields, cache });
    const second = details(await b.loader.load(await b.ds()));
    const dirB = second.directory;
    assertEquals(second.fromCache, true);
    assertEquals(second.alreadyPresent, false);
    assertEquals(b.sessionsOpened(), 0, "no torrent session was opened");
    assertEquals(second.infoHash, seeder.infoHash);
    assertEquals(second.report.checks.map((c) => c.kind).sort(), ["legacy-md5", "pieces"]);
    assertEquals(dirB, join(b.home, "data_source_data", "bittorrent", KEY));
    await assertSameTree(join(dirB, "dataset"), join(dirA, "dataset"));
    const names = [];
    for await (const e of Deno.readDir(dirB)) names.push(e.name);
    assertEquals(names, ["dataset"], "no staging folder left behind");
    const learnt = await b.ds();
    assertEquals(learnt.get("infoHash"), seeder.infoHash, "the graph learnt the infohash");
    assertEquals(learnt.get("sha256"), entry.record.sha256);
    assertEquals((await cache.get(seeder.infoHash))!.record.homes, [a.home, b.home]);

    // Loaded again: present and verified, nothing from the cache.
    assertEquals(details(await b.loader.load(await b.ds())).alreadyPresent, true);
  });
});

Deno.test("a damaged cache entry is detected, dropped and not served; the loader downloads instead", async () => {
  await withTempDir(async (tmp) => {
    const cache = new ContentCache(join(tmp, "cache"));
    await using seeder = await startSeeder(join(tmp, "seeder"), join(tmp, "shared"));
    const fields = { torrentFileName: seeder.torrentFileName };
    const peers = [seeder.peer];
    await using a = await project(join(tmp, "a"), join(tmp, "shared"), { fields, cache, peers });
    await a.loader.load(await a.ds());
    const entry = (await cache.get(seeder.infoHash))!;
    await damage(join(entry.contentPath, "nested", "deeper", "b.bin"), 123_456);

    // Offline, the damaged entry is not served either: an OfflineError, and the entry is gone.
    await using c = await project(join(tmp, "c"), join(tmp, "shared"), {
      fields,
      cache,
      offline: true,
    });
    const offline = await c.loader.load(await c.ds()).then(() => undefined, (e) => e as Error);
    assertEquals(offline?.name, "OfflineError");
    assertStringIncludes(offline!.message, "did not verify");
    assertStringIncludes(offline!.message, "dropped");
    assertEquals(await cache.get(seeder.infoHash), undefined, "dropped");
    assertEquals(c.sessionsOpened(), 0);
    const left = [];
    for await (const e of Deno.readDir(c.loader.directoryFor(await c.ds()))) left.push(e.name);
    assertEquals(left, [], "nothing placed");

    // Online, a damaged entry is dropped too, and the loader falls back to the peer.
    await using fresh = await project(join(tmp, "fresh"), join(tmp, "shared"), {
      fields,
      cache,
      peers,
    });
    await fresh.loader.load(await fresh.ds());
    const readded = (await cache.get(seeder.infoHash))!;
    await damage(join(readded.contentPath, "a.bin"), 7);
    await using b = await project(join(tmp, "b"), join(tmp, "shared"), { fields, cache, peers });
    const result = details(await b.loader.load(await b.ds()));
    const dirB = result.directory;
    assertEquals(result.fromCache, false, "downloaded from the peer");
    assertEquals(b.sessionsOpened(), 1);
    assertStringIncludes(result.cacheNote ?? "", "did not verify");
    await assertSameTree(join(dirB, "dataset"), seeder.content);
    const again = (await cache.get(seeder.infoHash))!;
    await assertSameTree(again.contentPath, seeder.content); // the good download replaced it
  });
});

Deno.test("content in the cache is found by the DataSource's recorded SHA-256 alone", async () => {
  await withTempDir(async (tmp) => {
    const cache = new ContentCache(join(tmp, "cache"));
    await using seeder = await startSeeder(join(tmp, "seeder"), join(tmp, "shared"));
    await using a = await project(join(tmp, "a"), join(tmp, "shared"), {
      fields: { torrentFileName: seeder.torrentFileName },
      cache,
      peers: [seeder.peer],
    });
    await a.loader.load(await a.ds());
    const sha256 = (await digestContent(seeder.content, ["sha256"])).digests.sha256;
    // Its torrent is in no index, and it records no infohash: only the SHA-256 finds it.
    await using b = await project(join(tmp, "b"), join(tmp, "elsewhere"), {
      fields: { torrentFileName: "not-published.torrent", sha256 },
      cache,
    });
    const result = details(await b.loader.load(await b.ds()));
    const dir = result.directory;
    assertEquals([result.fromCache, b.sessionsOpened()], [true, 0]);
    assertEquals(result.report.checks.map((c) => c.kind).sort(), ["pieces", "sha256"]);
    await assertSameTree(join(dir, "dataset"), seeder.content);
    const ds = await b.ds();
    assertEquals(
      ds.fields.has("infoHash") ? ds.get("infoHash") : undefined,
      undefined,
      "another torrent's infohash is not recorded as this DataSource's",
    );
  });
});

Deno.test("repairing content hard-linked with the cache (OWM_CACHE_LINK=hardlink) never writes into the cache", async () => {
  await withTempDir(async (tmp) => {
    const cache = new ContentCache(join(tmp, "cache"), { mode: "hardlink" });
    await using seeder = await startSeeder(join(tmp, "seeder"), join(tmp, "shared"));
    const fields = { torrentFileName: seeder.torrentFileName };
    const peers = [seeder.peer];
    await using a = await project(join(tmp, "a"), join(tmp, "shared"), { fields, cache, peers });
    const dirA = (await a.loader.load(await a.ds())).directory;
    await using b = await project(join(tmp, "b"), join(tmp, "shared"), { fields, cache });
    const dirB = (await b.loader.load(await b.ds())).directory; // from the cache: b shares a's files
    assertEquals((await Deno.stat(join(dirB, "dataset", "a.bin"))).nlink, 3);

    // Someone edits b's copy in place: a's copy and the cache's change with it.
    await damage(join(dirB, "dataset", "a.bin"), 99);
    await using bRepair = await project(join(tmp, "b"), join(tmp, "shared"), {
      fields,
      cache,
      peers,
      repair: true,
    });
    const result = details(await bRepair.loader.load(await bRepair.ds()));
    assertEquals(result.fromCache, false, "the damaged entry was not served");
    assertStringIncludes(result.cacheNote ?? "", "dropped");
    await assertSameTree(join(dirB, "dataset"), seeder.content);
    const entry = (await cache.get(seeder.infoHash))!;
    await assertSameTree(entry.contentPath, seeder.content);
    // a's copy is still the damaged one: the repair wrote into b's private files only.
    const aBytes = await Deno.readFile(join(dirA, "dataset", "a.bin"));
    const good = await Deno.readFile(join(seeder.content, "a.bin"));
    assertEquals(aBytes[99] !== good[99], true, "a was not written through b");
  });
});
