/**
 * `owm query` as a real process over a real store: every query form, every
 * `--format`, the defaults off a terminal (JSON results, N-Quads), `--file`,
 * and the usage errors (a query that does not parse, a format that does not
 * fit, no query) with exit code 2.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { owm } from "../_owm.ts";
import { CSV_TYPE, makeSparqlStore, WORMS } from "./_store.ts";

const SELECT = `SELECT ?ds ?file WHERE { ?ds a <${CSV_TYPE}> ; ` +
  `<http://schema.openworm.org/2020/07/CSVDataSource/csv_file_name> ?file } ORDER BY ?file`;
const CONSTRUCT =
  `CONSTRUCT { ?ds <http://example.org/file> ?file } WHERE { ?ds a <${CSV_TYPE}> ; ` +
  `<http://schema.openworm.org/2020/07/CSVDataSource/csv_file_name> ?file }`;

Deno.test("owm query: SELECT in every results format", async () => {
  const { home } = await makeSparqlStore();
  const run = async (...args: string[]) => {
    const r = await owm(["--home", home, "query", SELECT, ...args]);
    assertEquals(r.code, 0, r.stderr);
    return r.stdout;
  };
  // Not a terminal: SPARQL 1.1 JSON results.
  const json = JSON.parse(await run());
  assertEquals(json.head.vars, ["ds", "file"]);
  assertEquals(json.results.bindings.map((b: { file: { value: string } }) => b.file.value), [
    "cells.csv",
    "worms.csv",
  ]);
  assertEquals(JSON.parse(await run("--json")), json);
  const table = await run("--format", "table");
  assertStringIncludes(table, "CSVDataSource:worms  worms.csv");
  assertStringIncludes(table, "(2 rows)");
  assertEquals((await run("--format", "csv")).trim().split(/\r?\n/), [
    "ds,file",
    "http://data.openworm.org/data_sources/CSVDataSource#cells,cells.csv",
    `${WORMS},worms.csv`,
  ]);
  assertEquals((await run("--format", "tsv")).trim().split("\n")[2], `<${WORMS}>\t"worms.csv"`);
  assertStringIncludes(
    await run("--format", "xml"),
    `<binding name="ds"><uri>${WORMS}</uri></binding>`,
  );
});

Deno.test("owm query: ASK, CONSTRUCT and DESCRIBE in their formats", async () => {
  const { home } = await makeSparqlStore();
  const run = async (sparql: string, ...args: string[]) => {
    const r = await owm(["--home", home, "query", sparql, ...args]);
    assertEquals(r.code, 0, r.stderr);
    return r.stdout;
  };
  assertEquals(JSON.parse(await run(`ASK { <${WORMS}> a <${CSV_TYPE}> }`)).boolean, true);
  assertStringIncludes(
    await run(`ASK { <${WORMS}> a <urn:nothing> }`, "--format", "table"),
    "false",
  );
  // Not a terminal: N-Quads.
  const nq = (await run(CONSTRUCT)).trim().split("\n").sort();
  assertEquals(nq, [
    '<http://data.openworm.org/data_sources/CSVDataSource#cells> <http://example.org/file> "cells.csv" .',
    `<${WORMS}> <http://example.org/file> "worms.csv" .`,
  ]);
  assertStringIncludes(
    await run(CONSTRUCT, "--format", "ttl"),
    '<http://example.org/file> "worms.csv"',
  );
  const ld = JSON.parse(await run(CONSTRUCT, "--format", "json"));
  assertEquals(ld.length, 2);
  const described = await run(`DESCRIBE <${WORMS}>`, "--format", "table");
  assertStringIncludes(described, "CSVDataSource:worms");
  assertStringIncludes(described, "Worm connections");
});

Deno.test("owm query --file reads the query; errors are usage errors (exit 2) naming the problem", async () => {
  const { home } = await makeSparqlStore();
  const file = join(home, "q.rq");
  await Deno.writeTextFile(
    file,
    `# the DataSources\nPREFIX s: <http://schema.openworm.org/2020/07/>\n${SELECT}\n`,
  );
  const fromFile = await owm(["--home", home, "query", "--file", file, "--format", "csv"]);
  assertEquals(fromFile.code, 0, fromFile.stderr);
  assertStringIncludes(fromFile.stdout, "worms.csv");

  const bad = await owm(["--home", home, "query", "SELECT ?s WHERE { ?s ?p }"]);
  assertEquals(bad.code, 2);
  assertStringIncludes(bad.stderr, "The SPARQL query does not parse: error at 1:");
  assertEquals(bad.stdout, "");

  const unfit = await owm(["--home", home, "query", SELECT, "--format", "ttl"]);
  assertEquals(unfit.code, 2);
  assertStringIncludes(unfit.stderr, "does not fit a SELECT query");

  const none = await owm(["--home", home, "query"]);
  assertEquals(none.code, 2);
  assertStringIncludes(none.stderr, "query needs a SPARQL query");

  const update = await owm(["--home", home, "query", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"]);
  assertEquals(update.code, 2);
  assert(update.stderr.includes("does not parse"), update.stderr);
});
