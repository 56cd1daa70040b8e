/**
 * TorrentSession end to end on loopback: seeding and downloading a
 * multi-file torrent (nested folder, empty file) through a tracker, a direct
 * peer, a web seed alone, and a magnet link; selective files; pause/resume;
 * remove.
 */
import { join } from "node:path";
import { TorrentError } from "../../lib/torrent/errors.ts";
import { magnetLink } from "../../lib/torrent/magnet.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import type { TorrentStatus } from "../../lib/torrent/handle.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_assert.ts";
import {
  assertSameTree,
  bytes,
  makeDataset,
  readTree,
  startWebSeed,
  tempDir,
  testSessionOptions,
  torrentOf,
} from "./_fixtures.ts";
import { startTracker } from "../../lib/tracker/tracker.ts";

const TIMEOUT = 60_000;

Deno.test("TorrentSession downloads a multi-file torrent through an HTTP tracker", async () => {
  const tmp = await tempDir();
  await using tracker = await startTracker({ interval: 2000 });
  const src = await makeDataset(join(tmp, "src"));
  const { bytes: torrent } = await torrentOf(src, { trackers: [tracker.httpUrl] });
  await using seeder = await TorrentSession.open(testSessionOptions(join(tmp, "s1")));
  await using leecher = await TorrentSession.open(testSessionOptions(join(tmp, "s2")));
  await seeder.seed(src, torrent);
  const handle = await leecher.add(torrent, { dir: join(tmp, "dl") });
  const seen: TorrentStatus[] = [];
  handle.addEventListener("progress", (e) => seen.push(e.detail));
  let doneEvents = 0;
  handle.addEventListener("done", () => doneEvents++);
  await handle.done({ timeoutMs: TIMEOUT });
  await assertSameTree(join(tmp, "dl", "dataset"), src);
  const status = handle.status();
  assertEquals(status.state, "seeding");
  assertEquals(status.bytesDone, status.bytesTotal);
  assertEquals(status.piecesHave, status.piecesTotal);
  assertEquals(status.eta, 0);
  assert(status.downloaded >= status.bytesTotal, "payload bytes counted");
  assertEquals(doneEvents, 1);
  assert(seen.length > 0, "progress events were sent");
  assertEquals(handle.contentPath, join(tmp, "dl", "dataset"));
});

Deno.test("TorrentSession downloads from a direct peer and through a UDP tracker", async () => {
  const tmp = await tempDir();
  await using tracker = await startTracker({ interval: 2000 });
  const src = await makeDataset(join(tmp, "src"));
  const { bytes: torrent } = await torrentOf(src, { trackers: [tracker.udpUrl] });
  await using seeder = await TorrentSession.open(testSessionOptions(join(tmp, "s1")));
  await using direct = await TorrentSession.open({
    ...testSessionOptions(join(tmp, "s2")),
    tracker: false,
  });
  await using viaUdp = await TorrentSession.open(testSessionOptions(join(tmp, "s3")));
  await seeder.seed(src, torrent);
  const a = await direct.add(torrent, { dir: join(tmp, "a"), peers: [`127.0.0.1:${seeder.port}`] });
  const b = await viaUdp.add(torrent, { dir: join(tmp, "b") });
  await Promise.all([a.done({ timeoutMs: TIMEOUT }), b.done({ timeoutMs: TIMEOUT })]);
  await assertSameTree(join(tmp, "a", "dataset"), src);
  await assertSameTree(join(tmp, "b", "dataset"), src);
});

Deno.test("TorrentSession downloads from a web seed alone (BEP 19)", async () => {
  const tmp = await tempDir();
  const src = await makeDataset(join(tmp, "src"));
  await using server = startWebSeed(join(tmp, "src"));
  const { bytes: torrent } = await torrentOf(src, { webSeeds: [server.url] });
  await using leecher = await TorrentSession.open({
    ...testSessionOptions(join(tmp, "s")),
    tracker: false,
  });
  const handle = await leecher.add(torrent, { dir: join(tmp, "dl") });
  await handle.done({ timeoutMs: TIMEOUT });
  await assertSameTree(join(tmp, "dl", "dataset"), src);
});

