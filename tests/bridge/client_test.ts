/**
 * The `Bridge` client against the real bridge server on loopback: connecting
 * to a running bridge through `bridge.json` and starting one in-process,
 * DataSource calls, a real download from a loopback seeder with progress
 * followed over SSE, verification, publishing, and error mapping.
 */
import { join } from "node:path";
import { Bridge, BridgeError, type BridgeEvent } from "../../mod.ts";
import type { BridgeStartOptions, StartedBridge } from "../../lib/bridge/start.ts";
import { type RunningBridge, startBridge, type StartBridgeOptions } from "../../kernel/server.ts";
import { assert, assertEquals, assertMatch, assertRejects } from "../_assert.ts";
import { assertSameTree, makeDataset, tempDir } from "../torrent/_fixtures.ts";
import { startSeeder } from "./_seeder.ts";

// The client's copies of the server's types stay assignable to the server's own.
const _options: StartBridgeOptions = {} as BridgeStartOptions & { home: string };
const _running: StartedBridge = {} as RunningBridge;

const LOOPBACK: BridgeStartOptions = { dht: false, lsd: false, torrentPort: 0 };

async function bridgeFile(home: string): Promise<{ url: string; token: string }> {
  return JSON.parse(await Deno.readTextFile(join(home, "bridge.json")));
}

Deno.test("Bridge.connect() uses a running bridge named in bridge.json", async () => {
  const home = join(await tempDir(), "store");
  await using server = await startBridge({ home, port: 0, ...LOOPBACK });
  await using bridge = await Bridge.connect({ home, start: false });
  assertEquals(bridge.url, server.url);
  assertEquals(bridge.started, false);
  assertEquals(await bridge.datasources(), []);

  const created = await bridge.create({
    class: "CSVDataSource",
    key: "edges",
    fields: { csvFileName: "edges.csv", description: "Edges" },
  });
  assertEquals(created.id, "CSVDataSource:edges");
  assertEquals(created.kind, "CSVDataSource");
  assertEquals(created.fields.csvFileName, ["edges.csv"]);
  assertEquals((await bridge.show("CSVDataSource:edges")).key, "edges");
  assertEquals((await bridge.datasources({ kind: "CSVDataSource" })).map((d) => d.id), [
    "CSVDataSource:edges",
  ]);
  assertEquals(await bridge.datasources({ kind: "LocalFileDataSource" }), [
    { id: "CSVDataSource:edges", iri: created.iri, kind: "CSVDataSource" },
  ]);
  await bridge.remove("CSVDataSource:edges");
  assertEquals(await bridge.datasources(), []);

  // Closing a client that did not start the bridge leaves it running.
  await bridge.close();
  await using again = await Bridge.connect({ home, start: false });
  assertEquals(await again.torrents(), []);
});

Deno.test("Bridge errors carry the API's status and code", async () => {
  const home = join(await tempDir(), "store");
  await using server = await startBridge({ home, port: 0, ...LOOPBACK });
  await using bridge = await Bridge.connect({ url: server.url, token: server.token });

  const missing = await assertRejects(() => bridge.show("CSVDataSource:nope"), BridgeError);
  assertEquals([missing.status, missing.code, missing.name], [404, "not-found", "BridgeError"]);
  assertMatch(missing.message, /nope/);
  const badId = await assertRejects(() => bridge.show("no colon or brackets"), BridgeError);
  assertEquals(badId.status, 400);
  const noTorrent = await assertRejects(() => bridge.status("0".repeat(40)), BridgeError);
  assertEquals([noTorrent.status, noTorrent.code], [404, "not-found"]);
  const badHash = await assertRejects(() => bridge.status("xyz"), BridgeError);
  assertEquals([badHash.status, badHash.code], [400, "bad-infohash"]);
  const off = await assertRejects(
    () => bridge.publish("x", { class: "CSVDataSource", key: "x" }),
    BridgeError,
  );
  assertEquals([off.status, off.code], [403, "publish-off"]);

  const wrong = await assertRejects(
    () => Bridge.connect({ url: server.url, token: "x".repeat(43) }),
    BridgeError,
  );
  assertEquals([wrong.status, wrong.code], [401, "unauthorized"]);
  // A wrong token in bridge.json is not taken for "no bridge": nothing is started.
  const viaFile = await assertRejects(
    () => Bridge.connect({ home, token: "y".repeat(43) }),
    BridgeError,
  );
  assertEquals(viaFile.code, "unauthorized");
});

