import { join, resolve } from "node:path";
import { confinedJoin, PathEscapeError } from "../../lib/fs/confine.ts";
import {
  resolveCollisions,
  sanitizePathComponent,
  sanitizeTorrentPath,
} from "../../lib/torrent/paths.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";

const utf8Length = (text: string) => new TextEncoder().encode(text).length;

Deno.test("sanitizePathComponent() drops . and .. and replaces separators", () => {
  assertEquals(sanitizePathComponent("."), "");
  assertEquals(sanitizePathComponent(".."), "");
  assertEquals(sanitizePathComponent("a/b"), "a_b");
  assertEquals(sanitizePathComponent("/"), "_");
  assertEquals(sanitizePathComponent("\\"), "_");
  assertEquals(sanitizePathComponent("foo/../../bar"), "foo_.._.._bar");
  assertEquals(sanitizePathComponent("..\\..\\windows"), ".._.._windows");
});

Deno.test("sanitizePathComponent() neutralises drive letters, NUL and control characters", () => {
  assertEquals(sanitizePathComponent("C:"), "C_");
  assertEquals(sanitizePathComponent("C:\\Windows"), "C__Windows");
  assertEquals(sanitizePathComponent("a\u0000b"), "a_b");
  assertEquals(sanitizePathComponent("line\nbreak\ttab\u001b[31m"), "line_break_tab_[31m");
  assertEquals(sanitizePathComponent('what?<>|*"'), "what______");
  assertEquals(sanitizePathComponent("bad\ufffdutf8"), "bad_utf8");
  // Right-to-left override, used to disguise "exe" as "txt".
  assertEquals(sanitizePathComponent("photo\u202Etxt.exe"), "phototxt.exe");
});

Deno.test("sanitizePathComponent() fixes empty, trailing-dot and reserved Windows names", () => {
  assertEquals(sanitizePathComponent(""), "_");
  assertEquals(sanitizePathComponent("..."), "_");
  assertEquals(sanitizePathComponent("name. . "), "name");
  assertEquals(sanitizePathComponent("foobar "), "foobar");
  for (const reserved of ["CON", "nul", "Com1", "LPT9.txt", "aux.tar.gz", "con .txt"]) {
    assertEquals(sanitizePathComponent(reserved), `_${reserved}`);
  }
  assertEquals(sanitizePathComponent("console"), "console");
  assertEquals(sanitizePathComponent(".hidden"), ".hidden");
});

Deno.test("sanitizePathComponent() shortens components over 255 bytes, keeping the extension", () => {
  const long = "x".repeat(300) + ".csv";
  const short = sanitizePathComponent(long);
  assertEquals(utf8Length(short), 255);
  assert(short.endsWith(".csv"));
  // Multi-byte characters are never split.
  const wide = sanitizePathComponent("é".repeat(200) + ".txt");
  assert(utf8Length(wide) <= 255 && wide.endsWith(".txt") && !wide.includes("\ufffd"));
  assertEquals(wide, "é".repeat(125) + ".txt");
  // No extension, or an absurdly long one: plain truncation.
  assertEquals(utf8Length(sanitizePathComponent("y".repeat(1000))), 255);
  assertEquals(utf8Length(sanitizePathComponent("z." + "e".repeat(600))), 255);
});

Deno.test("sanitizeTorrentPath() never returns an empty, absolute or escaping path", () => {
  assertEquals(sanitizeTorrentPath(["..", "..", "etc", "passwd"]), ["etc", "passwd"]);
  assertEquals(sanitizeTorrentPath(["/", "/", "bar"]), ["_", "_", "bar"]);
  assertEquals(sanitizeTorrentPath(["", ""]), ["_", "_"]);
  assertEquals(sanitizeTorrentPath([".", ".."]), ["_"]);
  assertEquals(sanitizeTorrentPath([]), ["_"]);
});

Deno.test("resolveCollisions() renames later duplicates name.N.ext, case-insensitively", () => {
  assertEquals(
    resolveCollisions([["t", "a.txt"], ["t", "a.txt"], ["t", "A.TXT"], ["t", "a.1.txt"]]),
    [["t", "a.txt"], ["t", "a.1.txt"], ["t", "A.2.TXT"], ["t", "a.1.1.txt"]],
  );
  // Unicode normalisation: NFC and NFD spellings are one name on macOS.
  assertEquals(
    resolveCollisions([["caf\u00e9"], ["cafe\u0301"]]),
    [["caf\u00e9"], ["cafe\u0301.1"]],
  );
});

Deno.test("resolveCollisions() renames a file that has the name of a directory", () => {
  assertEquals(
    resolveCollisions([["t", "a"], ["t", "a", "b"], ["t", "x", "y"], ["t", "X"]]),
    [["t", "a.1"], ["t", "a", "b"], ["t", "x", "y"], ["t", "X.1"]],
  );
});

Deno.test("resolveCollisions() leaves skipped entries alone and limits renaming attempts", () => {
  assertEquals(
    resolveCollisions([["t", "p"], ["t", "p"], ["t", "p"]], { skip: [false, true, true] }),
    [["t", "p"], ["t", "p"], ["t", "p"]],
  );
  const same = Array.from({ length: 60 }, () => ["t", "f.txt"]);
  assertThrows(() => resolveCollisions(same), RangeError, "Too many duplicate file names");
  assertEquals(resolveCollisions(same.slice(0, 40)).length, 40);
});

Deno.test("resolveCollisions() keeps renamed components within 255 bytes", () => {
  const name = "n".repeat(251) + ".txt";
  const [, renamed] = resolveCollisions([[name], [name]]);
  assertEquals(utf8Length(renamed![0]!), 255);
  assert(renamed![0]!.endsWith(".1.txt"));
});

Deno.test("confinedJoin() joins paths inside the directory", () => {
  assertEquals(confinedJoin("/data", "set/a.csv"), "/data/set/a.csv");
  assertEquals(confinedJoin("/data/", "a/./b/../c"), "/data/a/c");
  assertEquals(confinedJoin("rel", "x"), join(resolve("rel"), "x"));
});

Deno.test("confinedJoin() throws PathEscapeError for anything not strictly inside", () => {
  for (const bad of ["../x", "..", "a/../../x", "/etc/passwd", "", ".", "a/..", "a\0b"]) {
    const error = assertThrows(() => confinedJoin("/data", bad), PathEscapeError);
    assertEquals(error.dir, "/data");
    assertEquals(error.path, bad);
  }
  assertThrows(() => confinedJoin("/data", "../data2/x"), PathEscapeError, "outside");
});
