/**
 * The error of the CSV → RDF translator for a fault in the CSV itself.
 *
 * @module
 */
import { TranslationError } from "./translator.ts";

/**
 * A CSV could not be translated because of a fault at one place in it: an
 * unclosed quote, text after a closing quote, a row with the wrong number of
 * fields, a header with an empty or repeated column name, a value that does
 * not fit its column's type, or a byte that is not UTF-8. The message names the
 * file, the 1-based line and the row (`row` counts data rows from 1, as in the
 * rows' subjects `<graph>/row/<n>`, and is `undefined` for the header). The
 * parser's error, if any, is the `cause`. Nothing was written.
 *
 * @example
 * ```ts
 * import { CsvTranslationError } from "../../mod.ts";
 * const error = new CsvTranslationError("connectome.csv", 7, 6, "it has 4 fields");
 * console.log(error.message); // "csv-to-rdf: connectome.csv line 7 (row 6): it has 4 fields"
 * ```
 */
export class CsvTranslationError extends TranslationError {
  /** The error's code: `csv-translation`. */
  override readonly code: string = "csv-translation";
  /** The CSV file's name. */
  readonly file: string;
  /** The 1-based line of the fault. */
  readonly line: number;
  /** The 1-based data row of the fault, or `undefined` for the header. */
  readonly row: number | undefined;

  /** Creates the error. */
  constructor(
    file: string,
    line: number,
    row: number | undefined,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(
      "csv-to-rdf",
      `${file} line ${line} (${row === undefined ? "header" : `row ${row}`}): ${reason}`,
      options,
    );
    this.name = "CsvTranslationError";
    this.file = file;
    this.line = line;
    this.row = row;
  }
}
