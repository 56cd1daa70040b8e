/**
 * Tests of subject-anchored queries answered from their subjects' statements
 * (lib/sparql/anchored_query.ts, lib/sparql/subject_scoped.ts): which texts
 * are recognised; the same answer as the whole graph's engine for every
 * results format and dataset; declined beyond its bounds, for blank nodes
 * and for a file it cannot trust; the graph left unloaded in-process; and in
 * the bridge's service, answered while the worker is busy, writes seen at once.
 */
import { join } from "node:path";
import { assert, assertEquals } from "../_assert.ts";
import { CSVDataSource, DataSourceRepository } from "../../mod.ts";
import { blankNode, literal, namedNode, quad } from "../../lib/graph/rdf.ts";
import { GraphStore } from "../../lib/graph/store.ts";
import { readStoreFile } from "../../lib/graph/store_file.ts";
import { type AnchoredQuery, anchoredQuery } from "../../lib/sparql/anchored_query.ts";
import type { QueryOptions, SparqlEngine } from "../../lib/sparql/engine.ts";
import { SparqlSyntaxError, SparqlTimeoutError } from "../../lib/sparql/errors.ts";
import { FileGraphSparql } from "../../lib/sparql/file_graph_sparql.ts";
import { OxigraphEngine } from "../../lib/sparql/oxigraph_engine.ts";
import {
  MAX_SCOPED_LINES,
  MAX_SCOPED_ROWS,
  SubjectScopedSparql,
} from "../../lib/sparql/subject_scoped.ts";
import { WorkerGraphSparql } from "../../lib/sparql/worker_graph_sparql.ts";
import { CSV_TYPE, DATA_GRAPH, makeSparqlStore, NOTES_GRAPH, WORMS } from "./_store.ts";

const JSON_TYPE = "application/sparql-results+json";
const FORMATS = [
  JSON_TYPE,
  "application/sparql-results+xml",
  "text/csv",
  "text/tab-separated-values",
];
const EX = "http://example.org/";
const CELLS = "http://data.openworm.org/data_sources/CSVDataSource#cells";

Deno.test("anchoredQuery: SELECT and ASK of triple patterns with constant IRI subjects", () => {
  const cases: [string, AnchoredQuery][] = [
    [`SELECT ?p ?o WHERE { <${EX}a> ?p ?o }`, { subjects: [`<${EX}a>`], patterns: [0] }],
    [
      `PREFIX ex: <${EX}>\nselect distinct * {\n ex:a ex:p ?o ; a ?t , ex:C .\n ex:b ?p 'x'@en , "y"^^ex:T, 12, -1.5, true ; ; } LIMIT 3 OFFSET 2`,
      { subjects: [`<${EX}a>`, `<${EX}b>`], patterns: [0, 0, 0, 1, 1, 1, 1, 1] },
    ],
    [`ASK { <${EX}a> <${EX}p> "x" . <${EX}a> ?p ?o . }`, {
      subjects: [`<${EX}a>`],
      patterns: [0, 0],
    }],
    [`SELECT REDUCED ?o { <${EX}a> ?p ?o } OFFSET 1 LIMIT 2`, {
      subjects: [`<${EX}a>`],
      patterns: [0],
    }],
  ];
  for (const [text, expected] of cases) assertEquals(anchoredQuery(text), expected, text);
});

