/**
 * The single pass (lib/torrent/single_pass.ts over lib/integrity/prefix_hash.ts):
 * digests and piece checks computed as pieces land equal a fresh full
 * re-hash, whatever order the pieces land in, with pieces held in memory or
 * read back, after a resume (pieces trusted from a previous run are read
 * back and checked), and after a real download killed mid-way and restarted.
 * A file changed after it was hashed, or a file the torrent does not list,
 * makes the pass give way to a fresh re-hash.
 */
import { lstat } from "node:fs/promises";
import { join } from "node:path";
import { digestContent } from "../../lib/integrity/content_digest.ts";
import { pieceSize, planLayout } from "../../lib/torrent/layout.ts";
import type { Metainfo } from "../../lib/torrent/metainfo.ts";
import { SafeChunkStore } from "../../lib/torrent/safe_store.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import { SinglePass } from "../../lib/integrity/single_pass.ts";
import { verifyPieces } from "../../lib/torrent/verify_pieces.ts";
import { assert, assertEquals } from "../_assert.ts";
import {
  bytes,
  killedDownload,
  makeDataset,
  tempDir,
  testSessionOptions,
  torrentOf,
  writeTree,
} from "../torrent/_fixtures.ts";

const ALL = ["md5", "sha256", "sha512"] as const;

