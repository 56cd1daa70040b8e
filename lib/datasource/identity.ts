/**
 * A DataSource's identity: the fields that say which content it is (torrent
 * file name, infohash, magnet link, content hashes) and where that content
 * lies (file names, the content translator, the named graph). Saving an
 * existing DataSource with other values there replaces what it is: the
 * bridge's `POST /api/datasources` asks for `replace: true`, and `owm fetch`
 * of a DataSource whose index record differs asks for `--replace`.
 *
 * @module
 */
import { isDeepStrictEqual } from "node:util";
import type { DataSource } from "./data_source.ts";

/** The identity fields, by TypeScript name (those a class lacks are skipped). */
export const IDENTITY_FIELDS: readonly string[] = Object.freeze([
  "torrentFileName",
  "infoHash",
  "magnetLink",
  "md5",
  "sha256",
  "sha512",
  "fileName",
  "csvFileName",
  "contentTranslator",
  "graphName",
]);

/** One identity field whose values differ. */
export interface IdentityFieldChange {
  /** The field's name. */
  field: string;
  /** Its values before. */
  before: unknown[];
  /** Its values after. */
  after: unknown[];
}

function canonical(values: unknown[]): unknown[] {
  return values.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).sort();
}

/**
 * The identity fields whose stored values differ between `before` (the stored
 * DataSource) and `after` (the one to save), a value added or removed
 * included. A field that only one of them records is not a change unless
 * `absentChanges` is set (then a value the other lacks is one).
 *
 * @example
 * ```ts
 * import { CSVDataSource } from "../../mod.ts";
 * import { identityChanges } from "./identity.ts";
 * const a = new CSVDataSource({ key: "k", torrentFileName: "a.torrent" });
 * const b = new CSVDataSource({ key: "k", torrentFileName: "b.torrent" });
 * identityChanges(a, b); // [{ field: "torrentFileName", before: ["a.torrent"], after: ["b.torrent"] }]
 * ```
 */
export function identityChanges(before: DataSource, after: DataSource): IdentityFieldChange[] {
  const changes: IdentityFieldChange[] = [];
  for (const field of IDENTITY_FIELDS) {
    if (!after.fields.has(field) || !before.fields.has(field)) continue;
    const old = before.getAll(field);
    const now = after.getAll(field);
    if (!isDeepStrictEqual(canonical(old), canonical(now))) {
      changes.push({ field, before: old, after: now });
    }
  }
  return changes;
}

/**
 * The changes as one line: `field ["old"] → ["new"]; …` (long values cut).
 *
 * @example
 * ```ts
 * import { describeIdentityChanges } from "./identity.ts";
 * describeIdentityChanges([{ field: "infoHash", before: ["a"], after: ["b"] }]); // 'infoHash "a" → "b"'
 * ```
 */
export function describeIdentityChanges(changes: readonly IdentityFieldChange[]): string {
  const shown = (values: unknown[]) => {
    if (values.length === 0) return "(none)";
    const text = values.map((v) => JSON.stringify(v)).join(", ");
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  };
  return changes.map((c) => `${c.field} ${shown(c.before)} → ${shown(c.after)}`).join("; ");
}
