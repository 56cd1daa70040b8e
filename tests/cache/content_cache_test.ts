/**
 * The shared content cache on real files: adding (clones by default, hard
 * links when opted into, read-only, the record), lookups by infohash and SHA-256, damaged entries, placing
 * content into a store, concurrent adds from two processes, and collection
 * by size, age and all, around folders being written.
 */
import { join } from "node:path";
import { ContentCache } from "../../lib/cache/content_cache.ts";
import { planGc } from "../../lib/cache/gc.ts";
import { placeTree, unshareTree } from "../../lib/cache/link.ts";
import type { CacheEntryRecord } from "../../lib/cache/entry.ts";
import { digestContent } from "../../lib/integrity/content_digest.ts";
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import {
  assertSameTree,
  bytes,
  makeDataset,
  torrentOf,
  withTempDir,
} from "../torrent/_fixtures.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

async function dataset(root: string, seed = 1): Promise<{ path: string; sha256: string }> {
  const path = await makeDataset(join(root, `src-${seed}`), {
    a: 100_000 + seed,
    b: 50_000,
    c: 20_000 * seed,
  });
  return { path, sha256: (await digestContent(path, ["sha256"])).digests.sha256 };
}

async function entryDirs(cacheDir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(join(cacheDir, "v1", "entries"))) out.push(e.name);
  return out.sort();
}

async function tmpNames(cacheDir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(join(cacheDir, "v1", "tmp"))) out.push(e.name);
  return out.sort();
}

Deno.test("ContentCache.add keeps content once, cloned (a file of its own) and read-only, with its record", async () => {
  await withTempDir(async (tmp) => {
    const { path, sha256 } = await dataset(tmp);
    const { metainfo } = await torrentOf(path);
    const cache = new ContentCache(join(tmp, "cache"));
    const entry = await cache.add(path, metainfo, { sha256, home: "/stores/a" });
    assertEquals(entry.record.infoHash, metainfo.infoHash);
    assertEquals(entry.record.sha256, sha256);
    assertEquals(entry.record.name, "dataset");
    assertEquals(entry.record.files, 4);
    assertEquals(entry.record.size, 100_001 + 50_000 + 20_000);
    assertEquals(entry.record.homes, ["/stores/a"]);
    assertEquals(
      entry.contentPath,
      join(cache.dir, "v1", "entries", metainfo.infoHash, "content", "dataset"),
    );
    await assertSameTree(entry.contentPath, path);
    const cached = await Deno.stat(join(entry.contentPath, "nested", "deeper", "b.bin"));
    assertEquals(cached.mode! & 0o777, 0o444, "cache files are read-only");
    assertEquals(cached.nlink, 1, "its own file: the source is not linked to it");
    assertEquals(cache.mode, "clone", "clones by default");
    const record = JSON.parse(
      await Deno.readTextFile(join(cache.dir, "v1", "entries", metainfo.infoHash, "entry.json")),
    );
    assertEquals(record.infoHash, metainfo.infoHash);
    assertEquals(typeof record.addedAt, "string");
    assertEquals(await tmpNames(cache.dir), [], "nothing left in tmp/");
  });
});

Deno.test("ContentCache finds entries by infohash and by SHA-256, even with a stale pointer", async () => {
  await withTempDir(async (tmp) => {
    const { path, sha256 } = await dataset(tmp);
    const { metainfo } = await torrentOf(path);
    const cache = new ContentCache(join(tmp, "cache"));
    assertEquals(await cache.get(metainfo.infoHash), undefined);
    await cache.add(path, metainfo, { sha256 });
    assertEquals((await cache.get(metainfo.infoHash.toUpperCase()))?.record.sha256, sha256);
    assertEquals((await cache.findBySha256(sha256))?.record.infoHash, metainfo.infoHash);
    assertEquals(
      (await cache.lookup({ infoHash: "f".repeat(40), sha256 }))?.meta.infoHash,
      metainfo.infoHash,
    );
    assertEquals(await cache.findBySha256("0".repeat(64)), undefined);
    // A pointer to an entry that is gone: the records are searched instead.
    await Deno.writeTextFile(join(cache.dir, "v1", "sha256", sha256), `${"e".repeat(40)}\n`);
    assertEquals((await cache.findBySha256(sha256))?.record.infoHash, metainfo.infoHash);
    assertEquals(
      (await Deno.readTextFile(join(cache.dir, "v1", "sha256", sha256))).trim(),
      metainfo.infoHash,
      "the pointer is mended",
    );
  });
});

