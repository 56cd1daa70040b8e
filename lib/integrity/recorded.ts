/**
 * What a DataSource records about its content's integrity.
 *
 * @module
 */
import type { DataSource } from "../datasource/data_source.ts";
import { legacyNameOf } from "./legacy.ts";
import type { ExpectedIntegrity } from "./verify.ts";

function firstString(ds: DataSource, field: string): string | undefined {
  if (!ds.fields.has(field)) return undefined;
  const value = ds.get(field);
  return typeof value === "string" ? value : undefined;
}

/**
 * The checks recorded on `ds`, for {@linkcode verify}: its `md5`, `sha256`
 * and `sha512` fields, and its first `torrentFileName` that has the legacy
 * `<md5>.torrent` form (other torrent names record no MD5 and are skipped).
 * Fields the DataSource's class lacks count as not recorded. The piece-hash
 * check needs the torrent itself and is not included.
 *
 * @example
 * ```ts ignore
 * const report = await verify(dir, recordedIntegrity(await repo.get("CSVDataSource:k")));
 * ```
 *
 * @param ds A DataSource (any class).
 * @returns The recorded values; empty when nothing is recorded.
 */
export function recordedIntegrity(ds: DataSource): ExpectedIntegrity {
  const out: ExpectedIntegrity = {};
  for (const field of ["md5", "sha256", "sha512"] as const) {
    const value = firstString(ds, field);
    if (value !== undefined) out[field] = value;
  }
  if (ds.fields.has("torrentFileName")) {
    const legacy = ds.getAll("torrentFileName").find((name) =>
      typeof name === "string" && legacyNameOf(name) !== undefined
    );
    if (typeof legacy === "string") out.legacyTorrentName = legacy;
  }
  return out;
}
