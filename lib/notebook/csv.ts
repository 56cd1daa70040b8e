/**
 * A small CSV reader for notebooks (RFC 4180: quoted fields with doubled
 * quotes, embedded delimiters and line breaks; CRLF or LF lines), so that a
 * fetched CSVDataSource can be read into rows without a dependency.
 *
 * @module
 */

/** Options of {@linkcode parseCsv}. */
export interface ParseCsvOptions {
  /** The field delimiter, one character (a CSVDataSource's `csvFieldDelimiter`). @default "," */
  delimiter?: string;
}

/** The CSV is malformed (an unclosed quote, or text after a closing quote). */
export class CsvSyntaxError extends SyntaxError {
  /** The 1-based line the problem starts on. */
  readonly line: number;

  /** Creates the error. */
  constructor(message: string, line: number) {
    super(`CSV line ${line}: ${message}`);
    this.name = "CsvSyntaxError";
    this.line = line;
  }
}

/**
 * Parses CSV text into rows of strings. A final line break does not make an
 * empty row; a byte-order mark at the start is dropped.
 *
 * @example
 * ```ts
 * import { parseCsv } from "../../mod.ts";
 * parseCsv('a,b\n1,"x, ""y"""\n'); // [["a", "b"], ["1", 'x, "y"']]
 * ```
 *
 * @throws {CsvSyntaxError} on an unclosed quote or text right after a closing quote.
 */
export function parseCsv(text: string, options: ParseCsvOptions = {}): string[][] {
  const delimiter = options.delimiter ?? ",";
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
    throw new TypeError(`A CSV delimiter is one character other than '"' or a line break`);
  }
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let line = 1;
  let i = 0;
  let atFieldStart = true;
  const endField = () => {
    row.push(field);
    field = "";
    atFieldStart = true;
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  while (i < source.length) {
    const c = source[i]!;
    if (atFieldStart && c === '"') {
      const startLine = line;
      i++;
      for (;;) {
        if (i >= source.length) throw new CsvSyntaxError("a quoted field is not closed", startLine);
        const q = source[i]!;
        if (q === '"') {
          if (source[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === "\n") line++;
        field += q;
        i++;
      }
      const next = source[i];
      if (next !== undefined && next !== delimiter && next !== "\n" && next !== "\r") {
        throw new CsvSyntaxError("text after a closing quote", line);
      }
      atFieldStart = false;
      continue;
    }
    atFieldStart = false;
    if (c === delimiter) {
      endField();
      i++;
    } else if (c === "\r" || c === "\n") {
      endRow();
      i += c === "\r" && source[i + 1] === "\n" ? 2 : 1;
      line++;
    } else {
      field += c;
      i++;
    }
  }
  if (!atFieldStart || field !== "" || row.length > 0) endRow();
  return rows;
}
