/**
 * Streaming a CSV file: the file is read in chunks, decoded as strict UTF-8
 * and parsed incrementally, so memory stays constant whatever its length. A
 * byte that is not UTF-8 is reported with the line and record it is in.
 *
 * The decoding is done here rather than with `TextDecoderStream` because a
 * fatal `TextDecoderStream` only says that *some* chunk was bad; decoding each
 * chunk up to its last complete character lets the bad byte be located.
 *
 * @module
 */
import { CsvParser, type CsvRecordHandler, CsvSyntaxError } from "./parser.ts";
import { completeLength, firstInvalidUtf8 } from "./utf8.ts";

/** Options of {@linkcode readCsvFile}. */
export interface ReadCsvFileOptions {
  /** The field delimiter, one character. @default "," */
  delimiter?: string;
  /** Cancels the read (checked between chunks). */
  signal?: AbortSignal | undefined;
  /** Bytes read at a time. @default 1 MiB */
  chunkSize?: number;
}

/** What {@linkcode readCsvFile} read. */
export interface ReadCsvFileResult {
  /** Records handed over. */
  records: number;
  /** Bytes read. */
  bytes: number;
}

/**
 * Reads the CSV file at `path` and hands each record to `onRecord`, with the
 * 1-based line it starts on. The handler may throw to stop the read.
 *
 * @example Count the rows of a CSV file
 * ```ts ignore
 * import { readCsvFile } from "./read.ts";
 * let rows = 0;
 * await readCsvFile("connectome.csv", () => rows++);
 * console.log(rows);
 * ```
 *
 * @throws {CsvSyntaxError} on malformed CSV or bytes that are not UTF-8.
 */
export async function readCsvFile(
  path: string,
  onRecord: CsvRecordHandler,
  options: ReadCsvFileOptions = {},
): Promise<ReadCsvFileResult> {
  const parser = new CsvParser(onRecord, { delimiter: options.delimiter ?? "," });
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  let offset = 0; // file offset of the first byte not yet decoded
  const push = (bytes: Uint8Array) => {
    if (bytes.length === 0) return;
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch (error) {
      const bad = Math.max(0, firstInvalidUtf8(bytes));
      parser.push(decoder.decode(bytes.subarray(0, bad)));
      const hex = bytes[bad]!.toString(16).toUpperCase().padStart(2, "0");
      const syntax = new CsvSyntaxError(
        `a byte that is not UTF-8 (0x${hex} at byte offset ${
          offset + bad
        }): convert the file to UTF-8`,
        parser.line,
        parser.records + 1,
      );
      syntax.cause = error;
      throw syntax;
    }
    parser.push(text);
    offset += bytes.length;
  };
  using file = await Deno.open(path, { read: true });
  const buffer = new Uint8Array(options.chunkSize ?? 1 << 20);
  let carry = new Uint8Array(0);
  for (;;) {
    options.signal?.throwIfAborted();
    const n = await file.read(buffer);
    if (n === null) break;
    let bytes = buffer.subarray(0, n);
    if (carry.length > 0) {
      const joined = new Uint8Array(carry.length + n);
      joined.set(carry);
      joined.set(bytes, carry.length);
      bytes = joined;
    }
    const end = completeLength(bytes);
    push(bytes.subarray(0, end));
    carry = bytes.slice(end);
  }
  push(carry); // a sequence cut short by the end of the file fails here
  parser.finish();
  return { records: parser.records, bytes: offset };
}
