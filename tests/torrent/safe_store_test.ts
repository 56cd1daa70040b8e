import { join } from "node:path";
import { encodeBencode } from "../../lib/torrent/bencode.ts";
import { TorrentError } from "../../lib/torrent/errors.ts";
import { planLayout } from "../../lib/torrent/layout.ts";
import { parseMetainfo } from "../../lib/torrent/metainfo.ts";
import { SafeChunkStore } from "../../lib/torrent/safe_store.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_assert.ts";
import { tempDir } from "./_fixtures.ts";

const meta = parseMetainfo(encodeBencode({
  info: {
    name: "t",
    "piece length": 16,
    pieces: new Uint8Array(40),
    files: [
      { length: 10, path: ["sub", "a"] },
      { length: 6, path: [".pad", "6"], attr: "p" },
      { length: 16, path: ["b"] },
    ],
  },
}));

function put(store: SafeChunkStore, index: number, buf: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) =>
    store.put(index, buf, (err) => err ? reject(err) : resolve())
  );
}

function get(store: SafeChunkStore, index: number, opts?: { offset?: number; length?: number }) {
  return new Promise<Uint8Array>((resolve, reject) =>
    store.get(index, opts ?? null, (err, buf) => err ? reject(err) : resolve(buf!))
  );
}

function close(store: SafeChunkStore): Promise<void> {
  return new Promise((resolve) => store.close(() => resolve()));
}

Deno.test("SafeChunkStore writes pieces to the layout's files and never writes pad bytes", async () => {
  const dir = await tempDir();
  const store = new SafeChunkStore(planLayout(meta, { dir }), { mode: "readwrite" });
  const piece0 = new Uint8Array(16).map((_, i) => i + 1);
  piece0.fill(0, 10);
  await put(store, 0, piece0);
  assertEquals(await get(store, 0), piece0);
  assertEquals(await get(store, 0, { offset: 8, length: 4 }), piece0.slice(8, 12));
  await assertRejects(() => get(store, 1), Error, "shorter than the torrent says");
  assertEquals(store.firstError, null, "a missing piece is not an I/O error");
  await close(store);
  assertEquals(await Deno.readFile(join(dir, "t", "sub", "a")), piece0.slice(0, 10));
  await assertRejects(() => Deno.stat(join(dir, "t", ".pad")), Deno.errors.NotFound);
});

Deno.test("SafeChunkStore refuses a directory symlink that leads outside the download folder", async () => {
  const dir = await tempDir();
  const outside = await tempDir();
  await Deno.mkdir(join(dir, "t"));
  await Deno.symlink(outside, join(dir, "t", "sub"));
  const store = new SafeChunkStore(planLayout(meta, { dir }), { mode: "readwrite" });
  const error = await assertRejects(() => put(store, 0, new Uint8Array(16)), TorrentError);
  assertStringIncludes(error.message, "leads outside");
  assertEquals([...Deno.readDirSync(outside)], [], "nothing was written outside");
  assert(store.firstError !== null);
  await close(store);
});

Deno.test("SafeChunkStore refuses to write through a file symlink", async () => {
  const dir = await tempDir();
  const outside = await tempDir();
  await Deno.writeFile(join(outside, "victim"), new Uint8Array([1, 2, 3]));
  await Deno.mkdir(join(dir, "t"));
  await Deno.symlink(join(outside, "victim"), join(dir, "t", "b"));
  const store = new SafeChunkStore(planLayout(meta, { dir }), { mode: "readwrite" });
  const error = await assertRejects(() => put(store, 1, new Uint8Array(16)), TorrentError);
  assertStringIncludes(error.message, "symbolic link");
  assertEquals(await Deno.readFile(join(outside, "victim")), new Uint8Array([1, 2, 3]));
  await close(store);
});

Deno.test("SafeChunkStore in read mode never writes", async () => {
  const dir = await tempDir();
  const store = new SafeChunkStore(planLayout(meta, { dir }), { mode: "read" });
  await assertRejects(() => put(store, 1, new Uint8Array(16)), TorrentError, "read-only");
  await assertRejects(() => get(store, 1), TorrentError);
  await close(store);
  await assertRejects(() => Deno.stat(join(dir, "t")), Deno.errors.NotFound);
});

Deno.test("SafeChunkStore.barrier() holds new writes until it returns", async () => {
  const dir = await tempDir();
  const store = new SafeChunkStore(planLayout(meta, { dir }), { mode: "readwrite" });
  let written = false;
  await store.barrier(async () => {
    const pending = put(store, 1, new Uint8Array(16).fill(7)).then(() => written = true);
    await new Promise((r) => setTimeout(r, 50));
    assertEquals(written, false);
    void pending;
  });
  while (!written) await new Promise((r) => setTimeout(r, 5));
  const stamps = await store.stamps();
  assertEquals(stamps.get(join(dir, "t", "b"))?.size, 16);
  await close(store);
});
