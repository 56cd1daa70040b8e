import { BanList, BLOCK_LENGTH, PeerPolicy, type PeerRef } from "../../lib/torrent/peer_policy.ts";
import { assert, assertEquals } from "../_assert.ts";

const bad: PeerRef = { id: "bad-id", address: "10.0.0.1:6881" };
const good: PeerRef = { id: "good-id", address: "10.0.0.2:6881" };
const PIECE = 2 * BLOCK_LENGTH;

function block(fill: number): Uint8Array {
  return new Uint8Array(BLOCK_LENGTH).fill(fill);
}

Deno.test("PeerPolicy strikes the single source of a failed piece and bans it at the limit", () => {
  const banned: string[] = [];
  const policy = new PeerPolicy({ maxFailures: 3, onBan: (p) => banned.push(p.address) });
  for (let i = 0; i < 3; i++) {
    const attempt = {};
    policy.block(7, attempt, 0, bad, block(1));
    policy.block(7, attempt, BLOCK_LENGTH, bad, block(1));
    policy.failed(7, PIECE);
    assertEquals(policy.strikes(bad.id), i + 1);
  }
  assertEquals(banned, [bad.address]);
  assertEquals(policy.banned, [bad.address]);
  assertEquals(policy.corruptBytes, 3 * PIECE);
});

Deno.test("PeerPolicy blames only the peer whose blocks differ from the verified piece", () => {
  const policy = new PeerPolicy({ maxFailures: 1 });
  const attempt = {};
  policy.block(3, attempt, 0, good, block(5));
  policy.block(3, attempt, BLOCK_LENGTH, bad, block(6));
  policy.failed(3, PIECE);
  assertEquals(policy.strikes(good.id), 0, "nobody is blamed for a shared failure at once");
  assertEquals(policy.strikes(bad.id), 0);
  assert(policy.pending(3));
  const verified = new Uint8Array(PIECE).fill(5);
  policy.verified(3, verified);
  assertEquals(policy.strikes(good.id), 0);
  assertEquals(policy.strikes(bad.id), 1);
  assertEquals(policy.banned, [bad.address]);
  assert(!policy.pending(3));
});

Deno.test("PeerPolicy keeps the first copy of a block, as the engine does", () => {
  const policy = new PeerPolicy({ maxFailures: 1 });
  const attempt = {};
  policy.block(0, attempt, 0, bad, block(1));
  policy.block(0, attempt, 0, good, block(2)); // a duplicate: ignored
  policy.failed(0, BLOCK_LENGTH);
  assertEquals(policy.banned, [bad.address]);
});

Deno.test("PeerPolicy starts a new attempt when the engine replaces the piece", () => {
  const policy = new PeerPolicy({ maxFailures: 1 });
  policy.block(0, {}, 0, good, block(1));
  const second = {};
  policy.block(0, second, 0, bad, block(2));
  policy.failed(0, BLOCK_LENGTH);
  assertEquals(policy.banned, [bad.address]);
});

Deno.test("PeerPolicy splits large chunks (web seeds) into blocks", () => {
  const policy = new PeerPolicy({ maxFailures: 1 });
  const attempt = {};
  policy.block(1, attempt, 0, good, new Uint8Array(PIECE).fill(9));
  policy.block(1, attempt, BLOCK_LENGTH, bad, block(1)); // the same block again: ignored
  policy.failed(1, PIECE);
  assertEquals(policy.banned, [good.address], "all blocks came from one source");
});

Deno.test("BanList matches by address or by peer id", () => {
  const bans = new BanList();
  bans.add(bad);
  assert(bans.has(bad.address));
  assert(bans.has("10.0.0.1:51000", bad.id), "same peer id from another port");
  assert(!bans.has(good.address, good.id));
  assert(!bans.has(undefined, null));
});
