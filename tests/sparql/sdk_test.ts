/**
 * `repo.query()` and the file-backed SPARQL service over a real store: every
 * query form with typed RDF/JS answers, the default graph as the union of the
 * named graphs (FROM, GRAPH and an explicit dataset still name graphs), a write
 * seen by the next query, SPARQL Update through the store's write path
 * (blank node labels kept, a bad update leaving the file untouched), and the
 * table rendering the CLI and notebooks use.
 */
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_assert.ts";
import { DataSourceRepository, SparqlSyntaxError } from "../../mod.ts";
import { FileGraphSparql } from "../../lib/sparql/file_graph_sparql.ts";
import { GraphStore } from "../../lib/graph/store.ts";
import { formatTable, resultRows } from "../../lib/sparql/results_table.ts";
import { sparqlResultsView } from "../../lib/notebook/display.ts";
import { CSV_TYPE, DATA_GRAPH, makeSparqlStore, NOTES_GRAPH, WORMS } from "./_store.ts";

Deno.test("repo.query: SELECT answers variables and RDF/JS terms", async () => {
  const { repo } = await makeSparqlStore();
  const answer = await repo.query(
    `SELECT ?ds ?file WHERE { ?ds a <${CSV_TYPE}> ; <http://schema.openworm.org/2020/07/CSVDataSource/csv_file_name> ?file } ORDER BY ?file`,
  );
  assert(answer.type === "bindings");
  assertEquals(answer.variables, ["ds", "file"]);
  assertEquals(answer.bindings.map((b) => b.get("file")?.value), ["cells.csv", "worms.csv"]);
  const worms = answer.bindings[1]!.get("ds")!;
  assertEquals(worms.termType, "NamedNode");
  assertEquals(worms.value, WORMS);
  const file = answer.bindings[1]!.get("file")!;
  assert(file.termType === "Literal");
  assertEquals(file.datatype.value, "http://www.w3.org/2001/XMLSchema#string");
});

Deno.test("repo.query: an empty SELECT still names its variables; OPTIONAL leaves unbound ones out", async () => {
  const { repo } = await makeSparqlStore();
  const none = await repo.query("SELECT ?x ?y WHERE { ?x <http://example.org/none> ?y }");
  assert(none.type === "bindings");
  assertEquals(none.variables, ["x", "y"]);
  assertEquals(none.bindings.length, 0);
  const optional = await repo.query(
    `SELECT ?ds ?d WHERE { ?ds a <${CSV_TYPE}> OPTIONAL { ?ds <http://schema.openworm.org/2020/07/DataSource/description> ?d } } ORDER BY ?ds`,
  );
  assert(optional.type === "bindings");
  assertEquals(optional.bindings.map((b) => b.has("d")), [false, true]);
});

Deno.test("repo.query: ASK answers a boolean", async () => {
  const { repo } = await makeSparqlStore();
  assertEquals(await repo.query(`ASK { <${WORMS}> a <${CSV_TYPE}> }`), {
    type: "boolean",
    value: true,
  });
  assertEquals(await repo.query(`ASK { <${WORMS}> a <http://example.org/Nothing> }`), {
    type: "boolean",
    value: false,
  });
});

Deno.test("repo.query: CONSTRUCT and DESCRIBE answer quads", async () => {
  const { repo } = await makeSparqlStore();
  const built = await repo.query(
    `CONSTRUCT { ?ds <http://example.org/named> ?f } WHERE { ?ds <http://schema.openworm.org/2020/07/CSVDataSource/csv_file_name> ?f }`,
  );
  assert(built.type === "quads");
  assertEquals(built.quads.map((q) => q.object.value).sort(), ["cells.csv", "worms.csv"]);
  assertEquals(built.quads[0]!.predicate.value, "http://example.org/named");
  const described = await repo.query(`DESCRIBE <${WORMS}>`);
  assert(described.type === "quads");
  assert(described.quads.length >= 4, `DESCRIBE gave ${described.quads.length} statements`);
  assert(described.quads.every((q) => q.subject.value === WORMS));
  assert(described.quads.some((q) => q.object.value === "Worm connections"));
});

Deno.test("repo.query: the default graph is the union of the named graphs; FROM and GRAPH name graphs", async () => {
  const { repo } = await makeSparqlStore();
  // A statement of the notes graph joined with one of the data graph, no GRAPH needed.
  const joined = await repo.query(
    `SELECT ?text WHERE { ?note <http://example.org/about> ?ds . ?ds a <${CSV_TYPE}> . ?note <http://example.org/says> ?text }`,
  );
  assert(joined.type === "bindings");
  assertEquals(joined.bindings.length, 1);
  const text = joined.bindings[0]!.get("text")!;
  assert(text.termType === "Literal");
  assertEquals([text.value, text.language], ["bonjour", "fr"]);

  const graphs = await repo.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g");
  assert(graphs.type === "bindings");
  const names = graphs.bindings.map((b) => b.get("g")!.value);
  assert(names.includes(DATA_GRAPH) && names.includes(NOTES_GRAPH), names.join(" "));

  const from = await repo.query(
    `SELECT ?s WHERE { ?s ?p ?o } `.replace("WHERE", `FROM <${NOTES_GRAPH}> WHERE`),
  );
  assert(from.type === "bindings");
  assertEquals(from.bindings.length, 2);
  assert(from.bindings.every((b) => b.get("s")!.termType === "BlankNode"));

  const dataset = await repo.query("SELECT ?s WHERE { ?s ?p ?o }", {
    dataset: { defaultGraphs: [NOTES_GRAPH] },
  });
  assert(dataset.type === "bindings");
  assertEquals(dataset.bindings.length, 2);
});

