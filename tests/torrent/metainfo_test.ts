import { createHash } from "node:crypto";
import { type BencodeInput, encodeBencode } from "../../lib/torrent/bencode.ts";
import {
  MetainfoError,
  type MetainfoErrorCode,
  parseMetainfo,
} from "../../lib/torrent/metainfo.ts";
import { assert, assertEquals, assertMatch, assertThrows } from "../_assert.ts";

const enc = new TextEncoder();
const CORPUS = new URL("../testdata/libtorrent/", import.meta.url);
const corpus = (name: string) => Deno.readFileSync(new URL(name, CORPUS));
const sha1 = (bytes: Uint8Array) => createHash("sha1").update(bytes).digest("hex");
const hashes = (pieces: number) => new Uint8Array(pieces * 20).fill(7);

function torrent(info: Record<string, BencodeInput | undefined>, top: object = {}): Uint8Array {
  return encodeBencode({ ...top, info } as Record<string, BencodeInput>);
}

function single(extra: Record<string, BencodeInput | undefined> = {}) {
  return { name: "a.bin", length: 40000, "piece length": 16384, pieces: hashes(3), ...extra };
}

function multi(files: BencodeInput[], extra: Record<string, BencodeInput | undefined> = {}) {
  return { name: "set", files, "piece length": 16384, pieces: hashes(1), ...extra };
}

function refused(bytes: Uint8Array, code: MetainfoErrorCode, part?: string): MetainfoError {
  const error = assertThrows(() => parseMetainfo(bytes), MetainfoError, part);
  assertEquals(error.code, code, error.message);
  assert(!error.message.includes("\n"), "one line");
  return error;
}

Deno.test("parseMetainfo() reads a single-file torrent", () => {
  const meta = parseMetainfo(
    torrent(single({ private: 1 }), {
      announce: " http://t.example/announce ",
      comment: "hello",
      "created by": "me",
      "creation date": 1700000000,
    }),
  );
  assertEquals(meta.name, "a.bin");
  assertEquals([meta.length, meta.pieceLength, meta.pieceCount], [40000, 16384, 3]);
  assertEquals(meta.pieceHashes.length, 60);
  assertEquals(meta.files, [{
    path: "a.bin",
    originalPath: ["a.bin"],
    length: 40000,
    offset: 0,
    pad: false,
  }]);
  assertEquals(meta.announce, ["http://t.example/announce"]);
  assertEquals([meta.private, meta.comment, meta.createdBy, meta.creationDate], [
    true,
    "hello",
    "me",
    1700000000,
  ]);
  assertEquals([meta.v2Only, meta.hybrid], [false, false]);
});

Deno.test("parseMetainfo() computes the infohash from the exact info bytes, even unsorted", () => {
  const bytes = corpus("unordered.torrent");
  const meta = parseMetainfo(bytes);
  // Independently: the info dictionary is the last value, so it runs to the final "e".
  const text = new TextDecoder("latin1").decode(bytes);
  const start = text.indexOf("4:infod") + "4:info".length;
  const end = text.trimEnd().length - 1;
  assertEquals(meta.infoHash, sha1(bytes.subarray(start, end)));
  assertEquals(meta.infoBytes, bytes.subarray(start, end));
  assertMatch(meta.infoHash, /^[0-9a-f]{40}$/);
});

Deno.test("parseMetainfo() lays out multi-file torrents under the name, with offsets", () => {
  const meta = parseMetainfo(torrent(multi([
    { length: 5, path: ["dir", "x.txt"] },
    { length: 0, path: ["empty"] },
    { length: 11, attr: "p", path: [".pad", "11"] },
    { length: 7, path: ["y"] },
  ], { pieces: hashes(1) })));
  assertEquals(
    meta.files.map((f) => [f.path, f.offset, f.length, f.pad]),
    [
      ["set/dir/x.txt", 0, 5, false],
      ["set/empty", 5, 0, false],
      ["set/.pad/11", 5, 11, true],
      ["set/y", 16, 7, false],
    ],
  );
  assertEquals(meta.length, 23);
});

Deno.test("parseMetainfo() sanitises hostile paths and keeps the original for display", () => {
  const meta = parseMetainfo(torrent(multi([
    { length: 1, path: ["..", "..", "etc", "passwd"] },
    { length: 1, path: ["/abs"] },
    { length: 1, path: ["C:", "NUL"] },
    { length: 1, path: ["etc", "PASSWD"] },
  ], { name: "../up" })));
  assertEquals(meta.name, ".._up");
  assertEquals(meta.files.map((f) => f.path), [
    ".._up/etc/passwd",
    ".._up/_abs",
    ".._up/C_/_NUL",
    ".._up/etc/PASSWD.1",
  ]);
  assertEquals(meta.files[0]!.originalPath, ["../up", "..", "..", "etc", "passwd"]);
});

Deno.test("parseMetainfo() uses the infohash as name when the name sanitises to nothing", () => {
  const meta = parseMetainfo(corpus("invalid_name2.torrent"));
  assertEquals(meta.name, meta.infoHash);
  assert(meta.files.every((f) => f.path.startsWith(`${meta.infoHash}/`)));
});