Deno.test("TorrentSession downloads a single-file torrent from a web seed given as an option", async () => {
  const tmp = await tempDir();
  await Deno.mkdir(join(tmp, "src"));
  const data = bytes(400_000, 9);
  await Deno.writeFile(join(tmp, "src", "one.bin"), data);
  await using server = startWebSeed(join(tmp, "src"));
  const { bytes: torrent } = await torrentOf(join(tmp, "src", "one.bin"));
  await using leecher = await TorrentSession.open({
    ...testSessionOptions(join(tmp, "s")),
    tracker: false,
  });
  const handle = await leecher.add(torrent, {
    dir: join(tmp, "dl"),
    webSeeds: [`${server.url}one.bin`],
  });
  await handle.done({ timeoutMs: TIMEOUT });
  assertEquals(await Deno.readFile(join(tmp, "dl", "one.bin")), data);
  assertEquals(handle.contentPath, join(tmp, "dl", "one.bin"));
});

Deno.test("TorrentSession fetches the metadata of a magnet link from a direct peer", async () => {
  const tmp = await tempDir();
  const src = await makeDataset(join(tmp, "src"));
  const { bytes: torrent, metainfo } = await torrentOf(src);
  await using seeder = await TorrentSession.open(testSessionOptions(join(tmp, "s1")));
  await using leecher = await TorrentSession.open({
    ...testSessionOptions(join(tmp, "s2")),
    tracker: false,
  });
  await seeder.seed(src, torrent);
  const magnet = magnetLink(metainfo, { peers: [`127.0.0.1:${seeder.port}`] });
  const handle = await leecher.add(magnet, { dir: join(tmp, "dl") });
  assertEquals(handle.infoHash, metainfo.infoHash);
  await handle.done({ timeoutMs: TIMEOUT });
  await assertSameTree(join(tmp, "dl", "dataset"), src);
  assertEquals(handle.name, "dataset");
  // The metadata is kept, so the same magnet needs no peer for it next time.
  const saved = await Deno.readFile(join(tmp, "s2", `${metainfo.infoHash}.torrent`));
  assert(saved.length > 0);
  // A bare infohash works the same way, with the peer given separately.
  await using byHash = await TorrentSession.open({
    ...testSessionOptions(join(tmp, "s3")),
    tracker: false,
  });
  const other = await byHash.add(metainfo.infoHash.toUpperCase(), {
    dir: join(tmp, "dl2"),
    peers: [`127.0.0.1:${seeder.port}`],
  });
  await other.done({ timeoutMs: TIMEOUT });
  await assertSameTree(join(tmp, "dl2", "dataset"), src);
});

Deno.test("TorrentSession downloads only the selected files", async () => {
  const tmp = await tempDir();
  const src = await makeDataset(join(tmp, "src"));
  const { bytes: torrent, metainfo } = await torrentOf(src);
  await using seeder = await TorrentSession.open(testSessionOptions(join(tmp, "s1")));
  await using leecher = await TorrentSession.open({
    ...testSessionOptions(join(tmp, "s2")),
    tracker: false,
  });
  await seeder.seed(src, torrent);
  const wanted = metainfo.files.findIndex((f) => f.path.endsWith("nested/c.csv"));
  assert(wanted >= 0);
  const handle = await leecher.add(torrent, {
    dir: join(tmp, "dl"),
    files: [wanted],
    peers: [`127.0.0.1:${seeder.port}`],
  });
  await handle.done({ timeoutMs: TIMEOUT });
  const got = await readTree(join(tmp, "dl"));
  assertEquals(
    Object.keys(got),
    [join("dataset", "nested", "c.csv")],
    "only the selected file exists",
  );
  assertEquals(
    got[join("dataset", "nested", "c.csv")],
    await Deno.readFile(join(src, "nested", "c.csv")),
  );
  const status = handle.status();
  assertEquals(status.bytesTotal, metainfo.files[wanted]!.length);
  assertEquals(status.bytesDone, status.bytesTotal);
  assert(status.piecesHave < status.piecesTotal, "unselected pieces were not fetched");
});

Deno.test("TorrentHandle.pause() stops a download and resume() finishes it", async () => {
  const tmp = await tempDir();
  const src = await makeDataset(join(tmp, "src"), { a: 3_000_000, b: 1_000_000, c: 500_000 });
  const { bytes: torrent } = await torrentOf(src);
  await using seeder = await TorrentSession.open({
    ...testSessionOptions(join(tmp, "s1")),
    uploadLimit: 2_000_000,
  });
  await using leecher = await TorrentSession.open({
    ...testSessionOptions(join(tmp, "s2")),
    tracker: false,
  });
  await seeder.seed(src, torrent);
  const handle = await leecher.add(torrent, {
    dir: join(tmp, "dl"),
    peers: [`127.0.0.1:${seeder.port}`],
  });
  await new Promise<void>((resolve) => {
    const check = () => {
      if (handle.status().piecesHave > 5) {
        handle.removeEventListener("progress", check);
        resolve();
      }
    };
    handle.addEventListener("progress", check);
  });
  await handle.pause();
  const paused = handle.status();
  assertEquals(paused.state, "paused");
  assertEquals(paused.peers, 0);
  await new Promise((r) => setTimeout(r, 500));
  assertEquals(handle.status().piecesHave, paused.piecesHave, "nothing arrives while paused");
  await handle.resume();
  await handle.done({ timeoutMs: TIMEOUT });
  await assertSameTree(join(tmp, "dl", "dataset"), src);
  const status = handle.status();
  assert(
    status.piecesChecked <= 8,
    `resume trusted the record (${status.piecesChecked} pieces hashed)`,
  );
});

