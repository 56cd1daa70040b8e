/**
 * The bridge fetches a DataSource its store does not have from the record
 * beside its torrent in an index (#12 point 1), through the same stack as
 * `owm fetch`: one bridge publishes (the `.torrent` and its record land in its
 * index folder), a second bridge with an empty store and that folder as its
 * index answers `POST /api/datasources/CSVDataSource:worms/fetch` with 202,
 * downloads from a loopback seeder, verifies, and then shows the DataSource
 * with the record's fields; its store keeps the `.torrent`. An id no index
 * has is a 404 naming the index asked.
 */
import { join } from "node:path";
import type { FetchAccepted } from "../../lib/bridge/api_types.ts";
import { assertEquals, assertStringIncludes } from "../_assert.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import { assertSameTree, makeDataset, tempDir, testSessionOptions } from "../torrent/_fixtures.ts";
import { openEvents, startTestBridge } from "./_bridge.ts";

Deno.test("POST /api/datasources/{id}/fetch of an id the store lacks takes it from an index's record", async () => {
  const tmp = await tempDir();
  const source = await makeDataset(join(tmp, "root"));
  await using alice = await startTestBridge({ publishRoot: join(tmp, "root") });
  const published = await alice.json<{ torrentFileName: string; infoHash: string }>(
    "/api/publish",
    {
      method: "POST",
      body: JSON.stringify({
        path: "dataset",
        class: "CSVDataSource",
        key: "worms",
        title: "Worm connections",
      }),
    },
  );
  assertEquals(published.status, 201, JSON.stringify(published.body));
  const { torrentFileName, infoHash } = published.body;
  await using seeder = await TorrentSession.open(testSessionOptions(join(tmp, "seeder")));
  await seeder.seed(source, await Deno.readFile(join(alice.home, "torrents", torrentFileName)));

  const index = `dir:${join(alice.home, "torrents")}`;
  await using bob = await startTestBridge({ indexes: [index] });
  const before = await bob.json("/api/datasources/CSVDataSource:worms");
  assertEquals(before.status, 404, "bob's store starts without it");
  await using events = await openEvents(bob);
  const accepted = await bob.json<FetchAccepted>("/api/datasources/CSVDataSource:worms/fetch", {
    method: "POST",
    body: JSON.stringify({ peers: [`127.0.0.1:${seeder.port}`] }),
  });
  assertEquals(accepted.status, 202, JSON.stringify(accepted.body));
  assertEquals(accepted.body.infoHash, infoHash);
  const verified = await events.next("verified");
  assertEquals([verified.data.ok, verified.data.infoHash], [true, infoHash]);
  await assertSameTree(
    join(bob.home, "data_source_data", "bittorrent", "worms", "dataset"),
    source,
  );

  const shown = await bob.json<{ fields: Record<string, unknown> }>(
    "/api/datasources/CSVDataSource:worms",
  );
  assertEquals(shown.status, 200);
  assertEquals(shown.body.fields.infoHash, infoHash);
  assertEquals(shown.body.fields.torrentFileName, [torrentFileName]);
  assertEquals(shown.body.fields.title, "Worm connections");
  // The store keeps the torrent: later loads need no index.
  assertEquals((await Deno.stat(join(bob.home, "torrents", torrentFileName))).isFile, true);

  const missing = await bob.json<{ error: { code: string; message: string } }>(
    "/api/datasources/CSVDataSource:nothing/fetch",
    { method: "POST" },
  );
  assertEquals([missing.status, missing.body.error.code], [404, "not-found"]);
  assertStringIncludes(missing.body.error.message, `asked ${index}`);
});
