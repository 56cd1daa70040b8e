import { join } from "node:path";
import { encodeBencode } from "../../lib/torrent/bencode.ts";
import { planLayout, segmentsOf, selectedBytesIn, wantedPieces } from "../../lib/torrent/layout.ts";
import { parseMetainfo } from "../../lib/torrent/metainfo.ts";
import { assertEquals, assertThrows } from "../_assert.ts";

function torrent(files: { length: number; path: string[]; attr?: string }[], pieceLength = 16) {
  const total = files.reduce((n, f) => n + f.length, 0);
  return parseMetainfo(encodeBencode({
    info: {
      name: "t",
      "piece length": pieceLength,
      pieces: new Uint8Array(20 * Math.ceil(total / pieceLength)),
      files,
    },
  }));
}

Deno.test("planLayout() places files under <dir>/<name> and a seed's files under its content path", () => {
  const meta = torrent([{ length: 10, path: ["a"] }, { length: 20, path: ["sub", "b"] }]);
  const down = planLayout(meta, { dir: "/data" });
  assertEquals(down.contentPath, "/data/t");
  assertEquals(down.files.map((f) => f.path), ["/data/t/a", "/data/t/sub/b"]);
  const seed = planLayout(meta, { contentPath: "/home/me/my-copy" });
  assertEquals(seed.files.map((f) => f.path), ["/home/me/my-copy/a", "/home/me/my-copy/sub/b"]);
  assertEquals(seed.base, "/home/me/my-copy");
});

Deno.test("planLayout() gives pad files no path and segmentsOf() reads them as zeros", () => {
  const meta = torrent([
    { length: 10, path: ["a"] },
    { length: 6, path: [".pad", "6"], attr: "p" },
    { length: 16, path: ["b"] },
  ]);
  const layout = planLayout(meta, { dir: "/d" });
  assertEquals(layout.files.map((f) => f.path), ["/d/t/a", null, "/d/t/b"]);
  assertEquals(segmentsOf(layout, 0), [
    { from: 0, to: 10, path: "/d/t/a", position: 0 },
    { from: 10, to: 16, path: null, position: 0 },
  ]);
  assertEquals(segmentsOf(layout, 1), [{ from: 0, to: 16, path: "/d/t/b", position: 0 }]);
  assertEquals(selectedBytesIn(layout, 0), 10);
});

Deno.test("segmentsOf() sends bytes of unselected files to the part file", () => {
  const meta = torrent([{ length: 10, path: ["a"] }, { length: 12, path: ["b"] }, {
    length: 0,
    path: ["e"],
  }]);
  const layout = planLayout(meta, { dir: "/d" }, { selected: [1], partPath: "/state/x.part" });
  assertEquals(layout.partPath, "/state/x.part");
  assertEquals(segmentsOf(layout, 0), [
    { from: 0, to: 10, path: "/state/x.part", position: 0 },
    { from: 10, to: 16, path: "/d/t/b", position: 0 },
  ]);
  assertEquals(segmentsOf(layout, 1, 2, 6), [{ from: 2, to: 6, path: "/d/t/b", position: 8 }]);
  assertEquals([...wantedPieces(layout)], [1, 1]);
  assertEquals(selectedBytesIn(layout, 0) + selectedBytesIn(layout, 1), 12);
});

Deno.test("planLayout() refuses a selected index that is not a file", () => {
  const meta = torrent([{ length: 10, path: ["a"] }]);
  assertThrows(() => planLayout(meta, { dir: "/d" }, { selected: [3] }), RangeError, "No file 3");
});

Deno.test("planLayout() keeps every path of a hostile torrent inside the directory", () => {
  const meta = torrent([
    { length: 1, path: ["..", "..", "x"] },
    { length: 1, path: ["/abs"] },
    { length: 1, path: ["a", "..", "..", "b"] },
  ]);
  const dir = "/safe/dir";
  for (const file of planLayout(meta, { dir }).files) {
    assertEquals(file.path!.startsWith(join(dir, "t") + "/"), true, file.path!);
  }
});
