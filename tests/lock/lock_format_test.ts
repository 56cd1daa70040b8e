/**
 * The `owm.lock` format: canonical text (sorted keys, two-space indent, final
 * newline), round trips, and refusal of lockfiles that are not valid.
 */
import { join } from "node:path";
import { LockFileError, LockMismatchError } from "../../lib/lock/errors.ts";
import {
  mergeLock,
  readLockFile,
  resolveLockPath,
  writeLockFile,
} from "../../lib/lock/lock_file.ts";
import {
  contentNameOf,
  type LockEntry,
  lockEntryToJson,
  parseLock,
  parseLockEntry,
  serializeLock,
} from "../../lib/lock/lock_format.ts";
import { assert, assertEquals, assertMatch, assertThrows } from "../_assert.ts";
import { tempDir } from "../torrent/_fixtures.ts";

const H1 = "1".repeat(64);
const H2 = "2".repeat(64);
const H3 = "3".repeat(64);

function entry(key: string, files: [string, number, string][]): LockEntry {
  return {
    iri: `http://data.openworm.org/data_sources/CSVDataSource#${key}`,
    id: `CSVDataSource:${key}`,
    infoHash: "ab".repeat(20),
    torrentFileName: `${"c".repeat(32)}.torrent`,
    size: files.reduce((s, f) => s + f[1], 0),
    fileCount: files.length,
    files: files.map(([path, size, sha256]) => ({ path, size, sha256 })),
  };
}

/** Asserts that every object in `value` has its keys in code-point order. */
function assertSortedKeys(value: unknown, where = "$"): void {
  if (value === null || typeof value !== "object") return;
  if (Array.isArray(value)) return value.forEach((v, i) => assertSortedKeys(v, `${where}[${i}]`));
  const keys = Object.keys(value);
  const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  assertEquals(keys, sorted, `keys of ${where} are sorted`);
  for (const k of keys) assertSortedKeys((value as Record<string, unknown>)[k], `${where}.${k}`);
}

