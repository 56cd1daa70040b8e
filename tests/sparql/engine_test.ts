/**
 * The pieces around the engine: the query form read past the prologue, the
 * dataset clause found outside strings and IRIs, `--format` names against the
 * query form, `Accept` negotiation (q values, client order, aliases, 406), and
 * the Oxigraph engine's answers in every media type.
 */
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "../_assert.ts";
import { queryForm } from "../../lib/sparql/query_form.ts";
import { hasDatasetClause, OxigraphEngine } from "../../lib/sparql/oxigraph_engine.ts";
import { mediaTypeOfFormat, negotiate } from "../../lib/sparql/formats.ts";
import { SparqlFormatError, SparqlSyntaxError } from "../../lib/sparql/errors.ts";

Deno.test("queryForm reads the first keyword after BASE, PREFIX and comments", () => {
  assertEquals(queryForm("select * { ?s ?p ?o }"), "SELECT");
  assertEquals(
    queryForm("# a comment with SELECT\nPREFIX ex: <http://ex.org/#>\nBASE <http://b/>\n  Ask {}"),
    "ASK",
  );
  assertEquals(queryForm("PREFIX : <urn:x#> CONSTRUCT WHERE { ?s ?p ?o }"), "CONSTRUCT");
  assertEquals(queryForm("DESCRIBE <urn:a>"), "DESCRIBE");
  assertEquals(queryForm("INSERT DATA { <urn:a> <urn:b> <urn:c> }"), undefined);
  assertEquals(queryForm("PREFIX broken"), undefined);
  assertEquals(queryForm(""), undefined);
});

Deno.test("hasDatasetClause: FROM counts, not inside strings, IRIs, comments or variable names", () => {
  assert(hasDatasetClause("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }"));
  assert(hasDatasetClause("SELECT * from named <urn:g> { GRAPH ?g { ?s ?p ?o } }"));
  assert(!hasDatasetClause('SELECT * { ?s ?p "FROM <urn:g>" }'));
  assert(!hasDatasetClause("SELECT * { ?s <http://ex.org/FROM/x> ?from }"));
  assert(!hasDatasetClause("SELECT ?from # FROM <urn:g>\n{ ?from ?p ?o }"));
});

Deno.test("--format names fit the query's form", () => {
  assertEquals(mediaTypeOfFormat("json", "SELECT"), "application/sparql-results+json");
  assertEquals(mediaTypeOfFormat("json", "CONSTRUCT"), "application/ld+json");
  assertEquals(mediaTypeOfFormat("tsv", "ASK"), "text/tab-separated-values");
  assertEquals(mediaTypeOfFormat("nq", "DESCRIBE"), "application/n-quads");
  const wrong = assertThrows(() => mediaTypeOfFormat("ttl", "SELECT"), SparqlFormatError);
  assertStringIncludes(wrong.message, "does not fit a SELECT query");
  assertThrows(() => mediaTypeOfFormat("csv", "CONSTRUCT"), SparqlFormatError);
  assertThrows(() => mediaTypeOfFormat("yaml", "SELECT"), SparqlFormatError);
});

Deno.test("Accept negotiation: q values, the client's order, aliases, wildcards, nothing fitting", () => {
  assertEquals(negotiate(undefined, "SELECT"), "application/sparql-results+json");
  assertEquals(negotiate("*/*", "CONSTRUCT"), "text/turtle");
  assertEquals(
    negotiate("text/csv;q=0.5, text/tab-separated-values", "SELECT"),
    "text/tab-separated-values",
  );
  assertEquals(negotiate("text/csv, application/sparql-results+xml", "ASK"), "text/csv");
  // SPARQLWrapper's JSON and XML Accept headers.
  assertEquals(
    negotiate(
      "application/sparql-results+json,application/json,text/javascript,application/javascript",
      "SELECT",
    ),
    "application/sparql-results+json",
  );
  assertEquals(negotiate("application/xml", "SELECT"), "application/sparql-results+xml");
  assertEquals(negotiate("application/json", "DESCRIBE"), "application/ld+json");
  assertEquals(negotiate("application/n-quads, */*;q=0.1", "CONSTRUCT"), "application/n-quads");
  assertEquals(negotiate("text/*", "SELECT"), "text/csv");
  assertEquals(negotiate("image/png", "SELECT"), undefined);
  assertEquals(negotiate("text/turtle", "SELECT"), undefined);
  assertEquals(negotiate("text/csv;q=0", "SELECT"), undefined);
});

