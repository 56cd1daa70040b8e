import { dirname, join } from "node:path";
import { CSVDataSource, type CSVDataSourceInit } from "../../lib/datasource/csv_data_source.ts";
import { GraphDataSource } from "../../lib/datasource/graph_data_source.ts";
import { classForType } from "../../lib/datasource/registry.ts";
import { rdfTypeOf } from "../../lib/datasource/data_source.ts";
import { DataSourceRepository } from "../../lib/datasource/repository.ts";
import { digestContent } from "../../lib/integrity/content_digest.ts";
import { loadedIndexPath } from "../../lib/loader/located_content.ts";
import { LoaderRegistry } from "../../lib/loader/registry.ts";
import { runTranslation } from "../../lib/translate/run.ts";
import { quadToLine } from "../../lib/graph/nquads.ts";
import { literal, namedNode, type Quad, quad, vocab } from "../../lib/graph/rdf.ts";
import { GraphStore } from "../../lib/graph/store.ts";
import { CsvSyntaxError } from "../../lib/csv/parser.ts";
import { CsvTranslationError } from "../../lib/translate/csv_errors.ts";
import { CSV_PREDICATE_NS, CSV_ROW_CLASS } from "../../lib/translate/csv_options.ts";
import { csvToRdf, STATEMENTS_FILE } from "../../lib/translate/csv_to_rdf.ts";
import { TranslationError, type TranslationResult } from "../../lib/translate/translator.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_assert.ts";

const FIXTURES = new URL("../testdata/connectome/", import.meta.url).pathname;
const GRAPH = "http://data.openworm.org/graphs/connectome";
const G = namedNode(GRAPH);
const COLUMNS = ["Origin", "Target", "Type", "Number of Connections", "Neurotransmitter"];
const XSD_INTEGER = namedNode(vocab.xsdInteger);

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "owm-csv-rdf-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

interface Translated {
  result: TranslationResult;
  outputDir: string;
  /** Sorted canonical lines of the returned statements. */
  lines: string[];
}

/** Runs the translator on `csvPath` as the content of a CSVDataSource, in `dir`. */
async function translate(
  dir: string,
  csvPath: string,
  init: CSVDataSourceInit = {},
  options: Record<string, string> = {},
  key = "connectome",
): Promise<Translated> {
  const repository = await DataSourceRepository.open({ home: join(dir, "store"), create: true });
  const source = new CSVDataSource({ key: "edges", csvFileName: "connectome.csv", ...init });
  const outputDir = await Deno.makeTempDir({ dir, prefix: "out-" });
  const result = await csvToRdf.translate(
    [{ source, directory: dirname(csvPath), contentPath: csvPath }],
    outputDir,
    {
      repository,
      outputKey: key,
      outputIdentifier: new GraphDataSource({ key }).identifier,
      options,
    },
  );
  const lines = (result.quads ?? []).map(quadToLine).sort();
  return { result, outputDir, lines };
}

function row(n: number, values: Record<string, string | Quad["object"]>): Quad[] {
  const s = namedNode(`${GRAPH}/row/${n}`);
  const out = [quad(s, namedNode(vocab.rdfType), namedNode(CSV_ROW_CLASS), G)];
  for (const [column, value] of Object.entries(values)) {
    const object = typeof value === "string" ? literal(value) : value;
    out.push(quad(s, namedNode(CSV_PREDICATE_NS + encodeURIComponent(column)), object, G));
  }
  return out;
}

function edge(n: number, [o, t, type, count, nt]: (string | undefined)[]): Quad[] {
  const values: Record<string, string | Quad["object"]> = { Origin: o!, Target: t!, Type: type! };
  if (count) values["Number of Connections"] = literal(count, XSD_INTEGER);
  if (nt) values.Neurotransmitter = nt;
  return row(n, values);
}

function labels(columns: readonly string[]): Quad[] {
  return columns.map((c) =>
    quad(
      namedNode(CSV_PREDICATE_NS + encodeURIComponent(c)),
      namedNode(vocab.rdfsLabel),
      literal(c),
      G,
    )
  );
}