Deno.test("serializeLock writes canonical text: sorted keys and entries, two-space indent, final newline", () => {
  const b = entry("b", [["data/z.csv", 3, H1], ["data/a.csv", 5, H2], ["data/1", 0, H3]]);
  const a = entry("a", [["one.csv", 7, H1]]);
  // Insertion order must not matter: entries and files come out sorted.
  const text = serializeLock({ version: 1, entries: new Map([[b.iri, b], [a.iri, a]]) });
  const again = serializeLock({ version: 1, entries: new Map([[a.iri, a], [b.iri, b]]) });
  assertEquals(text, again, "the same entries give the same bytes");
  assert(text.endsWith("}\n") && !text.endsWith("\n\n"), "one final newline");
  assertMatch(text, /^\{\n {2}"dataSources": \{\n {4}"http/);
  assert(text.indexOf("#a") < text.indexOf("#b"), "entries sorted by IRI");
  // Files sorted by path, whatever order they were given in.
  assert(text.indexOf('"data/1"') < text.indexOf('"data/a.csv"'));
  assert(text.indexOf('"data/a.csv"') < text.indexOf('"data/z.csv"'));
  assertStringAt(text, '      "fileCount": 3,');
  assertSortedKeys(JSON.parse(text));
  // Reading and writing again is the identity.
  assertEquals(serializeLock(parseLock(text, "owm.lock")), text);
  assertEquals(JSON.parse(text).version, 1);
});

function assertStringAt(text: string, line: string): void {
  assert(text.split("\n").includes(line), `a line ${JSON.stringify(line)} in:\n${text}`);
}

Deno.test("a file named __proto__ or with non-ASCII names is a key like any other", () => {
  const e = entry("p", [["d/__proto__", 1, H1], ["d/é.csv", 2, H2], ["d/Z.csv", 3, H3]]);
  const text = serializeLock({ version: 1, entries: new Map([[e.iri, e]]) });
  const parsed = parseLock(text, "owm.lock").entries.get(e.iri)!;
  assertEquals(parsed.files.map((f) => f.path), ["d/Z.csv", "d/__proto__", "d/é.csv"]);
  assertEquals(parsed, { ...e, files: [...e.files].sort((x, y) => (x.path < y.path ? -1 : 1)) });
  assertEquals(contentNameOf(parsed), "d");
  assertEquals(
    parseLockEntry(lockEntryToJson(parsed)),
    parsed,
    "the JSON a client sends round-trips",
  );
});

Deno.test("parseLock refuses lockfiles that are not valid, saying what to do", () => {
  const good = entry("g", [["d/a", 1, H1]]);
  const valid = JSON.parse(serializeLock({ version: 1, entries: new Map([[good.iri, good]]) }));
  const cases: [unknown, RegExp][] = [
    [{ version: 2, dataSources: {} }, /newer than this owmeta-torrent reads/],
    [{ dataSources: {} }, /no format version 1/],
    [{ version: 1 }, /no 'dataSources'/],
    [[], /not a JSON object/],
  ];
  const bad = (change: (e: Record<string, unknown>) => void) => {
    const copy = structuredClone(valid);
    change(copy.dataSources[good.iri]);
    return copy;
  };
  cases.push(
    [bad((e) => (e.infoHash = "AB".repeat(20))), /40 lower-case hex/],
    [bad((e) => (e.files = { "../a": { sha256: H1, size: 1 } })), /'\.\.' component/],
    [bad((e) => (e.files = { "/a": { sha256: H1, size: 1 } })), /absolute/],
    [bad((e) => (e.files = { "d/a": { sha256: "x", size: 1 } })), /64 lower-case hex/],
    [
      bad((e) => (e.files = { "d/a": { sha256: H1, size: 1 }, "e/b": { sha256: H1, size: 0 } })),
      /one top-level name/,
    ],
    [bad((e) => (e.size = 2)), /do not add up/],
    [bad((e) => (e.files = {})), /pins no files/],
    [bad((e) => (e.torrentFileName = 3)), /torrentFileName/],
  );
  for (const [json, pattern] of cases) {
    const error = assertThrows(() => parseLock(JSON.stringify(json), "/p/owm.lock"), LockFileError);
    assertMatch(error.message, pattern);
    assertMatch(error.message, /^Lockfile \/p\/owm\.lock: /);
  }
  const notJson = assertThrows(() => parseLock("{", "/p/owm.lock"), LockFileError);
  assertMatch(notJson.message, /not valid JSON.*version control/);
});

Deno.test("readLockFile, mergeLock and writeLockFile keep other entries; resolveLockPath", async () => {
  const dir = await tempDir();
  const path = join(dir, "owm.lock");
  assertEquals(await readLockFile(path), undefined, "no lockfile is not an error");
  const a = entry("a", [["d/a", 1, H1]]);
  const b = entry("b", [["e/b", 2, H2]]);
  await writeLockFile(path, mergeLock(undefined, [a]));
  const first = await Deno.readTextFile(path);
  await writeLockFile(path, mergeLock(await readLockFile(path), [b]));
  const both = await readLockFile(path);
  assertEquals([...both!.entries.keys()], [a.iri, b.iri]);
  assertEquals(both!.entries.get(a.iri), a, "the other entry is kept as it was");
  const aText = (t: string) => JSON.stringify(JSON.parse(t).dataSources[a.iri]);
  assertEquals(aText(await Deno.readTextFile(path)), aText(first));
  assertEquals(resolveLockPath(undefined, dir), join(dir, "owm.lock"));
  assertEquals(resolveLockPath("sub/x.lock", dir), join(dir, "sub/x.lock"));
  assertEquals(resolveLockPath("/abs/x.lock", dir), "/abs/x.lock");
});

Deno.test("LockMismatchError shows expected and actual values and what to do", () => {
  const files = new LockMismatchError("CSVDataSource:w", "/p/owm.lock", [
    { kind: "sha256", path: "d/a.csv", expected: H1, actual: H2 },
    { kind: "extra-file", path: "d/new.csv", expected: null, actual: 12 },
  ], "the content at /x/d");
  assertEquals(files.name, "LockMismatchError");
  assertEquals(files.mismatches.length, 2);
  assertMatch(files.message, new RegExp(`d/a\\.csv sha256: expected ${H1}, got ${H2}`));
  assertMatch(files.message, /d\/new\.csv is not in the lock \(12 bytes\)/);
  assertMatch(files.message, /owm fetch --locked --repair CSVDataSource:w/);
  assertMatch(files.message, /owm lock CSVDataSource:w/);
  assert(!files.message.includes("\n"), "one line");
  const torrent = new LockMismatchError("X:y", "owm.lock", [
    { kind: "infohash", expected: "a".repeat(40), actual: "b".repeat(40) },
  ]);
  assertMatch(torrent.message, /infohash: expected a{40}, got b{40}.*different torrent/);
  const many = new LockMismatchError(
    "X:y",
    "owm.lock",
    Array.from({ length: 9 }, (_, i) => ({
      kind: "missing-file" as const,
      path: `d/${i}`,
      expected: i,
      actual: null,
    })),
  );
  assertMatch(many.message, /and 3 more/);
});
