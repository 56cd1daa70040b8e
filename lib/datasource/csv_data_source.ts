/**
 * CSVDataSource: a local CSV file.
 *
 * @module
 */
import type { FieldDeclarations } from "./informational.ts";
import { LocalFileDataSource, type LocalFileDataSourceInit } from "./local_file_data_source.ts";

/** Fields accepted by {@linkcode CSVDataSource}. */
export interface CSVDataSourceInit extends LocalFileDataSourceInit {
  /** Name of the CSV file; also sets `fileName` unless that is given. */
  csvFileName?: string;
  /** Column names, in order. */
  csvHeader?: readonly string[];
  /** Field delimiter. @default "," */
  csvFieldDelimiter?: string;
}

/**
 * A CSV file. Subclass it for your own CSV kinds.
 *
 * @example
 * ```ts
 * import { CSVDataSource } from "../../mod.ts";
 * class ConnectomeCSVDataSource extends CSVDataSource {}
 * const ds = new ConnectomeCSVDataSource({ key: "2000_connections", csvFileName: "connectome.csv" });
 * console.log(ds.fileName, ds.csvFieldDelimiter); // "connectome.csv" ","
 * ```
 */
export class CSVDataSource extends LocalFileDataSource {
  /** csvFileName (also sets fileName), csvHeader and csvFieldDelimiter. */
  static override readonly ownFields: FieldDeclarations = {
    csvFileName: {
      displayName: "CSV file name",
      description: "Name of the CSV file",
      also: ["fileName"],
    },
    csvHeader: {
      displayName: "Header column names",
      description: "The CSV's column names, in order",
      multiple: false,
      datatype: "json",
    },
    csvFieldDelimiter: {
      displayName: "CSV field delimiter",
      description: "The character between fields",
      default: ",",
      multiple: false,
    },
  };

  /** Creates the DataSource. */
  constructor(init: CSVDataSourceInit = {}) {
    super(init as LocalFileDataSourceInit);
  }

  /** Name of the CSV file, if set. */
  get csvFileName(): string | undefined {
    return this.get("csvFileName") as string | undefined;
  }
  /** Column names, if recorded. */
  get csvHeader(): string[] | undefined {
    return this.get("csvHeader") as string[] | undefined;
  }
  /** The field delimiter (default `,`). */
  get csvFieldDelimiter(): string {
    return this.get("csvFieldDelimiter") as string;
  }
}
