/**
 * The fields of a DataSource that name files (`fileName`, `csvFileName`,
 * `torrentFileName`, …) are data: this checks them before they become paths.
 *
 * @module
 */
import type { DataSource } from "./data_source.ts";
import { checkRelativeName, UnsafeFieldPathError } from "../fs/confine.ts";

/**
 * Whether the field `field` of a DataSource names a file: `fileName` and
 * every `…FileName` field (`csvFileName`, `torrentFileName`, a subclass's own).
 *
 * @example
 * ```ts
 * import { namesAFile } from "./content_names.ts";
 * namesAFile("csvFileName"); // true
 * namesAFile("sha256");      // false
 * ```
 */
export function namesAFile(field: string): boolean {
  return field === "fileName" || field.endsWith("FileName");
}

/**
 * How errors name a DataSource: `ClassName:key` when it has a key, else its IRI.
 *
 * @example
 * ```ts
 * import { CSVDataSource } from "./csv_data_source.ts";
 * import { ownerName } from "./content_names.ts";
 * ownerName(new CSVDataSource({ key: "worms" })); // "CSVDataSource:worms"
 * ```
 */
export function ownerName(ds: DataSource): string {
  return ds.key !== undefined && ds.key !== "" ? `${ds.className}:${ds.key}` : ds.identifier;
}

/**
 * Checks every field of `ds` that names a file (`fileName`, `csvFileName`,
 * `torrentFileName`, and any other `…FileName` field of a subclass): each must
 * be a plain relative name inside the content folder (see
 * `relativeNameProblem` in lib/fs/confine.ts), and `torrentFileName` a single
 * name. More specific fields are checked before `fileName`, so the error
 * names the field that was set (`csvFileName` also sets `fileName`).
 *
 * @param ds The DataSource, from any source (a store, the bridge API, an index).
 * @throws {UnsafeFieldPathError} Naming the DataSource and the field.
 *
 * @example
 * ```ts
 * import { CSVDataSource } from "./csv_data_source.ts";
 * import { checkContentNames } from "./content_names.ts";
 * checkContentNames(new CSVDataSource({ key: "k", csvFileName: "a.csv" })); // fine
 * // with csvFileName "../../x.csv": throws UnsafeFieldPathError
 * // "CSVDataSource:k: csvFileName '../../x.csv' leads outside its content folder: …"
 * ```
 */
export function checkContentNames(ds: DataSource): void {
  const fields = [...ds.fields.keys()].filter(namesAFile)
    .sort((a, b) => Number(a === "fileName") - Number(b === "fileName"));
  const owner = ownerName(ds);
  for (const field of fields) {
    for (const value of ds.getAll(field)) {
      if (value === undefined || value === null) continue;
      checkRelativeName(value, field, owner);
      if (field === "torrentFileName" && String(value).includes("/")) {
        throw new UnsafeFieldPathError(
          field,
          String(value),
          "holds a path separator (a torrent file name is one name in an index)",
          owner,
        );
      }
    }
  }
}