Deno.test("anchoredQuery: anything beyond the subset is not recognised", () => {
  const declined = [
    "SELECT ?s WHERE { ?s ?p ?o }", // a variable subject
    `SELECT ?p WHERE { <${EX}a> ?p ?o # a comment\n }`,
    `BASE <${EX}> SELECT ?p WHERE { <a> ?p ?o }`,
    "SELECT ?p WHERE { <a> ?p ?o }", // relative
    "SELECT ?p WHERE { ex:a ?p ?o }", // undeclared prefix
    `PREFIX ex: <${EX}> SELECT ?p WHERE { ex:a:b ?p ?o }`,
    `PREFIX ex: <${EX}> SELECT ?p WHERE { ex:a\\.b ?p ?o }`,
    `PREFIX ex: <${EX}> PREFIX ex: <${EX}x/> SELECT ?p WHERE { ex:a ?p ?o }`,
    `SELECT ?p WHERE { <${EX}a> ?p ?o } LIMIT 1.5`,
    `SELECT ?p WHERE { <${EX}a> ?p ?o FILTER(?o) }`,
    `SELECT ?p WHERE { <${EX}a> ?p ?o OPTIONAL { ?o ?q ?r } }`,
    `SELECT ?p WHERE { GRAPH ?g { <${EX}a> ?p ?o } }`,
    `SELECT ?p FROM <${EX}g> WHERE { <${EX}a> ?p ?o }`,
    `SELECT ?p WHERE { <${EX}a> <${EX}p>/<${EX}q> ?o }`,
    `SELECT ?p WHERE { <${EX}a> ?p """x""" }`,
    `SELECT ?p WHERE { <${EX}a> ?p "\\u0078" }`,
    `SELECT ?p WHERE { <${EX}\\u0061> ?p ?o }`,
    `SELECT ?p WHERE { <${EX}a> ?p _:b }`,
    `SELECT ?p WHERE { <${EX}a> ?p [] }`,
    `SELECT ?p WHERE { <${EX}a> ?p ?o } ORDER BY ?p`,
    `SELECT (COUNT(*) AS ?n) WHERE { <${EX}a> ?p ?o }`,
    `SELECT ?p WHERE { { <${EX}a> ?p ?o } }`,
    `SELECT ?p WHERE { <${EX}é> ?p ?o }`,
    `CONSTRUCT WHERE { <${EX}a> ?p ?o }`,
    `DESCRIBE <${EX}a>`,
    "SELECT ?p WHERE { }",
    `SELECT ?p WHERE { <${EX}a> ?p ?o }}`,
    `SELECT ?p WHERE { <${EX}a> ?p ?o`,
    `SELECT ?p WHERE { <${EX}a> ?p ?o } LIMIT 1 LIMIT 2`,
  ];
  for (const text of declined) assertEquals(anchoredQuery(text), undefined, text);
});

/** The sample store, with a statement in two graphs, typed and tagged literals, and more. */
async function richStore(): Promise<{ home: string; path: string; repo: DataSourceRepository }> {
  const { home, repo } = await makeSparqlStore();
  const worms = namedNode(WORMS);
  await repo.store.update((tx) =>
    tx.add(
      quad(worms, namedNode(`${EX}label`), literal("vers", "fr"), namedNode(NOTES_GRAPH)),
      quad(worms, namedNode(`${EX}label`), literal("vers", "fr"), namedNode(DATA_GRAPH)),
      quad(
        worms,
        namedNode(`${EX}size`),
        literal("12", namedNode("http://www.w3.org/2001/XMLSchema#integer")),
        namedNode(NOTES_GRAPH),
      ),
      quad(worms, namedNode(`${EX}sameAs`), namedNode(CELLS), namedNode(NOTES_GRAPH)),
    )
  );
  return { home, path: join(home, "graph.nq"), repo };
}

