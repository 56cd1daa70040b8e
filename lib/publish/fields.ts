/**
 * The Informational fields a publisher may set (`owm publish --title …
 * --field name=value`, the API's `fields`, the upload page), checked against
 * the DataSource class before anything is made.
 *
 * @module
 */
import { type DataSourceClass, fieldsOf } from "../datasource/data_source.ts";
import { FieldError } from "../datasource/errors.ts";

/** Fields `publish` sets itself from the content and its torrent: never given by a publisher. */
export const FIELDS_SET_BY_PUBLISH: readonly string[] = Object.freeze([
  "fileName",
  "torrentFileName",
  "infoHash",
  "magnetLink",
  "md5",
  "sha256",
  "datePublished",
]);

/** The fields of `cls` a publisher may set, in declaration order. */
export function settableFields(cls: DataSourceClass): string[] {
  return [...fieldsOf(cls).keys()].filter((name) => !FIELDS_SET_BY_PUBLISH.includes(name));
}

/**
 * Checks field values given by name for `cls`: every name is a field of the
 * class that publish does not set itself; a `json` field given as text is
 * parsed as JSON.
 *
 * @returns the values, with `json` fields parsed
 * @throws {FieldError} naming the field and listing the fields of the class
 *
 * @example
 * ```ts
 * import { CSVDataSource } from "../datasource/csv_data_source.ts";
 * import { checkPublishFields } from "./fields.ts";
 * checkPublishFields(CSVDataSource, { csvFileName: "connections.csv", csvHeader: '["a","b"]' });
 * // { csvFileName: "connections.csv", csvHeader: ["a", "b"] }
 * ```
 */
export function checkPublishFields(
  cls: DataSourceClass,
  values: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const fields = fieldsOf(cls);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    const field = fields.get(name);
    if (!field || FIELDS_SET_BY_PUBLISH.includes(name)) {
      throw new FieldError(
        `${cls.name} has no field '${name}' a publisher may set` +
          (field ? " (publish sets it from the content and its torrent)" : "") +
          `: its fields are ${settableFields(cls).join(", ")}`,
      );
    }
    if (field.datatype === "json" && typeof value === "string") {
      try {
        out[name] = JSON.parse(value);
      } catch {
        throw new FieldError(
          `Field '${name}' of ${cls.name} takes JSON (e.g. ["a","b"]), but ${
            JSON.stringify(value)
          } is not JSON`,
        );
      }
    } else {
      out[name] = value;
    }
  }
  return out;
}

/**
 * Parses `name=value` assignments (`owm publish --field name=value`) for
 * `cls`, checked as {@linkcode checkPublishFields} checks them, and returns
 * the values as given (text; `publish` parses a `json` field's). A field
 * given twice takes both values (for a field that holds several).
 *
 * @throws {FieldError} for an assignment without `=` or an unknown field
 *
 * @example
 * ```ts
 * import { CSVDataSource } from "../datasource/csv_data_source.ts";
 * import { parseFieldAssignments } from "./fields.ts";
 * parseFieldAssignments(CSVDataSource, ["csvFileName=connections.csv", 'csvHeader=["a","b"]']);
 * // { csvFileName: "connections.csv", csvHeader: '["a","b"]' }
 * ```
 */
export function parseFieldAssignments(
  cls: DataSourceClass,
  assignments: readonly string[],
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const assignment of assignments) {
    const at = assignment.indexOf("=");
    if (at <= 0) {
      throw new FieldError(
        `--field ${
          JSON.stringify(assignment)
        } is not name=value (e.g. --field csvFileName=connections.csv)`,
      );
    }
    const name = assignment.slice(0, at).trim();
    const value = assignment.slice(at + 1);
    const before = values[name];
    if (before !== undefined && fieldsOf(cls).get(name)?.datatype === "json") {
      throw new FieldError(
        `Field '${name}' of ${cls.name} takes one JSON value; it was given twice`,
      );
    }
    values[name] = before === undefined
      ? value
      : [...(Array.isArray(before) ? before : [before]), value];
  }
  checkPublishFields(cls, values); // names and JSON checked now; publish() parses the JSON
  return values;
}