const EDGES = [
  ["ADAL", "ADAR", "GapJunction", "1", "Generic_GJ"],
  ["ADAL", "AIBR", "Send", "2", "Glutamate"],
  ["ADAL", "AVAR", "Send", "2", "Glutamate"],
  ["ADAL", "AVBR", "Send", "7", "Glutamate"],
  ["ADAR", "ADAL", "GapJunction", "1", "Generic_GJ"],
  ["AVAR", "AVAL", "GapJunction", "3", "Generic_GJ"],
  ["AVAR", "DA05", "Send", "12", "Acetylcholine"],
  ["ADFL", "AIZL", "Send", "2", "Serotonin, Acetylcholine"],
  ["NSML", "AVFL", "Send", "1", 'Serotonin "5-HT"'],
  ["PVQL", "AVAL", "Send", "", "Glutamate"],
  ["RIML", "SMDVR", "Send", "3", ""],
  ["VC01", "VD02", "Send", "15", "Acetylcholine"],
];

function expectedConnectome(): string[] {
  return [...EDGES.flatMap((e, i) => edge(i + 1, e)), ...labels(COLUMNS)].map(quadToLine).sort();
}

Deno.test("csv-to-rdf translates a connectome CSV (CRLF, quoted fields, an integer column) exactly", async () => {
  await withTempDir(async (dir) => {
    const csv = join(FIXTURES, "connectome.csv");
    assertStringIncludes(await Deno.readTextFile(csv), '"Serotonin ""5-HT"""\r\n');
    const { result, outputDir, lines } = await translate(dir, csv);
    const expected = expectedConnectome();
    assertEquals(lines, expected);
    assertEquals(result.replaceGraphs, [GRAPH]);
    assertEquals(result.fields, {
      fileName: STATEMENTS_FILE,
      graphName: GRAPH,
      statementCount: expected.length,
    });
    // 12 rows, 60 fields of which 2 are empty, plus 12 types and 5 column labels.
    assertEquals(expected.length, 12 + 58 + 5);
    // The N-Quads copy holds the same statements, as sorted canonical lines.
    assertEquals(
      await Deno.readTextFile(join(outputDir, STATEMENTS_FILE)),
      expected.join("\n") + "\n",
    );
    // The returned statements are in that same order, without duplicates.
    assertEquals(result.quads!.map(quadToLine), expected);
    // Datatypes: the count column is xsd:integer, everything else a plain string.
    const byPredicate = (column: string) =>
      result.quads!.filter((q) =>
        q.predicate.value === CSV_PREDICATE_NS + encodeURIComponent(column)
      )
        .map((q) => q.object.termType === "Literal" ? q.object.datatype.value : "");
    assertEquals(new Set(byPredicate("Number of Connections")), new Set([vocab.xsdInteger]));
    assertEquals(new Set(byPredicate("Origin")), new Set([vocab.xsdString]));
  });
});

Deno.test("csv-to-rdf statements round-trip through the graph store", async () => {
  await withTempDir(async (dir) => {
    const { result } = await translate(dir, join(FIXTURES, "connectome.csv"));
    const store = await GraphStore.open({ home: join(dir, "roundtrip"), create: true });
    await store.update((tx) => tx.add(...result.quads!));
    const back = await store.match({ graph: G });
    assertEquals(new Set(back.map(quadToLine)), new Set(result.quads!.map(quadToLine)));
    assertEquals(back.length, result.fields.statementCount);
    // Term equality too, not just the same text: a typed literal reads back typed.
    const count = back.find((q) =>
      q.subject.value === `${GRAPH}/row/7` &&
      q.predicate.value === CSV_PREDICATE_NS + "Number%20of%20Connections"
    );
    assert(count?.object.equals(literal("12", XSD_INTEGER)), "row 7 has 12 connections, typed");
    // And the store's own file, read back, is the N-Quads copy's lines in its graph.
    const all = (await store.readAll()).filter((q) => q.graph.equals(G)).map(quadToLine);
    assertEquals(all, result.quads!.map(quadToLine));
  });
});

Deno.test("csv-to-rdf reads a semicolon-delimited CSVDataSource with LF lines and infers decimals", async () => {
  await withTempDir(async (dir) => {
    const { lines } = await translate(
      dir,
      join(FIXTURES, "connectome_semicolon.csv"),
      { csvFieldDelimiter: ";" },
    );
    const dec = (v: string) => literal(v, namedNode(vocab.xsdDecimal));
    const expected = [
      ...row(1, {
        Origin: "ADAL",
        Target: "AVAR",
        Type: "Send",
        Weight: dec("0.5"),
        Note: "GJ, weak",
      }),
      ...row(2, {
        Origin: "ADAL",
        Target: "AVBR",
        Type: "Send",
        Weight: dec("1.25"),
        Note: "chemical; strong",
      }),
      ...row(3, { Origin: "AVAR", Target: "DA05", Type: "Send", Weight: dec("2") }),
      ...row(4, {
        Origin: "ADFL",
        Target: "AIZL",
        Type: "GapJunction",
        Weight: dec(".75"),
        Note: 'a "note"',
      }),
      ...labels(["Origin", "Target", "Type", "Weight", "Note"]),
    ].map(quadToLine).sort();
    assertEquals(lines, expected);
  });
});