Deno.test("ContentCache.add of content already there keeps one entry and records each home", async () => {
  await withTempDir(async (tmp) => {
    const { path } = await dataset(tmp);
    const { metainfo } = await torrentOf(path);
    const cache = new ContentCache(join(tmp, "cache"));
    const first = await cache.add(path, metainfo, { home: "/stores/a" });
    await new Promise((r) => setTimeout(r, 5));
    const { sha256 } = await dataset(join(tmp, "again"));
    const second = await cache.add(path, metainfo, { home: "/stores/b", sha256 });
    assertEquals(await entryDirs(cache.dir), [metainfo.infoHash]);
    assertEquals(second.record.homes, ["/stores/a", "/stores/b"]);
    assertEquals(second.record.sha256, sha256, "a SHA-256 learnt later is recorded");
    assertEquals(second.record.addedAt, first.record.addedAt);
    assert(second.record.lastUsedAt > first.record.lastUsedAt, "last use moves on");
  });
});

/** The lines of a stream, one per next() call ("" at the end). */
function lines(stream: ReadableStream<Uint8Array>): { next(): Promise<string> } {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  return {
    async next() {
      while (!buffer.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
      }
      const at = buffer.indexOf("\n");
      const line = at < 0 ? buffer : buffer.slice(0, at);
      buffer = at < 0 ? "" : buffer.slice(at + 1);
      return line;
    },
  };
}

Deno.test("three processes adding the same content at once leave one whole entry", async () => {
  await withTempDir(async (tmp) => {
    const { path } = await dataset(tmp);
    const { bytes: torrent, metainfo } = await torrentOf(path);
    const torrentPath = join(tmp, "t.torrent");
    await Deno.writeFile(torrentPath, torrent);
    const cacheDir = join(tmp, "cache");
    const workers = ["/stores/a", "/stores/b", "/stores/c"].map((home) =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--quiet",
          "--allow-all",
          `--config=${join(ROOT, "deno.json")}`,
          join(ROOT, "tests/cache/_add_worker.ts"),
          cacheDir,
          path,
          torrentPath,
          home,
        ],
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn()
    );
    // Each worker says "ready" once loaded, then waits for "go" on stdin: all three start at once.
    const outputs = workers.map((w) => lines(w.stdout));
    for (const output of outputs) assertEquals(await output.next(), "ready");
    await Promise.all(workers.map(async (w) => {
      const writer = w.stdin.getWriter();
      await writer.write(new TextEncoder().encode("go\n"));
      await writer.close();
    }));
    const records: CacheEntryRecord[] = [];
    for (const [i, worker] of workers.entries()) {
      const status = await worker.status;
      const stderr = await new Response(worker.stderr).text();
      assertEquals(status.code, 0, stderr);
      records.push(JSON.parse(await outputs[i]!.next()));
    }
    assert(records.every((r) => r.infoHash === metainfo.infoHash));
    assertEquals(await entryDirs(cacheDir), [metainfo.infoHash], "one entry");
    assertEquals(await tmpNames(cacheDir), [], "the losers' folders are gone");
    const entry = (await new ContentCache(cacheDir).get(metainfo.infoHash))!;
    assertEquals(entry.record.homes.sort(), ["/stores/a", "/stores/b", "/stores/c"]);
    await assertSameTree(entry.contentPath, path);
  });
});

Deno.test("an entry whose record or torrent is damaged is dropped, not served", async () => {
  await withTempDir(async (tmp) => {
    const { path } = await dataset(tmp);
    const { metainfo } = await torrentOf(path);
    const cache = new ContentCache(join(tmp, "cache"));
    const entryDir = join(cache.dir, "v1", "entries", metainfo.infoHash);
    await cache.add(path, metainfo);
    await Deno.writeTextFile(join(entryDir, "entry.json"), "{ not json");
    assertEquals(await cache.get(metainfo.infoHash), undefined);
    assertEquals(await entryDirs(cache.dir), [], "dropped");

    await cache.add(path, metainfo);
    await Deno.chmod(join(entryDir, "meta.torrent"), 0o644);
    await Deno.writeFile(
      join(entryDir, "meta.torrent"),
      (await torrentOf(join(path, "a.bin"))).bytes,
    );
    assertEquals(await cache.get(metainfo.infoHash), undefined, "a torrent of other content");
    assertEquals(await entryDirs(cache.dir), []);
  });
});