Deno.test("Bridge.connect() with start: false fails when no bridge answers", async () => {
  const home = join(await tempDir(), "store");
  const none = await assertRejects(() => Bridge.connect({ home, start: false }), BridgeError);
  assertEquals(none.code, "not-running");
  const gone = await assertRejects(
    () => Bridge.connect({ url: "http://127.0.0.1:9", token: "t".repeat(43) }),
    BridgeError,
  );
  assertEquals([gone.status, gone.code], [0, "unreachable"]);
});

Deno.test("Bridge.connect() starts a bridge in-process when none runs; close() stops it", async () => {
  const home = join(await tempDir(), "store");
  const bridge = await Bridge.connect({ home, startOptions: LOOPBACK });
  assertEquals(bridge.started, true);
  const file = await bridgeFile(home);
  assertEquals(file.url, bridge.url);
  assertMatch(bridge.url, /^http:\/\/127\.0\.0\.1:\d+$/);

  // Another client of the same store finds it through bridge.json.
  await using other = await Bridge.connect({ home, start: false });
  assertEquals(other.started, false);
  assertEquals(await other.datasources(), []);

  await bridge.close();
  assertEquals((await bridgeFile(home)).url, "", "a stopped bridge clears its URL");
  const after = await assertRejects(() => other.torrents(), BridgeError);
  assertEquals(after.code, "unreachable");
  await assertRejects(() => Bridge.connect({ home, start: false }), BridgeError, "No bridge");
});

Deno.test("Bridge.fetch() downloads from a loopback seeder, watch() sees progress and done, verify() is ok", async () => {
  const root = await tempDir();
  const home = join(root, "store");
  await using seeder = await startSeeder(root, home);
  await using bridge = await Bridge.connect({ home, startOptions: LOOPBACK });
  const id = "CSVDataSource:remote";
  await bridge.create({
    class: "CSVDataSource",
    key: "remote",
    fields: { torrentFileName: seeder.torrentFileName },
  });

  // A watcher opened before the fetch sees its progress and its completion.
  const seen: BridgeEvent[] = [];
  const watching = (async () => {
    for await (const event of bridge.watch()) {
      seen.push(event);
      if (event.type === "verified" && event.infoHash === seeder.infoHash) break;
    }
  })();

  const progress: number[] = [];
  const directory = await bridge.fetch(id, {
    peers: [seeder.peer],
    onProgress: (t) => progress.push(t.percentDone),
  });
  assertEquals(directory, join(home, "data_source_data", "bittorrent", "remote"));
  await assertSameTree(join(directory, "dataset"), seeder.content);
  assert(progress.length > 0, "onProgress was called");
  assertEquals(progress.at(-1), 1, "the last progress reported is complete");
  assert(progress.every((p, i) => i === 0 || p >= progress[i - 1]!), "progress only grows");

  await watching;
  const mine = seen.filter((e) => "infoHash" in e ? e.infoHash === seeder.infoHash : true);
  assert(
    mine.some((e) => e.type === "progress" && e.torrent.hashString === seeder.infoHash),
    "watch() yielded progress",
  );
  const done = mine.find((e) => e.type === "done");
  assertEquals(done, { type: "done", id, infoHash: seeder.infoHash, directory });
  const verified = mine.find((e) => e.type === "verified");
  assertEquals(verified?.type === "verified" && verified.ok, true);

  const status = await bridge.status(seeder.infoHash);
  assertEquals([status.percentDone, status.name], [1, "dataset"]);
  assertEquals((await bridge.torrents()).map((t) => t.hashString), [seeder.infoHash]);

  const report = await bridge.verify(id);
  assertEquals(report.ok, true);
  assert(report.checks.some((c) => c.kind === "pieces" && c.ok), "the piece hashes were checked");

  // Done and verified: fetch answers at once, with or without waiting.
  assertEquals(await bridge.fetch(id), directory);
  const accepted = await bridge.fetch(id, { wait: false });
  assertEquals(accepted.state, "done");
  assertEquals(accepted.infoHash, seeder.infoHash);
  assertEquals(accepted.directory, directory);

  // A fetch failing in the background rejects with the error the bridge's event reports.
  await bridge.create({
    class: "CSVDataSource",
    key: "mismatch",
    fields: { torrentFileName: seeder.torrentFileName, infoHash: "ab".repeat(20) },
  });
  const failed = await assertRejects(() => bridge.fetch("CSVDataSource:mismatch"), BridgeError);
  assertEquals([failed.status, failed.code], [0, "fetch-failed"]);
  assertMatch(failed.message, /CSVDataSource:mismatch.*different torrent/);
});

