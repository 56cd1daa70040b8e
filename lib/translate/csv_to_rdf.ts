/**
 * The `csv-to-rdf` translator: a CSVDataSource's rows become statements in a
 * named graph, held by a {@linkcode GraphDataSource}.
 *
 * - **Graph**: `http://data.openworm.org/graphs/<quoted output key>`
 *   ({@linkcode GRAPHS_NS}); a new translation with the same key replaces it.
 * - **Columns**: the recorded `csvHeader`, or else the file's first row (see
 *   the `header` option in `csv_options.ts`). Names are taken without the
 *   spaces around them; an empty or repeated name is an error. Column `c` maps
 *   to the predicate `<CSV_PREDICATE_NS><percent-encoded c>` unless `map.c`
 *   says otherwise; each column's predicate gets an `rdfs:label` (the column
 *   name) in the graph.
 * - **Rows**: row `n` (data rows counted from 1; blank lines are skipped) is
 *   `<graph>/row/<n>`, or made from a column's value with `subject=<column>`;
 *   it is an `rdf:type` of {@linkcode CSV_ROW_CLASS} (or `class=<IRI>`), and has
 *   one statement per non-empty field. A field that is empty or only spaces
 *   gives no statement.
 * - **Values**: typed as `csv_columns.ts` describes (`xsd:integer`,
 *   `xsd:decimal`, `xsd:double`, `xsd:boolean`, else plain strings); strings
 *   are kept exactly as written.
 * - **Delimiter**: the DataSource's `csvFieldDelimiter` (default `,`). The file
 *   must be UTF-8 (a byte-order mark is dropped); CRLF, LF and CR lines are read.
 * - **Output**: the statements go to the store with the output DataSource (in
 *   `TranslationResult.quads`, replacing the graph), and to `statements.nq` in
 *   the output directory as sorted canonical N-Quads, which the output's
 *   `fileName` names and its `sha256` covers; `graphName` and `statementCount`
 *   are set.
 *
 * The file is read twice, streaming: first to check every row and infer the
 * column types, then to make the statements; so a fault anywhere is reported
 * before anything is made, and memory holds the statements but never the
 * parsed rows (a 1,000,000-row connectome CSV needs about 1.3 GB).
 *
 * @module
 */
import { ownerName } from "../datasource/content_names.ts";
import { basename, join } from "node:path";
import { checkDelimiter, CsvSyntaxError } from "../csv/parser.ts";
import { readCsvFile } from "../csv/read.ts";
import type { CSVDataSource } from "../datasource/csv_data_source.ts";
import { GraphDataSource, GRAPHS_NS } from "../datasource/graph_data_source.ts";
import { quoteKey } from "../datasource/identifier.ts";
import {
  type Literal,
  literal,
  type NamedNode,
  namedNode,
  type Quad,
  quad,
  vocab,
} from "../graph/rdf.ts";
import { MultiHash } from "../integrity/hash.ts";
import { checkRelativeName, confinedFieldPath } from "../fs/confine.ts";
import { writeCanonicalNQuads } from "./canonical_nquads.ts";
import {
  ColumnTypeInference,
  type CsvColumnType,
  datatypeOf,
  fitsColumnType,
} from "./csv_columns.ts";
import { CsvTranslationError } from "./csv_errors.ts";
import { checkOptionColumns, type CsvToRdfOptions, parseCsvToRdfOptions } from "./csv_options.ts";
import {
  confinedContent,
  type DataTranslator,
  type TranslationContext,
  TranslationError,
  type TranslationInput,
  type TranslationResult,
} from "./translator.ts";
import { OwmError } from "../errors/owm_error.ts";

const NAME = "csv-to-rdf";
/** The name of the N-Quads copy of the statements in the output directory. */
export const STATEMENTS_FILE = "statements.nq";
/** Literals kept for reuse per column (repeated values share one term). */
const INTERN_LIMIT = 4096;

/** The named graph the `csv-to-rdf` translator writes for an output key. */
export function csvGraphName(outputKey: string): string {
  return GRAPHS_NS + quoteKey(outputKey);
}

/** Percent-encodes a column name or value for use in an IRI (UTF-8, like encodeURIComponent). */
function encodeSegment(text: string): string {
  return encodeURIComponent(text.toWellFormed());
}

