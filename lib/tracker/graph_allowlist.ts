/**
 * A tracker allowlist taken from the graph: the infohashes of the DataSources.
 *
 * @module
 */
import type { DataSourceRepository } from "../datasource/repository.ts";
import type { TrackerAllowlist } from "./tracker.ts";

/** Options of {@linkcode graphAllowlist}. */
export interface GraphAllowlistOptions {
  /** How long a read of the graph is reused, in milliseconds. @default {2000} */
  maxAgeMs?: number;
}

/**
 * The `infoHash` (lowercase hex) of every DataSource in `repo` that records one.
 *
 * @param repo The DataSources.
 * @returns The infohashes.
 */
export async function graphInfoHashes(repo: DataSourceRepository): Promise<Set<string>> {
  const out = new Set<string>();
  for (const summary of await repo.list()) {
    const ds = await repo.find(summary.iri).catch(() => undefined);
    if (!ds || !ds.fields.has("infoHash")) continue;
    const value = ds.get("infoHash");
    if (typeof value === "string" && /^[0-9a-f]{40}$/i.test(value)) out.add(value.toLowerCase());
  }
  return out;
}

/**
 * An allowlist for {@linkcode startTracker} that holds the infohashes of the
 * DataSources in `repo`, re-read when older than `maxAgeMs`, so that a
 * DataSource saved while the tracker runs is served within that time.
 *
 * @param repo The DataSources.
 * @param options The cache age.
 * @returns The allowlist.
 *
 * @example
 * ```ts ignore
 * const repo = await DataSourceRepository.open();
 * await using tracker = await startTracker({ allowlist: graphAllowlist(repo) });
 * ```
 */
export function graphAllowlist(
  repo: DataSourceRepository,
  options: GraphAllowlistOptions = {},
): TrackerAllowlist {
  const maxAge = options.maxAgeMs ?? 2000;
  let cached: { at: number; hashes: Promise<Set<string>> } | undefined;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > maxAge) {
      const hashes = graphInfoHashes(repo);
      cached = { at: now, hashes };
      hashes.catch(() => (cached = undefined));
    }
    return cached.hashes;
  };
}
