/**
 * The bridge's answer cache: an answer is kept for the content identity that
 * gave it (a write by any process makes it unreachable), never for a query
 * whose answer is not a function of the data (NOW(), RAND(), STRUUID()…), and
 * within its bounds. Over a real store with the worker: a query asked again
 * is answered from the cache while the worker is busy with another one; a
 * write by `owm` in another process is seen by the same query asked again.
 */
import { join } from "node:path";
import { assert, assertEquals, assertNotEquals } from "../_assert.ts";
import { owm } from "../_owm.ts";
import { AnswerCache, isVolatileQuery } from "../../lib/sparql/answer_cache.ts";
import { WorkerGraphSparql } from "../../lib/sparql/worker_graph_sparql.ts";
import { SparqlTimeoutError } from "../../lib/sparql/errors.ts";
import { CSV_TYPE, makeSparqlStore } from "./_store.ts";

const JSON_TYPE = "application/sparql-results+json";
const COUNT = `SELECT (COUNT(?ds) AS ?n) WHERE { ?ds a <${CSV_TYPE}> }`;

function countOf(text: string): number {
  return Number(JSON.parse(text).results.bindings[0].n.value);
}

Deno.test("AnswerCache: an answer is found only for the same query, type, dataset and identity", () => {
  const cache = new AnswerCache();
  cache.set("id1", "ASK {}", JSON_TYPE, {}, "yes");
  assertEquals(cache.get("id1", "ASK {}", JSON_TYPE, {}), "yes");
  assertEquals(cache.get("id1", "ASK {}", JSON_TYPE, { dataset: {} }), "yes");
  assertEquals(cache.get("id1", "ASK {}", JSON_TYPE, { dataset: { defaultGraphs: [] } }), "yes");
  assertEquals(
    cache.get("id1", "ASK {}", JSON_TYPE, { dataset: { defaultGraphs: ["urn:g"] } }),
    undefined,
  );
  assertEquals(cache.get("id1", "ASK {}", JSON_TYPE, { baseIri: "http://x/" }), undefined);
  assertEquals(cache.get("id1", "ASK {}", "text/csv", {}), undefined);
  assertEquals(cache.get("id1", "ASK { }", JSON_TYPE, {}), undefined);
  assertEquals(cache.get("id2", "ASK {}", JSON_TYPE, {}), undefined, "another content");
  assertEquals(cache.get(undefined, "ASK {}", JSON_TYPE, {}), undefined);
  // An answer for new content drops every answer of the old.
  cache.set("id2", "ASK { ?s ?p ?o }", JSON_TYPE, {}, "no");
  assertEquals(cache.size, 1);
  assertEquals(cache.get("id1", "ASK {}", JSON_TYPE, {}), undefined);
  assertEquals(cache.get("id2", "ASK { ?s ?p ?o }", JSON_TYPE, {}), "no");
  // Nothing is kept for an unknown identity.
  cache.set(undefined, "ASK {}", JSON_TYPE, {}, "yes");
  assertEquals(cache.size, 1);
});

Deno.test("AnswerCache: queries calling NOW, RAND, UUID, STRUUID or BNODE are never kept", () => {
  for (
    const q of [
      "SELECT (NOW() AS ?t) WHERE {}",
      "SELECT ?s WHERE { ?s ?p ?o } ORDER BY rand ( )",
      "SELECT (UUID() AS ?u) WHERE {}",
      "SELECT (STRUUID() AS ?u) WHERE {}",
      "CONSTRUCT { ?b <urn:p> ?o } WHERE { ?s ?p ?o BIND(BNODE() AS ?b) }",
    ]
  ) {
    assert(isVolatileQuery(q), q);
    const cache = new AnswerCache();
    cache.set("id", q, JSON_TYPE, {}, "answer");
    assertEquals(cache.get("id", q, JSON_TYPE, {}), undefined, q);
  }
  for (
    const q of [
      'SELECT * WHERE { ?s ?p "NOW()" }',
      "SELECT * WHERE { ?s <urn:RAND()> ?o }",
      "SELECT * WHERE { ?s ?p ?o } # RAND()",
      "SELECT ?rand WHERE { ?s ?p ?rand }",
      "SELECT (ex:now(?x) AS ?t) WHERE { ?x ?p ?o }",
    ]
  ) {
    assert(!isVolatileQuery(q), q);
  }
});

Deno.test("AnswerCache: bounded in total (least recently used dropped first) and per answer", () => {
  const cache = new AnswerCache({ maxChars: 1000, maxAnswerChars: 300 });
  cache.set("id", "q-too-big", JSON_TYPE, {}, "x".repeat(301));
  assertEquals(cache.size, 0);
  for (const q of ["q1", "q2", "q3"]) cache.set("id", q, JSON_TYPE, {}, "x".repeat(250));
  assertEquals(cache.size, 3);
  assertEquals(cache.get("id", "q1", JSON_TYPE, {})?.length, 250); // q1 is now the most recent
  cache.set("id", "q4", JSON_TYPE, {}, "x".repeat(250)); // over 1000 with the keys: q2 goes
  assertEquals(cache.get("id", "q2", JSON_TYPE, {}), undefined);
  assertEquals(cache.get("id", "q1", JSON_TYPE, {})?.length, 250);
  assertEquals(cache.get("id", "q4", JSON_TYPE, {})?.length, 250);
});

Deno.test("WorkerGraphSparql: a query asked again is answered from the cache while the worker is busy with another", async () => {
  const { home } = await makeSparqlStore();
  const sparql = new WorkerGraphSparql({ home, path: join(home, "graph.nq"), timeoutMs: 4000 });
  try {
    const first = await sparql.queryText(COUNT, JSON_TYPE);
    assertEquals(countOf(first), 2);
    // About 10⁹ rows to count: the worker is busy with it until its deadline.
    let endlessSettled = false;
    const endless = sparql.queryText(
      "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
      JSON_TYPE,
    ).then(() => undefined, (e) => e).finally(() => endlessSettled = true);
    const again = await sparql.queryText(COUNT, JSON_TYPE);
    assertEquals(again, first);
    assert(!endlessSettled, "the second answer waited for the worker: it was not kept");
    const stopped = await endless;
    assert(stopped instanceof SparqlTimeoutError, String(stopped));
  } finally {
    sparql.close();
  }
});

Deno.test("WorkerGraphSparql: a write by owm in another process is seen by the same query asked again; volatile queries are evaluated each time", async () => {
  const { home } = await makeSparqlStore();
  const sparql = new WorkerGraphSparql({ home, path: join(home, "graph.nq") });
  try {
    assertEquals(countOf(await sparql.queryText(COUNT, JSON_TYPE)), 2);
    assertEquals(countOf(await sparql.queryText(COUNT, JSON_TYPE)), 2);
    const removed = await owm(["--home", home, "source", "rm", "CSVDataSource:cells"]);
    assertEquals(removed.code, 0, removed.stderr);
    assertEquals(countOf(await sparql.queryText(COUNT, JSON_TYPE)), 1);
    const uuid = "SELECT (STRUUID() AS ?u) WHERE {}";
    assertNotEquals(
      await sparql.queryText(uuid, JSON_TYPE),
      await sparql.queryText(uuid, JSON_TYPE),
    );
  } finally {
    sparql.close();
  }
});
