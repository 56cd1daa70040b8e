/**
 * `owm cache list [--json]` and `owm cache gc [--max-size SIZE] [--older-than
 * DAYS] [--all] [--dry-run] [--json]`: the shared content cache of this user
 * on this machine.
 *
 * @module
 */
import { ContentCache, type GcReport } from "../cache/content_cache.ts";
import type { CacheEntryRecord } from "../cache/entry.ts";
import type { GcPolicy } from "../cache/gc.ts";
import { parseByteSize } from "../fs/byte_size.ts";
import { type CliIo, ExitCode, printJson, UsageError } from "./io.ts";
import { formatBytes } from "./progress.ts";
import type { GlobalOptions } from "./store_commands.ts";

/** Options of `owm cache gc`. */
export interface CacheGcOptions {
  /** `--max-size SIZE`: bytes, or with a K, M, G or T suffix (powers of 1024). */
  "max-size"?: string | undefined;
  /** `--older-than DAYS`: entries not used for more than this many days. */
  "older-than"?: string | undefined;
  /** `--all`: every entry. */
  all?: boolean | undefined;
  /** `--dry-run`: say what would be removed, remove nothing. */
  "dry-run"?: boolean | undefined;
}

/** What `owm cache gc` removes when given no policy: entries unused for 90 days. */
export const DEFAULT_GC_DAYS = 90;

/**
 * Parses `--max-size`: `1048576`, `500M`, `2G`, `1.5GiB` (powers of 1024); 0 is allowed.
 *
 * @example
 * ```ts
 * import { parseSize } from "./cache_command.ts";
 * console.log(parseSize("2G")); // 2147483648
 * ```
 *
 * @throws {UsageError} for anything else.
 */
export function parseSize(text: string): number {
  try {
    return parseByteSize(text, { allowZero: true });
  } catch {
    throw new UsageError(`--max-size takes a size such as 1048576, 500M or 20G, got '${text}'`);
  }
}

function openCache(io: CliIo): ContentCache | undefined {
  const cache = ContentCache.fromEnv();
  if (!cache) {
    io.err(
      "owm: the shared cache is off (OWM_CACHE=0, or no OWM_CACHE_DIR, XDG_CACHE_HOME or HOME)",
    );
  }
  return cache;
}

function row(record: CacheEntryRecord): string {
  return [
    record.infoHash,
    (record.sha256 ?? "-").slice(0, 12).padEnd(12),
    formatBytes(record.size).padStart(10),
    record.lastUsedAt.slice(0, 19).replace("T", " "),
    record.name,
  ].join("  ");
}

/**
 * `owm cache list [--json]`: the entries, most recently used first, with
 * infohash, SHA-256 prefix, size, last use and name; `--json` gives the
 * cache folder, the total and every record in full.
 *
 * @example
 * ```ts ignore
 * await cacheListCommand([], { home: undefined, json: true }, processIo);
 * ```
 */
export async function cacheListCommand(
  args: string[],
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  if (args.length > 0) throw new UsageError(`cache list takes no arguments, got '${args[0]}'`);
  const cache = openCache(io);
  const records = cache ? await cache.list() : [];
  const totalBytes = records.reduce((sum, r) => sum + r.size, 0);
  if (global.json) {
    printJson(io, { dir: cache?.dir ?? null, totalBytes, entries: records });
    return ExitCode.Ok;
  }
  if (!cache) return ExitCode.Ok;
  if (records.length > 0) {
    io.out(
      [
        "infohash".padEnd(40),
        "sha256".padEnd(12),
        "size".padStart(10),
        "last used".padEnd(19),
        "name",
      ]
        .join("  "),
    );
    for (const record of records) io.out(row(record));
  }
  io.err(
    `owm: ${records.length} entr${records.length === 1 ? "y" : "ies"}, ${
      formatBytes(totalBytes)
    }, in ${cache.dir}`,
  );
  return ExitCode.Ok;
}

/** The policy of `owm cache gc`'s options; none given means `--older-than 90`. */
export function gcPolicy(options: CacheGcOptions): GcPolicy {
  const maxSize = options["max-size"];
  const olderThan = options["older-than"];
  if (options.all && (maxSize !== undefined || olderThan !== undefined)) {
    throw new UsageError("--all removes every entry: give it without --max-size or --older-than");
  }
  if (options.all) return { all: true };
  const policy: GcPolicy = {};
  if (olderThan !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(olderThan.trim())) {
      throw new UsageError(`--older-than takes a number of days, got '${olderThan}'`);
    }
    policy.olderThanDays = Number(olderThan);
  }
  if (maxSize !== undefined) policy.maxSizeBytes = parseSize(maxSize);
  if (policy.olderThanDays === undefined && policy.maxSizeBytes === undefined) {
    policy.olderThanDays = DEFAULT_GC_DAYS;
  }
  return policy;
}

/**
 * `owm cache gc`: removes entries by the policy (least recently used first)
 * and abandoned temporary folders; entries being written are never taken.
 * Reports what was removed and the bytes freed.
 *
 * @example
 * ```ts ignore
 * await cacheGcCommand([], { "max-size": "20G" }, { home: undefined, json: false }, processIo);
 * ```
 */
export async function cacheGcCommand(
  args: string[],
  options: CacheGcOptions,
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  if (args.length > 0) throw new UsageError(`cache gc takes no arguments, got '${args[0]}'`);
  const policy = gcPolicy(options);
  const cache = openCache(io);
  const dryRun = options["dry-run"] ?? false;
  const report: GcReport = cache ? await cache.gc({ ...policy, dryRun }) : {
    removed: [],
    removedBytes: 0,
    freedBytes: 0,
    kept: 0,
    keptBytes: 0,
    strays: 0,
    dryRun,
  };
  if (global.json) {
    printJson(io, { dir: cache?.dir ?? null, policy, ...report });
    return ExitCode.Ok;
  }
  for (const record of report.removed) {
    io.out(`${dryRun ? "would remove" : "removed"}  ${row(record)}`);
  }
  const n = report.removed.length;
  const shared = report.removedBytes - report.freedBytes;
  io.err(
    `owm: ${dryRun ? "would remove" : "removed"} ${n} entr${n === 1 ? "y" : "ies"} (${
      formatBytes(report.removedBytes)
    }), ${dryRun ? "freeing" : "freed"} ${formatBytes(report.freedBytes)} on disk${
      shared > 0 ? ` (${formatBytes(shared)} stays: still hard-linked from stores)` : ""
    }; kept ${report.kept} (${formatBytes(report.keptBytes)})${
      report.strays > 0 ? `; cleaned ${report.strays} leftover folder(s)` : ""
    }`,
  );
  return ExitCode.Ok;
}
