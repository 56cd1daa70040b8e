import { createHash } from "node:crypto";
import { join } from "node:path";
import { StoreCorruptError, StoreFormatError } from "../../lib/graph/errors.ts";
import { parseNQuads } from "../../lib/graph/n3_parse.ts";
import { lineSubject, quadToLine } from "../../lib/graph/nquads.ts";
import { blankNode, literal, namedNode, quad } from "../../lib/graph/rdf.ts";
import { GraphStore } from "../../lib/graph/store.ts";
import {
  canonicalLines,
  findSubjectLines,
  parseHeader,
  readStoreFile,
  sortUnique,
  STORE_FORMAT,
  type StoreHeader,
  writeStoreFile,
} from "../../lib/graph/store_file.ts";
import { assert, assertEquals, assertMatch, assertRejects, assertThrows } from "../_assert.ts";

const enc = new TextEncoder();
const p = namedNode("urn:p");

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "owm-storefile-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function header(prefixes: Record<string, string> = {}): StoreHeader {
  return { format: STORE_FORMAT, prefixes: new Map(Object.entries(prefixes)) };
}

function line(s: string, o: string, g?: string): string {
  const subject = s.startsWith("_:") ? blankNode(s.slice(2)) : namedNode(s);
  return quadToLine(quad(subject, p, literal(o), g === undefined ? undefined : namedNode(g)));
}

/** Splits a store file into its header lines and body lines. */
function split(text: string): { head: string[]; body: string[] } {
  const all = text.split("\n");
  assertEquals(all.pop(), "", "the file ends with a newline");
  const head = all.filter((l) => l.startsWith("#"));
  return { head, body: all.slice(head.length) };
}

function sha256(text: string): string {
  return createHash("sha256").update(enc.encode(text)).digest("hex");
}

/** Asserts that the file is exactly what writeStoreFile writes for its content. */
async function assertCanonicalFile(path: string): Promise<string[]> {
  const text = await Deno.readTextFile(path);
  const { head, body } = split(text);
  const bodyText = body.length === 0 ? "" : body.join("\n") + "\n";
  assertEquals(head[0], "# owmeta-torrent graph store");
  assertEquals(head[1], `# format: ${STORE_FORMAT}`);
  assertEquals(head.slice(-3), [
    `# quads: ${body.length}`,
    `# body-bytes: ${enc.encode(bodyText).length}`,
    `# body-sha256: ${sha256(bodyText)}`,
  ]);
  assertEquals(body, sortUnique([...body]), "body lines sorted and unique");
  assertEquals(body.map((l) => quadToLine(parseNQuads(l)[0]!)), body, "body lines canonical");
  return body;
}

Deno.test("writeStoreFile() and readStoreFile() round-trip lines and prefixes", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "graph.nq");
    const lines = sortUnique([
      line("urn:b", "two"),
      line("urn:a", "one", "urn:g"),
      line("_:x", "blank"),
      line("urn:a", 'quote " and newline \n and 🎉'),
    ]);
    await writeStoreFile(path, header({ Zed: "urn:z#", CSV: "http://example.org/csv#" }), lines);
    const text = await Deno.readTextFile(path);
    assertMatch(
      text,
      /^# owmeta-torrent graph store\n# format: 1\n# prefix: CSV http:\/\/example.org\/csv#\n# prefix: Zed urn:z#\n# quads: 4\n/,
    );
    assertEquals(await assertCanonicalFile(path), lines);
    const read = await readStoreFile(path);
    assertEquals(read.lines, lines);
    assertEquals([...read.header.prefixes], [["CSV", "http://example.org/csv#"], [
      "Zed",
      "urn:z#",
    ]]);
    assertEquals(read.header.quads, 4);
    // The whole file, header included, is valid N-Quads.
    assertEquals(parseNQuads(text).length, 4);
  });
});

Deno.test("writeStoreFile() writes an empty store that reads back as empty", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "graph.nq");
    await writeStoreFile(path, header(), []);
    assertEquals(await assertCanonicalFile(path), []);
    assertEquals((await readStoreFile(path)).lines, []);
    assertEquals(await findSubjectLines(path, "<urn:a>"), []);
  });
});

Deno.test("writeStoreFile() keeps the previous file as .bak", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "graph.nq");
    await writeStoreFile(path, header(), [line("urn:a", "1")]);
    const first = await Deno.readTextFile(path);
    await writeStoreFile(path, header(), [line("urn:a", "2")]);
    assertEquals(await Deno.readTextFile(`${path}.bak`), first);
  });
});

