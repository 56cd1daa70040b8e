/**
 * `POST /api/publish` (off by default; confined to the publish root, `..` and
 * symlinks included) and `/api/torrents` (list, status, pause, resume,
 * delete, and their error answers) on the real bridge over HTTP.
 */
import { join } from "node:path";
import type { ApiError, PublishedJson, TorrentStatusJson } from "../../lib/bridge/api_types.ts";
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { makeDataset, tempDir } from "../torrent/_fixtures.ts";
import { openEvents, startTestBridge, type TestBridge, waitFor } from "./_bridge.ts";

function publish(bridge: TestBridge, body: unknown) {
  return bridge.json<PublishedJson & ApiError>("/api/publish", {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** A publish root holding `dataset/`, and beside it a folder outside the root. */
async function publishRoot(): Promise<{ root: string; outside: string }> {
  const tmp = await tempDir();
  const root = join(tmp, "root");
  await makeDataset(root, { a: 100_000, b: 50_001, c: 20_000 });
  const outside = join(tmp, "outside");
  await makeDataset(outside, { a: 1000, b: 1001, c: 1002 });
  return { root, outside };
}

Deno.test("POST /api/publish is off (403) unless the bridge has a publish root", async () => {
  await using bridge = await startTestBridge();
  const { root } = await publishRoot();
  const answer = await publish(bridge, {
    path: join(root, "dataset"),
    class: "CSVDataSource",
    key: "k",
  });
  assertEquals([answer.status, answer.body.error.code], [403, "publish-off"]);
  assertEquals((await bridge.json("/api/torrents")).body, []);
});

Deno.test("POST /api/publish refuses paths outside the publish root: .., absolute, symlinks", async () => {
  const { root, outside } = await publishRoot();
  await Deno.symlink(join(outside, "dataset"), join(root, "escape"));
  await Deno.symlink(join(outside, "dataset", "a.bin"), join(root, "dataset", "link.bin"));
  await Deno.mkdir(join(root, "..named"));
  await Deno.writeTextFile(join(root, "..named", "x.txt"), "inside, despite the name\n");
  await using bridge = await startTestBridge({ publishRoot: root });
  const refused: [string, number, string][] = [
    ["../outside/dataset", 403, "outside-root"],
    ["dataset/../../outside/dataset", 403, "outside-root"],
    [join(outside, "dataset"), 403, "outside-root"],
    ["escape", 403, "outside-root"],
    ["escape/a.bin", 403, "outside-root"],
    ["dataset/link.bin", 403, "outside-root"],
    [".", 403, "outside-root"],
    ["../outside/no-such-thing", 403, "outside-root"],
    ["no-such-thing", 404, "not-found"],
  ];
  for (const [path, status, code] of refused) {
    const answer = await publish(bridge, { path, class: "CSVDataSource", key: "k" });
    assertEquals([answer.status, answer.body.error.code], [status, code], path);
  }
  for (const body of ["{", { path: "dataset" }, { path: "dataset", class: "CSVDataSource" }]) {
    const answer = await publish(bridge, body);
    assertEquals(answer.status, 400, JSON.stringify(body));
  }
  assertEquals((await bridge.json("/api/torrents")).body, [], "nothing was published");
  assertEquals((await bridge.json("/api/datasources")).body, []);

  const named = await publish(bridge, { path: "..named", class: "CSVDataSource", key: "dots" });
  assertEquals(named.status, 201, "a name starting with '..' inside the root is fine");
});

Deno.test("POST /api/publish inside the root publishes and seeds; /api/torrents controls it", async () => {
  const { root } = await publishRoot();
  await using bridge = await startTestBridge({ publishRoot: root });
  await using events = await openEvents(bridge);
  const answer = await publish(bridge, {
    path: "dataset",
    class: "CSVDataSource",
    key: "worms",
    description: "C. elegans",
  });
  assertEquals(answer.status, 201);
  const published = answer.body;
  assertEquals(published.id, "CSVDataSource:worms");
  assertMatch(published.infoHash, /^[0-9a-f]{40}$/);
  assertEquals(published.torrentFileName, `${published.md5}.torrent`);
  assert((await Deno.stat(join(bridge.home, "torrents", published.torrentFileName))).isFile);
  const event = await events.next("published");
  assertEquals(event.data, {
    type: "published",
    id: "CSVDataSource:worms",
    infoHash: published.infoHash,
    magnetLink: published.magnetLink,
  });

  const shown = await bridge.json<{ fields: Record<string, unknown> }>(
    "/api/datasources/CSVDataSource:worms",
  );
  assertEquals(shown.body.fields.infoHash, published.infoHash);
  const report = await bridge.json<{ ok: boolean; checks: { kind: string }[] }>(
    "/api/datasources/CSVDataSource:worms/verify",
    { method: "POST" },
  );
  assertEquals(report.status, 200);
  assertEquals(report.body.ok, true);
  assert(report.body.checks.some((c) => c.kind === "pieces"), "the piece hashes were checked");
  await events.next("verified", (d) => d.infoHash === published.infoHash);

  const list = await bridge.json<TorrentStatusJson[]>("/api/torrents");
  assertEquals(list.body.map((t) => [t.hashString, t.status]), [[published.infoHash, "seeding"]]);
  const url = `/api/torrents/${published.infoHash}`;
  const status = await bridge.json<TorrentStatusJson>(url);
  assertEquals(status.status, 200);
  assertEquals(status.body.name, "dataset");
  assertEquals(status.body.percentDone, 1);
  assertEquals(status.body.haveValid, status.body.sizeWhenDone);
  assertEquals(status.body.piecesHave, status.body.pieceCount);
  assertEquals(status.body.error, 0);
  assertEquals(status.body.downloadDir, root);
  const upper = await bridge.json<TorrentStatusJson>(
    url.toUpperCase().replace("/API/TORRENTS", "/api/torrents"),
  );
  assertEquals(upper.body.hashString, published.infoHash, "an upper-case infohash is the same");

  const paused = await bridge.json<TorrentStatusJson>(`${url}/pause`, { method: "POST" });
  assertEquals([paused.status, paused.body.status], [200, "paused"]);
  assertEquals((await bridge.json<TorrentStatusJson>(url)).body.status, "paused");
  const resumed = await bridge.json<TorrentStatusJson>(`${url}/resume`, { method: "POST" });
  assertEquals(resumed.status, 200);
  await waitFor(
    async () => (await bridge.json<TorrentStatusJson>(url)).body.status === "seeding" || undefined,
    "seeding again after resume",
  );

  const removed = await bridge.api(url, { method: "DELETE" });
  assertEquals(removed.status, 204);
  await removed.body?.cancel();
  assertEquals((await bridge.json(url)).status, 404);
  assertEquals((await bridge.json("/api/torrents")).body, []);
  assert((await Deno.stat(join(root, "dataset", "a.bin"))).isFile, "the content is kept");
  const jobs = JSON.parse(await Deno.readTextFile(join(bridge.home, "bridge-jobs.json")));
  assertEquals(jobs.jobs, [], "a removed torrent is not resumed after a restart");
});

Deno.test("/api/torrents/{infoHash} answers 400 for a bad infohash and 404 for an unknown one", async () => {
  await using bridge = await startTestBridge();
  const unknown = "0123456789abcdef0123456789abcdef01234567";
  const routes: [string, string][] = [
    ["GET", ""],
    ["POST", "/pause"],
    ["POST", "/resume"],
    ["DELETE", ""],
  ];
  for (const [method, rest] of routes) {
    for (
      const bad of ["xyz", "0123456789abcdef0123456789abcdef0123456", `${unknown}0`, "g".repeat(40)]
    ) {
      const answer = await bridge.json<ApiError>(`/api/torrents/${bad}${rest}`, { method });
      assertEquals(
        [answer.status, answer.body.error.code],
        [400, "bad-infohash"],
        `${method} ${bad}`,
      );
    }
    const answer = await bridge.json<ApiError>(`/api/torrents/${unknown}${rest}`, { method });
    assertEquals([answer.status, answer.body.error.code], [404, "not-found"], `${method} ${rest}`);
  }
});

Deno.test("DELETE /api/torrents/{infoHash}?deleteData=true refuses (409) files outside the store and keeps them", async () => {
  const { root } = await publishRoot();
  await using bridge = await startTestBridge({ publishRoot: root });
  const published = await publish(bridge, { path: "dataset", class: "CSVDataSource", key: "own" });
  assertEquals(published.status, 201);
  const url = `/api/torrents/${published.body.infoHash}`;
  const refused = await bridge.json<ApiError>(`${url}?deleteData=true`, { method: "DELETE" });
  assertEquals([refused.status, refused.body.error.code], [409, "data-outside-store"]);
  assertMatch(refused.body.error.message, /without deleteData/);
  assert((await Deno.stat(join(root, "dataset", "a.bin"))).isFile, "the user's files are kept");
  assertEquals((await bridge.json<TorrentStatusJson>(url)).body.status, "seeding", "still seeded");
  const removed = await bridge.api(url, { method: "DELETE" });
  assertEquals(removed.status, 204, "without deleteData it is removed");
  await removed.body?.cancel();
  assert((await Deno.stat(join(root, "dataset", "a.bin"))).isFile);
});

Deno.test("POST …/verify of published content that was deleted since answers 409 not-present", async () => {
  const { root } = await publishRoot();
  await using bridge = await startTestBridge({ publishRoot: root });
  const published = await publish(bridge, { path: "dataset", class: "CSVDataSource", key: "gone" });
  assertEquals(published.status, 201);
  const removed = await bridge.api(`/api/torrents/${published.body.infoHash}`, {
    method: "DELETE",
  });
  assertEquals(removed.status, 204);
  await removed.body?.cancel();
  await Deno.remove(join(root, "dataset"), { recursive: true });
  const verify = await bridge.json<ApiError>("/api/datasources/CSVDataSource:gone/verify", {
    method: "POST",
  });
  assertEquals([verify.status, verify.body.error.code], [409, "not-present"]);
  assertMatch(verify.body.error.message, /is gone from .*fetch it again/);
});
