/**
 * Tests of the binary search by subject over a sorted store file
 * (lib/graph/sorted_lines.ts, `openSortedSync` and `findSubjectLines` in
 * lib/graph/store_file.ts): every subject's lines, as a full read filters
 * them, for files of a few lines up to many search windows, with subjects
 * before the first, after the last and between, runs of one subject longer
 * than a window, and lines longer than a window.
 */
import { join } from "node:path";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { lineSubject } from "../../lib/graph/nquads.ts";
import { ImplausibleLineError, SortedLines, WINDOW_BYTES } from "../../lib/graph/sorted_lines.ts";
import {
  findSubjectLines,
  openSortedSync,
  readStoreFile,
  sortUnique,
  writeStoreFile,
} from "../../lib/graph/store_file.ts";
import { tempDir } from "../torrent/_fixtures.ts";

const G = "<http://example.org/g>";
const P = "<http://example.org/p>";
const subject = (i: number) => `<http://example.org/s/${String(i).padStart(5, "0")}>`;

/** A store file whose subjects are 0, 2, 4 … (odd ones absent), some with long runs or long lines. */
async function storeOf(
  subjects: number,
  linesOf: (i: number) => number,
  long = 0,
): Promise<string> {
  const lines: string[] = [];
  for (let i = 0; i < subjects; i++) {
    for (let k = 0; k < linesOf(i); k++) {
      const text = i === long && k === 0 ? "x".repeat(3 * WINDOW_BYTES) : `value ${k}`;
      lines.push(`${subject(2 * i)} ${P} "${text}" ${G} .`);
    }
  }
  const path = join(await tempDir(), "graph.nq");
  await writeStoreFile(path, { format: 1, prefixes: new Map() }, sortUnique(lines));
  return path;
}

async function checkEverySubject(path: string, last: number): Promise<void> {
  const { lines } = await readStoreFile(path);
  const snapshot = openSortedSync(path);
  assert(snapshot, "a file just written is trusted");
  try {
    for (let i = -1; i <= last + 1; i++) {
      const s = subject(i < 0 ? 99999 : i);
      const expected = lines.filter((line) => lineSubject(line) === s);
      assertEquals(snapshot.lines.subjectLines(s), expected, `subject ${i}`);
    }
    // A subject sorting before every line, and one after.
    assertEquals(snapshot.lines.subjectLines("<http://example.org/a>"), []);
    assertEquals(snapshot.lines.subjectLines("<http://example.org/z>"), []);
  } finally {
    snapshot.file.close();
  }
}

Deno.test("SortedLines: a small file (one window): every subject's lines, absent ones none", async () => {
  await checkEverySubject(await storeOf(5, (i) => i % 3 + 1), 10);
});

Deno.test("SortedLines: a file of many windows, runs longer than a window and a line longer than one", async () => {
  // ~2,000 subjects of 1–6 lines; subject 700 has 800 lines (~50 KiB); subject 300's first
  // line is 96 KiB long.
  const path = await storeOf(2000, (i) => (i === 700 ? 800 : (i * 7) % 6 + 1), 300);
  assert((await Deno.stat(path)).size > 40 * WINDOW_BYTES);
  await checkEverySubject(path, 4000);
});

Deno.test("SortedLines: more lines than maxLines is undefined, not a cut list", async () => {
  const path = await storeOf(10, (i) => i + 1);
  const snapshot = openSortedSync(path)!;
  try {
    assertEquals(snapshot.lines.subjectLines(subject(8), 5)?.length, 5);
    assertEquals(snapshot.lines.subjectLines(subject(8), 4), undefined);
  } finally {
    snapshot.file.close();
  }
});

Deno.test("openSortedSync: a file edited by hand is not trusted until checked; a line that is no statement is found", async () => {
  const path = await storeOf(3000, () => 2);
  const text = await Deno.readTextFile(path);
  // The same length, one line broken (its order can no longer be relied on).
  const at = text.indexOf(`${subject(3000)} `);
  const edited = text.slice(0, at) + "#" + text.slice(at + 1);
  await Deno.writeTextFile(path, edited);
  assertEquals(openSortedSync(path), undefined, "its identity is not the one recorded");
  // Searching it directly: the broken line is met and named.
  using file = Deno.openSync(path);
  const bodyStart = text.indexOf("\n<") + 1;
  const lines = new SortedLines(file, bodyStart, edited.length);
  assertThrows(() => lines.subjectLines(subject(3000)), ImplausibleLineError, "not a statement");
  // The asynchronous search reads it whole instead (its digest no longer matches).
  assertEquals(await findSubjectLines(path, subject(3002)), [
    `${subject(3002)} ${P} "value 0" ${G} .`,
    `${subject(3002)} ${P} "value 1" ${G} .`,
  ]);
});

Deno.test("findSubjectLines: a file checked once is then searched by the synchronous opener too", async () => {
  const path = await storeOf(50, () => 1);
  await Deno.remove(`${path}.verified`); // as if written by another tool's copy
  assertEquals(openSortedSync(path), undefined);
  assertEquals((await findSubjectLines(path, subject(20))).length, 1); // checks the digest once
  const snapshot = openSortedSync(path);
  assert(snapshot, "vouched for by the check");
  snapshot.file.close();
});

Deno.test("openSortedSync: a header with non-ASCII prefix IRIs still places the body by bytes", async () => {
  const lines = [`${subject(1)} ${P} "x" ${G} .`, `${subject(2)} ${P} "y" ${G} .`];
  const path = join(await tempDir(), "graph.nq");
  const prefixes = new Map([["é", "http://example.org/été/"]]);
  await writeStoreFile(path, { format: 1, prefixes }, lines);
  const snapshot = openSortedSync(path);
  assert(snapshot, "trusted: the header's byte count matches once counted in bytes");
  try {
    assertEquals(snapshot.lines.subjectLines(subject(2)), [lines[1]]);
  } finally {
    snapshot.file.close();
  }
});
