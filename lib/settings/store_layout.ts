/**
 * Every path under a store, named in one place. Nothing else spells the
 * store's folder or file names.
 *
 * ```text
 * <store>/
 *   graph.nq, graph.lock           the DataSources (the graph store)
 *   session/                       the torrent session's state (+ <infohash>.published.torrent)
 *   torrents/                      the store's own folder index
 *   data_source_data/
 *     index.json                   the remembered loads (loader, directory)
 *     bittorrent/                  content loaded by the BitTorrent loader
 *     translation/                 translation outputs (+ .locks/)
 *   uploads/                       the bridge's uploads (+ .incoming-*)
 *   bridge.json, bridge.lock, bridge-jobs.json  the running bridge, its claim, its jobs
 *   owm-lockfile.lock              serialises `owm lock` runs of this store
 *   credentials.json, drive-token.json  Google Drive (drive: indexes)
 * ```
 *
 * @module
 */
import { join } from "node:path";

/** The graph file's name in a store. */
export const GRAPH_FILE_NAME = "graph.nq";
/** The graph's lock file's name in a store. */
export const GRAPH_LOCK_NAME = "graph.lock";
/** The BitTorrent loader's key (and its folder's name under `data_source_data`). */
export const BITTORRENT_LOADER_KEY = "bittorrent";
/** The translation loader's key (and its folder's name under `data_source_data`). */
export const TRANSLATION_LOADER_KEY = "translation";
/** The prefix of an upload still arriving, under `uploads/`. */
export const INCOMING_PREFIX = ".incoming-";
/** The Google Drive OAuth client's file in a store. */
export const DRIVE_CREDENTIALS_NAME = "credentials.json";
/** The Google Drive token's file in a store. */
export const DRIVE_TOKEN_NAME = "drive-token.json";

/**
 * The paths of one store.
 *
 * @example
 * ```ts
 * import { StoreLayout } from "./store_layout.ts";
 * const layout = new StoreLayout("/home/me/project/.owm");
 * console.log(layout.bittorrent); // "/home/me/project/.owm/data_source_data/bittorrent"
 * ```
 */
export class StoreLayout {
  /** The store directory. */
  readonly home: string;

  /** The layout of the store at `home`. */
  constructor(home: string) {
    this.home = home;
  }

  /** The graph file. */
  get graphFile(): string {
    return join(this.home, GRAPH_FILE_NAME);
  }

  /** The graph's lock file. */
  get graphLock(): string {
    return join(this.home, GRAPH_LOCK_NAME);
  }

  /** The torrent session's state folder. */
  get session(): string {
    return join(this.home, "session");
  }

  /** The `.torrent` the session keeps for a torrent it downloaded. */
  sessionTorrent(infoHash: string): string {
    return join(this.session, `${infoHash}.torrent`);
  }

  /** The `.torrent` the bridge keeps for content it published and seeds. */
  publishedTorrent(infoHash: string): string {
    return join(this.session, `${infoHash}.published.torrent`);
  }

  /** The store's own folder index. */
  get torrents(): string {
    return join(this.home, "torrents");
  }

  /** The folder of loaded content and the remembered loads. */
  get dataRoot(): string {
    return join(this.home, "data_source_data");
  }

  /** The remembered loads (`LoaderRegistry`'s index). */
  get loadedIndex(): string {
    return join(this.dataRoot, "index.json");
  }

  /** Where the BitTorrent loader puts content. */
  get bittorrent(): string {
    return join(this.dataRoot, BITTORRENT_LOADER_KEY);
  }

  /** Where translation outputs go. */
  get translation(): string {
    return join(this.dataRoot, TRANSLATION_LOADER_KEY);
  }

  /** The per-output lock files inside a translation base (never holds output). */
  static translationLocks(translationBase: string): string {
    return join(translationBase, ".locks");
  }

  /** The bridge's uploads. */
  get uploads(): string {
    return join(this.home, "uploads");
  }

  /** The running bridge's address and token. */
  get bridgeFile(): string {
    return join(this.home, "bridge.json");
  }

  /** The lock a starting bridge claims the store under. */
  get bridgeLock(): string {
    return join(this.home, "bridge.lock");
  }

  /** The lock serialising `owm lock` runs on this store. */
  get lockfileLock(): string {
    return join(this.home, "owm-lockfile.lock");
  }

  /** The Google Drive OAuth client. */
  get driveCredentials(): string {
    return join(this.home, DRIVE_CREDENTIALS_NAME);
  }

  /** The Google Drive token. */
  get driveToken(): string {
    return join(this.home, DRIVE_TOKEN_NAME);
  }

  /** The bridge's persisted jobs. */
  get bridgeJobs(): string {
    return join(this.home, "bridge-jobs.json");
  }
}
