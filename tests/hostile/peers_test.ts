/**
 * Hostile peers, each a raw wire-protocol peer (./_wire_peer.ts): one that
 * sends bad pieces, one that announces an oversized message, one with a
 * bogus bitfield, one that stalls after the handshake. Each time the
 * download completes byte-identical from a good seeder, a concurrent download
 * in the same session is unaffected, and the peer is banned or disconnected.
 * Hostile metadata: magnet metadata that does not match the infohash is
 * refused.
 */
import { join } from "node:path";
import { magnetLink } from "../../lib/torrent/magnet.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import type { TorrentHandle } from "../../lib/torrent/handle.ts";
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
  writeTree,
} from "../torrent/_fixtures.ts";
import { type Misbehaviour, startHostilePeer } from "./_wire_peer.ts";

const TIMEOUT = 60_000;

/**
 * A good seeder of two datasets, a leecher downloading the first from the
 * hostile peer only (then from the good one once `gate` passes) and the
 * second, concurrently, from the good one.
 */
async function scenario(
  name: string,
  misbehaviour: (pieceCount: number) => Misbehaviour,
  gate: (
    peer: { closedByRemote: number; handshakes: number; requestsIgnored: number },
    main: TorrentHandle,
  ) => boolean,
  check: (
    peer: { closedByRemote: number; piecesServed: number; requestsIgnored: number },
    main: TorrentHandle,
  ) => void,
) {
  const tmp = await tempDir();
  const srcA = await makeDataset(join(tmp, "a"));
  const srcB = join(tmp, "b", "other");
  await writeTree(srcB, { "x.bin": bytes(1_200_000, 77), "y/z.bin": bytes(333_333, 78) });
  const a = await torrentOf(srcA);
  const b = await torrentOf(srcB);
  assert(a.metainfo.pieceCount % 8 !== 0, "the torrent has spare bitfield bits");

  await using good = await TorrentSession.open(testSessionOptions(join(tmp, "good")));
  await good.seed(srcA, a.bytes);
  await good.seed(srcB, b.bytes);
  await using leecher = await TorrentSession.open({
    ...testSessionOptions(join(tmp, "leech")),
    tracker: false,
    maxHashFailuresPerPeer: 2,
  });
  const goodAddress = `127.0.0.1:${good.port}`;
  const main = await leecher.add(a.bytes, { dir: join(tmp, "dl") });
  await using hostile = startHostilePeer(
    `127.0.0.1:${leecher.port}`,
    a.metainfo.infoHash,
    misbehaviour(a.metainfo.pieceCount),
  );
  await until(() => hostile.handshakes > 0, TIMEOUT, `${name}: the handshake`);
  // Concurrent download in the same session, while the hostile peer is connected.
  const other = await leecher.add(b.bytes, { dir: join(tmp, "dl2"), peers: [goodAddress] });
  await until(() => gate(hostile, main), TIMEOUT, `${name}: the hostile peer to be dealt with`);
  check(hostile, main);
  assertEquals(main.status().piecesHave, 0, `${name}: nothing accepted from the hostile peer`);
  for (const data of Object.values(await readTree(join(tmp, "dl")))) {
    assert(data.every((x) => x === 0), `${name}: no hostile byte was written`);
  }
  assert(main.addPeer(goodAddress));
  await main.done({ timeoutMs: TIMEOUT });
  await other.done({ timeoutMs: TIMEOUT });
  await assertSameTree(join(tmp, "dl", "dataset"), srcA);
  await assertSameTree(join(tmp, "dl2", "other"), srcB);
  assert(!main.status().bannedPeers.includes(goodAddress), `${name}: the good peer was banned`);
}

Deno.test("hostile peer sending bad pieces is banned; the download completes from a good one", async () => {
  await scenario(
    "bad pieces",
    (pieceCount) => ({ kind: "bad-pieces", pieceCount }),
    (_, main) => main.status().bannedPeers.length > 0,
    (peer, main) => {
      assert(peer.piecesServed > 0);
      assert(main.status().corruptBytes > 0, "corrupt bytes are counted");
      assertEquals(main.status().peers, 0, "the banned peer is disconnected");
    },
  );
});

