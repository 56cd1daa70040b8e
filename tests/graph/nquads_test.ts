import { parseNQuads } from "../../lib/graph/n3_parse.ts";
import {
  iriToken,
  lineGraph,
  lineSubject,
  lineToQuad,
  quadToLine,
  termToken,
} from "../../lib/graph/nquads.ts";
import {
  blankNode,
  defaultGraph,
  literal,
  namedNode,
  NQuadsSyntaxError,
  type Quad,
  quad,
  type QuadGraph,
  type QuadObject,
  type QuadSubject,
  type Term,
  variable,
  vocab,
} from "../../lib/graph/rdf.ts";
import { sortUnique } from "../../lib/graph/store_file.ts";
import { assert, assertEquals, assertMatch, assertThrows } from "../_assert.ts";

/** A plain description of a term, for readable deep comparisons. */
function show(t: Term): string {
  if (t.termType === "Literal") {
    return `Literal ${JSON.stringify(t.value)} @${t.language} ^^${t.datatype.value}`;
  }
  if (t.termType === "Quad") {
    return [t.subject, t.predicate, t.object, t.graph].map(show).join(" | ");
  }
  return `${t.termType} ${JSON.stringify(t.value)}`;
}

const p = namedNode("urn:p");
const g = namedNode("urn:g");

const ALL_CONTROLS = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join("") +
  "\u007f";

const NASTY_VALUES = [
  "",
  'He said "hi"',
  '"',
  '""',
  "back\\slash",
  "ends with a backslash\\",
  '\\"',
  '\\\\"',
  "line1\nline2",
  "crlf\r\nend",
  "tab\there",
  "\b\f",
  ALL_CONTROLS,
  "\u0085 \u2028 \u2029 \ufeff \u200d",
  "é ñ 中文 ελληνικά",
  "astral 🎉 𝄞 \u{10FFFF} \u{1F600}",
  'looks like "x"@en',
  "looks like ^^<urn:dt>",
  " <urn:g> .",
  '" <urn:g> .',
  "\\u0041 is not an escape here",
  "\\n is not a newline here",
  "x".repeat(100_000),
];

const ODD_IRIS = [
  "http://example.org/a#frag",
  "http://example.org/path?q=1&r=%20x",
  "http://例え.jp/パス",
  "http://example.org/🎉/𝄞",
  "file:///tmp/a'b(c)*!$;,=",
  "urn:a~b",
  "mailto:a@b.example",
  "tag:x,2020:/:@!$&'()*+,;=",
  "urn:!",
  "urn:a%3Cb%3E",
];

const BLANK_LABELS = ["b1", "n3-7", "_x.y", "é", "0abc", "a-b", "a·b"];

const LITERALS: QuadObject[] = [
  ...NASTY_VALUES.map((v) => literal(v)),
  ...NASTY_VALUES.slice(0, 8).map((v) => literal(v, "en")),
  literal("colour", "en-GB"),
  literal("中文", "zh-Hant-TW"),
  literal("x", "x-private-1"),
  literal("42", namedNode(vocab.xsdInteger)),
  literal("explicit string", namedNode(vocab.xsdString)),
  literal('{"a":[1,"\\n"]}', namedNode(vocab.rdfJson)),
  literal("odd\ttyped", namedNode("urn:dt#x?y=1&z='q'")),
  literal("7", namedNode("http://例え.jp/型")),
];

function nastyQuads(): Quad[] {
  const out: Quad[] = [];
  for (const o of LITERALS) out.push(quad(namedNode("urn:s"), p, o));
  for (const o of LITERALS.slice(0, 12)) out.push(quad(namedNode("urn:s"), p, o, g));
  for (const iri of ODD_IRIS) {
    out.push(quad(namedNode(iri), namedNode(iri), namedNode(iri), namedNode(iri)));
    out.push(quad(namedNode(iri), p, literal("x", namedNode(iri))));
  }
  for (const label of BLANK_LABELS) {
    out.push(quad(blankNode(label), p, blankNode(label), blankNode(label)));
    out.push(quad(blankNode(label), p, literal(label)));
  }
  out.push(quad(namedNode("urn:s"), p, literal("in the default graph"), defaultGraph()));
  return out;
}

Deno.test("quadToLine() output parses back with n3 to the same quads", () => {
  const quads = nastyQuads();
  for (const q of quads) {
    const line = quadToLine(q);
    const parsed = parseNQuads(line + "\n");
    assertEquals(parsed.map(show), [show(q)], `line ${JSON.stringify(line.slice(0, 120))}`);
    assert(parsed[0]!.equals(q), `equals() for ${line.slice(0, 120)}`);
  }
  // And all of them at once, as one file body.
  const all = parseNQuads(quads.map(quadToLine).join("\n") + "\n");
  assertEquals(all.map(show), quads.map(show));
});

