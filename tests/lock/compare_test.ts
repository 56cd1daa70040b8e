/**
 * compareContent() against a lock entry, one kind of difference at a time: a
 * missing file, a resized file, an extra file and changed bytes each give
 * exactly their own mismatch (and matching content none); compareRecorded()
 * reports a changed torrent file name and infohash.
 */
import { join } from "node:path";
import { CSVDataSource } from "../../lib/datasource/csv_data_source.ts";
import { hashFile } from "../../lib/integrity/hash.ts";
import { compareContent, compareRecorded } from "../../lib/lock/compare.ts";
import { snapshotContent } from "../../lib/lock/content_files.ts";
import type { LockEntry } from "../../lib/lock/lock_format.ts";
import { assertEquals } from "../_assert.ts";
import { withTempDir, writeTree } from "../torrent/_fixtures.ts";

const INFOHASH = "a".repeat(40);
const text = (s: string) => new TextEncoder().encode(s);

async function pinned(dir: string): Promise<LockEntry> {
  await writeTree(join(dir, "dataset"), {
    "a.csv": text("x,y\n1,2\n"),
    "nested/b.bin": new Uint8Array([1, 2, 3, 4, 5]),
    "nested/c.txt": text("three"),
  });
  const files = await snapshotContent(join(dir, "dataset"));
  return {
    iri: "http://example.org/ds#k",
    id: "CSVDataSource:k",
    infoHash: INFOHASH,
    torrentFileName: "k.torrent",
    size: files.reduce((sum, f) => sum + f.size, 0),
    fileCount: files.length,
    files,
  };
}

Deno.test("compareContent(): matching content has no mismatch", async () => {
  await withTempDir(async (dir) => {
    const entry = await pinned(dir);
    assertEquals(entry.files.map((f) => f.path), [
      "dataset/a.csv",
      "dataset/nested/b.bin",
      "dataset/nested/c.txt",
    ]);
    assertEquals(await compareContent(dir, entry), []);
  });
});

Deno.test("compareContent(): a missing file is a missing-file mismatch, and only that", async () => {
  await withTempDir(async (dir) => {
    const entry = await pinned(dir);
    await Deno.remove(join(dir, "dataset", "nested", "b.bin"));
    assertEquals(await compareContent(dir, entry), [
      { kind: "missing-file", path: "dataset/nested/b.bin", expected: 5, actual: null },
    ]);
  });
});

Deno.test("compareContent(): a resized file is a size mismatch (with its SHA-256)", async () => {
  await withTempDir(async (dir) => {
    const entry = await pinned(dir);
    const path = join(dir, "dataset", "nested", "c.txt");
    await Deno.writeTextFile(path, "three!");
    const sha256 = (await hashFile(path, ["sha256"])).sha256;
    assertEquals(await compareContent(dir, entry), [
      { kind: "size", path: "dataset/nested/c.txt", expected: 5, actual: 6 },
      {
        kind: "sha256",
        path: "dataset/nested/c.txt",
        expected: entry.files[2]!.sha256,
        actual: sha256,
      },
    ]);
  });
});

Deno.test("compareContent(): an extra file is an extra-file mismatch, and only that", async () => {
  await withTempDir(async (dir) => {
    const entry = await pinned(dir);
    await Deno.writeTextFile(join(dir, "dataset", "nested", "added.txt"), "new!");
    assertEquals(await compareContent(dir, entry), [
      { kind: "extra-file", path: "dataset/nested/added.txt", expected: null, actual: 4 },
    ]);
  });
});

Deno.test("compareContent(): changed bytes of the same size are a sha256 mismatch, and only that", async () => {
  await withTempDir(async (dir) => {
    const entry = await pinned(dir);
    const path = join(dir, "dataset", "a.csv");
    await Deno.writeTextFile(path, "x,y\n1,3\n");
    assertEquals(await compareContent(dir, entry), [
      {
        kind: "sha256",
        path: "dataset/a.csv",
        expected: entry.files[0]!.sha256,
        actual: (await hashFile(path, ["sha256"])).sha256,
      },
    ]);
  });
});

Deno.test("compareContent(): no content at all is every pinned file missing", async () => {
  await withTempDir(async (dir) => {
    const entry = await pinned(dir);
    await Deno.remove(join(dir, "dataset"), { recursive: true });
    assertEquals(
      (await compareContent(dir, entry)).map((m) => [m.kind, m.path]),
      entry.files.map((f) => ["missing-file", f.path]),
    );
  });
});

Deno.test("compareRecorded(): a changed torrent file name and a changed infohash", async () => {
  await withTempDir(async (dir) => {
    const entry = await pinned(dir);
    const same = new CSVDataSource({ key: "k", torrentFileName: "k.torrent", infoHash: INFOHASH });
    assertEquals(compareRecorded(same, entry), []);
    assertEquals(compareRecorded(same, entry, INFOHASH.toUpperCase()), []);
    const renamed = new CSVDataSource({ key: "k", torrentFileName: "other.torrent" });
    assertEquals(compareRecorded(renamed, entry), [
      { kind: "torrent-file-name", expected: "k.torrent", actual: "other.torrent" },
    ]);
    const found = "b".repeat(40);
    assertEquals(compareRecorded(same, entry, found), [
      { kind: "infohash", expected: INFOHASH, actual: found },
    ]);
  });
});