/** Deterministic shuffle (a seeded LCG), so a failure reproduces. */
function shuffled(n: number, seed: number): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  let x = seed;
  for (let i = n - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Reads piece `index` of the source content (what a peer would send). */
async function sourcePiece(meta: Metainfo, src: string, index: number): Promise<Uint8Array> {
  const layout = planLayout(meta, { contentPath: src });
  const store = new SafeChunkStore(layout, { mode: "read" });
  try {
    return await store.readPiece(index);
  } finally {
    await new Promise((r) => store.close(r));
  }
}

interface Fed {
  pass: SinglePass;
  store: SafeChunkStore;
  contentPath: string;
}

/**
 * Writes the pieces of `src` into a fresh download under `dir` in `order`:
 * the first `trusted` of them written as a previous run would have (the pass
 * told only that they are present), the rest landing through the store as
 * the engine's verified writes do.
 */
async function feed(
  meta: Metainfo,
  src: string,
  dir: string,
  order: number[],
  options: { trusted?: number; holdBytes?: number; corrupt?: number } = {},
): Promise<Fed> {
  await Deno.mkdir(dir, { recursive: true }); // as the session makes it
  const layout = planLayout(meta, { dir });
  const trusted = order.slice(0, options.trusted ?? 0);
  // A previous run: its pieces are on disk before this run starts.
  const before = new SafeChunkStore(layout, { mode: "readwrite" });
  for (const index of trusted) {
    const buf = await sourcePiece(meta, src, index);
    if (index === options.corrupt) buf[0]! ^= 0xff;
    await new Promise<void>((resolve, reject) =>
      before.put(index, buf, (err) => err ? reject(err) : resolve())
    );
  }
  await new Promise((r) => before.close(r));
  let pass: SinglePass | null = null;
  const store = new SafeChunkStore(layout, {
    mode: "readwrite",
    afterPut: async (index, buf, paths) => {
      const stamps: [string, { size: number; mtimeMs: number }][] = [];
      for (const path of paths) {
        const info = await lstat(path); // as the run stamps its writes
        stamps.push([path, { size: info.size, mtimeMs: info.mtimeMs }]);
      }
      pass!.landed(index, buf, stamps);
    },
  });
  pass = SinglePass.create(meta, layout, ALL, (i) => store.readPiece(i), {
    ...(options.holdBytes !== undefined ? { holdBytes: options.holdBytes } : {}),
  });
  assert(pass, "a fully selected torrent gets a single pass");
  for (const index of trusted) pass.present(index);
  await store.createEmptyFiles();
  for (const index of order.slice(trusted.length)) {
    const buf = await sourcePiece(meta, src, index);
    assertEquals(buf.length, pieceSize(layout, index));
    await new Promise<void>((resolve, reject) =>
      store.put(index, buf, (err) => err ? reject(err) : resolve())
    );
  }
  return { pass, store, contentPath: layout.contentPath };
}

async function assertSameAsRehash(fed: Fed, meta: Metainfo, dir: string): Promise<void> {
  const result = await fed.pass.result();
  assert(result, "the pass holds: nothing changed since it hashed");
  const fresh = await digestContent(fed.contentPath, [...ALL]);
  assertEquals(result.content?.digests, fresh.digests, "digests equal a fresh full re-hash");
  assertEquals(result.content?.kind, fresh.kind);
  assertEquals(result.content?.files, fresh.files);
  assertEquals(result.content?.bytes, fresh.bytes);
  const pieces = await verifyPieces(meta, dir);
  assertEquals(result.pieces.piecesBad, pieces.piecesBad, "bad pieces equal a fresh check's");
  assertEquals(result.pieces.ok, pieces.ok);
  assertEquals(result.pieces.piecesTotal, meta.pieceCount);
}

Deno.test("single pass: pieces in order, a folder: digests equal a fresh re-hash, nothing read back", async () => {
  const tmp = await tempDir();
  const src = await makeDataset(join(tmp, "src"));
  const { metainfo: meta } = await torrentOf(src, { pieceLength: 16384 });
  const dir = join(tmp, "dl");
  const fed = await feed(meta, src, dir, [...Array(meta.pieceCount).keys()]);
  const result = await fed.pass.result();
  assertEquals(result?.piecesRead, 0, "in order, every piece is hashed from the buffer written");
  await assertSameAsRehash(fed, meta, dir);
  await new Promise((r) => fed.store.close(r));
});

Deno.test("single pass: pieces out of order, held or read back, folder and single file", async () => {
  const tmp = await tempDir();
  const src = await makeDataset(join(tmp, "src"));
  await writeTree(join(tmp, "one"), { "file.bin": bytes(1_000_003, 9) });
  for (
    const [name, content] of [["folder", src], ["file", join(tmp, "one", "file.bin")]] as const
  ) {
    const { metainfo: meta } = await torrentOf(content, { pieceLength: 16384 });
    for (const holdBytes of [8 << 20, 0, 3 * 16384]) {
      const dir = join(tmp, `dl-${name}-${holdBytes}`);
      const fed = await feed(meta, content, dir, shuffled(meta.pieceCount, holdBytes + 7), {
        holdBytes,
      });
      const result = await fed.pass.result();
      if (holdBytes === 0) {
        assert((result?.piecesRead ?? 0) > 0, `${name}: with nothing held, pieces are read back`);
      }
      await assertSameAsRehash(fed, meta, dir);
      await new Promise((r) => fed.store.close(r));
    }
  }
});

Deno.test("single pass: a resumed download reads back and checks the pieces it did not verify", async () => {
  const tmp = await tempDir();
  const src = await makeDataset(join(tmp, "src"));
  const { metainfo: meta } = await torrentOf(src, { pieceLength: 16384 });
  const order = shuffled(meta.pieceCount, 42);
  const trusted = Math.floor(meta.pieceCount / 2);
  const dir = join(tmp, "dl");
  const fed = await feed(meta, src, dir, order, { trusted });
  const result = await fed.pass.result();
  assertEquals(result?.piecesChecked, trusted, "every trusted piece is checked against its SHA-1");
  await assertSameAsRehash(fed, meta, dir);
  await new Promise((r) => fed.store.close(r));

  // A trusted piece that is damaged on disk fails the piece check, as a fresh check finds.
  const bad = order[3]!;
  const dir2 = join(tmp, "dl2");
  const damaged = await feed(meta, src, dir2, order, { trusted, corrupt: bad });
  const report = await damaged.pass.result();
  assertEquals(report?.pieces.piecesBad, [bad]);
  assertEquals(report?.pieces.ok, false);
  await assertSameAsRehash(damaged, meta, dir2);
  await new Promise((r) => damaged.store.close(r));
});

Deno.test("single pass: a file changed after it was hashed, or one the torrent does not list, gives way to a re-hash", async () => {
  const tmp = await tempDir();
  const src = await makeDataset(join(tmp, "src"));
  const { metainfo: meta } = await torrentOf(src, { pieceLength: 16384 });
  const all = [...Array(meta.pieceCount).keys()];

  const changed = await feed(meta, src, join(tmp, "a"), all);
  const file = join(changed.contentPath, "nested", "c.csv");
  const data = await Deno.readFile(file);
  data[10]! ^= 1;
  await Deno.writeFile(file, data);
  await Deno.utime(file, new Date(), new Date(Date.now() + 5000));
  assertEquals(await changed.pass.result(), undefined, "a changed file: no single-pass result");
  await new Promise((r) => changed.store.close(r));

  const extra = await feed(meta, src, join(tmp, "b"), all);
  await Deno.writeTextFile(join(extra.contentPath, "unlisted.txt"), "not in the torrent");
  assertEquals(await extra.pass.result(), undefined, "an unlisted file: no single-pass result");
  await new Promise((r) => extra.store.close(r));
});

Deno.test("single pass: a real download from two seeders, killed with SIGKILL mid-way and restarted, equals a fresh re-hash", async () => {
  const tmp = await tempDir();
  const src = await makeDataset(join(tmp, "src"), { a: 3_000_000, b: 1_000_000, c: 500_000 });
  const { bytes: torrent, metainfo: meta } = await torrentOf(src, { pieceLength: 32768 });
  const torrentPath = join(tmp, "t.torrent");
  await Deno.writeFile(torrentPath, torrent);
  await using seederA = await TorrentSession.open(testSessionOptions(join(tmp, "seed-a")));
  await using seederB = await TorrentSession.open(testSessionOptions(join(tmp, "seed-b")));
  await seederA.seed(src, torrent);
  await seederB.seed(src, torrent);
  const dir = join(tmp, "dl");
  const state = join(tmp, "state");

  const { piecesHave: have } = await killedDownload({
    torrentPath,
    dir,
    state,
    peer: `127.0.0.1:${seederA.port}`,
    limit: 800_000,
    killAt: (status) => status.piecesHave >= meta.pieceCount / 3,
  });
  assert(have < meta.pieceCount, "killed before completion");

  await using leecher = await TorrentSession.open({ ...testSessionOptions(state), tracker: false });
  let pass: SinglePass | null = null;
  const handle = await leecher.add(torrentPath, {
    dir,
    peers: [`127.0.0.1:${seederA.port}`, `127.0.0.1:${seederB.port}`],
    sink: (m, layout, read) => pass = SinglePass.create(m, layout, ["md5", "sha256"], read),
  });
  await handle.done({ timeoutMs: 60_000 });
  const result = await (pass as SinglePass | null)?.result();
  assert(result, "the restarted download has a single-pass result");
  const fresh = await digestContent(handle.contentPath!, ["md5", "sha256"]);
  assertEquals(result.content?.digests, fresh.digests, "digests equal a fresh full re-hash");
  assertEquals(result.pieces.ok, true);
  assertEquals(result.pieces.piecesBad, []);
  assert(result.piecesChecked > 0, "pieces kept from the killed run were checked");
  assertEquals((await verifyPieces(meta, dir)).ok, true);
});