Deno.test("parseHeader() reads the header and finds where the body starts", () => {
  const text = "# owmeta-torrent graph store\n# format: 1\n# prefix: A urn:a#\n# prefix: bad\n" +
    "# quads: 1\n# body-bytes: 10\n# body-sha256: abc\n# a comment without colon\n<urn:s> <urn:p> <urn:o> .\n";
  const { header, bodyStart } = parseHeader("f", text);
  assertEquals(text.slice(bodyStart), "<urn:s> <urn:p> <urn:o> .\n");
  assertEquals(header.format, 1);
  assertEquals([...header.prefixes], [["A", "urn:a#"]]);
  assertEquals([header.quads, header.bodyBytes, header.bodySha256], [1, 10, "abc"]);
  // No header at all is format 1 with an empty body offset.
  assertEquals(parseHeader("f", "<urn:s> <urn:p> <urn:o> .\n").bodyStart, 0);
});

Deno.test("parseHeader() rejects a newer format with StoreFormatError and a bad one with StoreCorruptError", () => {
  const error = assertThrows(() => parseHeader("/x/graph.nq", "# format: 2\n"), StoreFormatError);
  assertEquals([error.path, error.found, error.supported], ["/x/graph.nq", 2, STORE_FORMAT]);
  assertMatch(error.message, /format 2.*format 1 at most.*upgrade/);
  for (const bad of ["# format: two\n", "# format: 0\n", "# format: 1.5\n", "# format:\n"]) {
    assertThrows(() => parseHeader("/x/graph.nq", bad), StoreCorruptError, "format");
  }
});

/** Builds the 5,000-subject store of the binary search tests: lines sorted, with some giants. */
function bigStore(): string[] {
  const lines: string[] = [];
  for (let i = 0; i < 5000; i++) {
    const s = `urn:s:${i}`; // urn:s:1 is a prefix of urn:s:10, urn:s:100, ...
    for (let k = 0; k <= i % 3; k++) {
      lines.push(line(s, `v${k}-${i}`, k === 2 ? "urn:g" : undefined));
    }
    if (i % 1250 === 7) lines.push(line(s, `long-${i}:` + "L".repeat(70_000 + i)));
  }
  lines.push(line("urn:a", "a"), line("urn:a1", "a1"), line("urn:a", "a-again", "urn:g"));
  for (let i = 0; i < 20; i++) lines.push(line(`_:b${i}`, `blank ${i}`));
  lines.push(line("urn:huge", "H".repeat(300_000)));
  return sortUnique(lines);
}

Deno.test("findSubjectLines() finds exactly a subject's lines by binary search among 5,000 subjects", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "graph.nq");
    const lines = bigStore();
    await writeStoreFile(path, header({ A: "urn:a#" }), lines);
    const expected = (subject: string) => lines.filter((l) => lineSubject(l) === subject);
    const subjects = [...new Set(lines.map(lineSubject))];
    assert(subjects.length === 5023);
    const cases = [
      subjects[0]!, // first
      subjects.at(-1)!, // last
      subjects[Math.floor(subjects.length / 2)]!, // middle
      "<urn:a>", // a prefix of <urn:a1>
      "<urn:a1>",
      "<urn:s:1>", // a prefix of <urn:s:10>, <urn:s:100>, <urn:s:1000>
      "<urn:s:10>",
      "<urn:s:7>", // has a line longer than 64 KiB
      "<urn:s:1257>",
      "<urn:s:3757>",
      "<urn:huge>", // a 300 KB line
      "_:b0",
      "_:b19",
    ];
    // Every 47th subject too (checking all 5,023 takes seconds; these hit many positions).
    for (let i = 0; i < subjects.length; i += 47) cases.push(subjects[i]!);
    for (const subject of cases) {
      const found = await findSubjectLines(path, subject);
      assertEquals(found, expected(subject), `lines of ${subject}`);
      assert(found.length > 0, `${subject} has lines`);
    }
    assertEquals((await findSubjectLines(path, "<urn:a>")).length, 2);
    assertEquals((await findSubjectLines(path, "<urn:s:7>")).length, 3);
    const missing = [
      "<aaa>", // before the first
      "<urn:0>",
      "_:zzz", // after the last
      "~",
      "<urn:s:5000>", // between existing subjects
      "<urn:s:1", // a token prefix, not a subject
      "<urn:s:10",
      "<urn:a",
      "<urn:",
      "_:b",
    ];
    for (const subject of missing) {
      assertEquals(await findSubjectLines(path, subject), [], `no lines for ${subject}`);
    }
  });
});

