import { join } from "node:path";
import { quadToLine } from "../../lib/graph/nquads.ts";
import {
  blankNode,
  defaultGraph,
  literal,
  namedNode,
  type Quad,
  quad,
  vocab,
} from "../../lib/graph/rdf.ts";
import { sortUnique } from "../../lib/graph/store_file.ts";
import { writeCanonicalNQuads } from "../../lib/translate/canonical_nquads.ts";
import { assert, assertEquals } from "../_assert.ts";

Deno.test("writeCanonicalNQuads() writes exactly the store's sorted unique lines", async () => {
  // Subjects that are prefixes of each other, objects that are prefixes of each
  // other (a plain, a typed and a tagged literal), escapes, two graphs and the
  // default graph, and one subject spread over groups that are not adjacent.
  const s = ["urn:x:row/1", "urn:x:row/10", "urn:x:row/2", "urn:x:row/1"].map(namedNode);
  const p = ["urn:p", "urn:p/a", "urn:pa"].map(namedNode);
  const objects = [
    literal("1"),
    literal("1", namedNode(vocab.xsdInteger)),
    literal("1", "en"),
    literal('say "hi"\n\tbye\\'),
    literal("é🐛"),
    namedNode("urn:o"),
    blankNode("b1"),
  ];
  const graphs = [namedNode("urn:g"), namedNode("urn:g2"), defaultGraph()];
  const quads: Quad[] = [];
  const groupStarts: number[] = [];
  let seed = 7;
  const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  for (const subject of [...s, blankNode("b10"), blankNode("b1")]) {
    groupStarts.push(quads.length);
    for (let k = 0; k < 40; k++) {
      quads.push(quad(subject, p[next(3)]!, objects[next(objects.length)]!, graphs[next(3)]!));
    }
  }
  const dir = await Deno.makeTempDir({ prefix: "owm-canonical-" });
  try {
    const path = join(dir, "out.nq");
    const out = await writeCanonicalNQuads(path, quads, groupStarts);
    const expected = sortUnique(quads.map(quadToLine));
    assert(expected.length < quads.length, "the test has duplicates to drop");
    assertEquals(await Deno.readTextFile(path), expected.join("\n") + "\n");
    assertEquals(out.map(quadToLine), expected);
    // Nothing at all is an empty file.
    assertEquals(await writeCanonicalNQuads(path, [], []), []);
    assertEquals(await Deno.readTextFile(path), "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