Deno.test("lineToQuad() reads quadToLine() output back to the same quads as n3 does", () => {
  for (const q of nastyQuads()) {
    const line = quadToLine(q);
    const fast = lineToQuad(line);
    assertEquals(show(fast), show(q), `line ${JSON.stringify(line.slice(0, 120))}`);
    assertEquals(show(fast), show(parseNQuads(line)[0]!));
  }
});

Deno.test("quadToLine() is canonical: re-serialising what n3 reads gives the same line", () => {
  for (const q of nastyQuads()) {
    const line = quadToLine(q);
    assertEquals(quadToLine(parseNQuads(line)[0]!), line);
  }
});

Deno.test("quadToLine() escapes quotes, backslashes and control characters, and nothing else", () => {
  const line = quadToLine(
    quad(namedNode("urn:s"), p, literal('a"b\\c\nd\re\tf\b\f\u0000\u001f\u007f')),
  );
  assertEquals(line, String.raw`<urn:s> <urn:p> "a\"b\\c\nd\re\tf\b\f\u0000\u001F\u007F" .`);
  assertEquals(
    quadToLine(quad(namedNode("urn:é"), p, literal("é 🎉 \u2028"))),
    '<urn:é> <urn:p> "é 🎉 \u2028" .',
  );
  for (let c = 0; c < 0x80; c++) {
    const ch = String.fromCharCode(c);
    const token = termToken(literal(ch));
    const raw = c >= 0x20 && c !== 0x7f && ch !== '"' && ch !== "\\";
    assertEquals(token === `"${ch}"`, raw, `U+${c.toString(16)} gives ${token}`);
  }
});

Deno.test("quadToLine() drops xsd:string, lower-cases language tags and writes other datatypes", () => {
  const s = namedNode("urn:s");
  assertEquals(
    quadToLine(quad(s, p, literal("x", namedNode(vocab.xsdString)))),
    '<urn:s> <urn:p> "x" .',
  );
  assertEquals(
    quadToLine(quad(s, p, literal("x", "EN-gb"), g)),
    '<urn:s> <urn:p> "x"@en-gb <urn:g> .',
  );
  assertEquals(
    quadToLine(quad(s, p, literal("1", namedNode(vocab.xsdInteger)))),
    `<urn:s> <urn:p> "1"^^<${vocab.xsdInteger}> .`,
  );
  assertEquals(
    quadToLine(quad(blankNode("b"), p, blankNode("c"), blankNode("d"))),
    "_:b <urn:p> _:c _:d .",
  );
});

Deno.test("lineGraph() agrees with the graph n3 parses from the same line", () => {
  const quads = nastyQuads();
  const graphs = new Set<string>();
  for (const q of quads) {
    const line = quadToLine(q);
    const parsed = parseNQuads(line)[0]!;
    assertEquals(
      lineGraph(line),
      termToken(parsed.graph),
      `line ${JSON.stringify(line.slice(0, 120))}`,
    );
    graphs.add(lineGraph(line));
  }
  // The set covers the default graph, named graphs and blank-node graphs.
  assert(graphs.has(""));
  assert(graphs.has("<urn:g>"));
  assert(graphs.has("_:b1"));
});

Deno.test("lineSubject() is the subject token of a line", () => {
  for (const q of nastyQuads()) {
    assertEquals(lineSubject(quadToLine(q)), termToken(q.subject));
  }
});

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("quadToLine() round-trips random nasty literals through n3 and lineToQuad, one line each", () => {
  const random = prng(20240601);
  const pool = [...'"\\\n\r\t\b\f\u0000\u0001\u001f\u007f @^<>. _:#aZ09é中', "🎉", "𝄞", "\\u0041"];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const quads: Quad[] = [];
  for (let i = 0; i < 1500; i++) {
    const value = Array.from({ length: Math.floor(random() * 12) }, () => pick(pool)).join("");
    const object = pick([
      () => literal(value),
      () => literal(value, pick(["en", "de-CH", "x-a-b"])),
      () => literal(value, namedNode(pick(ODD_IRIS))),
    ])();
    const graph: QuadGraph = pick([
      defaultGraph(),
      g,
      blankNode(pick(BLANK_LABELS)),
      namedNode(pick(ODD_IRIS)),
    ]);
    const subject: QuadSubject = random() < 0.2
      ? blankNode(pick(BLANK_LABELS))
      : namedNode(pick(ODD_IRIS));
    quads.push(quad(subject, p, object, graph));
  }
  const lines = quads.map(quadToLine);
  for (const line of lines) {
    assert(!/[\n\r]/.test(line), `raw line break in ${JSON.stringify(line)}`);
  }
  const parsed = parseNQuads(lines.join("\n") + "\n");
  assertEquals(parsed.map(show), quads.map(show));
  assertEquals(lines.map((l) => show(lineToQuad(l))), quads.map(show));
  assertEquals(lines.map(lineGraph), parsed.map((q) => termToken(q.graph)));
});

