/**
 * An incremental CSV parser (RFC 4180: quoted fields with doubled quotes,
 * embedded delimiters and line breaks; CRLF, LF or CR lines) that takes text in
 * pieces of any size and hands over each record with the line it starts on, so
 * that a file of any length can be read in constant memory. {@linkcode parseCsv}
 * reads a whole string with it.
 *
 * Beyond RFC 4180 it accepts a quote inside an unquoted field as a literal
 * character (`5"` stays `5"`), as most CSV writers and readers do.
 *
 * @module
 */
import { InvalidInputError } from "../errors/invalid_input.ts";
import { OwmSyntaxError } from "../errors/owm_error.ts";

/** Options of {@linkcode parseCsv} and {@linkcode CsvParser}. */
export interface ParseCsvOptions {
  /** The field delimiter, one character (a CSVDataSource's `csvFieldDelimiter`). @default "," */
  delimiter?: string;
}

/** The CSV is malformed (an unclosed quote, text after a closing quote, bytes that are not UTF-8). */
export class CsvSyntaxError extends OwmSyntaxError {
  /** The error's code: `csv-syntax`. */
  override readonly code: string = "csv-syntax";
  /** The 1-based line the problem is on (for an unclosed quote: where the quoted field starts). */
  readonly line: number;
  /** The 1-based record (row of the file, a header included) the problem is in. */
  readonly record: number;
  /** The problem, without the line. */
  readonly reason: string;

  /** Creates the error. */
  constructor(reason: string, line: number, record = 0) {
    super(`CSV line ${line}: ${reason}`);
    this.name = "CsvSyntaxError";
    this.line = line;
    this.record = record;
    this.reason = reason;
  }
}

/** Receives one record: its fields and the 1-based line it starts on. */
export type CsvRecordHandler = (fields: string[], line: number) => void;

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const BOM = 0xfeff;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_SEEN = 3; // inside a quoted field, right after a '"'

/**
 * Checks a delimiter: one UTF-16 code unit other than `"`, CR and LF.
 *
 * @throws {TypeError} for any other delimiter.
 */
export function checkDelimiter(delimiter: string): number {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
    throw new InvalidInputError(`A CSV delimiter is one character other than '"' or a line break`);
  }
  return delimiter.charCodeAt(0);
}

/**
 * An incremental CSV parser: {@linkcode CsvParser.push} text in pieces (split
 * anywhere, even inside a field or between CR and LF), then call
 * {@linkcode CsvParser.finish}. Each record goes to the handler as soon as it is
 * complete. A byte-order mark at the start is dropped; a final line break does
 * not make an empty record; an empty line is a record of one empty field.
 *
 * @example Parse text arriving in pieces
 * ```ts
 * import { CsvParser } from "./parser.ts";
 * const rows: string[][] = [];
 * const parser = new CsvParser((fields) => rows.push(fields), { delimiter: ";" });
 * parser.push('Origin;Target\r\nADAL;"AV');
 * parser.push('AR"\r\n');
 * parser.finish();
 * console.log(rows); // [["Origin", "Target"], ["ADAL", "AVAR"]]
 * ```
 */
export class CsvParser {
  #onRecord: CsvRecordHandler;
  #delimiter: number;
  #state = FIELD_START;
  #fields: string[] = [];
  #field = "";
  #line = 1;
  #recordLine = 1;
  #quoteLine = 1;
  #records = 0;
  #skipLF = false;
  #started = false;
  #finished = false;

  /**
   * Creates a parser that hands each record to `onRecord`.
   *
   * @throws {TypeError} for a delimiter that is not one character other than `"` or a line break.
   */
  constructor(onRecord: CsvRecordHandler, options: ParseCsvOptions = {}) {
    this.#onRecord = onRecord;
    this.#delimiter = checkDelimiter(options.delimiter ?? ",");
  }

  /** The 1-based line the parser has reached. */
  get line(): number {
    return this.#line;
  }

  /** How many records have been handed over. */
  get records(): number {
    return this.#records;
  }

  /**
   * Parses the next piece of text.
   *
   * @throws {CsvSyntaxError} on text right after a closing quote.
   */
  push(text: string): void {
    if (this.#finished) throw new TypeError("CsvParser.push() after finish()");
    const n = text.length;
    let i = 0;
    if (!this.#started && n > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === BOM) i = 1;
    }
    if (this.#skipLF && i < n) {
      this.#skipLF = false;
      if (text.charCodeAt(i) === LF) i++;
    }
    const delimiter = this.#delimiter;
    let state = this.#state;
    let field = this.#field;
    while (i < n) {
      if (state === FIELD_START) {
        if (text.charCodeAt(i) === QUOTE) {
          state = QUOTED;
          this.#quoteLine = this.#line;
          i++;
          continue;
        }
        state = UNQUOTED;
      }
      if (state === UNQUOTED) {
        let j = i;
        let c = 0;
        while (j < n) {
          c = text.charCodeAt(j);
          if (c === delimiter || c === LF || c === CR) break;
          j++;
        }
        field = field === "" ? text.slice(i, j) : field + text.slice(i, j);
        if (j === n) break;
        this.#fields.push(field);
        field = "";
        state = FIELD_START;
        i = j + 1;
        if (c !== delimiter) i = this.#endRecord(text, j);
        continue;
      }
      if (state === QUOTED) {
        const q = text.indexOf('"', i);
        const end = q === -1 ? n : q;
        for (let k = i; k < end; k++) if (text.charCodeAt(k) === LF) this.#line++;
        if (end > i) field = field === "" ? text.slice(i, end) : field + text.slice(i, end);
        if (q === -1) break;
        i = q + 1;
        state = QUOTE_SEEN;
        continue;
      }
      // QUOTE_SEEN: a doubled quote, or the end of the quoted field.
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        field += '"';
        state = QUOTED;
        i++;
      } else if (c === delimiter || c === LF || c === CR) {
        this.#fields.push(field);
        field = "";
        state = FIELD_START;
        i = c === delimiter ? i + 1 : this.#endRecord(text, i);
      } else {
        this.#state = state;
        this.#field = field;
        throw new CsvSyntaxError("text after a closing quote", this.#line, this.#records + 1);
      }
    }
    this.#state = state;
    this.#field = field;
  }

  /** Ends the record whose line break (CR or LF) is at `text[at]`; returns the next index. */
  #endRecord(text: string, at: number): number {
    const fields = this.#fields;
    const line = this.#recordLine;
    this.#fields = [];
    this.#records++;
    this.#line++;
    this.#recordLine = this.#line;
    let next = at + 1;
    if (text.charCodeAt(at) === CR) {
      if (next < text.length) {
        if (text.charCodeAt(next) === LF) next++;
      } else {
        this.#skipLF = true;
      }
    }
    this.#onRecord(fields, line);
    return next;
  }

  /**
   * Ends the input: hands over a last record without a final line break.
   *
   * @throws {CsvSyntaxError} when a quoted field is not closed.
   */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#state === QUOTED) {
      throw new CsvSyntaxError("a quoted field is not closed", this.#quoteLine, this.#records + 1);
    }
    if (this.#state === FIELD_START && this.#fields.length === 0) return;
    this.#fields.push(this.#field);
    this.#field = "";
    const fields = this.#fields;
    this.#fields = [];
    this.#records++;
    this.#onRecord(fields, this.#recordLine);
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
  const rows: string[][] = [];
  const parser = new CsvParser((fields) => rows.push(fields), options);
  parser.push(text);
  parser.finish();
  return rows;
}
