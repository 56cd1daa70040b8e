/**
 * Which entries of the shared cache a garbage collection removes: a pure
 * plan over the entries' records, carried out by `ContentCache.gc`.
 *
 * @module
 */
import type { CacheEntryRecord } from "./entry.ts";

/** What to collect. With none of the three, nothing is planned. */
export interface GcPolicy {
  /** Remove every entry. */
  all?: boolean;
  /** Remove entries not used for more than this many days. */
  olderThanDays?: number;
  /** Then remove the least recently used entries until the rest fit in this many bytes. */
  maxSizeBytes?: number;
}

/** A plan: the entries to remove (least recently used first) and those kept. */
export interface GcPlan {
  /** Entries to remove. */
  remove: CacheEntryRecord[];
  /** Entries kept. */
  keep: CacheEntryRecord[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

function lastUsed(record: CacheEntryRecord): number {
  return Date.parse(record.lastUsedAt);
}

/**
 * Plans a collection: `all` removes everything; `olderThanDays` removes
 * entries whose last use is older than that; `maxSizeBytes` then removes the
 * least recently used of the rest until their total size fits. Ties in last
 * use go by infohash, so the plan is the same on every run.
 *
 * @example
 * ```ts
 * import { planGc } from "./gc.ts";
 * const plan = planGc([], { maxSizeBytes: 0 }, new Date());
 * console.log(plan.remove.length); // 0
 * ```
 */
export function planGc(
  records: readonly CacheEntryRecord[],
  policy: GcPolicy,
  now: Date = new Date(),
): GcPlan {
  const byAge = [...records].sort((a, b) =>
    lastUsed(a) - lastUsed(b) || (a.infoHash < b.infoHash ? -1 : 1)
  );
  if (policy.all) return { remove: byAge, keep: [] };
  const remove: CacheEntryRecord[] = [];
  let keep = byAge;
  if (policy.olderThanDays !== undefined) {
    const cutoff = now.getTime() - policy.olderThanDays * DAY_MS;
    remove.push(...keep.filter((r) => lastUsed(r) < cutoff));
    keep = keep.filter((r) => lastUsed(r) >= cutoff);
  }
  if (policy.maxSizeBytes !== undefined) {
    let total = keep.reduce((sum, r) => sum + r.size, 0);
    let i = 0;
    while (total > policy.maxSizeBytes && i < keep.length) {
      total -= keep[i]!.size;
      remove.push(keep[i]!);
      i++;
    }
    keep = keep.slice(i);
  }
  return { remove, keep };
}
