import { createHash } from "node:crypto";
import { join } from "node:path";
import createTorrentNpm from "create-torrent";
import { choosePieceLength, createTorrent, CreateTorrentError } from "../../lib/torrent/create.ts";
import { decodeBencode } from "../../lib/torrent/bencode.ts";
import { parseMetainfo } from "../../lib/torrent/metainfo.ts";
import { RefusedUrlError } from "../../lib/torrent/url_policy.ts";
import { InvalidInputError } from "../../lib/errors/invalid_input.ts";
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { bytes as bytesOf, withTempDir } from "./_fixtures.ts";

const enc = new TextEncoder();

/** The dataset used by several tests: nested folders, an empty file, pieces across files. */
const DATASET: [string, Uint8Array][] = [
  ["b.csv", bytesOf(10_000, 1)],
  ["a/nested/deep.bin", bytesOf(40_000, 2)],
  ["a/empty.txt", new Uint8Array()],
  ["a/z.txt", enc.encode("last file\n")],
  ["c d/é.txt", bytesOf(7, 3)],
];

async function writeDataset(root: string): Promise<void> {
  for (const [path, data] of DATASET) {
    const full = join(root, path);
    await Deno.mkdir(join(full, ".."), { recursive: true });
    await Deno.writeFile(full, data);
  }
}

/**
 * The torrent of the same files made by npm:create-torrent (an independent
 * implementation). Files are given as `File`s: create-torrent 6.1.3 hashes
 * wrongly after an empty `Uint8Array` input, but handles an empty `File`.
 */
async function referenceTorrent(
  name: string,
  files: { path: string[]; data: Uint8Array }[],
  pieceLength: number,
): Promise<Uint8Array> {
  const input = files.map(({ path, data }) =>
    new File(
      [data.slice()],
      files.length === 1 && path.length === 0 ? name : [name, ...path].join("/"),
    )
  );
  return await new Promise((resolve, reject) =>
    createTorrentNpm(
      input,
      { name, pieceLength, announceList: [] },
      (error: Error | null, torrent: Uint8Array) => error ? reject(error) : resolve(torrent),
    )
  );
}

function naivePieces(data: Uint8Array, pieceLength: number): Uint8Array {
  const out: number[] = [];
  for (let at = 0; at < data.length; at += pieceLength) {
    out.push(...createHash("sha1").update(data.subarray(at, at + pieceLength)).digest());
  }
  return new Uint8Array(out);
}

Deno.test("choosePieceLength() aims at 2,000 pieces or fewer, from 16 KiB to 16 MiB", () => {
  assertEquals(choosePieceLength(1), 16384);
  assertEquals(choosePieceLength(2000 * 16384), 16384);
  assertEquals(choosePieceLength(2000 * 16384 + 1), 32768);
  assertEquals(choosePieceLength(1024 ** 3), 1024 * 1024);
  assertEquals(choosePieceLength(10 * 1024 ** 4), 16 * 1024 * 1024);
});

Deno.test("createTorrent() makes a single-file torrent whose infohash matches npm:create-torrent", async () => {
  await withTempDir(async (dir) => {
    const data = bytesOf(100_000, 9);
    const path = join(dir, "data.bin");
    await Deno.writeFile(path, data);
    const { bytes, metainfo } = await createTorrent(path, { pieceLength: 16384 });
    assertEquals(metainfo.name, "data.bin");
    assertEquals(metainfo.files.map((f) => [f.path, f.length]), [["data.bin", 100_000]]);
    assertEquals(metainfo.pieceHashes, naivePieces(data, 16384));
    const reference = parseMetainfo(
      await referenceTorrent("data.bin", [{ path: [], data }], 16384),
    );
    assertEquals(metainfo.infoHash, reference.infoHash);
    assertEquals(parseMetainfo(bytes).infoHash, metainfo.infoHash);
  });
});

Deno.test("createTorrent() makes a multi-file torrent of nested folders and empty files, matching npm:create-torrent", async () => {
  await withTempDir(async (dir) => {
    const root = join(dir, "dataset");
    await writeDataset(root);
    const { metainfo } = await createTorrent(root, { pieceLength: 16384 });
    const sorted = [...DATASET].sort(([a], [b]) => {
      const [x, y] = [a.split("/"), b.split("/")];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
      }
      return x.length - y.length;
    });
    assertEquals(metainfo.files.map((f) => f.path), sorted.map(([p]) => `dataset/${p}`));
    assertEquals(metainfo.files.map((f) => f.path), [
      "dataset/a/empty.txt",
      "dataset/a/nested/deep.bin",
      "dataset/a/z.txt",
      "dataset/b.csv",
      "dataset/c d/é.txt",
    ]);
    const all = new Uint8Array(sorted.reduce((n, [, d]) => n + d.length, 0));
    let at = 0;
    for (const [, data] of sorted) {
      all.set(data, at);
      at += data.length;
    }
    assertEquals(metainfo.pieceHashes, naivePieces(all, 16384));
    const reference = parseMetainfo(
      await referenceTorrent(
        "dataset",
        sorted.map(([path, data]) => ({ path: path.split("/"), data })),
        16384,
      ),
    );
    assertEquals(metainfo.infoHash, reference.infoHash);
  });
});