/** The columns, the header row's fate, and the type of each column, from the first read. */
interface CsvLayout {
  columns: string[];
  headerRow: boolean;
  types: CsvColumnType[];
  rows: number;
  records: number;
}

function checkColumnNames(
  names: readonly string[],
  fault: (reason: string) => Error,
): string[] {
  const trimmed = names.map((n) => n.trim());
  const seen = new Map<string, number>();
  trimmed.forEach((name, i) => {
    if (name === "") throw fault(`column ${i + 1} has no name: name every column`);
    const first = seen.get(name);
    if (first !== undefined) {
      throw fault(
        `the column name '${name}' appears twice (columns ${first + 1} and ${
          i + 1
        }): rename one of them`,
      );
    }
    seen.set(name, i);
  });
  return trimmed;
}

function recordedHeader(source: CSVDataSource): string[] | undefined {
  const value = source.has("csvHeader") ? source.get("csvHeader") : undefined;
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== "string")) {
    throw new TranslationError(
      NAME,
      `the csvHeader recorded for ${source.identifier} is not a list of column names: fix it or remove it`,
    );
  }
  return checkColumnNames(value as string[], (reason) =>
    new TranslationError(
      NAME,
      `the csvHeader recorded for ${source.identifier} is not usable: ${reason}`,
    ));
}

async function csvFileOf(input: TranslationInput): Promise<string> {
  const named = input.source.fields.has("csvFileName")
    ? input.source.get("csvFileName")
    : undefined;
  // A name from the graph is data: refused before anything is read when it leads outside.
  if (named !== undefined && named !== "") {
    checkRelativeName(named, "csvFileName", ownerName(input.source));
  }
  const contentPath = await confinedContent(input);
  const info = await Deno.stat(contentPath);
  if (info.isFile) return contentPath;
  // A folder (e.g. a multi-file torrent): the file its csvFileName names, else its one CSV.
  if (named !== undefined && named !== "") {
    // A name from the graph: inside the content folder, through no link out of it.
    const path = await confinedFieldPath(
      contentPath,
      named,
      "csvFileName",
      ownerName(input.source),
    );
    if ((await Deno.stat(path).catch(() => undefined))?.isFile) return path;
  }
  const csvs: string[] = [];
  for await (const entry of Deno.readDir(contentPath)) {
    if (entry.isFile && entry.name.toLowerCase().endsWith(".csv")) csvs.push(entry.name);
  }
  if (csvs.length !== 1) {
    throw new TranslationError(
      NAME,
      `the content of ${input.source.identifier} is a folder with ${
        csvs.length === 0 ? "no" : csvs.length
      } .csv files: set its csvFileName to the CSV file to translate`,
    );
  }
  return join(contentPath, csvs[0]!);
}

/** Wraps a parser error (or anything thrown while reading) into a CsvTranslationError. */
function readFault(error: unknown, file: string, row: number | undefined): unknown {
  if (error instanceof CsvSyntaxError) {
    return new CsvTranslationError(file, error.line, row, error.reason, { cause: error });
  }
  return error;
}

