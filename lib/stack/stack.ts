/**
 * The composition root: from one {@linkcode Settings} value and a store,
 * builds the indexes, the shared cache, the torrent session (opened only when
 * a download needs one), the loaders (BitTorrent, then translation) and the
 * translators. The CLI, `require()`, the bridge and the notebooks all fetch
 * through a stack made here; nothing else constructs the BitTorrent loader,
 * the session or the indexes.
 *
 * @module
 */
import { ContentCache } from "../cache/content_cache.ts";
import type { DataSourceRepository } from "../datasource/repository.ts";
import { resolveIndexes } from "../index/config.ts";
import { LocalFolderIndex } from "../index/local_folder_index.ts";
import type { TorrentIndex } from "../index/torrent_index.ts";
import {
  BitTorrentDataSourceDirLoader,
  type TorrentLoadOptions,
} from "../loader/bittorrent_loader.ts";
import type { LoadResult } from "../loader/dir_loader.ts";
import { recordContentLocation } from "../loader/content_location.ts";
import { LoaderRegistry } from "../loader/registry.ts";
import type { Settings } from "../settings/settings.ts";
import { StoreLayout } from "../settings/store_layout.ts";
import { TorrentSession, type TorrentSessionOptions } from "../torrent/session.ts";
import { builtinTranslators } from "../translate/builtins.ts";
import { contentTranslatorHook } from "../translate/content_translation.ts";
import type { TranslatorRegistry } from "../translate/registry.ts";
import { TranslationDataSourceDirLoader } from "../translate/translation_loader.ts";

/**
 * The indexes of `settings`: its specs (`--index`, `OWM_INDEXES`), else the
 * store's own folder index `<store>/torrents`. `withOwn` adds the store's own
 * folder after the configured ones (where publishing pushes too, and where
 * the bridge always looks).
 *
 * @example
 * ```ts ignore
 * const indexes = stackIndexes(readSettings({ indexes: ["dir:/srv/torrents"] }));
 * ```
 *
 * @throws {IndexSpecError} for a spec that is not an index.
 */
export function stackIndexes(
  settings: Settings,
  options: { withOwn?: boolean } = {},
): TorrentIndex[] {
  const layout = new StoreLayout(settings.home);
  const own = () => new LocalFolderIndex(layout.torrents);
  if (settings.indexes.length === 0) return [own()];
  const indexes = resolveIndexes(settings.indexes, {
    storeHome: settings.home,
    httpToken: settings.indexToken,
    ...(settings.driveRootUrl ? { drive: { rootUrl: settings.driveRootUrl } } : {}),
  });
  if (
    options.withOwn &&
    !indexes.some((i) => i instanceof LocalFolderIndex && i.dir === layout.torrents)
  ) {
    indexes.push(own());
  }
  return indexes;
}

/**
 * The indexes reachable under `settings`: offline, only folder indexes (the
 * others need the network).
 *
 * @example
 * ```ts ignore
 * const usable = reachableIndexes(settings, stackIndexes(settings));
 * ```
 */
export function reachableIndexes(
  settings: Settings,
  indexes: readonly TorrentIndex[],
): TorrentIndex[] {
  return settings.offline ? indexes.filter((i) => i.kind === "dir") : [...indexes];
}

/**
 * The shared cache of `settings`, or `undefined` when it is off.
 *
 * @example
 * ```ts ignore
 * const cache = stackCache(readSettings());
 * ```
 */
export function stackCache(settings: Settings): ContentCache | undefined {
  return settings.cacheDir === undefined
    ? undefined
    : new ContentCache(settings.cacheDir, { mode: settings.cacheMode });
}

/**
 * The options a session opened for `settings` gets: state in
 * `<store>/session`, DHT and LSD as set (never offline), the BitTorrent port.
 *
 * @example
 * ```ts ignore
 * console.log(sessionOptionsFor(readSettings()).dht);
 * ```
 */
export function sessionOptionsFor(
  settings: Settings,
  extra: Partial<TorrentSessionOptions> = {},
  defaultPort?: number,
): TorrentSessionOptions {
  const port = settings.torrentPort ?? defaultPort;
  return {
    stateDir: new StoreLayout(settings.home).session,
    dht: settings.dht,
    lsd: settings.lsd,
    ...(port === undefined ? {} : { port }),
    ...extra,
  };
}

/**
 * Opens a torrent session for `settings` now (seeding and publishing need
 * one at once; loads open theirs through {@linkcode openStack}).
 *
 * @example
 * ```ts ignore
 * await using session = await openSessionFor(readSettings());
 * ```
 */
export async function openSessionFor(
  settings: Settings,
  extra: Partial<TorrentSessionOptions> = {},
  defaultPort?: number,
): Promise<TorrentSession> {
  return await TorrentSession.open(sessionOptionsFor(settings, extra, defaultPort));
}

/**
 * The store's registry of loads, with no loaders yet: it remembers where
 * loads (and publishes) put content, in `<store>/data_source_data/index.json`
 * and as a content location in the store's own graph.
 *
 * @example
 * ```ts ignore
 * await storeRegistry(repo).remember(ds, "published", dirname(path), path);
 * ```
 */
export function storeRegistry(repository: DataSourceRepository): LoaderRegistry {
  const home = repository.store.home;
  return new LoaderRegistry(new StoreLayout(home).loadedIndex, {
    recordLocation: (iri, contentPath) =>
      recordContentLocation(repository.store, home, iri, contentPath),
  });
}

