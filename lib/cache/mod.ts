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
export { cacheModeFromEnv, defaultCacheDir, offlineFromEnv } from "./env.ts";
export { type Rejected, type Served, serveFromCache, type ServeOptions } from "./serve.ts";
export { type PlaceMode, type PlaceOptions, type PlaceReport } from "./link.ts";
export type { CacheMode } from "../settings/settings.ts";
export type { OwmError } from "../errors/owm_error.ts";
export type { VerifyReport } from "../integrity/verify.ts";
export type { Metainfo } from "../torrent/metainfo.ts";
export type { IntegrityCheck } from "../integrity/verify.ts";
export type { TorrentFile } from "../torrent/metainfo.ts";
export type { CheckKind } from "../integrity/verify.ts";
export type { CHECK_KINDS } from "../integrity/verify.ts";
