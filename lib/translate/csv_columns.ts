/**
 * The datatypes of CSV columns for the CSV → RDF translator: inferred from
 * every non-empty value of a column, or given per column.
 *
 * | every non-empty value (spaces around it ignored) | datatype      |
 * | ------------------------------------------------ | ------------- |
 * | an integer: `42`, `-7`, `+007`                   | `xsd:integer` |
 * | an integer or a decimal: `0.5`, `-.25`, `3.`     | `xsd:decimal` |
 * | any of those or scientific: `1.5e-3`, `2E10`     | `xsd:double`  |
 * | `true` or `false`, in any case                   | `xsd:boolean` |
 * | anything else, or a mix of numbers and booleans  | a string      |
 *
 * Decimals stay `xsd:decimal` (exact) unless a value of the column is written
 * in scientific notation. Lexical forms are kept as written, without the spaces
 * around them, except that booleans are written in lower case (the only case
 * XSD allows). A column with no non-empty value is a string column.
 *
 * @module
 */
import { type NamedNode, namedNode, vocab } from "../graph/rdf.ts";

/** The datatype of a column's values. */
export type CsvColumnType = "string" | "integer" | "decimal" | "double" | "boolean";

/** Every column type, in the order they are documented. */
export const CSV_COLUMN_TYPES: readonly CsvColumnType[] = [
  "string",
  "integer",
  "decimal",
  "double",
  "boolean",
];

const INTEGER = /^[+-]?[0-9]+$/;
const DECIMAL = /^[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+)$/;
const DOUBLE = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+$/;
const BOOLEAN = /^(?:true|false)$/i;

// Inference states: what every non-empty value so far fits.
const NONE = 0;
const INT = 1;
const DEC = 2;
const DBL = 3;
const BOOL = 4;
const STR = 5;

/** The narrowest type `value` (trimmed, non-empty) fits. */
function kindOf(value: string): number {
  if (INTEGER.test(value)) return INT;
  if (DECIMAL.test(value)) return DEC;
  if (DOUBLE.test(value)) return DBL;
  if (BOOLEAN.test(value)) return BOOL;
  return STR;
}

function join(a: number, b: number): number {
  if (a === b || a === NONE) return b;
  if (a === STR || b === STR || a === BOOL || b === BOOL) return STR;
  return Math.max(a, b); // numbers widen: integer < decimal < double
}

/** Whether `value` (trimmed, non-empty) is a valid lexical form of `type`. */
export function fitsColumnType(value: string, type: CsvColumnType): boolean {
  switch (type) {
    case "string":
      return true;
    case "integer":
      return INTEGER.test(value);
    case "decimal":
      return INTEGER.test(value) || DECIMAL.test(value);
    case "double":
      return INTEGER.test(value) || DECIMAL.test(value) || DOUBLE.test(value);
    case "boolean":
      return BOOLEAN.test(value);
  }
}

/**
 * Infers each column's type from its values, one row at a time.
 *
 * @example
 * ```ts
 * import { ColumnTypeInference } from "./csv_columns.ts";
 * const inference = new ColumnTypeInference(3);
 * inference.add(["ADAL", "1", "0.5"]);
 * inference.add(["AVAR", "12", "2"]);
 * console.log(inference.types()); // ["string", "integer", "decimal"]
 * ```
 */
export class ColumnTypeInference {
  #kinds: Uint8Array;

  /** Starts inferring the types of `columns` columns. */
  constructor(columns: number) {
    this.#kinds = new Uint8Array(columns);
  }

  /** Takes one row's fields (as many as there are columns). */
  add(fields: readonly string[]): void {
    const kinds = this.#kinds;
    for (let c = 0; c < kinds.length; c++) {
      if (kinds[c] === STR) continue;
      const value = fields[c]!.trim();
      if (value !== "") kinds[c] = join(kinds[c]!, kindOf(value));
    }
  }

  /** The inferred types, one per column. */
  types(): CsvColumnType[] {
    const names: CsvColumnType[] = ["string", "integer", "decimal", "double", "boolean", "string"];
    return [...this.#kinds].map((k) => names[k]!);
  }
}

/** The XSD datatype of a column type (`undefined` for plain strings). */
export function datatypeOf(type: CsvColumnType): NamedNode | undefined {
  switch (type) {
    case "string":
      return undefined;
    case "integer":
      return namedNode(vocab.xsdInteger);
    case "decimal":
      return namedNode(vocab.xsdDecimal);
    case "double":
      return namedNode(vocab.xsdDouble);
    case "boolean":
      return namedNode(vocab.xsdBoolean);
  }
}
