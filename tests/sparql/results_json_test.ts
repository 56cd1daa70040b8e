/**
 * Reading SPARQL JSON results, the one reader of this project's engine and of
 * SPARQL servers: every term type (1.0's typed-literal too), a server's `1`/`0`
 * booleans made canonical only when asked, and a term it does not read (an
 * RDF 1.2 triple term) a `SparqlEvaluationError` naming what to do — from the
 * engine in-process (`repo.query`) and from a real server over HTTP (the
 * bridge's `/sparql`, read by the SPARQL client the external store uses).
 */
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { SparqlEvaluationError } from "../../mod.ts";
import { SparqlClient } from "../../lib/graph/sparql_http.ts";
import { vocab } from "../../lib/graph/rdf.ts";
import { parseResultsJson } from "../../lib/sparql/results_json.ts";
import { termFromJson } from "../../lib/graph/sparql_json_term.ts";
import { startTestBridge } from "../kernel/_bridge.ts";
import { makeSparqlStore } from "./_store.ts";

const TRIPLE = "SELECT (TRIPLE(<urn:a>, <urn:b>, <urn:c>) AS ?t) WHERE {}";

Deno.test("termFromJson: IRIs, blank nodes, plain, tagged and typed literals (1.0 typed-literal too)", () => {
  assertEquals(termFromJson({ type: "uri", value: "urn:a" }).termType, "NamedNode");
  assertEquals(termFromJson({ type: "bnode", value: "b0" }).termType, "BlankNode");
  const plain = termFromJson({ type: "literal", value: "x" });
  assert(plain.termType === "Literal");
  assertEquals(plain.datatype.value, vocab.xsdString);
  const tagged = termFromJson({ type: "literal", value: "bonjour", "xml:lang": "fr" });
  assert(tagged.termType === "Literal");
  assertEquals(tagged.language, "fr");
  const typed = termFromJson({ type: "typed-literal", value: "3", datatype: vocab.xsdInteger });
  assert(typed.termType === "Literal");
  assertEquals([typed.value, typed.datatype.value], ["3", vocab.xsdInteger]);
});

Deno.test("termFromJson: a server's 1/0 booleans read as true/false only when asked", () => {
  const one = { type: "literal" as const, value: "1", datatype: vocab.xsdBoolean };
  assertEquals(termFromJson(one).value, "1");
  assertEquals(termFromJson(one, { canonicalBooleans: true }).value, "true");
  assertEquals(termFromJson({ ...one, value: "0" }, { canonicalBooleans: true }).value, "false");
  const answer = parseResultsJson(
    JSON.stringify({ head: { vars: ["b"] }, results: { bindings: [{ b: one }] } }),
    { canonicalBooleans: true },
  );
  assert(answer.type === "bindings");
  assertEquals(answer.bindings[0]?.get("b")?.value, "true");
});

Deno.test("termFromJson: a term it does not read is a SparqlEvaluationError naming what to do", () => {
  const error = (() => {
    try {
      termFromJson({ type: "triple", value: "" });
    } catch (e) {
      return e;
    }
  })();
  assert(error instanceof SparqlEvaluationError, String(error));
  assertEquals(error.code, "sparql-evaluation");
  assert(error.message.includes('"triple" term'), error.message);
  assert(error.message.includes("SUBJECT(?t)"), error.message);
  const unknown = (() => {
    try {
      termFromJson({ type: "quoted" } as unknown as Parameters<typeof termFromJson>[0]);
    } catch (e) {
      return e;
    }
  })();
  assert(unknown instanceof SparqlEvaluationError, String(unknown));
});

Deno.test("a triple term in an answer: SparqlEvaluationError from repo.query and from a SPARQL server read over HTTP", async () => {
  const { home, repo } = await makeSparqlStore();
  await assertRejects(() => repo.query(TRIPLE), SparqlEvaluationError, '"triple" term');
  await using bridge = await startTestBridge({ home });
  const client = new SparqlClient({
    queryUrl: `${bridge.bridge.url}/sparql`,
    headers: { authorization: `Bearer ${bridge.bridge.token}` },
  });
  // The server answers it (200): the reader refuses the term, with our typed error.
  await assertRejects(() => client.select(TRIPLE), SparqlEvaluationError, '"triple" term');
  const fine = await client.select("SELECT (1 AS ?n) WHERE {}");
  assertEquals(fine.rows[0]?.n?.value, "1");
});
