/**
 * The session's cache of whole pieces read for peers: one read per piece for
 * all of its blocks, a byte budget over every store, writes and closes drop
 * pieces, failed reads are not kept.
 */
import { join } from "node:path";
import { encodeBencode } from "../../lib/torrent/bencode.ts";
import { planLayout } from "../../lib/torrent/layout.ts";
import { parseMetainfo } from "../../lib/torrent/metainfo.ts";
import { PieceCache } from "../../lib/torrent/piece_cache.ts";
import { SafeChunkStore } from "../../lib/torrent/safe_store.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../_assert.ts";
import { tempDir } from "./_fixtures.ts";

const meta = parseMetainfo(encodeBencode({
  info: {
    name: "t",
    "piece length": 64,
    pieces: new Uint8Array(60),
    files: [{ length: 100, path: ["a"] }, { length: 60, path: ["b"] }],
  },
}));

function get(store: SafeChunkStore, index: number, opts?: { offset?: number; length?: number }) {
  return new Promise<Uint8Array>((resolve, reject) =>
    store.get(index, opts ?? null, (err, buf) => err ? reject(err) : resolve(buf!))
  );
}

function put(store: SafeChunkStore, index: number, buf: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) =>
    store.put(index, buf, (err) => err ? reject(err) : resolve())
  );
}

/** A store over files holding bytes 0..159, and a count of the whole pieces it read through the cache. */
async function seeded(mode: "read" | "readwrite", cache: PieceCache) {
  const dir = await tempDir();
  await Deno.mkdir(join(dir, "t"));
  const bytes = new Uint8Array(160).map((_, i) => i);
  await Deno.writeFile(join(dir, "t", "a"), bytes.subarray(0, 100));
  await Deno.writeFile(join(dir, "t", "b"), bytes.subarray(100));
  const store = new SafeChunkStore(planLayout(meta, { dir }), { mode, pieceCache: cache });
  store.checking = false;
  return { dir, store, bytes };
}

/** Counts the reads the cache asks for. */
function countingReads(cache: PieceCache): { reads: number } {
  const counter = { reads: 0 };
  const original = cache.get.bind(cache);
  cache.get = (owner, index, size, read) =>
    original(owner, index, size, () => (counter.reads++, read()));
  return counter;
}

Deno.test("SafeChunkStore reads a piece once for all the blocks peers ask of it", async () => {
  const cache = new PieceCache(8 * 64);
  const counter = countingReads(cache);
  const { store, bytes } = await seeded("read", cache);
  // Piece 1 (bytes 64..127) spans both files; four blocks of 16, two asked at once.
  const blocks = await Promise.all(
    [0, 16, 32, 48].map((offset) => get(store, 1, { offset, length: 16 })),
  );
  for (const [i, block] of blocks.entries()) {
    assertEquals(block, bytes.subarray(64 + 16 * i, 80 + 16 * i), `block ${i}`);
  }
  assertEquals(counter.reads, 1, "one read of the whole piece");
  assertEquals(cache.bytes, 64);
  // The last, shorter piece (32 bytes).
  assertEquals(await get(store, 2, { offset: 16, length: 16 }), bytes.subarray(144, 160));
  assertEquals(counter.reads, 2);
  // A whole-piece read (a check) does not go through the cache.
  assertEquals(await get(store, 0), bytes.subarray(0, 64));
  assertEquals(counter.reads, 2);
  await new Promise<void>((resolve) => store.close(() => resolve()));
  assertEquals(cache.bytes, 0, "a closed store's pieces are dropped");
});

Deno.test("SafeChunkStore drops a cached piece when it writes it", async () => {
  const cache = new PieceCache(8 * 64);
  const { store } = await seeded("readwrite", cache);
  await get(store, 0, { offset: 0, length: 16 });
  assertEquals(cache.bytes, 64);
  const fresh = new Uint8Array(64).fill(7);
  await put(store, 0, fresh);
  assertEquals(cache.bytes, 0);
  assertEquals(await get(store, 0, { offset: 16, length: 16 }), fresh.subarray(16, 32));
  await new Promise<void>((resolve) => store.close(() => resolve()));
});

Deno.test("SafeChunkStore does not keep a piece it could not read", async () => {
  const cache = new PieceCache(8 * 64);
  const { dir, store } = await seeded("read", cache);
  await Deno.truncate(join(dir, "t", "b"), 10);
  await assertRejects(() => get(store, 2, { offset: 0, length: 16 }), Error, "shorter");
  assertEquals(cache.bytes, 0);
  await new Promise<void>((resolve) => store.close(() => resolve()));
});

Deno.test("PieceCache keeps pieces of every store within its budget, least recently used out first", async () => {
  const cache = new PieceCache(8 * 100);
  const a = {};
  const b = {};
  const reads: string[] = [];
  const read = (name: string) => () => (reads.push(name), Promise.resolve(new Uint8Array(100)));
  for (let i = 0; i < 8; i++) await cache.get(i % 2 ? a : b, i, 100, read(`${i}`));
  assertEquals(cache.bytes, 800);
  await cache.get(b, 0, 100, read("0 again")); // used: now the most recent
  await cache.get(a, 9, 100, read("9")); // evicts the least recent: a's piece 1
  assertEquals(cache.bytes, 800);
  await cache.get(b, 0, 100, read("0 third"));
  await cache.get(b, 2, 100, read("2 again"));
  await cache.get(a, 1, 100, read("1 again"));
  assertEquals(reads, ["0", "1", "2", "3", "4", "5", "6", "7", "9", "1 again"]);
  cache.dropAll(a);
  assert(cache.bytes <= 400, `a's pieces dropped: ${cache.bytes}`);
  assert(cache.fits(100) && !cache.fits(101), "pieces above an eighth of the budget are not kept");
  assertThrows(() => new PieceCache(0), RangeError, "budget");
});

Deno.test("PieceCache shares one read between concurrent asks for the same piece", async () => {
  const cache = new PieceCache(1024);
  let reads = 0;
  const releases: ((b: Uint8Array) => void)[] = [];
  const read = () => (reads++, new Promise<Uint8Array>((r) => releases.push(r)));
  const first = cache.get({}, 0, 10, read);
  const owner = {};
  const x = cache.get(owner, 0, 10, read);
  const y = cache.get(owner, 0, 10, read);
  for (const release of releases) release(new Uint8Array(10));
  await Promise.all([first, x, y]);
  assertEquals(reads, 2, "one read per owner and piece");
});
