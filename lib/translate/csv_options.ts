/**
 * The options of the CSV → RDF translator (`owm translate csv-to-rdf <id>
 * --option name=value`), checked before anything is read.
 *
 * | option                 | meaning                                                                                  |
 * | ---------------------- | ---------------------------------------------------------------------------------------- |
 * | `header=auto`          | (default) with a recorded `csvHeader`, the first row is a header only if it equals it;   |
 * |                        | without one, the first row is the header                                                 |
 * | `header=yes`           | the first row is the header (and must equal `csvHeader` when that is recorded)           |
 * | `header=no`            | there is no header row: the columns are the recorded `csvHeader`                         |
 * | `map.<column>=<IRI>`   | the predicate of a column (default `<predicate-base><percent-encoded column name>`)      |
 * | `type.<column>=<type>` | the column's type instead of the inferred one: string, integer, decimal, double, boolean |
 * | `predicate-base=<IRI>` | the namespace of unmapped columns' predicates (default `CSV_PREDICATE_NS`)               |
 * | `subject=<column>`     | each row's subject is `<subject-base><percent-encoded value of the column>`;             |
 * |                        | rows with the same value describe the same subject (default: one subject per row,        |
 * |                        | `<graph>/row/<n>`)                                                                       |
 * | `subject-base=<IRI>`   | the prefix of subjects made with `subject` (default `<graph>/<encoded column name>/`)    |
 * | `class=<IRI>`          | the class every row is an `rdf:type` of (default `CSV_ROW_CLASS`)                        |
 *
 * Column names in options are the header's names without the spaces around them.
 *
 * @module
 */
import { OWMT_NS, SCHEMA_NS } from "../datasource/namespaces.ts";
import { CSV_COLUMN_TYPES, type CsvColumnType } from "./csv_columns.ts";
import { TranslationError } from "./translator.ts";

/** The namespace of unmapped columns' predicates: `<CSV_PREDICATE_NS><percent-encoded name>`. */
export const CSV_PREDICATE_NS: string = SCHEMA_NS + "csv/";
/** The class every translated row is an `rdf:type` of, unless the `class` option says otherwise. */
export const CSV_ROW_CLASS: string = OWMT_NS + "CSVRow";

/** How the first row of the file is taken. */
export type CsvHeaderMode = "auto" | "yes" | "no";

/** The translator's options, parsed. */
export interface CsvToRdfOptions {
  /** How the first row is taken. */
  header: CsvHeaderMode;
  /** The column whose values make the rows' subjects, if any. */
  subject: string | undefined;
  /** The prefix of subjects made from the subject column, if given. */
  subjectBase: string | undefined;
  /** The namespace of unmapped columns' predicates. */
  predicateBase: string;
  /** The rows' class. */
  rowClass: string;
  /** Predicates given per column. */
  map: ReadonlyMap<string, string>;
  /** Types given per column. */
  types: ReadonlyMap<string, CsvColumnType>;
}

const NAME = "csv-to-rdf";
const KNOWN =
  "header, map.<column>, type.<column>, predicate-base, subject, subject-base and class";
// deno-lint-ignore no-control-regex
const IRI_FORBIDDEN = /[\u0000-\u0020<>"{}|^`\\]/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** Whether `iri` is an absolute IRI that N-Quads can carry. */
function isUsableIri(iri: string): boolean {
  return SCHEME.test(iri) && !IRI_FORBIDDEN.test(iri);
}

function iriOption(name: string, value: string): string {
  if (!isUsableIri(value)) {
    throw new TranslationError(
      NAME,
      `option ${name}=${value} is not an absolute IRI (scheme:…, no spaces or any of <>"{}|^\`\\)`,
    );
  }
  return value;
}

/**
 * Parses the translator's options.
 *
 * @throws {TranslationError} for an unknown option or a bad value.
 *
 * @example
 * ```ts
 * import { parseCsvToRdfOptions } from "./csv_options.ts";
 * const options = parseCsvToRdfOptions({ "map.Origin": "http://example.org/origin" });
 * console.log(options.map.get("Origin")); // "http://example.org/origin"
 * ```
 */
export function parseCsvToRdfOptions(raw: Readonly<Record<string, string>>): CsvToRdfOptions {
  const map = new Map<string, string>();
  const types = new Map<string, CsvColumnType>();
  const options: CsvToRdfOptions = {
    header: "auto",
    subject: undefined,
    subjectBase: undefined,
    predicateBase: CSV_PREDICATE_NS,
    rowClass: CSV_ROW_CLASS,
    map,
    types,
  };
  for (const [name, value] of Object.entries(raw)) {
    if (name.startsWith("map.") || name.startsWith("type.")) {
      const column = name.slice(name.indexOf(".") + 1).trim();
      if (column === "") {
        throw new TranslationError(NAME, `option ${name} names no column (${name}<column>=…)`);
      }
      if (name.startsWith("map.")) map.set(column, iriOption(name, value));
      else if ((CSV_COLUMN_TYPES as readonly string[]).includes(value)) {
        types.set(column, value as CsvColumnType);
      } else {
        throw new TranslationError(
          NAME,
          `option ${name}=${value}: the type must be one of ${CSV_COLUMN_TYPES.join(", ")}`,
        );
      }
      continue;
    }
    switch (name) {
      case "header":
        if (value !== "auto" && value !== "yes" && value !== "no") {
          throw new TranslationError(NAME, `option header=${value}: use auto, yes or no`);
        }
        options.header = value;
        break;
      case "subject":
        if (value.trim() === "") throw new TranslationError(NAME, "option subject names no column");
        options.subject = value.trim();
        break;
      case "subject-base":
        options.subjectBase = iriOption(name, value);
        break;
      case "predicate-base":
        options.predicateBase = iriOption(name, value);
        break;
      case "class":
        options.rowClass = iriOption(name, value);
        break;
      default:
        throw new TranslationError(NAME, `unknown option '${name}': the options are ${KNOWN}`);
    }
  }
  return options;
}

/**
 * Checks that every column the options name is one of `columns`.
 *
 * @throws {TranslationError} naming the unknown column and the known ones.
 */
export function checkOptionColumns(options: CsvToRdfOptions, columns: readonly string[]): void {
  const named: [string, string][] = [
    ...[...options.map.keys()].map((c): [string, string] => [`map.${c}`, c]),
    ...[...options.types.keys()].map((c): [string, string] => [`type.${c}`, c]),
    ...(options.subject === undefined ? [] : [["subject", options.subject] as [string, string]]),
  ];
  for (const [option, column] of named) {
    if (!columns.includes(column)) {
      throw new TranslationError(
        NAME,
        `option ${option} names no column of the CSV: its columns are ${
          columns.map((c) => `'${c}'`).join(", ")
        }`,
      );
    }
  }
}
