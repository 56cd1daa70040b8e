/**
 * Serving content from the shared cache into a folder: placed beside its
 * final name, verified there, and only then renamed into place. An entry that
 * fails verification is dropped from the cache and nothing is left behind.
 *
 * @module
 */
import { dirname, join } from "node:path";
import type { VerifyReport } from "../integrity/verify.ts";
import { type CachedContent, CacheError, type ContentCache } from "./content_cache.ts";
import type { PlaceReport } from "./link.ts";
import { pathExists } from "../fs/exists.ts";
import { confinedJoin } from "../fs/confine.ts";

/** Options for {@linkcode serveFromCache}. */
export interface ServeOptions {
  /** The content's name in the folder (the torrent's name). */
  name: string;
  /** Verifies content at a path named `name`; a report that is not ok rejects the entry. */
  verify(contentPath: string): Promise<VerifyReport>;
  /** The store home that uses it (kept in the entry's record). */
  home?: string | undefined;
  /** The content's SHA-256, if the caller knows it (recorded on the entry if it had none). */
  sha256?: string | undefined;
  /**
   * Entries of the content already in `dir` that the torrent does not list,
   * as paths relative to `dir` (`<name>/…`): moved into the served content,
   * so that replacing a damaged copy leaves them where they were.
   */
  keep?: readonly string[] | undefined;
}

/** Content served from the cache. */
export interface Served {
  /** `<dir>/<name>`. */
  contentPath: string;
  /** The passing verification report (its target is `contentPath`). */
  report: VerifyReport;
  /** How the files were placed (hard links or copies). */
  placed: PlaceReport;
}

/** Why an entry was not served. */
export interface Rejected {
  /** The failing report, or the error that stopped placing or verifying it. */
  reason: VerifyReport | Error;
}

/**
 * Places `entry`'s content at `<dir>/<name>` if it verifies: it is placed in
 * a staging folder inside `dir` (hard links, else copies), verified with
 * `options.verify`, then renamed over `<dir>/<name>` (content already there,
 * e.g. a damaged copy, is replaced; the entries named in `options.keep`, which
 * the torrent does not list, are moved over first). On failure the entry is
 * dropped from the cache and `dir` is left as it was.
 *
 * @example
 * ```ts ignore
 * const hit = await cache.get(meta.infoHash);
 * const out = hit && await serveFromCache(cache, hit, dir, {
 *   name: meta.name,
 *   verify: (path) => verify(path, { pieces: torrentPiecesCheck(meta) }),
 * });
 * if (out && "contentPath" in out) console.log(out.contentPath);
 * ```
 */
export async function serveFromCache(
  cache: ContentCache,
  entry: CachedContent,
  dir: string,
  options: ServeOptions,
): Promise<Served | Rejected> {
  await Deno.mkdir(dir, { recursive: true });
  const stage = join(dir, `.owm-cache-${crypto.randomUUID().slice(0, 8)}`);
  await Deno.mkdir(stage);
  try {
    const staged = confinedJoin(stage, options.name);
    let placed: PlaceReport;
    let report: VerifyReport;
    try {
      placed = await cache.materialize(entry, staged);
      report = await options.verify(staged);
    } catch (error) {
      if (
        error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable
      ) {
        throw error;
      }
      if (!(error instanceof CacheError)) await cache.drop(entry.record.infoHash);
      return { reason: error instanceof Error ? error : new Error(String(error)) };
    }
    if (!report.ok) {
      await cache.drop(entry.record.infoHash);
      return { reason: report };
    }
    const contentPath = confinedJoin(dir, options.name);
    const putBack = await carryOver(dir, stage, options.keep ?? []);
    const old = join(dir, `.owm-replaced-${crypto.randomUUID().slice(0, 8)}`);
    const replacing = await pathExists(contentPath);
    try {
      if (replacing) await Deno.rename(contentPath, old);
      await Deno.rename(staged, contentPath);
    } catch (error) {
      if (replacing && !(await pathExists(contentPath))) {
        await Deno.rename(old, contentPath).catch(() => {});
      }
      await putBack();
      throw error;
    }
    if (replacing) await Deno.remove(old, { recursive: true }).catch(() => {});
    await cache.touch(entry.record.infoHash, { home: options.home, sha256: options.sha256 })
      .catch(() => {});
    return { contentPath, report: { ...report, target: contentPath }, placed };
  } finally {
    await Deno.remove(stage, { recursive: true }).catch(() => {});
  }
}

/**
 * Moves each of `paths` (relative to `from`) to the same place below `to`;
 * if one cannot be moved, those moved are put back and the error is thrown.
 *
 * @returns A function that puts them back.
 */
async function carryOver(
  from: string,
  to: string,
  paths: readonly string[],
): Promise<() => Promise<void>> {
  const moved: string[] = [];
  const putBack = async () => {
    for (const rel of moved) {
      await Deno.mkdir(dirname(confinedJoin(from, rel)), { recursive: true }).catch(() => {});
      await Deno.rename(confinedJoin(to, rel), confinedJoin(from, rel)).catch(() => {});
    }
  };
  try {
    for (const rel of paths) {
      const target = confinedJoin(to, rel);
      if (await pathExists(target)) continue;
      await Deno.mkdir(dirname(target), { recursive: true });
      await Deno.rename(confinedJoin(from, rel), target);
      moved.push(rel);
    }
  } catch (error) {
    await putBack();
    throw error;
  }
  return putBack;
}