Deno.test("Bridge.fetch() of an unknown or torrentless DataSource fails at once", async () => {
  const home = join(await tempDir(), "store");
  await using bridge = await Bridge.connect({ home, startOptions: LOOPBACK });
  const missing = await assertRejects(() => bridge.fetch("CSVDataSource:nope"), BridgeError);
  assertEquals(missing.code, "not-found");
  await bridge.create({ class: "CSVDataSource", key: "bare" });
  const bare = await assertRejects(() => bridge.fetch("CSVDataSource:bare"), BridgeError);
  assertEquals([bare.status, bare.code], [409, "no-torrent"]);
});

Deno.test("Bridge.watch() ends on its signal with the signal's reason, and when the client closes", async () => {
  const home = join(await tempDir(), "store");
  await using bridge = await Bridge.connect({ home, startOptions: LOOPBACK });
  const controller = new AbortController();
  const events = bridge.watch({ signal: controller.signal });
  const first = events.next();
  setTimeout(() => controller.abort(new Error("enough")), 50);
  await assertRejects(() => first, Error, "enough");

  // Closing the client ends its streams quietly, whether open yet or not.
  const early = bridge.watch().next();
  const late = bridge.watch().next();
  await bridge.create({ class: "CSVDataSource", key: "k" });
  await bridge.close();
  assertEquals((await early).done, true);
  assertEquals((await late).done, true);
});

Deno.test("Bridge.publish() publishes a path under the publish root and seeds it", async () => {
  const root = await tempDir();
  const home = join(root, "store");
  const shared = join(root, "shared");
  await makeDataset(shared, { a: 40_000, b: 20_000, c: 1_000 });
  await using bridge = await Bridge.connect({
    home,
    startOptions: { ...LOOPBACK, publishRoot: shared },
  });
  const published = await bridge.publish("dataset", {
    class: "CSVDataSource",
    key: "mine",
    description: "Mine",
  });
  assertEquals(published.id, "CSVDataSource:mine");
  assertMatch(published.infoHash, /^[0-9a-f]{40}$/);
  assertMatch(published.torrentFileName, /^[0-9a-f]{32}\.torrent$/);
  assertMatch(published.magnetLink, /^magnet:\?xt=urn:btih:/);
  assertEquals((await bridge.show("CSVDataSource:mine")).fields.infoHash, published.infoHash);
  assertEquals((await bridge.status(published.infoHash)).status, "seeding");
  assertEquals((await bridge.verify("CSVDataSource:mine")).ok, true);
  const outside = await assertRejects(
    () => bridge.publish(root, { class: "CSVDataSource", key: "no" }),
    BridgeError,
  );
  assertEquals([outside.status, outside.code], [403, "outside-root"]);
});

Deno.test("Bridge.upload() publishes files sent from memory and from a stream", async () => {
  const home = join(await tempDir(), "store");
  await using bridge = await Bridge.connect({ home, startOptions: LOOPBACK });
  const csv = new TextEncoder().encode("pre,post\nADAL,ADAR\n");
  const big = new Uint8Array(200_000).map((_, i) => (i * 31) & 0xff);
  const published = await bridge.upload([
    { name: "edges.csv", data: csv, type: "text/csv" },
    { name: "stack.bin", data: ReadableStream.from([big.slice(0, 70_000), big.slice(70_000)]) },
  ], { class: "CSVDataSource", key: "uploaded", description: "From memory" });
  assertEquals(published.id, "CSVDataSource:uploaded");
  assertMatch(published.infoHash, /^[0-9a-f]{40}$/);
  assertEquals((await bridge.status(published.infoHash)).status, "seeding");
  const report = await bridge.verify("CSVDataSource:uploaded");
  assertEquals(report.ok, true);

  const refused = await assertRejects(
    () => bridge.upload([], { class: "CSVDataSource", key: "nothing" }),
    BridgeError,
  );
  assertEquals(refused.status, 400);
});