Deno.test("materialize: private writable clones by default, copies in mode copy, hard links only in mode hardlink", async () => {
  await withTempDir(async (tmp) => {
    const { path } = await dataset(tmp);
    const { metainfo } = await torrentOf(path);
    const cloning = new ContentCache(join(tmp, "cache0"));
    const entry0 = await cloning.add(path, metainfo);
    const cloned = await cloning.materialize(entry0, join(tmp, "store-0", "dataset"));
    assertEquals([cloned.linked, cloned.cloned, cloned.copied], [0, 4, 0]);
    const clone = await Deno.stat(join(tmp, "store-0", "dataset", "nested", "deeper", "b.bin"));
    assertEquals([clone.nlink, clone.mode! & 0o777], [1, 0o644], "a private, writable file");
    await assertSameTree(join(tmp, "store-0", "dataset"), path);

    const linked = new ContentCache(join(tmp, "cache"), { mode: "hardlink" });
    const entry = await linked.add(path, metainfo);
    assertEquals((await Deno.stat(join(entry.contentPath, "a.bin"))).nlink, 2, "linked in");
    const placed = await linked.materialize(entry, join(tmp, "store-a", "dataset"));
    assertEquals([placed.linked, placed.cloned, placed.copied], [4, 0, 0]);
    await assertSameTree(join(tmp, "store-a", "dataset"), path);
    await assertRejects(
      () => linked.materialize(entry, join(tmp, "store-a", "dataset")),
      Deno.errors.AlreadyExists,
    );

    const copying = new ContentCache(join(tmp, "cache2"), { mode: "copy" });
    const entry2 = await copying.add(join(tmp, "store-a", "dataset"), metainfo);
    const b = join(entry2.contentPath, "nested", "deeper", "b.bin");
    assertEquals((await Deno.stat(b)).nlink, 1, "copied into the cache");
    const report = await copying.materialize(entry2, join(tmp, "store-b", "dataset"));
    assertEquals([report.linked, report.cloned, report.copied], [0, 0, 4]);
    const copy = await Deno.stat(join(tmp, "store-b", "dataset", "nested", "deeper", "b.bin"));
    assertEquals([copy.nlink, copy.mode! & 0o777], [1, 0o644], "a private, writable copy");
    await assertSameTree(join(tmp, "store-b", "dataset"), path);
  });
});

Deno.test("unshareTree gives shared and read-only files private writable copies, same bytes and mtime", async () => {
  await withTempDir(async (tmp) => {
    const { path } = await dataset(tmp);
    await placeTree(path, join(tmp, "copy"), { mode: "hardlink" });
    const shared = join(tmp, "copy", "a.bin");
    await Deno.chmod(shared, 0o444);
    const before = await Deno.stat(shared);
    assertEquals(before.nlink, 2);
    assertEquals(await unshareTree(join(tmp, "copy")), 4, "every file was a link");
    const after = await Deno.stat(shared);
    assertEquals([after.nlink, after.mode! & 0o777], [1, 0o644]);
    assertEquals(after.mtime?.getTime(), before.mtime?.getTime());
    assertEquals((await Deno.stat(join(path, "a.bin"))).nlink, 1, "the source is alone again");
    await assertSameTree(join(tmp, "copy"), path);
    assertEquals(await unshareTree(join(tmp, "copy")), 0);
  });
});

function record(infoHash: string, size: number, lastUsedAt: string): CacheEntryRecord {
  return {
    version: 1,
    infoHash,
    sha256: null,
    name: "x",
    size,
    files: 1,
    addedAt: lastUsedAt,
    lastUsedAt,
    homes: [],
  };
}

Deno.test("planGc: all, by age, then least recently used until the size fits", () => {
  const now = new Date("2024-06-30T00:00:00Z");
  const a = record("a".repeat(40), 100, "2024-01-01T00:00:00Z");
  const b = record("b".repeat(40), 200, "2024-06-01T00:00:00Z");
  const c = record("c".repeat(40), 300, "2024-06-29T00:00:00Z");
  const ids = (rs: CacheEntryRecord[]) => rs.map((r) => r.infoHash[0]).join("");
  assertEquals(ids(planGc([c, a, b], { all: true }, now).remove), "abc");
  assertEquals(ids(planGc([c, a, b], {}, now).remove), "");
  assertEquals(ids(planGc([c, a, b], { olderThanDays: 20 }, now).remove), "ab");
  assertEquals(ids(planGc([c, a, b], { maxSizeBytes: 500 }, now).remove), "a");
  assertEquals(ids(planGc([c, a, b], { maxSizeBytes: 299 }, now).remove), "abc");
  assertEquals(ids(planGc([c, a, b], { maxSizeBytes: 300 }, now).keep), "c");
  assertEquals(ids(planGc([c, a, b], { olderThanDays: 100, maxSizeBytes: 300 }, now).remove), "ab");
});

