/**
 * Resume: a download killed with SIGKILL continues without fetching verified
 * pieces again and without re-hashing them; a clean restart trusts the
 * resume record; a changed file forces a full check (and repair).
 */
import { join } from "node:path";
import { encodeBencode } from "../../lib/torrent/bencode.ts";
import { planLayout } from "../../lib/torrent/layout.ts";
import { parseMetainfo } from "../../lib/torrent/metainfo.ts";
import { loadResume, ResumeWriter } from "../../lib/torrent/resume.ts";
import { SafeChunkStore, stampFiles } from "../../lib/torrent/safe_store.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import type { TorrentStatus } from "../../lib/torrent/handle.ts";
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import {
  assertSameTree,
  killedDownload,
  makeDataset,
  tempDir,
  testSessionOptions,
  torrentOf,
} from "./_fixtures.ts";

const TIMEOUT = 60_000;

function firstStatusAfterCheck(handle: {
  addEventListener(type: "progress", fn: (e: CustomEvent<TorrentStatus>) => void): void;
}): Promise<TorrentStatus> {
  return new Promise((resolve) => {
    handle.addEventListener("progress", (e) => {
      if (e.detail.state === "downloading" || e.detail.state === "seeding") resolve(e.detail);
    });
  });
}

Deno.test(
  "TorrentSession resumes a download killed with SIGKILL at about 50% without fetching or hashing verified pieces again",
  async () => {
    const tmp = await tempDir();
    const src = await makeDataset(join(tmp, "src"), { a: 5_000_000, b: 2_000_000, c: 1_000_000 });
    const { bytes: torrent, metainfo } = await torrentOf(src, { pieceLength: 65536 });
    const torrentPath = join(tmp, "t.torrent");
    await Deno.writeFile(torrentPath, torrent);
    await using seeder = await TorrentSession.open(testSessionOptions(join(tmp, "seed-state")));
    await seeder.seed(src, torrent);
    const dir = join(tmp, "dl");
    const state = join(tmp, "state");

    const last = await killedDownload({
      torrentPath,
      dir,
      state,
      peer: `127.0.0.1:${seeder.port}`,
      limit: 1_000_000,
      killAt: (status) => status.piecesHave >= metainfo.pieceCount / 2,
      // At a random moment, not right after a progress report: possibly mid-write.
      beforeKill: () => new Promise((r) => setTimeout(r, Math.random() * 250)),
    });
    assert(last.piecesHave < metainfo.pieceCount, "killed before completion");
    const reportedPieces = last.piecesHave;

    await using leecher = await TorrentSession.open({
      ...testSessionOptions(state),
      tracker: false,
    });
    const handle = await leecher.add(torrentPath, { dir, peers: [`127.0.0.1:${seeder.port}`] });
    const afterCheck = firstStatusAfterCheck(handle);
    await handle.done({ timeoutMs: TIMEOUT });
    const restarted = await afterCheck;
    const status = handle.status();
    await assertSameTree(join(dir, "dataset"), src);

    const pieceLength = metainfo.pieceLength;
    const remaining = metainfo.length - reportedPieces * pieceLength;
    console.log(
      `killed at ${reportedPieces}/${metainfo.pieceCount} pieces (${last.downloaded} bytes reported); ` +
        `restart trusted ${restarted.piecesHave} pieces, hashed ${status.piecesChecked}, ` +
        `downloaded ${status.downloaded} more bytes (${remaining} remained)`,
    );
    assert(
      restarted.piecesHave >= reportedPieces,
      `every piece verified before the kill is kept (${restarted.piecesHave} < ${reportedPieces})`,
    );
    assert(
      status.downloaded <= remaining + 2 * pieceLength,
      `no verified piece fetched twice: ${status.downloaded} bytes > ${remaining} + 2 pieces`,
    );
    assert(
      last.downloaded + status.downloaded <= metainfo.length + 16 * pieceLength,
      "both runs together fetched about the torrent's size",
    );
    // webtorrent spot-checks one piece per file (empty files included) of a trusted bitfield.
    assert(
      status.piecesChecked <= metainfo.files.length,
      `the resume record was trusted: ${status.piecesChecked} pieces hashed (at most one per file)`,
    );
  },
);

