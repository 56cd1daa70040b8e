import { createHash } from "node:crypto";
import { join } from "node:path";
import { encodeBencode } from "../../lib/torrent/bencode.ts";
import { createTorrent } from "../../lib/torrent/create.ts";
import { parseMetainfo } from "../../lib/torrent/metainfo.ts";
import { verifyPieces, type VerifyPiecesProgress } from "../../lib/torrent/verify_pieces.ts";
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { bytes as bytesOf, withTempDir } from "./_fixtures.ts";

/** A folder "set" of four files (one empty, one nested) and its torrent, 16 KiB pieces. */
async function dataset(dir: string) {
  const root = join(dir, "set");
  await Deno.mkdir(join(root, "sub"), { recursive: true });
  await Deno.writeFile(join(root, "a.bin"), bytesOf(30_000, 1));
  await Deno.writeFile(join(root, "empty"), new Uint8Array());
  await Deno.writeFile(join(root, "sub", "b.bin"), bytesOf(50_000, 2));
  await Deno.writeFile(join(root, "z.txt"), new TextEncoder().encode("tail"));
  return (await createTorrent(root, { pieceLength: 16384 })).metainfo;
}

Deno.test("verifyPieces() passes intact data, streaming across file boundaries", async () => {
  await withTempDir(async (dir) => {
    const meta = await dataset(dir);
    const progress: VerifyPiecesProgress[] = [];
    const report = await verifyPieces(meta, dir, { onProgress: (p) => progress.push(p) });
    assertEquals(report, {
      ok: true,
      piecesTotal: 5,
      piecesBad: [],
      missingFiles: [],
      sizeMismatches: [],
    });
    assertEquals(progress.at(-1), {
      bytesChecked: 80_004,
      bytesTotal: 80_004,
      piecesChecked: 5,
      piecesTotal: 5,
    });
  });
});

Deno.test("verifyPieces() finds the piece holding a flipped byte", async () => {
  await withTempDir(async (dir) => {
    const meta = await dataset(dir);
    const path = join(dir, "set", "sub", "b.bin");
    const data = await Deno.readFile(path);
    data[20_000] = data[20_000]! ^ 0x01; // byte 30,000 + 20,000 of the torrent: piece 3
    await Deno.writeFile(path, data);
    const report = await verifyPieces(meta, dir);
    assertEquals([report.ok, report.piecesBad, report.missingFiles], [false, [3], []]);
  });
});

Deno.test("verifyPieces() reports a missing file and the pieces it spans", async () => {
  await withTempDir(async (dir) => {
    const meta = await dataset(dir);
    await Deno.remove(join(dir, "set", "a.bin"));
    await Deno.remove(join(dir, "set", "empty"));
    const report = await verifyPieces(meta, dir);
    assertEquals(report.missingFiles, ["set/a.bin", "set/empty"]);
    assertEquals(report.piecesBad, [0, 1]);
    assert(!report.ok);
  });
});

Deno.test("verifyPieces() reports size mismatches for short and long files", async () => {
  await withTempDir(async (dir) => {
    const meta = await dataset(dir);
    await Deno.truncate(join(dir, "set", "a.bin"), 20_000);
    await Deno.writeFile(join(dir, "set", "z.txt"), new TextEncoder().encode("tail, and more"));
    const report = await verifyPieces(meta, dir);
    assertEquals(report.sizeMismatches, ["set/a.bin", "set/z.txt"]);
    assertEquals(report.piecesBad, [1]); // the bytes after a.bin's cut; z.txt's own bytes match
    assert(!report.ok);
  });
});

Deno.test("verifyPieces() counts a symbolic link or folder in a file's place as missing", async () => {
  await withTempDir(async (dir) => {
    const meta = await dataset(dir);
    const target = join(dir, "elsewhere.bin");
    await Deno.rename(join(dir, "set", "a.bin"), target);
    await Deno.symlink(target, join(dir, "set", "a.bin"));
    await Deno.remove(join(dir, "set", "z.txt"));
    await Deno.mkdir(join(dir, "set", "z.txt"));
    const report = await verifyPieces(meta, dir);
    assertEquals(report.missingFiles, ["set/a.bin", "set/z.txt"]);
  });
});

Deno.test("verifyPieces() reads pad files as zeros without looking for them", async () => {
  await withTempDir(async (dir) => {
    const first = bytesOf(1000, 7);
    const second = bytesOf(500, 8);
    const piece0 = new Uint8Array(16384);
    piece0.set(first);
    const sha1 = (b: Uint8Array) => createHash("sha1").update(b).digest();
    const meta = parseMetainfo(encodeBencode({
      info: {
        name: "padded",
        "piece length": 16384,
        pieces: new Uint8Array([...sha1(piece0), ...sha1(second)]),
        files: [
          { length: 1000, path: ["one"] },
          { length: 15384, attr: "p", path: [".pad", "15384"] },
          { length: 500, path: ["two"] },
        ],
      },
    }));
    await Deno.mkdir(join(dir, "padded"));
    await Deno.writeFile(join(dir, "padded", "one"), first);
    await Deno.writeFile(join(dir, "padded", "two"), second);
    const report = await verifyPieces(meta, dir);
    assert(report.ok, JSON.stringify(report));
    assertEquals([...Deno.readDirSync(join(dir, "padded"))].length, 2);
  });
});

Deno.test("verifyPieces() stops when its signal is aborted", async () => {
  await withTempDir(async (dir) => {
    const meta = await dataset(dir);
    const controller = new AbortController();
    controller.abort(new Error("cancelled"));
    await assertRejects(
      () => verifyPieces(meta, dir, { signal: controller.signal }),
      Error,
      "cancelled",
    );
  });
});
