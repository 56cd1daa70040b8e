/**
 * The loaders an SDK call (such as `require`) uses by default, configured
 * from a store and the environment as the command line configures its own:
 * the BitTorrent loader into `<store>/data_source_data/bittorrent/`, with the
 * indexes from the options or `OWM_INDEXES` (else the store's `torrents/`
 * folder), and a torrent session opened only when a download needs one
 * (applying each DataSource's `contentTranslator` after loading); then the
 * translation loader, which makes a translated DataSource again from its
 * recorded Translation when its output is not here.
 *
 * @module
 */
import { join } from "node:path";
import type { DataSourceRepository } from "../datasource/repository.ts";
import { offlineFromEnv } from "../cache/env.ts";
import { resolveIndexes } from "../index/config.ts";
import { LocalFolderIndex } from "../index/local_folder_index.ts";
import type { TorrentIndex } from "../index/torrent_index.ts";
import { TorrentSession, type TorrentSessionOptions } from "../torrent/session.ts";
import { builtinTranslators } from "../translate/builtins.ts";
import { contentTranslatorHook } from "../translate/content_translation.ts";
import type { TranslatorRegistry } from "../translate/registry.ts";
import { translationBase } from "../translate/run.ts";
import { TranslationDataSourceDirLoader } from "../translate/translation_loader.ts";
import { BitTorrentDataSourceDirLoader } from "./bittorrent_loader.ts";
import { loadedIndexPath } from "./located_content.ts";
import { LoaderRegistry } from "./registry.ts";

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no permission to read it: as if unset
  }
}

function envOn(name: string): boolean | undefined {
  const value = env(name)?.trim().toLowerCase();
  if (value === undefined || value === "") return undefined;
  return !(value === "0" || value === "false" || value === "off" || value === "no");
}

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
 * @throws {SyntaxError} for a spec that is not an index.
 */
export function defaultIndexes(storeHome: string, specs: readonly string[] = []): TorrentIndex[] {
  const fromEnv = env("OWM_INDEXES")?.split(",").map((s) => s.trim()).filter(Boolean);
  const chosen = specs.length > 0 ? specs : fromEnv ?? [];
  if (chosen.length === 0) return [new LocalFolderIndex(join(storeHome, "torrents"))];
  const rootUrl = env("OWM_DRIVE_ROOT_URL");
  return resolveIndexes(chosen, {
    storeHome,
    httpToken: env("OWM_INDEX_TOKEN"),
    ...(rootUrl ? { drive: { rootUrl } } : {}),
  });
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
   * @default `OWM_OFFLINE` (`1`, `true`, `yes`)
   */
  offline?: boolean;
  /** Where the BitTorrent loader puts content. @default <store>/data_source_data/bittorrent */
  directory?: string;
  /**
   * The torrent session to use; by default one is opened on first need, in
   * `<store>/session`, and closed by {@linkcode DefaultRegistry.close}.
   */
  session?: TorrentSession;
  /**
   * Opens the torrent session on first need, instead of one opened from
   * `sessionOptions` (for a caller that configures it its own way); the
   * session it opens is closed by {@linkcode DefaultRegistry.close}.
   */
  openSession?: () => Promise<TorrentSession>;
  /** The translators for content translators and re-translation. @default builtinTranslators() */
  translators?: TranslatorRegistry;
  /** Options of the session opened on need (port, DHT, LSD, …); DHT and LSD follow `OWM_DHT`, `OWM_LSD`. */
  sessionOptions?: Partial<TorrentSessionOptions>;
}

/** The default loaders, their indexes, and the session they may have opened. */
export interface DefaultRegistry extends AsyncDisposable {
  /** The registry: its loaders in order, and the remembered loads of the store. */
  registry: LoaderRegistry;
  /** The BitTorrent loader in it. */
  bittorrent: BitTorrentDataSourceDirLoader;
  /** The indexes `.torrent` files are looked up in (offline: only the folder indexes). */
  indexes: TorrentIndex[];
  /** Whether offline: nothing is downloaded. */
  offline: boolean;
  /** Whether a torrent session was opened (only a download opens one). */
  readonly sessionOpened: boolean;
  /** Closes the session if this registry opened one. */
  close(): Promise<void>;
}

/**
 * Builds the loaders an SDK call uses by default. Loading content already
 * here and verified opens no torrent session; a download opens one (closed
 * by `close()`, unless it was given).
 *
 * @example
 * ```ts ignore
 * const repository = await DataSourceRepository.open();
 * await using loaders = defaultRegistry({ repository });
 * const dir = await loaders.registry.load(await repository.get("CSVDataSource:worms"));
 * ```
 *
 * @param options The repository, indexes, peers, offline, the session.
 * @returns The registry and what it holds.
 * @throws {SyntaxError} for an index spec that is not an index.
 */
export function defaultRegistry(options: DefaultRegistryOptions): DefaultRegistry {
  const home = options.repository.store.home;
  const offline = options.offline ?? offlineFromEnv();
  const all = defaultIndexes(home, options.indexes);
  const indexes = offline ? all.filter((index) => index.kind === "dir") : all;
  let opened: Promise<TorrentSession> | undefined;
  let everOpened = false;
  const session = async (): Promise<TorrentSession> => {
    if (options.session) return options.session;
    if (offline) {
      // The loader reports it as a LoadFailedError naming the DataSource.
      throw new Error(
        "offline: its content is not here and verified, and nothing is downloaded offline; fetch it while online",
      );
    }
    everOpened = true;
    opened ??= options.openSession?.() ?? TorrentSession.open({
      stateDir: join(home, "session"),
      dht: envOn("OWM_DHT") ?? true,
      lsd: envOn("OWM_LSD") ?? true,
      port: 0,
      ...options.sessionOptions,
    });
    return await opened;
  };
  const bittorrent = new BitTorrentDataSourceDirLoader(
    options.directory ?? join(home, "data_source_data", "bittorrent"),
    {
      session,
      // All of them: offline, the loader reads only the folder indexes and
      // names the others in its OfflineError.
      indexes: all,
      repository: options.repository,
      offline,
      ...(options.peers ? { peers: options.peers } : {}),
      ...(options.webSeeds ? { webSeeds: options.webSeeds } : {}),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      repair: options.repair ?? false,
      afterLoad: contentTranslatorHook(options.repository, options.translators),
    },
  );
  const registry = new LoaderRegistry(loadedIndexPath(home)).add(bittorrent);
  registry.add(
    new TranslationDataSourceDirLoader(translationBase(home), {
      repository: options.repository,
      translators: options.translators ?? builtinTranslators(),
      loaders: () => registry,
      indexes,
    }),
  );
  const close = async () => {
    const pending = opened;
    opened = undefined;
    if (pending) await (await pending.catch(() => undefined))?.close();
  };
  return {
    registry,
    bittorrent,
    indexes,
    offline,
    get sessionOpened() {
      return everOpened;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