Deno.test(
  "TorrentSession trusts the resume record after a clean stop, and checks everything when a file changed",
  async () => {
    const tmp = await tempDir();
    const src = await makeDataset(join(tmp, "src"));
    const { bytes: torrent, metainfo } = await torrentOf(src);
    await using seeder = await TorrentSession.open(testSessionOptions(join(tmp, "seed-state")));
    await seeder.seed(src, torrent);
    const dir = join(tmp, "dl");
    const state = join(tmp, "state");
    const peers = [`127.0.0.1:${seeder.port}`];
    const open = () => TorrentSession.open({ ...testSessionOptions(state), tracker: false });

    {
      await using session = await open();
      const handle = await session.add(torrent, { dir, peers });
      await handle.done({ timeoutMs: TIMEOUT });
      assertEquals(handle.status().piecesChecked, 0, "a fresh download has nothing to hash");
    }
    {
      await using session = await open();
      const handle = await session.add(torrent, { dir });
      await handle.done({ timeoutMs: TIMEOUT });
      const status = handle.status();
      assertEquals(status.state, "seeding");
      assert(
        status.piecesChecked <= metainfo.files.length,
        `record trusted (${status.piecesChecked} pieces hashed)`,
      );
    }
    // Corrupt one byte in the middle of a.bin, keeping its size: its mtime changes.
    const a = join(dir, "dataset", "a.bin");
    const file = await Deno.open(a, { read: true, write: true });
    await file.seek(700_000, Deno.SeekMode.Start);
    const one = new Uint8Array(1);
    await file.read(one);
    await file.seek(700_000, Deno.SeekMode.Start);
    await file.write(new Uint8Array([one[0]! ^ 0xff]));
    file.close();
    {
      await using session = await open();
      const handle = await session.add(torrent, { dir, peers });
      const afterCheck = firstStatusAfterCheck(handle);
      await handle.done({ timeoutMs: TIMEOUT });
      const checked = await afterCheck;
      assertEquals(
        checked.piecesHave,
        metainfo.pieceCount - 1,
        "the full check found the bad piece",
      );
      assertEquals(handle.status().piecesChecked, metainfo.pieceCount, "every piece was hashed");
      await assertSameTree(join(dir, "dataset"), src);
    }
  },
);

async function recordFixture() {
  const tmp = await tempDir();
  const meta = parseMetainfo(encodeBencode({
    info: {
      name: "t",
      "piece length": 16,
      pieces: new Uint8Array(60),
      files: [{ length: 20, path: ["a"] }, { length: 28, path: ["b"] }],
    },
  }));
  const layout = planLayout(meta, { dir: join(tmp, "dl") });
  await Deno.mkdir(join(tmp, "dl", "t"), { recursive: true });
  await Deno.writeFile(join(tmp, "dl", "t", "a"), new Uint8Array(20));
  const state = join(tmp, "state");
  await Deno.mkdir(state);
  const writer = new ResumeWriter(state, layout, 1);
  await writer.save(new Uint8Array([0b10000000]));
  return { tmp, layout, state, writer };
}

async function stampsOf(layout: Parameters<typeof stampFiles>[0], path: string) {
  return [path, (await stampFiles(layout)).get(path)!] as [
    string,
    { size: number; mtimeMs: number },
  ];
}

Deno.test("loadResume() trusts record plus journal while the files match them", async () => {
  const { tmp, layout, state, writer } = await recordFixture();
  let decision = await loadResume(state, layout);
  assertEquals([...decision.bitfield!], [0b10000000]);
  // Piece 2 is written to b (a new file), and journaled.
  const b = join(tmp, "dl", "t", "b");
  await writer.intent(2, [b]);
  await Deno.writeFile(b, new Uint8Array(28));
  await writer.journal(2, [await stampsOf(layout, b)]);
  decision = await loadResume(state, layout);
  assertEquals([...decision.bitfield!], [0b10100000], decision.reason);
  // Piece 1 was being written when the process died: b's stamp is not compared,
  // and piece 1 is not trusted.
  await writer.intent(1, [join(tmp, "dl", "t", "a"), b]);
  await new Promise((r) => setTimeout(r, 5));
  await Deno.writeFile(b, new Uint8Array(28).fill(1));
  decision = await loadResume(state, layout);
  assertEquals([...decision.bitfield!], [0b10100000], decision.reason);
  assertStringIncludes(decision.reason, "cut short");
  await writer.close();
});