Deno.test("findSubjectLines() reads only part of a file that is as its header describes", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "graph.nq");
    const lines = bigStore();
    await writeStoreFile(path, header(), lines);
    await findSubjectLines(path, "<urn:s:1>"); // the writer vouched for this very file
    // Break the first body line without changing the byte count, inode or mtime (the
    // identity recorded in graph.nq.verified): a full read would fail.
    const text = await Deno.readTextFile(path);
    const before = await Deno.stat(path);
    const broken = text.replace("<urn:a> <urn:p>", "<urn:a> <urn:p!");
    assert(broken !== text);
    await Deno.writeTextFile(path, broken);
    await Deno.utime(path, before.atime!, before.mtime!);
    await assertRejects(() => readStoreFile(path), StoreCorruptError);
    assertEquals(
      await findSubjectLines(path, "<urn:s:2500>"),
      lines.filter((l) => lineSubject(l) === "<urn:s:2500>"),
    );
  });
});

Deno.test("findSubjectLines() finds subjects around lines far longer than its read chunks", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "graph.nq");
    const lines = sortUnique([
      line("urn:a", "short"),
      line("urn:b", "B".repeat(100_000)),
      line("urn:b", "b2"),
      line("urn:c", "c"),
      line("urn:d", "D".repeat(1_000_000)),
      line("urn:e", "e"),
      line("urn:f", "F".repeat(65_537)),
    ]);
    await writeStoreFile(path, header(), lines);
    for (const s of ["<urn:a>", "<urn:b>", "<urn:c>", "<urn:d>", "<urn:e>", "<urn:f>"]) {
      assertEquals(await findSubjectLines(path, s), lines.filter((l) => lineSubject(l) === s), s);
    }
    assertEquals(await findSubjectLines(path, "<urn:bb>"), []);
    assertEquals(await findSubjectLines(path, "<urn:g>"), []);
  });
});

Deno.test("findSubjectLines() works behind a header longer than its first read", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "graph.nq");
    const prefixes: Record<string, string> = {};
    for (let i = 0; i < 400; i++) prefixes[`P${i}`] = `http://example.org/${"x".repeat(200)}/${i}#`;
    const lines = sortUnique([line("urn:a", "a"), line("urn:b", "b"), line("urn:c", "c")]);
    await writeStoreFile(path, header(prefixes), lines);
    assert((await Deno.stat(path)).size > 65536);
    assertEquals(await findSubjectLines(path, "<urn:b>"), [lines[1]!]);
    assertEquals((await readStoreFile(path)).header.prefixes.size, 400);
    const store = await GraphStore.open({ home: dir });
    assertEquals((await store.prefixes()).get("P399"), prefixes.P399);
  });
});

/** Writes a canonical store of 300 subjects and returns its lines and text. */
async function smallStore(path: string): Promise<{ lines: string[]; text: string }> {
  const lines: string[] = [];
  for (let i = 0; i < 300; i++) {
    lines.push(line(`urn:s:${i}`, `v${i}`), line(`urn:s:${i}`, `w${i}`, "urn:g"));
  }
  sortUnique(lines);
  await writeStoreFile(path, header({ S: "urn:s:" }), lines);
  return { lines, text: await Deno.readTextFile(path) };
}

Deno.test("readStoreFile() and findSubjectLines() read a hand-edited file with unsorted lines and a wrong size", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "graph.nq");
    const { lines, text } = await smallStore(path);
    const { head, body } = split(text);
    // Reverse the body and append a new statement: the body-bytes no longer match.
    const added = line("urn:s:150", "added by hand");
    await Deno.writeTextFile(path, [...head, ...body.reverse(), added].join("\n") + "\n");
    const expected = sortUnique([...lines, added]);
    assertEquals((await readStoreFile(path)).lines, expected);
    assertEquals((await readStoreFile(path)).header.prefixes.get("S"), "urn:s:");
    for (const s of ["<urn:s:0>", "<urn:s:150>", "<urn:s:299>", "<urn:s:15>"]) {
      assertEquals(
        await findSubjectLines(path, s),
        expected.filter((l) => lineSubject(l) === s),
        s,
      );
    }
  });
});