Deno.test("createTorrent() is deterministic: same content, same bytes, wherever it lies", async () => {
  await withTempDir(async (dir) => {
    await writeDataset(join(dir, "one", "dataset"));
    await writeDataset(join(dir, "two", "dataset"));
    await Deno.utime(join(dir, "two", "dataset", "b.csv"), 1, 1);
    const first = await createTorrent(join(dir, "one", "dataset"));
    const again = await createTorrent(join(dir, "one", "dataset"));
    const elsewhere = await createTorrent(join(dir, "two", "dataset"));
    assertEquals(again.bytes, first.bytes);
    assertEquals(elsewhere.bytes, first.bytes);
    const root = decodeBencode(first.bytes);
    assert(root.type === "dictionary" && !root.value.has("creation date"));
  });
});

Deno.test("createTorrent() writes trackers, web seeds and the optional fields", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "f.txt");
    await Deno.writeTextFile(path, "hello");
    const { metainfo } = await createTorrent(path, {
      name: "renamed.txt",
      trackers: ["udp://t1.example:6969/announce", "http://t2.example/announce"],
      webSeeds: ["https://seed.example/files/"],
      private: true,
      comment: "a comment",
      createdBy: "owmeta-torrent test",
      creationDate: new Date("2024-01-02T03:04:05Z"),
    });
    assertEquals(metainfo.name, "renamed.txt");
    assertEquals(metainfo.announce, [
      "udp://t1.example:6969/announce",
      "http://t2.example/announce",
    ]);
    assertEquals(metainfo.urlList, ["https://seed.example/files/"]);
    assertEquals(
      [metainfo.private, metainfo.comment, metainfo.createdBy, metainfo.creationDate],
      [true, "a comment", "owmeta-torrent test", 1704164645],
    );
    const plain = await createTorrent(path, { name: "renamed.txt" });
    assert(plain.metainfo.infoHash !== metainfo.infoHash, "private changes the infohash");
  });
});

Deno.test("createTorrent() refuses bad options", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "f.txt");
    await Deno.writeTextFile(path, "hello");
    await assertRejects(() => createTorrent(path, { trackers: ["not a url"] }), RefusedUrlError);
    await assertRejects(() => createTorrent(path, { trackers: ["file:///etc"] }), RefusedUrlError);
    await assertRejects(() => createTorrent(path, { webSeeds: ["udp://x"] }), RefusedUrlError);
    await assertRejects(() => createTorrent(path, { pieceLength: 10000 }), InvalidInputError);
    await assertRejects(() => createTorrent(path, { pieceLength: 8192 }), InvalidInputError);
    await assertRejects(() => createTorrent(path, { name: "../x" }), InvalidInputError);
  });
});

Deno.test("createTorrent() follows a symbolic link to a file inside the folder", async () => {
  await withTempDir(async (dir) => {
    const root = join(dir, "set");
    await Deno.mkdir(root);
    await Deno.writeTextFile(join(root, "real.txt"), "data");
    await Deno.symlink("real.txt", join(root, "link.txt"));
    const { metainfo } = await createTorrent(root);
    assertEquals(metainfo.files.map((f) => [f.path, f.length]), [
      ["set/link.txt", 4],
      ["set/real.txt", 4],
    ]);
  });
});

Deno.test("createTorrent() refuses links out of the folder, links to folders, and special files", async () => {
  await withTempDir(async (dir) => {
    const root = join(dir, "set");
    await Deno.mkdir(root);
    await Deno.writeTextFile(join(root, "ok.txt"), "data");
    await Deno.writeTextFile(join(dir, "secret.txt"), "secret");
    await Deno.symlink(join(dir, "secret.txt"), join(root, "escape.txt"));
    await assertRejects(() => createTorrent(root), CreateTorrentError, "outside the folder");
    await Deno.remove(join(root, "escape.txt"));

    await Deno.mkdir(join(root, "sub"));
    await Deno.symlink("sub", join(root, "loop"));
    await assertRejects(() => createTorrent(root), CreateTorrentError, "link to a folder");
    await Deno.remove(join(root, "loop"));

    await Deno.symlink("missing", join(root, "broken"));
    await assertRejects(() => createTorrent(root), CreateTorrentError, "broken");
    await Deno.remove(join(root, "broken"));

    const status = await new Deno.Command("mkfifo", { args: [join(root, "pipe")] }).output();
    assert(status.success, "mkfifo");
    const error = await assertRejects(() => createTorrent(root), CreateTorrentError, "pipe");
    assertEquals(error.path, join(root, "pipe"));
  });
});

Deno.test("createTorrent() refuses a missing path, and content with no bytes", async () => {
  await withTempDir(async (dir) => {
    await assertRejects(
      () => createTorrent(join(dir, "nope")),
      CreateTorrentError,
      "does not exist",
    );
    await Deno.mkdir(join(dir, "empty", "sub"), { recursive: true });
    await assertRejects(() => createTorrent(join(dir, "empty")), CreateTorrentError, "no data");
    await Deno.writeFile(join(dir, "empty", "sub", "zero"), new Uint8Array());
    await assertRejects(() => createTorrent(join(dir, "empty")), CreateTorrentError, "no data");
  });
});

Deno.test("createTorrent() streams a file larger than its read buffer, reporting progress", async () => {
  await withTempDir(async (dir) => {
    const data = bytesOf(3 * 1024 * 1024 + 12345, 5);
    const path = join(dir, "big.bin");
    await Deno.writeFile(path, data);
    const seen: number[] = [];
    const { metainfo } = await createTorrent(path, {
      pieceLength: 65536,
      onProgress: (hashed, total) => {
        assertEquals(total, data.length);
        seen.push(hashed);
      },
    });
    assertEquals(metainfo.pieceHashes, naivePieces(data, 65536));
    assert(seen.length >= 4 && seen.at(-1) === data.length);
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await assertRejects(() => createTorrent(path, { signal: controller.signal }), Error, "stop");
  });
});