Deno.test("the Oxigraph engine serialises every result format", () => {
  const engine = new OxigraphEngine();
  engine.load(
    '# a comment\n<http://ex.org/a> <http://ex.org/p> "x, \\"y\\"" <http://ex.org/g> .\n' +
      '<http://ex.org/a> <http://ex.org/q> "5"^^<http://www.w3.org/2001/XMLSchema#integer> <http://ex.org/g> .\n',
  );
  assertEquals(engine.size, 2);
  const select = "SELECT ?o WHERE { <http://ex.org/a> <http://ex.org/p> ?o }";
  const json = JSON.parse(engine.queryText(select, "application/sparql-results+json"));
  assertEquals(json.results.bindings[0].o.value, 'x, "y"');
  assertStringIncludes(
    engine.queryText(select, "application/sparql-results+xml"),
    "<literal>x, &quot;y&quot;</literal>",
  );
  assertEquals(engine.queryText(select, "text/csv").trim().split(/\r?\n/), ["o", '"x, ""y"""']);
  assertStringIncludes(engine.queryText(select, "text/tab-separated-values"), '"x, \\"y\\""');
  const construct = "CONSTRUCT WHERE { ?s <http://ex.org/q> ?o }";
  assertStringIncludes(
    engine.queryText(construct, "application/n-quads"),
    '<http://ex.org/a> <http://ex.org/q> "5"^^',
  );
  assertStringIncludes(engine.queryText(construct, "text/turtle"), "<http://ex.org/q> 5");
  const ld = JSON.parse(engine.queryText(construct, "application/ld+json"));
  assertEquals(ld[0]["@id"], "http://ex.org/a");
  assertThrows(() => engine.query("SELECT ?s WHERE { ?s ?p }"), SparqlSyntaxError);
});

Deno.test("a graph kept elsewhere without its own SPARQL service is refused by name (409 sparql-unavailable)", async () => {
  const { sparqlServiceFor } = await import("../../lib/sparql/open.ts");
  const { InvalidInputError } = await import("../../lib/errors/invalid_input.ts");
  const elsewhere = { home: "/tmp/x", location: "http://127.0.0.1:8890/sparql" };
  const error = await assertRejects(() => sparqlServiceFor(elsewhere), InvalidInputError);
  assertEquals([error.status, error.code], [409, "sparql-unavailable"]);
  assertStringIncludes(error.message, "http://127.0.0.1:8890/sparql");
});

Deno.test("nestingDepth counts {}, () and [] outside strings, IRIs and comments; deeper than 256 is refused", async () => {
  const { nestingDepth, checkQueryBounds, MAX_NESTING } = await import(
    "../../lib/sparql/query_limits.ts"
  );
  assertEquals(nestingDepth("SELECT * WHERE { { ?s ?p ?o FILTER(?o > 1) } }"), 3);
  assertEquals(nestingDepth('SELECT * WHERE { ?s ?p "{{{((([[[" } # }}}\n'), 1);
  assertEquals(nestingDepth("SELECT * WHERE { ?s <http://ex.org/(x)[y]> ?o }"), 1);
  assertEquals(nestingDepth("SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 && (?o > 1)) }"), 3);
  checkQueryBounds("{".repeat(MAX_NESTING), "query");
  const error = assertThrows(
    () => checkQueryBounds("(".repeat(MAX_NESTING + 1), "update"),
    SparqlSyntaxError,
  );
  assertStringIncludes(error.message, "SPARQL update");
  assertStringIncludes(error.message, `nested ${MAX_NESTING + 1} levels deep`);
});