Deno.test("SubjectScopedSparql: the whole graph's answer for every anchored query, results format and dataset", async () => {
  const { path } = await richStore();
  const whole = new OxigraphEngine();
  whole.load(await Deno.readFile(path));
  const scoped = new SubjectScopedSparql(path);
  const queries = [
    `SELECT ?p ?o WHERE { <${WORMS}> ?p ?o }`,
    `SELECT DISTINCT ?p WHERE { <${WORMS}> ?p ?o }`,
    `SELECT * WHERE { <${WORMS}> a ?t ; ?p ?o } LIMIT 3 OFFSET 1`,
    `SELECT ?o WHERE { <${WORMS}> <${EX}label> ?o }`,
    `ASK { <${WORMS}> a <${CSV_TYPE}> }`,
    `ASK { <${WORMS}> a <${EX}Nothing> }`,
    `PREFIX c: <http://data.openworm.org/data_sources/CSVDataSource#>\nSELECT ?p ?o WHERE { c:worms ?p ?o . c:cells ?p ?o }`,
    `SELECT ?o WHERE { <${WORMS}> <${EX}size> 12 ; <${EX}label> ?o }`,
    `SELECT ?p ?o WHERE { <${EX}absent> ?p ?o }`,
    `SELECT ?x WHERE { <${WORMS}> ?p ?o }`, // a variable the pattern does not bind
  ];
  const datasets: QueryOptions[] = [
    {},
    { dataset: { defaultGraphs: [DATA_GRAPH] } },
    { dataset: { defaultGraphs: [NOTES_GRAPH, DATA_GRAPH] } },
    { dataset: { namedGraphs: [NOTES_GRAPH] } },
  ];
  let answered = 0;
  for (const query of queries) {
    assert(anchoredQuery(query), `anchored: ${query}`);
    for (const options of datasets) {
      for (const type of FORMATS) {
        const answer = await scoped.queryText(query, type, options);
        assert(answer, `answered: ${query}`);
        assertEquals(
          normalised(answer.text, type),
          normalised(whole.queryText(query, type, options), type),
          `${query} as ${type} with ${JSON.stringify(options)}`,
        );
        answered++;
      }
    }
  }
  assertEquals(answered, queries.length * datasets.length * FORMATS.length);
  // A query the engine refuses is refused the same way.
  const bad = `PREFIX ex: <${EX}> SELECT ?p WHERE { <${WORMS}> ?p "x"^^nope:t }`;
  assert(anchoredQuery(bad));
  let scopedError: unknown, wholeError: unknown;
  try {
    await scoped.queryText(bad, JSON_TYPE);
  } catch (e) {
    scopedError = e;
  }
  try {
    whole.queryText(bad, JSON_TYPE);
  } catch (e) {
    wholeError = e;
  }
  assert(scopedError instanceof SparqlSyntaxError && wholeError instanceof SparqlSyntaxError);
  assertEquals(scopedError.message, wholeError.message);
});

/** Solutions in a stable order (a query without ORDER BY promises none). */
function normalised(text: string, type: string): string {
  if (type === JSON_TYPE) {
    const json = JSON.parse(text);
    if (json.results) {
      json.results.bindings = json.results.bindings.map((b: unknown) => JSON.stringify(b)).sort();
    }
    return JSON.stringify(json);
  }
  if (type.includes("xml")) {
    const results = text.match(/<result>[\s\S]*?<\/result>/g) ?? [];
    return text.replace(/<result>[\s\S]*?<\/result>/g, "") + [...results].sort().join("");
  }
  const [head, ...rows] = text.split(/\r?\n/);
  return [head, ...rows.sort()].join("\n");
}

Deno.test("SubjectScopedSparql declines statements with blank nodes, too many statements or rows, and a file it cannot trust", async () => {
  const { home, path, repo } = await richStore();
  const scoped = new SubjectScopedSparql(path);
  const lookup = (iri: string) => `SELECT ?p ?o WHERE { <${iri}> ?p ?o }`;
  assert(await scoped.queryText(lookup(WORMS), JSON_TYPE), "answered before the changes");
  const many = namedNode(`${EX}many`);
  const wide = namedNode(`${EX}wide`);
  await repo.store.update((tx) => {
    tx.add(quad(namedNode(CELLS), namedNode(`${EX}note`), blankNode("n1"), namedNode(NOTES_GRAPH)));
    for (let i = 0; i <= MAX_SCOPED_LINES; i++) {
      tx.add(quad(many, namedNode(`${EX}p`), literal(String(i)), namedNode(NOTES_GRAPH)));
    }
    for (let i = 0; i < 50; i++) {
      tx.add(quad(wide, namedNode(`${EX}p`), literal(String(i)), namedNode(NOTES_GRAPH)));
    }
  });
  assertEquals(await scoped.queryText(lookup(CELLS), JSON_TYPE), undefined, "a blank node");
  assertEquals(
    await scoped.queryText(lookup(`${EX}many`), JSON_TYPE),
    undefined,
    "too many statements",
  );
  const rows = (n: number) =>
    `SELECT * WHERE { ${
      Array.from({ length: n }, (_, i) => `<${EX}wide> ?p${i} ?o${i} .`).join(" ")
    } }`;
  assert(50 ** 2 <= MAX_SCOPED_ROWS && 50 ** 3 > MAX_SCOPED_ROWS);
  const two = await scoped.queryText(rows(2), JSON_TYPE);
  assert(two, "2,500 rows are within bounds");
  assertEquals(JSON.parse(two.text).results.bindings.length, 2500);
  assertEquals(await scoped.queryText(rows(3), JSON_TYPE), undefined, "125,000 rows are not");
  // The whole graph still answers what was declined.
  const service = new FileGraphSparql(await GraphStore.open({ home }));
  const answer = await service.query(lookup(`${EX}many`));
  assert(answer.type === "bindings");
  assertEquals(answer.bindings.length, MAX_SCOPED_LINES + 1);
  // Edited by hand (appended to, so no longer as its header says): not searched.
  assert(await scoped.queryText(lookup(WORMS), JSON_TYPE));
  await Deno.writeTextFile(path, `<${EX}x> <${EX}p> "x" <${EX}g> .\n`, { append: true });
  assertEquals(await scoped.queryText(lookup(WORMS), JSON_TYPE), undefined);
  assertEquals((await readStoreFile(path)).lines.length > 0, true);
  await Deno.remove(home, { recursive: true });
});