Deno.test("csv-to-rdf takes the columns from csvHeader: a file without a header, or with the same one", async () => {
  await withTempDir(async (dir) => {
    const withoutHeader = await translate(dir, join(FIXTURES, "connectome_noheader.csv"), {
      csvHeader: COLUMNS,
    });
    assertEquals(withoutHeader.lines, expectedConnectome());
    // A first row equal to csvHeader is a header, not data.
    const withHeader = await translate(dir, join(FIXTURES, "connectome.csv"), {
      csvHeader: COLUMNS,
    });
    assertEquals(withHeader.lines, expectedConnectome());
    // header=no with a file that has a header makes the header a row of data.
    const forced = await translate(
      dir,
      join(FIXTURES, "connectome.csv"),
      { csvHeader: COLUMNS },
      { header: "no" },
    );
    assertStringIncludes(forced.lines.join("\n"), `<${GRAPH}/row/13>`);
    assert(
      forced.lines.includes(
        quadToLine(
          quad(
            namedNode(`${GRAPH}/row/1`),
            namedNode(CSV_PREDICATE_NS + "Origin"),
            literal("Origin"),
            G,
          ),
        ),
      ),
      "the header row is row 1",
    );
    // …so "Number of Connections" is no longer an integer column.
    assert(!forced.lines.join("\n").includes(vocab.xsdInteger), "a string column now");
    // An empty file with a recorded header has no rows, only the columns' labels.
    const empty = join(dir, "empty.csv");
    await Deno.writeTextFile(empty, "");
    const none = await translate(dir, empty, { csvHeader: COLUMNS });
    assertEquals(none.lines, labels(COLUMNS).map(quadToLine).sort());
    // header=yes with a different recorded header is refused.
    const renamed = ["From", ...COLUMNS.slice(1)];
    const error = await assertRejects(
      () =>
        translate(dir, join(FIXTURES, "connectome.csv"), { csvHeader: renamed }, { header: "yes" }),
      CsvTranslationError,
      "connectome.csv line 1 (header): the header row (Origin, Target",
    );
    assertEquals([error.line, error.row], [1, undefined]);
  });
});

Deno.test("csv-to-rdf maps a column to a custom predicate, a column to subjects, and a custom class", async () => {
  await withTempDir(async (dir) => {
    const csv = join(dir, "neurons.csv");
    await Deno.writeTextFile(
      csv,
      "Neuron,Type,Count\nADAL,Send,1\nADAL,Send,1\nAVAR ,GapJunction,2\n",
    );
    const { lines, result } = await translate(dir, csv, {}, {
      "map.Type": "http://example.org/worm/synapseType",
      subject: "Neuron",
      "subject-base": "http://example.org/worm/neuron/",
      class: "http://example.org/worm/Neuron",
    });
    const s = (n: string) => namedNode(`http://example.org/worm/neuron/${n}`);
    const type = namedNode("http://example.org/worm/synapseType");
    const neuron = namedNode("http://example.org/worm/Neuron");
    const p = (c: string) => namedNode(CSV_PREDICATE_NS + c);
    const expected = [
      // The two identical ADAL rows describe one subject: their statements are merged.
      quad(s("ADAL"), namedNode(vocab.rdfType), neuron, G),
      quad(s("ADAL"), p("Neuron"), literal("ADAL"), G),
      quad(s("ADAL"), type, literal("Send"), G),
      quad(s("ADAL"), p("Count"), literal("1", XSD_INTEGER), G),
      quad(s("AVAR"), namedNode(vocab.rdfType), neuron, G),
      quad(s("AVAR"), p("Neuron"), literal("AVAR "), G),
      quad(s("AVAR"), type, literal("GapJunction"), G),
      quad(s("AVAR"), p("Count"), literal("2", XSD_INTEGER), G),
      quad(p("Neuron"), namedNode(vocab.rdfsLabel), literal("Neuron"), G),
      quad(type, namedNode(vocab.rdfsLabel), literal("Type"), G),
      quad(p("Count"), namedNode(vocab.rdfsLabel), literal("Count"), G),
    ].map(quadToLine).sort();
    assertEquals(lines, expected);
    assertEquals(result.fields.statementCount, expected.length);
    assertEquals(result.quads!.length, expected.length);
  });
});

