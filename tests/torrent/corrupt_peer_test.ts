/**
 * A peer serving corrupt data: every bad piece is thrown away (never
 * written), the peer is banned after `maxHashFailuresPerPeer` failures, and
 * the download completes from a good peer.
 */
import { join } from "node:path";
import { TorrentSession } from "../../lib/torrent/session.ts";
import { assert, assertEquals } from "../_assert.ts";
import {
  assertSameTree,
  bytes,
  makeDataset,
  readTree,
  tempDir,
  testSessionOptions,
  torrentOf,
  until,
} from "./_fixtures.ts";

const TIMEOUT = 60_000;

/**
 * A seeder of corrupt data: it checks a correct copy, then the copy's files
 * are overwritten on disk with other bytes of the same size, which it then
 * serves as if valid (the store reads from disk on every request).
 */
async function corruptSeeder(tmp: string, src: string, torrent: Uint8Array) {
  const copy = join(tmp, "bad", "dataset");
  for (const [path, data] of Object.entries(await readTree(src))) {
    await Deno.mkdir(join(copy, path, ".."), { recursive: true });
    await Deno.writeFile(join(copy, path), data);
  }
  const bad = await TorrentSession.open(testSessionOptions(join(tmp, "bad-state")));
  await bad.seed(copy, torrent);
  for (const [path, data] of Object.entries(await readTree(copy))) {
    if (data.length > 0) await Deno.writeFile(join(copy, path), bytes(data.length, 99));
  }
  return bad;
}

Deno.test(
  "TorrentSession bans a peer that sends corrupt pieces and completes from a good one",
  async () => {
    const tmp = await tempDir();
    const src = await makeDataset(join(tmp, "src"));
    const { bytes: torrent } = await torrentOf(src);
    await using good = await TorrentSession.open(testSessionOptions(join(tmp, "good")));
    await good.seed(src, torrent);
    await using bad = await corruptSeeder(tmp, src, torrent);

    await using leecher = await TorrentSession.open({
      ...testSessionOptions(join(tmp, "leech")),
      tracker: false,
      maxHashFailuresPerPeer: 3,
    });
    const badAddress = `127.0.0.1:${bad.port}`;
    const handle = await leecher.add(torrent, { dir: join(tmp, "dl"), peers: [badAddress] });
    await until(() => handle.status().bannedPeers.length > 0, TIMEOUT, "the bad peer to be banned");

    const banned = handle.status();
    assertEquals(banned.bannedPeers, [badAddress]);
    assertEquals(banned.piecesHave, 0, "no corrupt piece was accepted");
    assert(banned.corruptBytes > 0, "corrupt bytes are counted");
    for (const data of Object.values(await readTree(join(tmp, "dl")))) {
      assert(data.every((b) => b === 0), "no corrupt byte was written");
    }
    await until(() => handle.status().peers === 0, 10_000, "the bad peer to be disconnected");
    assertEquals(handle.addPeer(badAddress), false, "a banned peer is refused");

    assert(handle.addPeer(`127.0.0.1:${good.port}`));
    await handle.done({ timeoutMs: TIMEOUT });
    await assertSameTree(join(tmp, "dl", "dataset"), src);
    const status = handle.status();
    assertEquals(status.bannedPeers, [badAddress]);
    assert(status.corruptBytes >= banned.corruptBytes);
  },
);

Deno.test(
  "TorrentSession never bans an honest peer when a corrupt one serves the same torrent",
  async () => {
    const tmp = await tempDir();
    const src = await makeDataset(join(tmp, "src"), { a: 3_000_000, b: 1_000_000, c: 500_000 });
    const { bytes: torrent, metainfo } = await torrentOf(src, { pieceLength: 16384 });
    await using good = await TorrentSession.open(testSessionOptions(join(tmp, "good")));
    await good.seed(src, torrent);
    await using bad = await corruptSeeder(tmp, src, torrent);
    await using leecher = await TorrentSession.open({
      ...testSessionOptions(join(tmp, "leech")),
      tracker: false,
      maxHashFailuresPerPeer: 2,
    });
    const goodAddress = `127.0.0.1:${good.port}`;
    const badAddress = `127.0.0.1:${bad.port}`;
    const handle = await leecher.add(torrent, {
      dir: join(tmp, "dl"),
      peers: [badAddress, goodAddress],
    });
    await handle.done({ timeoutMs: TIMEOUT });
    await assertSameTree(join(tmp, "dl", "dataset"), src);
    const status = handle.status();
    assert(!status.bannedPeers.includes(goodAddress), `honest peer banned: ${status.bannedPeers}`);
    // The corruption was really exercised: the bad peer served pieces, they failed their
    // hashes, and it (only it) was banned for them.
    const badSent = bad.get(metainfo.infoHash)!.status().uploaded;
    assert(badSent > 0, "the corrupt peer served pieces");
    assert(status.corruptBytes > 0, "pieces from the corrupt peer failed their hash");
    assertEquals(status.bannedPeers, [badAddress], "the corrupt peer was banned");
    assert(good.get(metainfo.infoHash)!.status().uploaded > 0, "the honest peer served pieces");
  },
);
