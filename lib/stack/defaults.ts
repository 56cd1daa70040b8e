/**
 * The SDK's shortcuts onto the composition root: {@linkcode defaultRegistry}
 * (the loaders `require()` uses, configured from the store, options and the
 * environment) and {@linkcode defaultIndexes}.
 *
 * @module
 */
import type { DataSourceRepository } from "../datasource/repository.ts";
import type { TorrentIndex } from "../index/torrent_index.ts";
import { readSettings } from "../settings/settings.ts";
import type { TorrentSessionOptions } from "../torrent/session.ts";
import type { TranslatorRegistry } from "../translate/registry.ts";
import { openStack, type Stack, stackIndexes } from "./stack.ts";

/**
 * The indexes to use: `specs` (`dir:PATH`, `http(s)://…`, `drive:…`), else
 * `OWM_INDEXES` (comma-separated), else the store's own folder
 * `<store>/torrents`. `OWM_INDEX_TOKEN` is the bearer token for HTTP indexes;
 * `OWM_DRIVE_ROOT_URL` points Drive indexes at a Drive-compatible server.
 *
 * @example
 * ```ts ignore
 * const indexes = defaultIndexes("/home/me/project/.owm", ["dir:/srv/torrents"]);
 * ```
 *
 * @param storeHome The store directory.
 * @param specs Index specs; empty for the default.
 * @returns The indexes, in order.
 * @throws {IndexSpecError} for a spec that is not an index.
 * @throws {SettingError} for an environment variable whose value is not understood.
 */
export function defaultIndexes(storeHome: string, specs: readonly string[] = []): TorrentIndex[] {
  return stackIndexes(readSettings({ home: storeHome, indexes: specs }));
}

/** Options of {@linkcode defaultRegistry}. */
export interface DefaultRegistryOptions {
  /** The repository: its store holds the data, the session state and the default index. */
  repository: DataSourceRepository;
  /** Index specs; default `OWM_INDEXES`, else `<store>/torrents`. */
  indexes?: readonly string[];
  /** Peers every download dials, `host:port`. */
  peers?: readonly string[];
  /** Extra BEP 19 web seeds for every download. */
  webSeeds?: readonly string[];
  /** Gives up a download after this many milliseconds (it resumes later). */
  timeoutMs?: number;
  /** Re-download content present but damaged. @default false */
  repair?: boolean;
  /**
   * Never touch the network: only content already here (or in the shared
   * cache) is used, only folder indexes are read, no torrent session is ever
   * opened; a DataSource not here fails with an `OfflineError`.
   * @default `OWM_OFFLINE`
   */
  offline?: boolean;
  /** Where the BitTorrent loader puts content. @default <store>/data_source_data/bittorrent */
  directory?: string;
  /** The translators for content translators and re-translation. @default builtinTranslators() */
  translators?: TranslatorRegistry;
  /** Options of the session opened on need (port, DHT, LSD, …); DHT and LSD follow `OWM_DHT`, `OWM_LSD`. */
  sessionOptions?: Partial<TorrentSessionOptions>;
}

/** The default loaders: a {@linkcode Stack}. */
export type DefaultRegistry = Stack;

/**
 * Builds the loaders an SDK call uses by default: the stack of the
 * repository's store, with the settings of the environment and `options`.
 * Loading content already here and verified opens no torrent session; a
 * download opens one (closed by `close()`).
 *
 * @example
 * ```ts ignore
 * const repository = await DataSourceRepository.open();
 * await using loaders = defaultRegistry({ repository });
 * const { directory } = await loaders.registry.load(await repository.get("CSVDataSource:worms"));
 * ```
 *
 * @param options The repository, indexes, peers, offline, the session's options.
 * @returns The stack.
 * @throws {IndexSpecError} for an index spec that is not an index.
 * @throws {SettingError} for an environment variable whose value is not understood.
 */
export function defaultRegistry(options: DefaultRegistryOptions): DefaultRegistry {
  const settings = readSettings({
    home: options.repository.store.home,
    indexes: options.indexes,
    peers: options.peers,
    webSeeds: options.webSeeds,
    timeoutMs: options.timeoutMs,
    repair: options.repair,
    offline: options.offline,
  });
  return openStack({
    settings,
    repository: options.repository,
    ...(options.directory === undefined ? {} : { directory: options.directory }),
    ...(options.translators === undefined ? {} : { translators: options.translators }),
    ...(options.sessionOptions ? { sessionOptions: options.sessionOptions } : {}),
    defaultPort: 0,
  });
}