Deno.test("csv-to-rdf types columns: integer, decimal, double, boolean, mixed; type.<column> overrides", async () => {
  await withTempDir(async (dir) => {
    const csv = join(dir, "types.csv");
    await Deno.writeTextFile(
      csv,
      [
        "int,dec,dbl,bool,mixed,id,blank",
        "1, 2.5 ,1e3,true,1,007,",
        "-7,3,-2.5E-2,False,true,010,  ",
        "+12,,.5,,,,",
      ].join("\n"),
    );
    const { result } = await translate(dir, csv, {}, { "type.id": "string" });
    const objects = (column: string) =>
      result.quads!.filter((q) => q.predicate.value === CSV_PREDICATE_NS + column).map((q) =>
        q.object as ReturnType<typeof literal>
      ).map((o) => `${o.value}^^${o.datatype.value.replace(/^.*#/, "")}`).sort();
    assertEquals(objects("int"), ["+12^^integer", "-7^^integer", "1^^integer"]);
    assertEquals(objects("dec"), ["2.5^^decimal", "3^^decimal"]);
    assertEquals(objects("dbl"), ["-2.5E-2^^double", ".5^^double", "1e3^^double"]);
    assertEquals(objects("bool"), ["false^^boolean", "true^^boolean"]);
    assertEquals(objects("mixed"), ["1^^string", "true^^string"]);
    assertEquals(objects("id"), ["007^^string", "010^^string"]);
    assertEquals(objects("blank"), []); // empty and all-space fields give no statement
    // A value that does not fit a type given by an option is refused, naming the row.
    const error = await assertRejects(
      () => translate(dir, csv, {}, { "type.dec": "integer" }),
      CsvTranslationError,
      "types.csv line 2 (row 1): '2.5' in column 'dec' is not an integer",
    );
    assertEquals([error.line, error.row], [2, 1]);
  });
});

/** Asserts that translating `text` fails with a CsvTranslationError at `line`/`row`, leaving no output. */
async function assertCsvFault(
  dir: string,
  text: string | Uint8Array,
  line: number,
  row: number | undefined,
  messageIncludes: string,
  init: CSVDataSourceInit = {},
): Promise<CsvTranslationError> {
  const csv = join(dir, `bad-${crypto.randomUUID()}.csv`);
  if (typeof text === "string") await Deno.writeTextFile(csv, text);
  else await Deno.writeFile(csv, text);
  const outputDir = await Deno.makeTempDir({ dir, prefix: "out-" });
  const repository = await DataSourceRepository.open({ home: join(dir, "store"), create: true });
  const source = new CSVDataSource({ key: "bad", csvFileName: "bad.csv", ...init });
  const error = await assertRejects(
    () =>
      csvToRdf.translate([{ source, directory: dir, contentPath: csv }], outputDir, {
        repository,
        outputKey: "bad",
        outputIdentifier: new GraphDataSource({ key: "bad" }).identifier,
        options: {},
      }),
    CsvTranslationError,
    messageIncludes,
  );
  assert(error instanceof TranslationError, "a TranslationError, for the runner");
  assertEquals([error.line, error.row], [line, row], error.message);
  assertStringIncludes(error.message, row === undefined ? "(header)" : `(row ${row})`);
  assertEquals([...Deno.readDirSync(outputDir)], [], "nothing written");
  return error;
}