/** The first read: every row checked, the column types inferred. */
async function readLayout(
  path: string,
  file: string,
  delimiter: string,
  options: CsvToRdfOptions,
  recorded: string[] | undefined,
  signal: AbortSignal | undefined,
): Promise<CsvLayout> {
  let columns: string[] | undefined = options.header === "no" ? recorded : undefined;
  let headerRow = false;
  let inference: ColumnTypeInference | undefined;
  let forced: (CsvColumnType | undefined)[] = [];
  let subjectColumn = -1;
  let rows = 0;
  let records = 0;
  const start = (names: string[]) => {
    checkOptionColumns(options, names);
    inference = new ColumnTypeInference(names.length);
    forced = names.map((n) => options.types.get(n));
    subjectColumn = options.subject === undefined ? -1 : names.indexOf(options.subject);
  };
  if (columns) start(columns);
  const onRecord = (fields: string[], line: number) => {
    records++;
    if (records === 1 && options.header !== "no") {
      const names = fields.map((f) => f.trim());
      if (recorded) {
        const same = names.length === recorded.length && names.every((n, i) => n === recorded[i]);
        if (same) headerRow = true;
        else if (options.header === "yes") {
          throw new CsvTranslationError(
            file,
            line,
            undefined,
            `the header row (${names.join(", ")}) differs from the recorded csvHeader (${
              recorded.join(", ")
            }): fix csvHeader, or give header=no if the file has no header row`,
          );
        }
        columns = recorded;
      } else {
        headerRow = true;
        columns = checkColumnNames(
          fields,
          (reason) => new CsvTranslationError(file, line, undefined, reason),
        );
      }
      start(columns);
      if (headerRow) return;
    }
    if (fields.length === 1 && fields[0] === "") return; // a blank line
    rows++;
    const width = columns!.length;
    if (fields.length !== width) {
      throw new CsvTranslationError(
        file,
        line,
        rows,
        `the row has ${fields.length} field${
          fields.length === 1 ? "" : "s"
        }, but the header has ${width} column${
          width === 1 ? "" : "s"
        }: quote fields that contain the delimiter '${delimiter}' or a line break`,
      );
    }
    inference!.add(fields);
    for (let c = 0; c < width; c++) {
      const type = forced[c];
      if (type === undefined || type === "string") continue;
      const value = fields[c]!.trim();
      if (value !== "" && !fitsColumnType(value, type)) {
        throw new CsvTranslationError(
          file,
          line,
          rows,
          `'${value}' in column '${columns![c]}' is not a${
            type === "integer" ? "n" : ""
          } ${type} (type.${columns![c]}=${type})`,
        );
      }
    }
    if (subjectColumn >= 0 && fields[subjectColumn]!.trim() === "") {
      throw new CsvTranslationError(
        file,
        line,
        rows,
        `the subject column '${options.subject}' is empty: every row needs a subject`,
      );
    }
  };
  try {
    await readCsvFile(path, onRecord, { delimiter, signal });
  } catch (error) {
    // The parser fails in the record after the last one handed over: the
    // header if none was, and the first row is surely a header; else the next row.
    const inHeader = records === 0 && (options.header === "yes" || (!recorded && !columns));
    throw readFault(error, file, inHeader ? undefined : rows + 1);
  }
  if (!columns && recorded && options.header !== "yes") start(columns = recorded);
  if (!columns) {
    throw new CsvTranslationError(
      file,
      1,
      undefined,
      "the file is empty, so it has no header row: record the columns in csvHeader, or translate a CSV with a header",
    );
  }
  const inferred = inference!.types();
  return {
    columns,
    headerRow,
    types: inferred.map((t, c) => forced[c] ?? t),
    rows,
    records,
  };
}

/**
 * The CSV → RDF translator (`csv-to-rdf`, version 1): a CSVDataSource (or a
 * subclass) in, a {@linkcode GraphDataSource} out. Options are described in
 * `csv_options.ts`; errors name the file, line and row at fault
 * ({@linkcode CsvTranslationError}).
 *
 * @example Translate a connectome CSV and query its graph
 * ```ts ignore
 * import { csvToRdf, DataSourceRepository, namedNode, runTranslation } from "owmeta-torrent";
 * const repo = await DataSourceRepository.open();
 * const run = await runTranslation(repo, csvToRdf, ["ConnectomeCSVDataSource:2000_connections"], {
 *   key: "connectome",
 *   options: { "map.Origin": "http://example.org/worm/origin" },
 * });
 * const graph = run.output.get("graphName") as string;
 * console.log(await repo.store.match({ graph: namedNode(graph) }));
 * ```
 */
export const csvToRdf: DataTranslator = {
  name: NAME,
  version: "1",
  description: "CSV rows as statements in a named graph (header mapping, typed numeric columns)",
  inputKinds: ["CSVDataSource"],
  outputKind: GraphDataSource,
  translate: translateCsvToRdf,
};