Deno.test("readStoreFile() and findSubjectLines() read a hand-edited file with sorted lines but a wrong body-bytes", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "graph.nq");
    const { lines, text } = await smallStore(path);
    const edited = text.replace(/# body-bytes: (\d+)/, (_, n) => `# body-bytes: ${Number(n) + 1}`);
    await Deno.writeTextFile(path, edited);
    assertEquals((await readStoreFile(path)).lines, lines);
    assertEquals(
      await findSubjectLines(path, "<urn:s:42>"),
      lines.filter((l) => l.startsWith("<urn:s:42> ")),
    );
    // Without any size or digest in the header, too.
    await Deno.writeTextFile(path, edited.replace(/# body-bytes.*\n# body-sha256.*\n/, ""));
    assertEquals((await readStoreFile(path)).lines, lines);
    assertEquals(
      await findSubjectLines(path, "<urn:s:42>"),
      lines.filter((l) => l.startsWith("<urn:s:42> ")),
    );
  });
});

/** Rewrites a canonical store with its last 5 body lines moved to the top (same size). */
async function moveLinesKeepingSize(path: string): Promise<{ lines: string[]; moved: string[] }> {
  const { lines, text } = await smallStore(path);
  const { head, body } = split(text);
  // Cut and paste in an editor: the byte count, and so the header's body-bytes, still match.
  const moved = body.slice(-5);
  await Deno.writeTextFile(path, [...head, ...moved, ...body.slice(0, -5)].join("\n") + "\n");
  assertEquals((await Deno.readFile(path)).length, enc.encode(text).length);
  return { lines, moved };
}

Deno.test("readStoreFile() and the next update read a hand-edited file whose lines moved without changing its size", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "graph.nq");
    const { lines, moved } = await moveLinesKeepingSize(path);
    assertEquals((await readStoreFile(path)).lines, lines, "the digest catches the edit");
    const store = await GraphStore.open({ home: dir });
    assertEquals((await store.readAll()).map(quadToLine), lines);
    await store.update((tx) => tx.add(quad(namedNode("urn:new"), p, literal("x"))));
    const expected = sortUnique([...lines, line("urn:new", "x")]);
    assertEquals(await assertCanonicalFile(path), expected);
    for (const s of moved.map(lineSubject)) {
      assertEquals(
        await findSubjectLines(path, s),
        expected.filter((x) => lineSubject(x) === s),
        s,
      );
    }
  });
});

Deno.test({
  name: "findSubjectLines() reads a hand-edited file whose lines moved without changing its size",
  fn: async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "graph.nq");
      const { lines, moved } = await moveLinesKeepingSize(path);
      for (const s of moved.map(lineSubject)) {
        assertEquals(await findSubjectLines(path, s), lines.filter((x) => lineSubject(x) === s), s);
      }
    });
  },
});

Deno.test("readStoreFile() canonicalises non-canonical N-Quads: duplicates, comments, blank lines, CRLF, escapes", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "graph.nq");
    await Deno.writeTextFile(
      path,
      "# format: 1\n" +
        '<urn:b>   <urn:p>\t"x"^^<http://www.w3.org/2001/XMLSchema#string> .\r\n' +
        "\n# a comment in the body\n" +
        '<urn:a> <urn:p> "\\u0041\\t"@EN-GB <urn:g>.\n' +
        '<urn:b> <urn:p> "x" .\n' +
        "<urn:\\u00E9> <urn:p> _:n1 .   # trailing comment\n",
    );
    assertEquals((await readStoreFile(path)).lines, [
      '<urn:a> <urn:p> "A\\t"@en-gb <urn:g> .',
      '<urn:b> <urn:p> "x" .',
      "<urn:é> <urn:p> _:n1 .",
    ]);
  });
});

Deno.test("GraphStore.update() canonicalises a hand-edited file, keeping the edit as .bak", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "graph.nq");
    const { lines, text } = await smallStore(path);
    const { head, body } = split(text);
    const handEdited =
      [...head, ...body.reverse(), line("urn:s:7", "by hand"), body[0]!].join("\n") +
      "\n";
    await Deno.writeTextFile(path, handEdited);
    const store = await GraphStore.open({ home: dir });
    const summary = await store.update((tx) =>
      tx.add(quad(namedNode("urn:new"), p, literal("via update")))
    );
    const expected = sortUnique([
      ...lines,
      line("urn:s:7", "by hand"),
      line("urn:new", "via update"),
    ]);
    assertEquals(summary.quads, expected.length);
    assertEquals(await assertCanonicalFile(path), expected);
    assertEquals(await Deno.readTextFile(`${path}.bak`), handEdited);
    assertEquals((await store.prefixes()).get("S"), "urn:s:");
  });
});