Deno.test("csv-to-rdf names the line and row of every fault and writes nothing", async () => {
  await withTempDir(async (dir) => {
    const header = "Origin,Target,Type,Number of Connections,Neurotransmitter\r\n";
    const good = "ADAL,AVAR,Send,2,Glutamate\r\n";
    // An unclosed quote: the line where the quoted field starts.
    const unclosed = await assertCsvFault(
      dir,
      header + good + good + 'AVAR,DA05,Send,12,"Acetylcholine\r\nVC01,VD02,Send,15,x\r\n',
      4,
      3,
      "line 4 (row 3): a quoted field is not closed",
    );
    assert(unclosed.cause instanceof CsvSyntaxError, "the parser's error is the cause");
    // Text after a closing quote.
    await assertCsvFault(
      dir,
      header + good + 'ADFL,AIZL,Send,2,"Serotonin"x\r\n',
      3,
      2,
      "line 3 (row 2): text after a closing quote",
    );
    // A row with a field too few (an unquoted delimiter merged…) and one too many.
    await assertCsvFault(
      dir,
      header + good + "ADAL,AVAR,Send,2\r\n",
      3,
      2,
      "the row has 4 fields, but the header has 5 columns",
    );
    await assertCsvFault(
      dir,
      header + good + good + "ADFL,AIZL,Send,2,Serotonin, Acetylcholine\r\n",
      4,
      3,
      "the row has 6 fields",
    );
    // A quoted line break moves lines ahead of rows; a blank line is not a row.
    await assertCsvFault(
      dir,
      header + 'ADAL,AVAR,Send,2,"Glu\r\ntamate"\r\n\r\nADAL,AVAR\r\n',
      5,
      2,
      "line 5 (row 2): the row has 2 fields",
    );
    // Header faults: a duplicate name, an empty name.
    await assertCsvFault(
      dir,
      "Origin,Target,Origin\r\n" + "ADAL,AVAR,ADAL\r\n",
      1,
      undefined,
      "the column name 'Origin' appears twice (columns 1 and 3)",
    );
    await assertCsvFault(
      dir,
      "Origin,,Type\r\nADAL,AVAR,Send\r\n",
      1,
      undefined,
      "column 2 has no name",
    );
    await assertCsvFault(dir, "Origin, ,Type\r\n", 1, undefined, "column 2 has no name");
    // Bytes that are not UTF-8 (Latin-1 "é"), in the third row.
    const latin1 = new Uint8Array([
      ...new TextEncoder().encode(header + good + good + "ADAL,AVAR,Send,2,Glutamat"),
      0xe9,
      ...new TextEncoder().encode("\r\n"),
    ]);
    const utf8 = await assertCsvFault(
      dir,
      latin1,
      4,
      3,
      "a byte that is not UTF-8 (0xE9 at byte offset",
    );
    assert(utf8.cause instanceof CsvSyntaxError, "cause kept");
    // …also in the header, and a sequence cut short by the end of the file.
    await assertCsvFault(dir, new Uint8Array([0x4f, 0xff, 0x0a]), 1, undefined, "0xFF");
    await assertCsvFault(
      dir,
      new Uint8Array([...new TextEncoder().encode("a\nb\n"), 0xe2, 0x82]),
      3,
      2,
      "0xE2 at byte offset 4",
    );
    // An empty file has no header.
    await assertCsvFault(dir, "", 1, undefined, "the file is empty");
  });
});

Deno.test("csv-to-rdf refuses bad options and a bad delimiter before reading, naming what to do", async () => {
  await withTempDir(async (dir) => {
    const csv = join(FIXTURES, "connectome.csv");
    const cases: [Record<string, string>, CSVDataSourceInit, string][] = [
      [{ colour: "red" }, {}, "unknown option 'colour'"],
      [{ "map.Origin": "not an iri" }, {}, "is not an absolute IRI"],
      [{ "map.Source": "http://example.org/s" }, {}, "option map.Source names no column"],
      [{ subject: "Neuron" }, {}, "option subject names no column"],
      [{ "type.Origin": "date" }, {}, "the type must be one of string, integer"],
      [{ header: "maybe" }, {}, "use auto, yes or no"],
      [{ header: "no" }, {}, "header=no needs the column names recorded in csvHeader"],
      [{}, { csvFieldDelimiter: "ab" }, "it must be one character"],
      [{}, { csvHeader: ["Origin", "Origin"] }, "the csvHeader recorded for"],
    ];
    for (const [options, init, message] of cases) {
      const error = await assertRejects(
        () => translate(dir, csv, init, options),
        TranslationError,
        message,
      );
      assert(!(error instanceof CsvTranslationError) || message.includes("column"), message);
    }
  });
});

Deno.test("csv-to-rdf stops when its signal is aborted, writing nothing", async () => {
  await withTempDir(async (dir) => {
    const repository = await DataSourceRepository.open({ home: join(dir, "store"), create: true });
    const outputDir = await Deno.makeTempDir({ dir, prefix: "out-" });
    const controller = new AbortController();
    controller.abort(new DOMException("stopped by the test", "AbortError"));
    const csv = join(FIXTURES, "connectome.csv");
    await assertRejects(
      () =>
        csvToRdf.translate(
          [{ source: new CSVDataSource({ key: "edges" }), directory: FIXTURES, contentPath: csv }],
          outputDir,
          {
            repository,
            outputKey: "connectome",
            outputIdentifier: new GraphDataSource({ key: "connectome" }).identifier,
            options: {},
            signal: controller.signal,
          },
        ),
      DOMException,
      "stopped by the test",
    );
    assertEquals([...Deno.readDirSync(outputDir)], []);
  });
});