Deno.test("TorrentHandle.remove({ deleteData }) deletes the files and the resume state", async () => {
  const tmp = await tempDir();
  const src = await makeDataset(join(tmp, "src"));
  const { bytes: torrent, metainfo } = await torrentOf(src);
  await using seeder = await TorrentSession.open(testSessionOptions(join(tmp, "s1")));
  await using leecher = await TorrentSession.open({
    ...testSessionOptions(join(tmp, "s2")),
    tracker: false,
  });
  await seeder.seed(src, torrent);
  const handle = await leecher.add(torrent, {
    dir: join(tmp, "dl"),
    peers: [`127.0.0.1:${seeder.port}`],
  });
  await handle.done({ timeoutMs: TIMEOUT });
  await handle.remove({ deleteData: true });
  assertEquals(leecher.get(metainfo.infoHash), undefined);
  assertEquals(await readTree(join(tmp, "dl")), {});
  const state = [...Deno.readDirSync(join(tmp, "s2"))].map((e) => e.name);
  assertEquals(state.filter((n) => n.startsWith(metainfo.infoHash)), []);
});

Deno.test("TorrentSession listens only on the given hostname", async () => {
  const tmp = await tempDir();
  await using session = await TorrentSession.open(testSessionOptions(join(tmp, "s")));
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: session.port });
  conn.close();
  await assertRejects(
    () => Deno.connect({ hostname: "127.0.0.2", port: session.port }),
    Deno.errors.ConnectionRefused,
  );
});

Deno.test("TorrentSession honours its download limit", async () => {
  const tmp = await tempDir();
  const src = await makeDataset(join(tmp, "src"));
  const { bytes: torrent, metainfo } = await torrentOf(src);
  await using seeder = await TorrentSession.open(testSessionOptions(join(tmp, "s1")));
  const limit = 1_000_000;
  await using leecher = await TorrentSession.open({
    ...testSessionOptions(join(tmp, "s2")),
    tracker: false,
    downloadLimit: limit,
  });
  await seeder.seed(src, torrent);
  const started = performance.now();
  const handle = await leecher.add(torrent, {
    dir: join(tmp, "dl"),
    peers: [`127.0.0.1:${seeder.port}`],
  });
  await handle.done({ timeoutMs: TIMEOUT });
  const seconds = (performance.now() - started) / 1000;
  // A lower bound only: a slow machine takes longer, never shorter.
  assert(seconds > (metainfo.length / limit) * 0.6, `${metainfo.length} bytes in ${seconds} s`);
  await assertSameTree(join(tmp, "dl", "dataset"), src);
});

Deno.test("TorrentHandle.done() can time out or be aborted, and rejects when the session closes", async () => {
  const tmp = await tempDir();
  const src = await makeDataset(join(tmp, "src"));
  const { bytes: torrent } = await torrentOf(src);
  const session = await TorrentSession.open({
    ...testSessionOptions(join(tmp, "s")),
    tracker: false,
  });
  const handle = await session.add(torrent, { dir: join(tmp, "dl") }); // no peers: never completes
  const timeout = await assertRejects(() => handle.done({ timeoutMs: 100 }), TorrentError);
  assertEquals(timeout.code, "timeout");
  assertStringIncludes(timeout.message, "0% done, 0 peers");
  const controller = new AbortController();
  const waiting = handle.done({ signal: controller.signal });
  controller.abort();
  assertEquals((await assertRejects(() => waiting, TorrentError)).code, "aborted");
  assertEquals(handle.status().state, "downloading", "waiting stopped, the torrent did not");
  const pending = handle.done();
  await session.close();
  assertEquals((await assertRejects(() => pending, TorrentError)).code, "closed");
  await assertRejects(() => session.add(torrent, { dir: join(tmp, "dl") }), TorrentError, "closed");
});
