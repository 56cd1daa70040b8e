/**
 * Concurrent loads through the one registry of a live bridge: two different
 * DataSources downloading at the same time, then the same one loaded twice at
 * once; each caller gets its own result (directory, infohash, origin,
 * report), never another load's.
 */
import { join } from "node:path";
import { CSVDataSource } from "../../lib/datasource/csv_data_source.ts";
import { seedContent } from "../bridge/_seeder.ts";
import { assert, assertEquals } from "../_assert.ts";
import { assertSameTree, makeDataset, tempDir } from "../torrent/_fixtures.ts";
import { startTestBridge } from "./_bridge.ts";

Deno.test("two loads at once through the bridge's registry each get their own result", async () => {
  const root = await tempDir();
  await using t = await startTestBridge();
  const torrents = join(t.home, "torrents");
  const contentOne = await makeDataset(join(root, "one"), { a: 400_000, b: 200_001, c: 70_000 });
  const contentTwo = await makeDataset(join(root, "two"), { a: 90_000, b: 500_003, c: 1_000 });
  await using one = await seedContent(join(root, "s1"), { content: contentOne, index: torrents });
  await using two = await seedContent(join(root, "s2"), {
    content: contentTwo,
    index: torrents,
    key: "other",
  });
  assert(one.infoHash !== two.infoHash, "two different torrents");
  const state = t.bridge.state;
  await state.repo.save([
    new CSVDataSource({ key: "one", torrentFileName: one.torrentFileName }),
    new CSVDataSource({ key: "two", torrentFileName: two.torrentFileName }),
  ]);
  const dsOne = await state.repo.get("CSVDataSource:one");
  const dsTwo = await state.repo.get("CSVDataSource:two");

  // Different DataSources, downloading at the same time.
  const [a, b] = await Promise.all([
    state.load(dsOne, { peers: [one.peer] }),
    state.load(dsTwo, { peers: [two.peer] }),
  ]);
  const bittorrent = join(t.home, "data_source_data", "bittorrent");
  assertEquals([a.directory, a.infoHash, a.origin], [
    join(bittorrent, "one"),
    one.infoHash,
    "download",
  ]);
  assertEquals([b.directory, b.infoHash, b.origin], [
    join(bittorrent, "two"),
    two.infoHash,
    "download",
  ]);
  assertEquals([a.report?.ok, b.report?.ok], [true, true]);
  assertEquals([a.contentPath, b.contentPath], [
    join(a.directory, "dataset"),
    join(b.directory, "dataset"),
  ]);
  await assertSameTree(a.contentPath!, contentOne);
  await assertSameTree(b.contentPath!, contentTwo);

  // The same DataSource twice at once (and the other beside them): present, each its own result.
  const [c, d, e] = await Promise.all([state.load(dsOne), state.load(dsOne), state.load(dsTwo)]);
  assert(c !== d, "each caller gets its own result object");
  for (const same of [c, d]) {
    assertEquals([same.directory, same.infoHash, same.origin], [
      a.directory,
      one.infoHash,
      "present",
    ]);
    assertEquals(same.report?.ok, true);
  }
  assertEquals([e.directory, e.infoHash, e.origin], [b.directory, two.infoHash, "present"]);
  assert(c.notes !== d.notes, "and its own notes");

  // The remembered loads are each DataSource's own.
  assertEquals((await state.stack.registry.loaded(dsOne))?.directory, a.directory);
  assertEquals((await state.stack.registry.loaded(dsTwo))?.directory, b.directory);
});
