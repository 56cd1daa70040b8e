/**
 * Loaders: how a DataSource's content becomes a local folder (the registry,
 * the directory loaders, the BitTorrent loader, offline mode).
 *
 * @example
 * ```ts ignore
 * import { LoaderRegistry } from "owmeta-torrent/loader";
 * console.log(typeof LoaderRegistry);
 * ```
 *
 * @module
 */
export {
  DataSourceDirLoader,
  type LoadedContent,
  type LoadOptions,
  type LoadOrigin,
  type LoadProgress,
  type LoadResult,
} from "./dir_loader.ts";
export { LoadFailedError, NoLoaderError } from "./errors.ts";
export { type LoadedEntry, LoaderRegistry } from "./registry.ts";
export {
  BitTorrentDataSourceDirLoader,
  type BitTorrentLoaderOptions,
  type TorrentLoadOptions,
} from "./bittorrent_loader.ts";
export { OfflineError, type OfflineErrorInit, type OfflineReason } from "./offline.ts";
