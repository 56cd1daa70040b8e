import {
  IndexAuthError,
  IndexError,
  isTorrentFileName,
  TorrentExistsError,
  TorrentNotFoundError,
  validateTorrentFileName,
} from "../../lib/index/torrent_index.ts";
import { assert, assertEquals, assertStringIncludes, assertThrows } from "../_assert.ts";

Deno.test("validateTorrentFileName() accepts plain *.torrent names", () => {
  for (
    const name of [
      "d9da5ce947c6f1c127dfcdc2ede63320.torrent",
      'it\'s a "dataset".torrent',
      "données ünïcode.torrent",
      "a.b.torrent",
    ]
  ) {
    assertEquals(validateTorrentFileName(name), name);
    assert(isTorrentFileName(name), name);
  }
});

Deno.test("validateTorrentFileName() refuses paths, traversal, NUL and other unsafe names", () => {
  const cases: [string, string][] = [
    ["a.txt", 'end with ".torrent"'],
    [".torrent", "start with a dot"],
    [".hidden.torrent", "start with a dot"],
    ["../x.torrent", "must not start with a dot"],
    ["sub/x.torrent", "path separator"],
    ["sub\\x.torrent", "path separator"],
    ["/etc/x.torrent", "path separator"],
    ["a..b.torrent", '".."'],
    ["a\u0000b.torrent", "control characters"],
    ["a\nb.torrent", "control characters"],
    ["x".repeat(250) + ".torrent", "longer than 255 bytes"],
    ["", 'end with ".torrent"'],
  ];
  for (const [name, why] of cases) {
    const error = assertThrows(() => validateTorrentFileName(name), TypeError, why);
    assertStringIncludes(error.message, "give a plain file name");
    assert(!isTorrentFileName(name));
  }
  assertThrows(() => validateTorrentFileName(42 as unknown as string), TypeError, "not a string");
});

Deno.test("TorrentNotFoundError names the file and the indexes and says what to do", () => {
  const one = new TorrentNotFoundError("a.torrent", ["dir:/srv/t"]);
  assertEquals(one.name, "TorrentNotFoundError");
  assertStringIncludes(one.message, '"a.torrent"');
  assertStringIncludes(one.message, `the torrent index "dir:/srv/t"`);
  assertStringIncludes(one.message, "publish the torrent there first");
  const many = new TorrentNotFoundError("a.torrent", ["dir:/a", "drive:"]);
  assertStringIncludes(many.message, `any of the 2 torrent indexes ("dir:/a", "drive:")`);
});

Deno.test("IndexAuthError and IndexError carry reason, index and status", () => {
  const ref = { kind: "http", location: "https://t.example/" };
  const auth = new IndexAuthError("revoked", ref, "do this");
  assertEquals([auth.name, auth.reason, auth.kind, auth.location], [
    "IndexAuthError",
    "revoked",
    "http",
    ref.location,
  ]);
  assertEquals(auth.message, `Torrent index "https://t.example/": do this`);
  const other = new IndexError(ref, "boom", { status: 502 });
  assertEquals([other.name, other.status], ["IndexError", 502]);
  const exists = new TorrentExistsError(ref, "a.torrent");
  assert(exists instanceof IndexError);
  assertEquals(exists.fileName, "a.torrent");
  assertStringIncludes(exists.message, "owm publish --replace");
  assertStringIncludes(exists.message, '"replace": true');
});