/** An engine that counts its loads. */
class CountingEngine extends OxigraphEngine implements SparqlEngine {
  loads = 0;
  override load(nquads: Uint8Array | string, options?: { trusted?: boolean }): void {
    this.loads++;
    super.load(nquads, options);
  }
}

Deno.test("FileGraphSparql: a lookup by id does not load the graph, and sees another process's write; other queries load it", async () => {
  const { home } = await makeSparqlStore();
  const engine = new CountingEngine();
  const sparql = new FileGraphSparql(await GraphStore.open({ home }), engine);
  const description =
    `SELECT ?d WHERE { <${WORMS}> <http://schema.openworm.org/2020/07/DataSource/description> ?d }`;
  const read = async () => {
    const answer = await sparql.query(description);
    assert(answer.type === "bindings");
    return answer.bindings[0]?.get("d")?.value;
  };
  assertEquals(await read(), "Worm connections");
  assertEquals(engine.loads, 0);
  const other = await DataSourceRepository.open({ home, graph: "file" });
  await other.save([
    new CSVDataSource({ key: "worms", csvFileName: "worms.csv", description: "Changed" }),
  ]);
  assertEquals(await read(), "Changed");
  assertEquals(engine.loads, 0);
  const count = await sparql.query(`SELECT (COUNT(*) AS ?n) WHERE { ?s a <${CSV_TYPE}> }`);
  assert(count.type === "bindings");
  assertEquals(count.bindings[0]?.get("n")?.value, "2");
  assertEquals(engine.loads, 1);
  // Loaded and current: the loaded engine answers lookups too (no second load).
  assertEquals(await read(), "Changed");
  assertEquals(engine.loads, 1);
});

Deno.test("WorkerGraphSparql: a lookup by id is answered while the worker is busy, and sees a write at once", async () => {
  const { home, repo } = await makeSparqlStore();
  const sparql = new WorkerGraphSparql({
    home,
    path: join(home, "graph.nq"),
    timeoutMs: 3000,
    answerCache: false,
  });
  const lookup =
    `SELECT ?o WHERE { <${WORMS}> <http://schema.openworm.org/2020/07/DataSource/description> ?o }`;
  const valueOf = (text: string) => JSON.parse(text).results.bindings[0]?.o.value;
  try {
    let endlessSettled = false;
    const endless = sparql.queryText(
      "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
      JSON_TYPE,
    ).then(() => undefined, (e) => e).finally(() => endlessSettled = true);
    assertEquals(valueOf(await sparql.queryText(lookup, JSON_TYPE)), "Worm connections");
    await repo.save([
      new CSVDataSource({ key: "worms", csvFileName: "worms.csv", description: "Now" }),
    ]);
    assertEquals(valueOf(await sparql.queryText(lookup, JSON_TYPE)), "Now");
    assert(!endlessSettled, "the lookups waited for the worker");
    const stopped = await endless;
    assert(stopped instanceof SparqlTimeoutError, String(stopped));
  } finally {
    sparql.close();
  }
});