Deno.test("sortUnique() of canonical lines keeps each subject's lines contiguous", () => {
  const subjects = [
    "<urn:a>",
    "<urn:a1>",
    "<urn:a!>",
    "<urn:a#x>",
    "<urn:a/b>",
    "<urn:ab>",
    "_:a",
    "_:a1",
    "_:a.b",
  ];
  const random = prng(7);
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    const s = subjects[Math.floor(random() * subjects.length)]!;
    const subject = s.startsWith("_:") ? blankNode(s.slice(2)) : namedNode(s.slice(1, -1));
    const objects = ["", " ", "!", "~", "\u0000", "é", "🎉"];
    lines.push(quadToLine(quad(subject, p, literal(objects[i % objects.length]! + i))));
  }
  sortUnique(lines);
  const seen = new Set<string>();
  let previous = "";
  for (const line of lines) {
    const s = lineSubject(line);
    if (s !== previous) {
      assert(!seen.has(s), `${s} appears in two runs`);
      seen.add(s);
      previous = s;
    }
  }
  assertEquals(seen.size, subjects.length);
});

Deno.test("termToken() rejects a variable with a TypeError", () => {
  assertThrows(() => termToken(variable("x")), TypeError, "Variable");
});

Deno.test("iriToken() writes an IRI between angle brackets", () => {
  assertEquals(iriToken("http://example.org/a#b"), "<http://example.org/a#b>");
});

Deno.test("lineToQuad() rejects truncated and non-canonical lines with NQuadsSyntaxError", () => {
  const bad = [
    "",
    "<urn:s>",
    "<urn:s> <urn:p>",
    '<urn:s> <urn:p> "abc',
    '<urn:s> <urn:p> "abc"',
    "<urn:s> <urn:p> <urn:o>",
    "<urn:s> <urn:p> <urn:o> <urn:g>",
    "<urn:s>  <urn:p> <urn:o> .",
    "<urn:s> <urn:p> <urn:o> . ",
    "<urn:s> <urn:p> <urn:o> . extra",
    '"lit" <urn:p> <urn:o> .',
    "<urn:s> _:p <urn:o> .",
    '<urn:s> <urn:p> "o"^^"dt" .',
    "<urn:s> <urn:p> <urn:o",
  ];
  for (const line of bad) {
    const error = assertThrows(() => lineToQuad(line), NQuadsSyntaxError);
    assertMatch(error.message, /^Expected /, `for ${JSON.stringify(line)}`);
  }
});

Deno.test("parseNQuads() reports the 1-based line of a syntax error", () => {
  const error = assertThrows(
    () => parseNQuads('<urn:s> <urn:p> "ok" .\n<urn:s> <urn:p> "broken\n'),
    NQuadsSyntaxError,
  );
  assertEquals(error.line, 2);
});

Deno.test("quadToLine() rejects IRIs that N-Quads cannot carry, instead of writing unreadable lines", () => {
  for (
    const iri of [
      "urn:a b",
      "urn:a<b",
      "urn:a>b",
      'urn:a"b',
      "urn:a{b}",
      "urn:a|b",
      "urn:a^b",
      "urn:a`b",
      "urn:a\\b",
      "urn:a\nb",
      "urn:a\u0000b",
    ]
  ) {
    for (
      const q of [
        quad(namedNode(iri), p, literal("x")),
        quad(namedNode("urn:s"), namedNode(iri), literal("x")),
        quad(namedNode("urn:s"), p, namedNode(iri)),
        quad(namedNode("urn:s"), p, literal("x", namedNode(iri))),
        quad(namedNode("urn:s"), p, literal("x"), namedNode(iri)),
      ]
    ) {
      // Before the fix, the line was written and then rejected by n3 on any re-parse.
      assertThrows(() => quadToLine(q), TypeError, JSON.stringify(iri));
    }
  }
});

Deno.test("quadToLine() rejects blank node labels that N-Quads cannot carry", () => {
  for (const label of ["", "a b", "a\nb", "a.", ".a", "-a", "a:b", "a<b", "a>b", 'a"b', "a#b"]) {
    assertThrows(() => quadToLine(quad(blankNode(label), p, literal("x"))), TypeError);
    assertThrows(() => quadToLine(quad(namedNode("urn:s"), p, blankNode(label))), TypeError);
    assertThrows(
      () => quadToLine(quad(namedNode("urn:s"), p, literal("x"), blankNode(label))),
      TypeError,
    );
  }
});
