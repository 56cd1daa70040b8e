/**
 * The text form of a DataSource printed by `owm source show`, exactly as the
 * original printed it: the class name, then one line per set field, sorted by
 * the field's RDF name, `    Display name: 'value'`.
 *
 * @module
 */
import type { DataSource } from "./data_source.ts";
import { toCurie } from "./identifier.ts";
import type { FieldValue } from "./informational.ts";

function quote(text: string): string {
  return "'" + text.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r") +
    "'";
}

/**
 * Formats `ds` like the original `owm source show`.
 *
 * @example
 * ```ts
 * import { CSVDataSource, formatDataSource } from "../../mod.ts";
 * class ConnectomeCSVDataSource extends CSVDataSource {}
 * console.log(formatDataSource(new ConnectomeCSVDataSource({ key: "k", csvFileName: "c.csv" })));
 * // ConnectomeCSVDataSource
 * //     CSV file name: 'c.csv'
 * //     File name: 'c.csv'
 * ```
 */
export function formatDataSource(
  ds: DataSource,
  prefixes: ReadonlyMap<string, string> = new Map(),
): string {
  const lines = [ds.className];
  const fields = [...ds.storedValues()].map(([name, values]) => ({
    field: ds.fields.get(name)!,
    values,
  })).sort((
    a,
    b,
  ) => (a.field.rdfName < b.field.rdfName ? -1 : a.field.rdfName > b.field.rdfName ? 1 : 0));
  for (const { field, values } of fields) {
    const shown = values.map((v: FieldValue) =>
      quote(
        field.propertyType === "object"
          ? toCurie(String(v), prefixes)
          : typeof v === "string"
          ? v
          : JSON.stringify(v),
      )
    );
    lines.push(`    ${field.displayName}: ${shown.join(", ")}`);
  }
  return lines.join("\n");
}
