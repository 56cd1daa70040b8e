/**
 * CSV: a streaming parser (RFC 4180 with the usual variations) and reading a
 * CSV file whole.
 *
 * @example
 * ```ts ignore
 * import { parseCsv } from "owmeta-torrent/csv";
 * console.log(parseCsv("a,b\n1,2\n"));
 * ```
 *
 * @module
 */
export {
  CsvParser,
  type CsvRecordHandler,
  CsvSyntaxError,
  parseCsv,
  type ParseCsvOptions,
} from "./parser.ts";
export { readCsvFile, type ReadCsvFileOptions, type ReadCsvFileResult } from "./read.ts";
export type { OwmSyntaxError } from "../errors/owm_error.ts";