Deno.test("csv-to-rdf finds the one CSV in a folder, and the graph follows the output key", async () => {
  await withTempDir(async (dir) => {
    const folder = join(dir, "dataset");
    await Deno.mkdir(folder);
    await Deno.copyFile(join(FIXTURES, "connectome.csv"), join(folder, "edges.CSV"));
    await Deno.writeTextFile(join(folder, "README.txt"), "not a CSV");
    const { result } = await translate(dir, folder, {}, {}, "worm edges/2024");
    const graph = "http://data.openworm.org/graphs/worm%20edges/2024";
    assertEquals(result.fields.graphName, graph);
    assertEquals(result.replaceGraphs, [graph]);
    assert(result.quads!.every((q) => q.graph.value === graph), "every statement in the graph");
    assert(
      result.quads!.some((q) => q.subject.value === `${graph}/row/12`),
      "rows under the graph",
    );
    await Deno.writeTextFile(join(folder, "other.csv"), "a\n1\n");
    await assertRejects(
      () => translate(dir, folder),
      TranslationError,
      "a folder with 2 .csv files",
    );
    // With several CSVs, the one the DataSource's csvFileName names is translated.
    const named = await translate(dir, folder, { csvFileName: "other.csv" }, {}, "other");
    assertEquals(named.result.fields.statementCount, 3);
  });
});

Deno.test("GraphDataSource is a built-in class with graphName and statementCount", () => {
  assertEquals(classForType(rdfTypeOf(GraphDataSource)), GraphDataSource);
  const ds = new GraphDataSource({
    key: "connectome",
    graphName: GRAPH,
    statementCount: 75,
    fileName: STATEMENTS_FILE,
  });
  assertEquals(ds.graphName, GRAPH);
  assertEquals(ds.statementCount, 75);
  assertEquals(ds.fields.get("graphName")?.propertyType, "object");
  assertEquals(csvToRdf.outputKind, GraphDataSource);
  assertEquals([csvToRdf.name, csvToRdf.version], ["csv-to-rdf", "1"]);
});

Deno.test("csv-to-rdf through runTranslation(): the GraphDataSource, its graph and a replacing rerun", async () => {
  await withTempDir(async (home) => {
    const repo = await DataSourceRepository.open({ home, create: true });
    const rawDir = join(home, "raw");
    await Deno.mkdir(rawDir);
    await Deno.copyFile(join(FIXTURES, "connectome.csv"), join(rawDir, "connectome.csv"));
    const edges = new CSVDataSource({ key: "edges", csvFileName: "connectome.csv" });
    await repo.save([edges]);
    await new LoaderRegistry(loadedIndexPath(home)).remember(edges, "local", rawDir);

    const run = await runTranslation(repo, csvToRdf, ["CSVDataSource:edges"], {
      key: "connectome",
    });
    const saved = await repo.get("GraphDataSource:connectome");
    assert(saved instanceof GraphDataSource, "a GraphDataSource");
    assertEquals(saved.graphName, GRAPH);
    assertEquals(saved.statementCount, expectedConnectome().length);
    assertEquals(saved.fileName, STATEMENTS_FILE);
    assertEquals(
      saved.sha256,
      (await digestContent(join(run.directory, STATEMENTS_FILE), ["sha256"])).digests.sha256,
    );
    assertEquals(saved.getAll("source"), [edges.identifier]);
    const stored = await repo.store.match({ graph: G });
    assertEquals(stored.map(quadToLine).sort(), expectedConnectome());
    // The rows are not DataSources.
    assertEquals((await repo.list({ kind: "DataSource" })).map((s) => s.id).sort(), [
      "CSVDataSource:edges",
      "GraphDataSource:connectome",
    ]);

    // Translating again with other options replaces the graph's statements.
    await runTranslation(repo, csvToRdf, ["CSVDataSource:edges"], {
      key: "connectome",
      options: { "map.Origin": "http://example.org/worm/origin" },
    });
    const again = await repo.store.match({ graph: G });
    const oldOrigin = CSV_PREDICATE_NS + "Origin";
    assert(
      !again.some((q) => q.predicate.value === oldOrigin || q.subject.value === oldOrigin),
      "nothing about the old Origin predicate is left",
    );
    assertEquals(
      again.filter((q) => q.predicate.value === "http://example.org/worm/origin").length,
      12,
    );
    assertEquals(again.length, expectedConnectome().length);
  });
});
