/**
 * A real loopback download through the bridge's API: one bridge publishes a
 * dataset (its `.torrent` lands in its index folder); a second bridge, whose
 * DataSource records only the torrent file name (found through a `dir:`
 * index), fetches it with a direct peer: a rate-limited seeder of the same
 * torrent, so that the download lasts long enough to report progress.
 * `GET /api/events` delivers progress, done and verified; fetch is
 * idempotent; verify reports on the content.
 */
import { join } from "node:path";
import type { FetchAccepted, TorrentStatusJson } from "../../lib/bridge/api_types.ts";
import { assert, assertEquals } from "../_assert.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import { assertSameTree, makeDataset, tempDir, testSessionOptions } from "../torrent/_fixtures.ts";
import { openEvents, startTestBridge, waitFor } from "./_bridge.ts";

Deno.test("a fetch through the bridge streams progress, done and verified over SSE", async () => {
  const tmp = await tempDir();
  const source = await makeDataset(join(tmp, "root"));
  await using alice = await startTestBridge({ publishRoot: join(tmp, "root") });
  const published = await alice.json<{ torrentFileName: string; infoHash: string }>(
    "/api/publish",
    {
      method: "POST",
      body: JSON.stringify({ path: "dataset", class: "CSVDataSource", key: "worms" }),
    },
  );
  assertEquals(published.status, 201);
  const { torrentFileName, infoHash } = published.body;
  await using seeder = await TorrentSession.open({
    ...testSessionOptions(join(tmp, "seeder")),
    uploadLimit: 1_000_000,
  });
  await seeder.seed(source, await Deno.readFile(join(alice.home, "torrents", torrentFileName)));

  await using bob = await startTestBridge({ indexes: [`dir:${join(alice.home, "torrents")}`] });
  const created = await bob.json("/api/datasources", {
    method: "POST",
    body: JSON.stringify({ class: "CSVDataSource", key: "worms", fields: { torrentFileName } }),
  });
  assertEquals(created.status, 201);
  await using events = await openEvents(bob);
  await using second = await openEvents(bob);

  // Two calls at once start one download.
  const fetchIt = () =>
    bob.json<FetchAccepted>("/api/datasources/CSVDataSource:worms/fetch", {
      method: "POST",
      body: JSON.stringify({ peers: [`127.0.0.1:${seeder.port}`] }),
    });
  const answers = await Promise.all([fetchIt(), fetchIt()]);
  assertEquals(answers.map((a) => a.status), [202, 202]);
  assertEquals(answers.map((a) => a.body.state).sort(), ["running", "started"]);
  for (const { body } of answers) {
    assertEquals(body.infoHash, infoHash);
    assertEquals(body.status, `/api/torrents/${infoHash}`);
  }

  const downloading = await events.next("progress", (d) => statusOf(d)?.status === "downloading");
  assertEquals(statusOf(downloading.data)!.hashString, infoHash);
  assert(statusOf(downloading.data)!.percentDone < 1);
  const done = await events.next("done");
  const directory = join(bob.home, "data_source_data", "bittorrent", "worms");
  assertEquals(done.data, { type: "done", id: "CSVDataSource:worms", infoHash, directory });
  const verified = await events.next("verified");
  assertEquals([verified.data.ok, verified.data.infoHash], [true, infoHash]);
  // The last "downloading" update may already say 100%: wait for the state to turn to seeding.
  const seeding = await events.find("progress", (d) => statusOf(d)?.status === "seeding");
  assertEquals(statusOf(seeding.data)!.percentDone, 1);
  await second.find("done");
  await second.find("verified");
  await assertSameTree(join(directory, "dataset"), source);

  const again = await fetchIt();
  assertEquals([again.status, again.body.state, again.body.directory], [202, "done", directory]);
  const status = await bob.json<TorrentStatusJson>(`/api/torrents/${infoHash}`);
  assertEquals(status.body.status, "seeding");
  assertEquals(status.body.percentDone, 1);
  assertEquals(status.body.downloadDir, directory);
  const report = await bob.json<{ ok: boolean; checks: { kind: string }[] }>(
    "/api/datasources/CSVDataSource:worms/verify",
    { method: "POST" },
  );
  assertEquals(report.status, 200);
  assertEquals(report.body.ok, true);
  assertEquals(report.body.checks.map((c) => c.kind).sort(), ["legacy-md5", "pieces", "sha256"]);

  // The loader recorded what it learnt.
  const shown = await bob.json<{ fields: Record<string, unknown> }>(
    "/api/datasources/CSVDataSource:worms",
  );
  assertEquals(shown.body.fields.infoHash, infoHash);

  // A listener that goes away is dropped by the hub.
  await second.close();
  await waitFor(() => bob.bridge.state.events.size === 1 || undefined, "one listener left");
});

function statusOf(data: Record<string, unknown>): TorrentStatusJson | undefined {
  return data.torrent as TorrentStatusJson | undefined;
}