async function translateCsvToRdf(
  inputs: readonly TranslationInput[],
  outputDir: string,
  context: TranslationContext,
): Promise<TranslationResult> {
  const input = inputs[0];
  if (!input || inputs.length !== 1) {
    throw new TranslationError(NAME, `takes one CSVDataSource, but ${inputs.length} were given`);
  }
  const source = input.source as CSVDataSource;
  const options = parseCsvToRdfOptions(context.options);
  const recorded = recordedHeader(source);
  if (options.header === "no" && !recorded) {
    throw new TranslationError(
      NAME,
      `header=no needs the column names recorded in csvHeader of ${source.identifier}`,
    );
  }
  const delimiter = String(source.get("csvFieldDelimiter") ?? ",");
  try {
    checkDelimiter(delimiter);
  } catch {
    throw new TranslationError(
      NAME,
      `the csvFieldDelimiter of ${source.identifier} is ${
        JSON.stringify(delimiter)
      }: it must be one character other than '"' or a line break`,
    );
  }
  const path = await csvFileOf(input);
  const file = basename(path);
  const signal = context.signal;
  const before = await Deno.stat(path);
  const layout = await readLayout(path, file, delimiter, options, recorded, signal);

  // The terms every row shares.
  const graphName = csvGraphName(context.outputKey);
  const graph = namedNode(graphName);
  const rdfType = namedNode(vocab.rdfType);
  const rowClass = namedNode(options.rowClass);
  const { columns, types } = layout;
  const predicates = columns.map((c) =>
    namedNode(options.map.get(c) ?? options.predicateBase + encodeSegment(c))
  );
  const datatypes = types.map(datatypeOf);
  const interned = columns.map(() => new Map<string, Literal>());
  const subjectColumn = options.subject === undefined ? -1 : columns.indexOf(options.subject);
  const subjectBase = subjectColumn < 0
    ? `${graphName}/row/`
    : options.subjectBase ?? `${graphName}/${encodeSegment(columns[subjectColumn]!)}/`;

  // The second read: the statements, one group per row.
  const quads: Quad[] = [];
  const groupStarts: number[] = [];
  let records = 0;
  let rows = 0;
  const onRecord = (fields: string[]) => {
    records++;
    if (records === 1 && layout.headerRow) return;
    if (fields.length === 1 && fields[0] === "") return;
    rows++;
    if (fields.length !== columns.length) throw new FileChangedError();
    const subject: NamedNode = namedNode(
      subjectBase + (subjectColumn < 0 ? rows : encodeSegment(fields[subjectColumn]!.trim())),
    );
    groupStarts.push(quads.length);
    quads.push(quad(subject, rdfType, rowClass, graph));
    for (let c = 0; c < columns.length; c++) {
      const raw = fields[c]!;
      const value = types[c] === "string" ? raw : raw.trim();
      if (value === "" || (types[c] === "string" && value.trim() === "")) continue;
      const lexical = types[c] === "boolean" ? value.toLowerCase() : value;
      const cache = interned[c]!;
      let object = cache.get(lexical);
      if (object === undefined) {
        object = literal(lexical, datatypes[c]);
        if (cache.size < INTERN_LIMIT) cache.set(lexical, object);
      }
      quads.push(quad(subject, predicates[c]!, object, graph));
    }
  };
  try {
    await readCsvFile(path, onRecord, { delimiter, signal });
    const after = await Deno.stat(path);
    if (
      records !== layout.records || rows !== layout.rows || after.size !== before.size ||
      after.mtime?.getTime() !== before.mtime?.getTime()
    ) {
      throw new FileChangedError();
    }
  } catch (error) {
    if (error instanceof FileChangedError || error instanceof CsvSyntaxError) {
      throw new TranslationError(
        NAME,
        `${file} changed while it was being translated: translate it again once it is complete`,
        { cause: error },
      );
    }
    throw error;
  }
  const labels = new Set<string>();
  columns.forEach((name, c) => {
    const key = predicates[c]!.value + "\n" + name;
    if (labels.has(key)) return;
    labels.add(key);
    groupStarts.push(quads.length);
    quads.push(quad(predicates[c]!, namedNode(vocab.rdfsLabel), literal(name), graph));
  });

  const hash = new MultiHash(["sha256"]);
  const statements = await writeCanonicalNQuads(
    join(outputDir, STATEMENTS_FILE),
    quads,
    groupStarts,
    { signal, hash },
  );
  return {
    fields: {
      fileName: STATEMENTS_FILE,
      graphName,
      statementCount: statements.length,
    },
    quads: statements,
    replaceGraphs: [graphName],
    // Hashed as it was written: the runner need not read it again.
    contentSha256: hash.digest().sha256,
  };
}

/** The file read differently the second time. */
class FileChangedError extends OwmError {
  /** The error's code: `file-changed`. */
  override readonly code: string = "file-changed";
  constructor() {
    super("the CSV file changed between its two reads");
    this.name = "FileChangedError";
  }
}