Deno.test("repo.query: a query that does not parse is a SparqlSyntaxError naming the place", async () => {
  const { repo } = await makeSparqlStore();
  const error = await assertRejects(
    () => repo.query("SELECT ?s WHERE { ?s ?p }"),
    SparqlSyntaxError,
  );
  assertStringIncludes(error.message, "does not parse");
  assertStringIncludes(error.message, "1:");
  assertEquals(error.status, 400);
  await assertRejects(
    () => repo.query("INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
    SparqlSyntaxError,
  );
});

Deno.test("the next query sees a write made through another repository of the same store", async () => {
  const { home, repo } = await makeSparqlStore();
  const count = async () => {
    const r = await repo.query(`SELECT (COUNT(?ds) AS ?n) WHERE { ?ds a <${CSV_TYPE}> }`);
    assert(r.type === "bindings");
    return Number(r.bindings[0]!.get("n")!.value);
  };
  assertEquals(await count(), 2);
  const other = await DataSourceRepository.open({ home, graph: "file" });
  await other.remove("CSVDataSource:cells");
  assertEquals(await count(), 1);
});

Deno.test("SPARQL Update goes through the store's write: applied, persisted, blank nodes kept", async () => {
  const { home } = await makeSparqlStore();
  const store = await GraphStore.open({ home });
  const sparql = new FileGraphSparql(store);
  const summary = await sparql.update(
    `INSERT DATA { GRAPH <http://example.org/extra> { <http://example.org/a> <http://example.org/p> "tab\\there" } } ;
     DELETE WHERE { GRAPH <${DATA_GRAPH}> { <${WORMS}> <http://schema.openworm.org/2020/07/DataSource/description> ?d } }`,
  );
  assertEquals([summary.added, summary.removed], [1, 1]);
  const text = await Deno.readTextFile(store.path);
  assertStringIncludes(
    text,
    '<http://example.org/a> <http://example.org/p> "tab\\there" <http://example.org/extra> .',
  );
  assert(!text.includes("Worm connections"), "the deleted description is still in the file");
  // The blank node kept its label: no statement about it was rewritten.
  assertStringIncludes(
    text,
    '_:note1 <http://example.org/says> "bonjour"@fr <http://example.org/notes> .',
  );
  const seen = await sparql.query(
    'ASK { <http://example.org/a> <http://example.org/p> "tab\\there" }',
  );
  assertEquals(seen, { type: "boolean", value: true });
  // An update that refers to an existing blank node adds to it, under its label. (In an
  // update the default graph is the store's own, empty one: GRAPH, WITH or USING name graphs.)
  await sparql.update(
    `INSERT { GRAPH <${NOTES_GRAPH}> { ?n <http://example.org/seen> true } } WHERE { GRAPH ?g { ?n <http://example.org/says> "bonjour"@fr } }`,
  );
  assertStringIncludes(
    await Deno.readTextFile(store.path),
    '_:note1 <http://example.org/seen> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> <http://example.org/notes> .',
  );
});

Deno.test("a SPARQL Update that does not parse leaves the store file as it was", async () => {
  const { home } = await makeSparqlStore();
  const store = await GraphStore.open({ home });
  const before = await Deno.readTextFile(store.path);
  await assertRejects(
    () => new FileGraphSparql(store).update("INSERT DATA { <urn:a> <urn:b> }"),
    SparqlSyntaxError,
  );
  assertEquals(await Deno.readTextFile(store.path), before);
});

Deno.test("results as a table: prefixes shorten IRIs; the notebook view shows the same rows", async () => {
  const { repo } = await makeSparqlStore();
  const answer = await repo.query(`SELECT ?ds WHERE { ?ds a <${CSV_TYPE}> } ORDER BY ?ds`);
  const rows = resultRows(answer, await repo.store.prefixes());
  assertEquals(rows, { columns: ["ds"], rows: [["CSVDataSource:cells"], ["CSVDataSource:worms"]] });
  const text = formatTable(rows);
  assertStringIncludes(text, "CSVDataSource:worms");
  assertStringIncludes(text, "(2 rows)");
  const view = sparqlResultsView(answer, { prefixes: await repo.store.prefixes() });
  const html = view.html;
  assertStringIncludes(html, "CSVDataSource:cells");
  assertStringIncludes(html, "<th");
  assertEquals(resultRows({ type: "boolean", value: false }).rows, [["false"]]);
});
