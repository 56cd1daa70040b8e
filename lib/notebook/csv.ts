/**
 * A small CSV reader for notebooks, so that a fetched CSVDataSource can be read
 * into rows without a dependency. The parser itself lives in `lib/csv/`, where
 * the CSV → RDF translator uses it too; this module keeps its old exports.
 *
 * @module
 */
export { CsvSyntaxError, parseCsv, type ParseCsvOptions } from "../csv/parser.ts";