/** Options of {@linkcode openStack}. */
export interface StackOptions {
  /** The settings; `settings.home` must be the repository's store. */
  settings: Settings;
  /** The repository: its store holds the data, the session state and the default index. */
  repository: DataSourceRepository;
  /** Where the BitTorrent loader puts content (`fetch --dir`). @default `<store>/data_source_data/bittorrent` */
  directory?: string;
  /** The translators of content translators and re-translation. @default builtinTranslators() */
  translators?: TranslatorRegistry;
  /** Options of the session opened on need, over those of the settings. */
  sessionOptions?: Partial<TorrentSessionOptions>;
  /** The session's port when the settings set none (a fetch: 0, any). */
  defaultPort?: number;
  /** Open the session now (the bridge seeds and reports on it from the start). @default false */
  openSessionNow?: boolean;
  /** Add the store's own folder index after the configured ones. @default false */
  withOwnIndex?: boolean;
}

/** What {@linkcode openStack} builds. */
export interface Stack extends AsyncDisposable {
  /** The settings it was built from. */
  readonly settings: Settings;
  /** The store's paths. */
  readonly layout: StoreLayout;
  /** The repository. */
  readonly repository: DataSourceRepository;
  /** Whether offline: nothing is downloaded, no session is opened for a load. */
  readonly offline: boolean;
  /** Every configured index (offline too: the loader names the others in its errors). */
  readonly indexes: readonly TorrentIndex[];
  /** The indexes reachable now (offline: only folders). */
  readonly reachable: readonly TorrentIndex[];
  /** The shared cache, if on. */
  readonly cache: ContentCache | undefined;
  /** The translators. */
  readonly translators: TranslatorRegistry;
  /** The loaders, in order (BitTorrent, translation), and the store's remembered loads. */
  readonly registry: LoaderRegistry;
  /** The BitTorrent loader in it. */
  readonly bittorrent: BitTorrentDataSourceDirLoader;
  /** The options a session is (or would be) opened with. */
  readonly sessionOptions: TorrentSessionOptions;
  /** Whether a torrent session was opened (only a download, or `openSessionNow`, opens one). */
  readonly sessionOpened: boolean;
  /** The session, opened on first call. @throws offline: nothing is downloaded offline. */
  session(): Promise<TorrentSession>;
  /** Loads a magnet link, `.torrent` bytes or a bare infohash (see the BitTorrent loader). */
  loadTorrent(torrent: Uint8Array | string, options?: TorrentLoadOptions): Promise<LoadResult>;
  /** Closes the session if this stack opened one. */
  close(): Promise<void>;
}

/**
 * Builds the fetch stack of a store from its settings. Loading content
 * already here and verified opens no torrent session; a download opens one
 * (closed by `close()`).
 *
 * @example
 * ```ts ignore
 * const settings = readSettings({ home: "/home/me/project/.owm" });
 * const repository = await DataSourceRepository.open({ home: settings.home });
 * await using stack = openStack({ settings, repository });
 * const result = await stack.registry.load(await repository.get("CSVDataSource:worms"));
 * console.log(result.directory, result.origin);
 * ```
 *
 * @throws {IndexSpecError} for an index spec that is not an index.
 */
export function openStack(options: StackOptions): Stack {
  const { settings, repository } = options;
  const layout = new StoreLayout(repository.store.home);
  const offline = settings.offline;
  const indexes = stackIndexes(settings, { withOwn: options.withOwnIndex ?? false });
  const reachable = reachableIndexes(settings, indexes);
  const cache = stackCache(settings);
  const translators = options.translators ?? builtinTranslators();
  const sessionOptions = sessionOptionsFor(
    { ...settings, home: layout.home },
    options.sessionOptions,
    options.defaultPort,
  );
  let opened: Promise<TorrentSession> | undefined;
  let everOpened = false;
  // The bridge's session is open from the start, offline too (it seeds and reports on it).
  if (options.openSessionNow) {
    everOpened = true;
    opened = TorrentSession.open(sessionOptions);
  }
  const session = async (): Promise<TorrentSession> => {
    if (offline && !opened) {
      // The loader reports it as a LoadFailedError naming the DataSource.
      throw new Error(
        "offline: its content is not here and verified, and nothing is downloaded offline; fetch it while online",
      );
    }
    everOpened = true;
    opened ??= TorrentSession.open(sessionOptions);
    return await opened;
  };
  const bittorrent = new BitTorrentDataSourceDirLoader(options.directory ?? layout.bittorrent, {
    session,
    // All of them: offline, the loader reads only the folder indexes and
    // names the others in its OfflineError.
    indexes,
    repository,
    offline,
    cache: cache ?? false,
    home: layout.home,
    ...(settings.peers.length > 0 ? { peers: settings.peers } : {}),
    ...(settings.webSeeds.length > 0 ? { webSeeds: settings.webSeeds } : {}),
    ...(settings.timeoutMs === undefined ? {} : { timeoutMs: settings.timeoutMs }),
    repair: settings.repair,
    afterLoad: contentTranslatorHook(repository, translators),
    // The store keeps every loaded torrent: later commands find it with no index configured.
    keepTorrents: new LocalFolderIndex(layout.torrents),
  });
  const registry = storeRegistry(repository).add(bittorrent);
  registry.add(
    new TranslationDataSourceDirLoader(layout.translation, {
      repository,
      translators,
      loaders: () => registry,
      indexes: reachable,
    }),
  );
  const close = async () => {
    const pending = opened;
    opened = undefined;
    if (pending) await (await pending.catch(() => undefined))?.close();
  };
  return {
    settings,
    layout,
    repository,
    offline,
    indexes,
    reachable,
    cache,
    translators,
    registry,
    bittorrent,
    sessionOptions,
    get sessionOpened() {
      return everOpened;
    },
    session,
    loadTorrent: (torrent, loadOptions) => bittorrent.loadTorrent(torrent, loadOptions),
    close,
    [Symbol.asyncDispose]: close,
  };
}
