/**
 * Restarting the bridge mid-download: the new bridge on the same store
 * resumes the fetch from its persisted job, keeps the verified pieces, and
 * completes and verifies it (against a rate-limited seeder, so the restart
 * happens while the download is under way).
 */
import { join } from "node:path";
import type { FetchAccepted, TorrentStatusJson } from "../../lib/bridge/api_types.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import { assert, assertEquals } from "../_assert.ts";
import {
  assertSameTree,
  makeDataset,
  tempDir,
  testSessionOptions,
  torrentOf,
} from "../torrent/_fixtures.ts";
import { startTestBridge, type TestBridge, waitFor } from "./_bridge.ts";

async function statusOf(bridge: TestBridge, infoHash: string) {
  const answer = await bridge.json<TorrentStatusJson>(`/api/torrents/${infoHash}`);
  return answer.status === 200 ? answer.body : undefined;
}

Deno.test("a bridge restarted mid-download resumes the fetch without starting over", async () => {
  const tmp = await tempDir();
  const source = await makeDataset(join(tmp, "src"));
  const { bytes, metainfo } = await torrentOf(source);
  await using seeder = await TorrentSession.open({
    ...testSessionOptions(join(tmp, "seeder")),
    uploadLimit: 400_000,
  });
  await seeder.seed(source, bytes);
  const home = join(tmp, "store");
  await Deno.mkdir(join(home, "torrents"), { recursive: true });
  await Deno.writeFile(join(home, "torrents", "worms.torrent"), bytes);

  const first = await startTestBridge({ home });
  let before: TorrentStatusJson;
  try {
    const created = await first.json("/api/datasources", {
      method: "POST",
      body: JSON.stringify({
        class: "CSVDataSource",
        key: "worms",
        fields: { torrentFileName: "worms.torrent" },
      }),
    });
    assertEquals(created.status, 201);
    const started = await first.json<FetchAccepted>("/api/datasources/CSVDataSource:worms/fetch", {
      method: "POST",
      body: JSON.stringify({ peers: [`127.0.0.1:${seeder.port}`] }),
    });
    assertEquals([started.status, started.body.state], [202, "started"]);
    before = await waitFor(async () => {
      const s = await statusOf(first, metainfo.infoHash);
      return s && s.piecesHave >= 8 ? s : undefined;
    }, "8 verified pieces");
  } finally {
    await first.bridge.close();
  }
  assert(before.piecesHave < metainfo.pieceCount, "the download was under way at the restart");
  const file = JSON.parse(await Deno.readTextFile(join(home, "bridge.json")));
  assertEquals(file.url, "", "a stopped bridge clears its URL");

  await using second = await startTestBridge({ home });
  assertEquals(second.bridge.token, first.bridge.token, "the token is kept across restarts");
  const resumed = await waitFor(async () => {
    const s = await statusOf(second, metainfo.infoHash);
    return s && (s.status === "downloading" || s.status === "seeding") ? s : undefined;
  }, "the download to resume");
  assert(
    resumed.piecesHave >= before.piecesHave,
    `the ${before.piecesHave} pieces verified before the restart are kept (${resumed.piecesHave})`,
  );

  const done = await waitFor(async () => {
    const answer = await second.json<FetchAccepted>("/api/datasources/CSVDataSource:worms/fetch", {
      method: "POST",
    });
    return answer.body.state === "done" ? answer.body : undefined;
  }, "the resumed fetch to finish");
  const after = (await statusOf(second, metainfo.infoHash))!;
  assertEquals([after.status, after.percentDone], ["seeding", 1]);
  assert(
    after.downloadedEver < after.sizeWhenDone,
    `only the rest was downloaded after the restart (${after.downloadedEver} of ${after.sizeWhenDone} bytes)`,
  );
  await assertSameTree(join(done.directory!, "dataset"), source);
  const report = await second.json<{ ok: boolean }>(
    "/api/datasources/CSVDataSource:worms/verify",
    { method: "POST" },
  );
  assertEquals([report.status, report.body.ok], [200, true]);

  // Once more: the completed fetch is seeded again, and a fetch answers at once.
  await second.bridge.close();
  await using third = await startTestBridge({ home });
  const seeding = await waitFor(async () => {
    const s = await statusOf(third, metainfo.infoHash);
    return s?.status === "seeding" ? s : undefined;
  }, "the completed download to be seeded again");
  assertEquals(seeding.downloadedEver, 0, "nothing downloaded again");
  const again = await third.json<FetchAccepted>("/api/datasources/CSVDataSource:worms/fetch", {
    method: "POST",
  });
  assertEquals([again.status, again.body.state], [202, "done"]);
});

Deno.test("a restarted bridge seeds what it published again", async () => {
  const tmp = await tempDir();
  const root = join(tmp, "root");
  await makeDataset(root, { a: 40_000, b: 30_001, c: 20_000 });
  const home = join(tmp, "store");
  let infoHash: string;
  {
    await using first = await startTestBridge({ home, publishRoot: root });
    const published = await first.json<{ infoHash: string }>("/api/publish", {
      method: "POST",
      body: JSON.stringify({ path: "dataset", class: "CSVDataSource", key: "k" }),
    });
    assertEquals(published.status, 201);
    infoHash = published.body.infoHash;
  }
  await using second = await startTestBridge({ home, publishRoot: root });
  const status = await statusOf(second, infoHash);
  assertEquals(status?.status, "seeding", "seeds are resumed before startBridge() returns");
  assertEquals(status?.downloadDir, root);
});