for (const length of [64 * 1024 * 1024, 2 ** 31]) {
  Deno.test(`hostile peer announcing a ${length}-byte message is disconnected at once`, async () => {
    await scenario(
      "oversized",
      () => ({ kind: "oversized", length, stream: 32 * 1024 * 1024 }),
      (peer) => peer.closedByRemote > 0,
      (_, main) => assertEquals(main.status().peers, 0),
    );
  });
}

Deno.test("hostile peer with a too-long bitfield is disconnected", async () => {
  await scenario(
    "bitfield length",
    (pieceCount) => ({
      kind: "bogus-bitfield",
      bitfield: new Uint8Array(Math.ceil(pieceCount / 8) + 3).fill(0xff),
    }),
    (peer) => peer.closedByRemote > 0,
    () => {},
  );
});

Deno.test("hostile peer with spare bitfield bits set is disconnected", async () => {
  await scenario(
    "bitfield spare bits",
    (pieceCount) => ({
      kind: "bogus-bitfield",
      bitfield: new Uint8Array(Math.ceil(pieceCount / 8)).fill(0xff),
    }),
    (peer) => peer.closedByRemote > 0,
    () => {},
  );
});

Deno.test("hostile peer that stalls after the handshake does not hold a download up", async () => {
  // It claims every piece and unchokes, so the download asks it for blocks; it never answers.
  // The download still completes from the good peer, with those blocks asked of it instead.
  await scenario(
    "stall",
    (pieceCount) => ({ kind: "stall", pieceCount }),
    (peer) => peer.requestsIgnored > 0,
    (peer, main) => {
      assert(peer.requestsIgnored > 0, "the stalled peer was asked for blocks");
      assertEquals(main.status().peers, 1, "the stalled peer is connected");
      assertEquals(peer.piecesServed, 0, "and answers nothing");
    },
  );
});

Deno.test("magnet metadata that does not match the infohash is refused", async () => {
  const tmp = await tempDir();
  const src = await makeDataset(join(tmp, "a"), { a: 200_000, b: 100_000, c: 50_000 });
  const wanted = await torrentOf(src);
  const decoyDir = join(tmp, "decoy", "dataset");
  await writeTree(decoyDir, { "evil.bin": bytes(300_000, 5) });
  const decoy = await torrentOf(decoyDir);
  await using leecher = await TorrentSession.open({
    ...testSessionOptions(join(tmp, "leech")),
    tracker: false,
  });
  const dir = join(tmp, "dl");
  const handle = await leecher.add(magnetLink(wanted.metainfo), { dir });
  await using hostile = startHostilePeer(`127.0.0.1:${leecher.port}`, wanted.metainfo.infoHash, {
    kind: "metadata",
    info: decoy.metainfo.infoBytes,
  });
  // Wait until the hostile peer has served all of its metadata, then some more
  // exchanges (webtorrent asks again after a hash mismatch) or a closed wire.
  const pieces = Math.ceil(decoy.metainfo.infoBytes.length / 16384);
  await until(() => hostile.metadataServed >= pieces, TIMEOUT, "the metadata to be served");
  await until(
    () => hostile.metadataServed >= 2 * pieces || hostile.closedByRemote > 0,
    TIMEOUT,
    "the metadata to be refused",
  );
  const status = handle.status();
  assertEquals(status.bytesTotal, 0, "the decoy metadata was not taken");
  assertEquals(status.bytesDone, 0);
  assertEquals(status.infoHash, wanted.metainfo.infoHash);
  assertEquals(status.piecesTotal, 0, "no metadata was taken");
  assert(status.state !== "downloading" && status.state !== "seeding", status.state);
  const written = await readTree(dir).catch(() => ({}));
  assertEquals(Object.keys(written).filter((p) => p.includes("evil")), [], "nothing was written");
});
