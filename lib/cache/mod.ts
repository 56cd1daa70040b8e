/**
 * The shared content cache: entries, garbage collection, serving cached
 * content, placing it as links or copies.
 *
 * @example
 * ```ts ignore
 * import { defaultCacheDir } from "owmeta-torrent/cache";
 * console.log(defaultCacheDir());
 * ```
 *
 * @module
 */
export {
  type CacheAddOptions,
  type CachedContent,
  CacheError,
  ContentCache,
  type ContentCacheOptions,
  type GcOptions,
  type GcReport,
} from "./content_cache.ts";
export { type CacheEntryRecord, CacheRecordError } from "./entry.ts";
export { type GcPlan, type GcPolicy, planGc } from "./gc.ts";
export { cacheLinksFromEnv, defaultCacheDir, offlineFromEnv } from "./env.ts";
export { type Rejected, type Served, serveFromCache, type ServeOptions } from "./serve.ts";
export { type PlaceOptions, type PlaceReport } from "./link.ts";