Deno.test("ResumeWriter: journal lines appended while a write waits go out with it, in order", async () => {
  const { tmp, layout, state, writer } = await recordFixture();
  const b = join(tmp, "dl", "t", "b");
  // One journal write per line made the last of these wait for 99 writes
  // before it (a piece's data write waits for its intent line).
  const written = Array.from({ length: 100 }, (_, i) => writer.intent(i % 3, [b]));
  await written[0];
  const journal = join(state, `${layout.infoHash}.journal`);
  const lines = (await Deno.readTextFile(journal)).trim().split("\n").map((l) => JSON.parse(l));
  assertEquals(lines.length, 100, "the first write took every line waiting for it");
  assertEquals(lines.map((l) => l.w), Array.from({ length: 100 }, (_, i) => i % 3));
  await Promise.all(written);
  await writer.journal(2, [[b, { size: 28, mtimeMs: 1 }]]);
  const after = (await Deno.readTextFile(journal)).trim().split("\n");
  assertEquals(after.length, 101);
  assertEquals(JSON.parse(after[100]!).i, 2, "a line appended later goes after them");
  await writer.close();
});

Deno.test("loadResume() asks for a full check when a file changed or the selection differs", async () => {
  const { tmp, layout, state, writer } = await recordFixture();
  await writer.close();
  const a = join(tmp, "dl", "t", "a");
  await Deno.utime(a, new Date(), new Date(Date.now() + 5000));
  let decision = await loadResume(state, layout);
  assertEquals(decision.bitfield, null);
  assertStringIncludes(decision.reason, "changed");
  decision = await loadResume(state, { ...layout, selected: [1] });
  assertEquals(decision.bitfield, null);
  assertStringIncludes(decision.reason, "selection");
  decision = await loadResume(join(tmp, "nowhere"), layout);
  assertEquals(decision.reason, "no resume record");
});

Deno.test("loadResume() without a record: an empty bitfield when no data file exists, none when one does", async () => {
  const { tmp, layout } = await recordFixture();
  const nowhere = join(tmp, "nowhere");
  const fresh = planLayout(
    parseMetainfo(encodeBencode({
      info: {
        name: "t",
        "piece length": 16,
        pieces: new Uint8Array(60),
        files: [{ length: 20, path: ["a"] }, { length: 28, path: ["b"] }],
      },
    })),
    { dir: join(tmp, "fresh") },
  );
  let decision = await loadResume(nowhere, fresh);
  assertEquals([...decision.bitfield!], [0], decision.reason);
  assertStringIncludes(decision.reason, "no data on disk");
  // One file present (fixture's "a"): every piece must be checked.
  decision = await loadResume(nowhere, layout);
  assertEquals(decision.bitfield, null);
  // A file that cannot be stat'ed for another reason than absence counts as present.
  await Deno.mkdir(join(tmp, "fresh"), { recursive: true });
  await Deno.writeTextFile(join(tmp, "fresh", "t"), "a file where the folder should be");
  decision = await loadResume(nowhere, fresh);
  assertEquals(decision.bitfield, null, "ENOTDIR is not absence");
});

Deno.test("a first download into an empty folder reads no piece back before fetching", async () => {
  const tmp = await tempDir();
  const src = await makeDataset(join(tmp, "src"), { a: 300_000, b: 200_000, c: 100_000 });
  const { bytes: torrent } = await torrentOf(src, { pieceLength: 16384 });
  await using seeder = await TorrentSession.open(testSessionOptions(join(tmp, "seed-state")));
  await seeder.seed(src, torrent);
  await using leecher = await TorrentSession.open({
    ...testSessionOptions(join(tmp, "state")),
    tracker: false,
  });
  // Every read the leecher's stores are asked for before the download starts.
  let checkReads = 0;
  const get = SafeChunkStore.prototype.get;
  SafeChunkStore.prototype.get = function (this: SafeChunkStore, ...args) {
    if (this.checking && this.chunkLength === 16384) checkReads++;
    return get.apply(this, args);
  };
  try {
    const handle = await leecher.add(torrent, {
      dir: join(tmp, "dl"),
      peers: [`127.0.0.1:${seeder.port}`],
    });
    await handle.done({ timeoutMs: TIMEOUT });
  } finally {
    SafeChunkStore.prototype.get = get;
  }
  await assertSameTree(join(tmp, "dl", "dataset"), src);
  assertEquals(checkReads, 0, "no piece of files that do not exist was read to be hashed");
});