Deno.test("canonicalLines() names the file line of a syntax error, counting the header", async () => {
  const error = await assertRejects(
    () => canonicalLines("/x/graph.nq", '<urn:a> <urn:p> "a" .\n<urn:a> <urn:p> broken .\n', 6),
    StoreCorruptError,
  );
  assertEquals(error.line, 8);
  assertEquals(error.path, "/x/graph.nq");
  assertMatch(
    error.message,
    /at line 8: .*restore the previous good copy from \/x\/graph\.nq\.bak/,
  );
  assert(!/on line \d/.test(error.message), "the parser's own line number is replaced");
});

Deno.test("readStoreFile() rejects a file truncated mid-line with StoreCorruptError naming the line", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "graph.nq");
    const { text } = await smallStore(path);
    const { head, body } = split(text);
    // Cut line 101 of the body in the middle of its literal.
    const keep = [...head, ...body.slice(0, 100)].join("\n") + "\n" + body[100]!.slice(0, 25);
    await Deno.writeTextFile(path, keep);
    const fileLine = head.length + 101;
    const error = await assertRejects(
      () => readStoreFile(path),
      StoreCorruptError,
      `at line ${fileLine}`,
    );
    assertEquals(error.line, fileLine);
    assertEquals(error.path, path);
    const store = await GraphStore.open({ home: dir });
    await assertRejects(() => store.readAll(), StoreCorruptError, `at line ${fileLine}`);
    await assertRejects(
      () => store.match({ predicate: p }),
      StoreCorruptError,
      `at line ${fileLine}`,
    );
    await assertRejects(
      () => store.update((tx) => tx.add(quad(namedNode("urn:x"), p, literal("x")))),
      StoreCorruptError,
      `at line ${fileLine}`,
    );
    assertEquals(await Deno.readTextFile(path), keep, "a failed update changes nothing");
  });
});

Deno.test("readStoreFile() rejects a garbage line with StoreCorruptError naming it", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "graph.nq");
    const { text } = await smallStore(path);
    const { head, body } = split(text);
    const garbage = [...head, ...body.slice(0, 9), "\u0000\u0001 garbage {{{", ...body.slice(9)]
      .join("\n") + "\n";
    await Deno.writeTextFile(path, garbage);
    const error = await assertRejects(() => readStoreFile(path), StoreCorruptError);
    assertEquals(error.line, head.length + 10);
    // A truncated multi-byte character at the very end of the file, too.
    const bytes = enc.encode(text.slice(0, -1) + '\n<urn:z> <urn:p> "🎉');
    await Deno.writeFile(path, bytes.subarray(0, bytes.length - 2));
    const cut = await assertRejects(() => readStoreFile(path), StoreCorruptError);
    assertEquals(cut.line, head.length + body.length + 1);
  });
});

Deno.test("a store file of format 2 gives StoreFormatError for every read and update, and is left unchanged", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "graph.nq");
    const { text } = await smallStore(path);
    const future = text.replace("# format: 1", "# format: 2");
    await Deno.writeTextFile(path, future);
    const before = await Deno.stat(path);
    await assertRejects(() => readStoreFile(path), StoreFormatError, "upgrade");
    await assertRejects(() => findSubjectLines(path, "<urn:s:1>"), StoreFormatError);
    await assertRejects(() => GraphStore.open({ home: dir }), StoreFormatError, "format 2");
    await assertRejects(() => GraphStore.open({ home: dir, create: true }), StoreFormatError);
    // A store object opened before the file was replaced by a newer version.
    await Deno.writeTextFile(path, text);
    const store = await GraphStore.open({ home: dir });
    await Deno.writeTextFile(path, future);
    const stat = await Deno.stat(path);
    await assertRejects(() => store.match({ subject: namedNode("urn:s:1") }), StoreFormatError);
    await assertRejects(() => store.match({ predicate: p }), StoreFormatError);
    await assertRejects(() => store.readAll(), StoreFormatError);
    await assertRejects(() => store.prefixes(), StoreFormatError);
    await assertRejects(
      () => store.update((tx) => tx.add(quad(namedNode("urn:x"), p, literal("x")))),
      StoreFormatError,
    );
    await assertRejects(() => store.update(() => {}, { force: true }), StoreFormatError);
    assertEquals(await Deno.readTextFile(path), future);
    const after = await Deno.stat(path);
    assertEquals([after.ino, after.mtime?.getTime()], [stat.ino, stat.mtime?.getTime()]);
    assert(before.ino !== null);
  });
});