Deno.test("gc by size, age and all removes least recently used first; a dry run removes nothing", async () => {
  await withTempDir(async (tmp) => {
    const cache = new ContentCache(join(tmp, "cache"));
    const metas = [];
    for (const seed of [1, 2, 3]) {
      const { path } = await dataset(tmp, seed);
      const { metainfo } = await torrentOf(path);
      await cache.add(path, metainfo);
      metas.push(metainfo);
      await new Promise((r) => setTimeout(r, 5));
    }
    await cache.touch(metas[0]!.infoHash, { home: "/stores/z" }); // now the most recent
    const sizes = (await cache.list()).map((r) => r.size);
    const total = sizes.reduce((s, n) => s + n, 0);

    const dry = await cache.gc({ maxSizeBytes: total - 1, dryRun: true });
    assertEquals(dry.removed.map((r) => r.infoHash), [metas[1]!.infoHash]);
    assertEquals(dry.dryRun, true);
    assertEquals((await cache.list()).length, 3, "a dry run removes nothing");

    const bySize = await cache.gc({ maxSizeBytes: total - 1 });
    assertEquals(
      bySize.removed.map((r) => r.infoHash),
      [metas[1]!.infoHash],
      "the least recently used",
    );
    assertEquals(bySize.removedBytes, bySize.removed[0]!.size);
    assert(
      bySize.freedBytes >= bySize.removedBytes,
      "its own files (clones, no store links them): all freed, its torrent and record too",
    );
    assertEquals(bySize.kept, 2);
    assertEquals(await cache.get(metas[1]!.infoHash), undefined);

    const byAge = await cache.gc({ olderThanDays: 1, now: new Date(Date.now() + 2 * 86_400_000) });
    assertEquals(byAge.removed.length, 2, "both unused for over a day by then");
    assertEquals((await cache.list()).length, 0);

    const { path, sha256 } = await dataset(tmp, 4);
    await cache.add(path, (await torrentOf(path)).metainfo, { sha256 });
    assert((await cache.findBySha256(sha256)) !== undefined);
    assertEquals((await cache.gc({ olderThanDays: 1 })).removed.length, 0, "used today: kept");
    const all = await cache.gc({ all: true });
    assertEquals(all.removed.length, 1);
    assertEquals(await entryDirs(cache.dir), []);
    assertEquals(await cache.findBySha256(sha256), undefined);
    assertEquals(
      await Deno.stat(join(cache.dir, "v1", "sha256", sha256)).then(() => true, () => false),
      false,
      "its SHA-256 pointer went with it",
    );
  });
});

Deno.test("gc never takes a folder being written, and removes abandoned ones", async () => {
  await withTempDir(async (tmp) => {
    const cache = new ContentCache(join(tmp, "cache"));
    const { path } = await dataset(tmp);
    await cache.add(path, (await torrentOf(path)).metainfo); // creates the layout
    const tmpDir = join(cache.dir, "v1", "tmp");
    // One being written (its lock held by another process), one abandoned (lock free).
    const busy = join(tmpDir, `${"1".repeat(40)}.99999.aaaaaaaa`);
    const dead = join(tmpDir, `${"2".repeat(40)}.99998.bbbbbbbb`);
    for (const dir of [busy, dead]) {
      await Deno.mkdir(join(dir, "content"), { recursive: true });
      await Deno.writeFile(join(dir, "content", "x"), bytes(1000, 7));
      await Deno.writeTextFile(`${dir}.lock`, "");
    }
    const holder = new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `const f = await Deno.open(${JSON.stringify(`${busy}.lock`)}, { read: true, write: true });
         await f.lock(true); console.log("locked"); await new Promise((r) => setTimeout(r, 60000));`,
      ],
      stdout: "piped",
    }).spawn();
    const reader = holder.stdout.pipeThrough(new TextDecoderStream()).getReader();
    assertEquals((await reader.read()).value?.trim(), "locked");
    try {
      const report = await cache.gc({ olderThanDays: 1 });
      assertEquals(report.strays, 1);
      assertEquals(await tmpNames(cache.dir), [
        busy.split("/").at(-1)!,
        `${busy.split("/").at(-1)!}.lock`,
      ]);
      assertEquals(report.removed.length, 0, "the whole entry is recent");
    } finally {
      holder.kill("SIGKILL");
      await holder.status;
      reader.releaseLock();
      await holder.stdout.cancel().catch(() => {});
    }
    assertEquals(
      (await cache.gc({ olderThanDays: 1 })).strays,
      1,
      "abandoned once its writer died",
    );
    assertEquals(await tmpNames(cache.dir), []);
  });
});