Deno.test("parseMetainfo() flattens, trims and de-duplicates trackers and web seeds", () => {
  const meta = parseMetainfo(torrent(single(), {
    announce: "udp://a",
    "announce-list": [["udp://a", " udp://b"], ["udp://c", 5, ""], "junk"],
    "url-list": ["http://w/", "http://w/", "", ["nested"], "  http://v/ "],
  }));
  assertEquals(meta.announce, ["udp://a", "udp://b", "udp://c", "junk"]);
  assertEquals(meta.urlList, ["http://w/", "http://v/"]);
  assertEquals(parseMetainfo(torrent(single(), { "url-list": "http://one/" })).urlList, [
    "http://one/",
  ]);
});

Deno.test("parseMetainfo() marks BEP 47 pad files, with or without a path", () => {
  const meta = parseMetainfo(corpus("pad_file_no_path.torrent"));
  assertEquals(meta.files.map((f) => [f.path, f.pad]), [
    ["temp/foo/bar.txt", false],
    ["temp/.pad/2124", true],
  ]);
});

Deno.test("parseMetainfo() gives symbolic links length 0 and a sanitised target", () => {
  const meta = parseMetainfo(corpus("symlink1.torrent"));
  assertEquals(meta.files.map((f) => [f.path, f.length, f.symlinkTarget]), [
    ["temp/a/b/bar", 425, undefined],
    ["temp/a/b/foo", 0, "a/b/bar"],
  ]);
});

Deno.test("parseMetainfo() loads a hybrid v1+v2 torrent through its v1 part", () => {
  const meta = parseMetainfo(corpus("v2_hybrid.torrent"));
  assert(meta.hybrid && !meta.v2Only);
  assert(meta.files.some((f) => f.pad));
  for (const file of meta.files) {
    if (!file.pad && file.length > 0) assertEquals(file.offset % meta.pieceLength, 0);
  }
});

Deno.test("parseMetainfo() refuses v2-only torrents as unsupported", () => {
  refused(corpus("v2_only.torrent"), "v2-only-unsupported", "v2-only");
});

Deno.test("parseMetainfo() accepts a trailing newline but no other trailing bytes", () => {
  const bytes = torrent(single());
  parseMetainfo(new Uint8Array([...bytes, 0x0a, 0x0d, 0x20]));
  refused(new Uint8Array([...bytes, 0x78]), "bencode", "unexpected bytes");
});

Deno.test("parseMetainfo() copies its input", () => {
  const bytes = torrent(single());
  const meta = parseMetainfo(bytes);
  const hash = meta.infoHash;
  bytes.fill(0);
  assertEquals(sha1(meta.infoBytes), hash);
  assert(meta.bytes !== bytes);
});

Deno.test("parseMetainfo() refuses each kind of malformed torrent with its code", () => {
  refused(enc.encode("d4:infod"), "bencode");
  refused(enc.encode("i5e"), "not-a-dictionary");
  refused(encodeBencode({ announce: "x" }), "missing-info");
  refused(encodeBencode({ info: "x" }), "missing-info");
  refused(torrent(single({ "meta version": 3 })), "unsupported-version");
  refused(torrent(single({ "piece length": 0 })), "bad-piece-length");
  refused(torrent(single({ "piece length": 2 ** 30 })), "bad-piece-length");
  refused(torrent(single({ "piece length": "16384" })), "bad-piece-length");
  refused(torrent(single({ name: undefined })), "bad-name");
  refused(torrent(single({ name: 5 })), "bad-name");
  refused(torrent(single({ length: -1 })), "bad-file-size");
  refused(torrent(single({ length: 2 ** 48 })), "bad-file-size");
  refused(torrent(multi(["notadict"])), "bad-file");
  refused(torrent(multi([{ length: 1, path: [] }])), "bad-path");
  refused(torrent(multi([{ length: 1, path: ["a", 1] }])), "bad-path");
  refused(torrent(multi([{ path: ["a"] }])), "bad-file-size");
  refused(torrent(multi([])), "no-files");
  refused(torrent(single({ length: 0, pieces: hashes(0) })), "empty-torrent");
  refused(torrent(single({ pieces: hashes(2) })), "bad-pieces");
  refused(torrent(single({ pieces: new Uint8Array(61) })), "bad-pieces");
  refused(torrent(single({ pieces: undefined })), "bad-pieces");
  refused(corpus("v2_invalid_file.torrent"), "bad-file-tree");
  refused(corpus("v2_mismatching_metadata.torrent"), "inconsistent-files");
  refused(corpus("v2_bad_file_alignment.torrent"), "inconsistent-files");
  refused(corpus("duplicate_files2.torrent"), "too-many-duplicates");
  refused(corpus("many_pieces.torrent"), "too-many-pieces");
});

Deno.test("parseMetainfo() applies its size and piece limits", () => {
  const bytes = torrent(single());
  assertEquals(
    assertThrows(() => parseMetainfo(bytes, { maxBytes: 10 }), MetainfoError).code,
    "too-large",
  );
  assertEquals(
    assertThrows(() => parseMetainfo(bytes, { maxPieces: 2 }), MetainfoError).code,
    "too-many-pieces",
  );
});

Deno.test("MetainfoError messages escape control characters from the torrent", () => {
  const error = new MetainfoError("bad-path", "name 'a\u001b[2Jb\nc'");
  assertEquals(error.message, "name 'a\\u{1b}[2Jb\\u{a}c'");
  assertEquals(error.name, "MetainfoError");
});
