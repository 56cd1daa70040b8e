/**
 * The BitTorrent loader: finds a DataSource's torrent (by its recorded torrent
 * file name in the configured indexes, or by its infohash or magnet link),
 * downloads the content with a persistent torrent session, verifies it against
 * everything the DataSource records, records the infohash and hashes in the
 * graph, and returns the directory.
 *
 * Content already in the shared cache (`lib/cache/`) is placed into the
 * loader's directory and verified instead of downloaded, without a session or
 * any peer; verified downloads are added to the cache. In offline mode (the
 * `offline` option) only content already here (in the loader's directory or
 * the cache) is used, and nothing touches the network.
 *
 * A torrent given by itself (a magnet link, `.torrent` bytes or a bare
 * infohash: {@linkcode BitTorrentDataSourceDirLoader.loadTorrent}) goes
 * through the same steps, checked against its own piece hashes.
 *
 * Each load returns its whole result ({@linkcode LoadResult}); the loader
 * keeps nothing per DataSource between loads.
 *
 * @module
 */
import { join } from "node:path";
import type { ContentCache } from "../cache/content_cache.ts";
import { unshareTree } from "../cache/link.ts";
import { serveFromCache } from "../cache/serve.ts";
import type { CachedContent } from "../cache/content_cache.ts";
import type { DataSource } from "../datasource/data_source.ts";
import { quoteKey } from "../datasource/identifier.ts";
import type { DataSourceRepository } from "../datasource/repository.ts";
import { digestContent } from "../integrity/content_digest.ts";
import { recordedIntegrity } from "../integrity/recorded.ts";
import { torrentPiecesCheck } from "../integrity/torrent_pieces.ts";
import {
  type ExpectedIntegrity,
  type KnownIntegrity,
  verify,
  type VerifyReport,
} from "../integrity/verify.ts";
import type { HashAlgorithm } from "../integrity/hash.ts";
import { SinglePass } from "../integrity/single_pass.ts";
import { fetchTorrent } from "../index/config.ts";
import type { TorrentIndex } from "../index/torrent_index.ts";
import { MagnetError, magnetLink, parseMagnet } from "../torrent/magnet.ts";
import { BITTORRENT_LOADER_KEY } from "../settings/store_layout.ts";
import { type Metainfo, parseMetainfo } from "../torrent/metainfo.ts";
import type { TorrentStatus } from "../torrent/handle.ts";
import type { TorrentSession } from "../torrent/session.ts";
import {
  DataSourceDirLoader,
  type LoadedContent,
  type LoadOptions,
  type LoadResult,
} from "./dir_loader.ts";
import { LoadFailedError } from "./errors.ts";
import { OfflineError, type OfflineReason } from "./offline.ts";
import { pathExists } from "../fs/exists.ts";
import { assertInside, confinedJoin, confinedPath } from "../fs/confine.ts";
import { checkContentNames } from "../datasource/content_names.ts";
import { trimExtendedFiles, unlistedEntries } from "./repair.ts";

/** Options for {@linkcode BitTorrentDataSourceDirLoader}. */
export interface BitTorrentLoaderOptions {
  /** The torrent session, or a function that opens it on first use. */
  session: TorrentSession | (() => Promise<TorrentSession>);
  /** Where `.torrent` files are looked up by name, in order. */
  indexes?: readonly TorrentIndex[];
  /** Where the infohash, magnet link and hashes learnt by a load are recorded. */
  repository?: DataSourceRepository;
  /** Peers to dial for every download, `host:port`. */
  peers?: readonly string[];
  /** Extra BEP 19 web seeds for every download. */
  webSeeds?: readonly string[];
  /** Gives up a download after this many milliseconds (the torrent keeps its progress). */
  timeoutMs?: number;
  /** Re-download content that is present but does not verify. @default false */
  repair?: boolean;
  /** The loader's directory key. @default "bittorrent" */
  directoryKey?: string;
  /**
   * Resolve only from what is on this machine (the loader's directory and the
   * shared cache): no session is opened, only folder indexes are read, and a
   * DataSource that is missing or does not verify fails with
   * {@linkcode OfflineError}. @default false (the composition root, `lib/stack/`,
   * passes the `offline` setting)
   */
  offline?: boolean;
  /** The shared content cache, or `false` (the default) for none. */
  cache?: ContentCache | false;
  /** The store home named in cache records. @default the repository's home, else the base directory */
  home?: string;
  /**
   * Applied to verified content before the load returns; its result is the
   * loaded directory. The CLI, the SDK and the bridge pass
   * `translateLoadedContent`, which applies a DataSource's `contentTranslator`
   * (e.g. a downloaded `.zip` is loaded as its extracted folder).
   */
  afterLoad?: (ds: DataSource, directory: string, contentPath: string) => Promise<string>;
  /**
   * The store's own folder index: every load keeps its torrent there (under
   * the DataSource's `torrentFileName`, else `<infohash>.torrent`, which it
   * then records), so that later commands find it with no index configured.
   * @default none (nothing is kept)
   */
  keepTorrents?: TorrentIndex;
}

/** Where the torrent of a load was found, if anywhere. */
interface TorrentSource {
  /** What the session is given: `.torrent` bytes, a magnet link or an infohash. */
  torrent: Uint8Array | string | undefined;
  /** The parsed torrent, when its bytes were found. */
  meta: Metainfo | undefined;
  /** Where it was found, for messages. */
  found: string;
  /** Why no torrent was found (thrown when a download needs one). */
  error?: unknown;
}

/** One load under way: what it is for, where it goes, and what it noted. */
interface Attempt {
  /** The DataSource's identifier, or the torrent's infohash. */
  id: string;
  /** The DataSource, when the load is for one (not for a bare torrent). */
  ds: DataSource | undefined;
  /** The folder the content goes in. */
  dir: string;
  /** The infohash recorded (or given), if any. */
  recordedHash: string | undefined;
  /** The SHA-256 recorded, if any. */
  recordedSha: string | undefined;
  /**
   * Record the content's SHA-256 on a DataSource that has the field but no
   * value (a load by id); a torrent given by itself is its own identity, and
   * files beside its content are only reported, never a digest mismatch.
   */
  learnDigest: boolean;
  /** The hashes recorded on the DataSource. */
  expected: ExpectedIntegrity;
  /** Re-download content present but damaged. */
  repair: boolean;
  /** Peers this load dials. */
  peers: readonly string[] | undefined;
  /** For a bare torrent: what the user named it by (offline messages). */
  label: string | undefined;
  /** The load's own notes. */
  notes: string[];
  options: LoadOptions;
}

/** One finished load, before it is recorded. */
interface Outcome {
  contentPath: string;
  /** The torrent whose piece hashes were checked, if any. */
  meta: Metainfo | undefined;
  /** Whether `meta` is the DataSource's own torrent (its infohash may be recorded). */
  ownTorrent: boolean;
  infoHash: string;
  report: VerifyReport;
  origin: "present" | "cache" | "download";
  /** The content's SHA-256 when known without hashing (from the cache's record). */
  sha256?: string | undefined;
}

/** Options of {@linkcode BitTorrentDataSourceDirLoader.loadTorrent}. */
export interface TorrentLoadOptions extends LoadOptions {
  /** The folder the content goes in. @default `<base directory>/<infohash>` */
  directory?: string;
  /** How the user named the torrent (a magnet link, a file), for messages. */
  label?: string;
  /**
   * The DataSource whose content the torrent is: the load is then a load of
   * it (checked against what it records, what it learns recorded on it) into
   * its folder ({@linkcode BitTorrentDataSourceDirLoader.directoryFor}) unless
   * `directory` says otherwise.
   */
  dataSource?: DataSource;
}

/**
 * Loads DataSources that record a torrent file name, an infohash or a magnet
 * link, into `<base directory>/<quoted key>/`; and torrents given by
 * themselves into `<base directory>/<infohash>/`.
 *
 * @example
 * ```ts ignore
 * const session = await TorrentSession.open({ stateDir: ".owm/session" });
 * const loader = new BitTorrentDataSourceDirLoader(".owm/data_source_data/bittorrent", {
 *   session,
 *   indexes: [new LocalFolderIndex(".owm/torrents")],
 * });
 * const { directory, origin } = await loader.load(await repo.get("ConnectomeCSVDataSource:2000_connections"));
 * ```
 */
export class BitTorrentDataSourceDirLoader extends DataSourceDirLoader {
  /** Whether this loader resolves only from what is on this machine. */
  readonly offline: boolean;
  /** The shared content cache it reads and fills, if any. */
  readonly cache: ContentCache | undefined;
  #options: BitTorrentLoaderOptions;
  #session: Promise<TorrentSession> | undefined;

  /** Creates the loader with its base directory. */
  constructor(baseDirectory: string, options: BitTorrentLoaderOptions) {
    super(baseDirectory, options.directoryKey ?? BITTORRENT_LOADER_KEY);
    this.#options = options;
    this.offline = options.offline ?? false;
    this.cache = options.cache === false ? undefined : options.cache;
  }

  /** True when `ds` records a torrent file name, an infohash or a magnet link. */
  override canLoad(ds: DataSource): boolean {
    return ["torrentFileName", "infoHash", "magnetLink"].some((field) =>
      ds.fields.has(field) && ds.getAll(field).length > 0
    );
  }

  /** The directory `ds` is loaded into. */
  directoryFor(ds: DataSource): string {
    const name = ds.key !== undefined ? quoteKey(ds.key).replace(/\//g, "%2F") : undefined;
    const infoHash = ds.fields.has("infoHash") ? ds.get("infoHash") : undefined;
    const leaf = name && name !== "." && name !== ".." ? name : String(infoHash ?? "");
    if (!leaf) throw new LoadFailedError(ds.identifier, "it has neither a key nor an infohash");
    return confinedJoin(this.baseDirectory, leaf);
  }

  get #home(): string {
    return this.#options.home ?? this.#options.repository?.store.home ?? this.baseDirectory;
  }

  /**
   * Finds the torrent, checks what is present, takes the content from the
   * shared cache or downloads it, verifies and records.
   */
  protected override async loadDirectory(
    ds: DataSource,
    options: LoadOptions,
  ): Promise<LoadedContent> {
    checkContentNames(ds); // names from the graph are data: never joined unchecked
    const attempt: Attempt = {
      id: ds.identifier,
      ds,
      dir: this.directoryFor(ds),
      recordedHash: recordedInfoHash(ds),
      recordedSha: stringField(ds, "sha256")?.toLowerCase(),
      learnDigest: true,
      expected: recordedIntegrity(ds),
      repair: options.repair ?? this.#options.repair ?? false,
      peers: this.#peers(options),
      label: undefined,
      notes: [],
      options,
    };
    return await this.#run(attempt, () => this.#torrentSource(ds, options.signal));
  }

  /**
   * Loads a torrent given by itself: a magnet link, `.torrent` bytes or a
   * bare infohash (40 hex digits). Content already in its folder and
   * verifying against the torrent's piece hashes is returned at once; else it
   * comes from the shared cache or is downloaded (a damaged copy is mended by
   * the session), verified and added to the cache.
   *
   * @example
   * ```ts ignore
   * const result = await loader.loadTorrent("magnet:?xt=urn:btih:…");
   * console.log(result.directory, result.origin, result.infoHash);
   * ```
   *
   * @throws {OfflineError} offline, when it is not here or does not verify.
   * @throws {LoadFailedError} when it cannot be downloaded or does not verify.
   * @throws {MagnetError} for a magnet link or infohash that is not one.
   */
  async loadTorrent(
    torrent: Uint8Array | string,
    options: TorrentLoadOptions = {},
  ): Promise<LoadResult> {
    const given = typeof torrent === "string" ? undefined : parseMetainfo(torrent);
    const infoHash = given?.infoHash ?? torrentInfoHash(torrent as string);
    const ds = options.dataSource;
    if (ds) {
      checkContentNames(ds);
      const recorded = recordedInfoHash(ds);
      if (recorded !== undefined && recorded !== infoHash) {
        throw new LoadFailedError(
          ds.identifier,
          `it records the infohash ${recorded}, not the given torrent's ${infoHash}`,
        );
      }
    }
    const attempt: Attempt = {
      id: ds?.identifier ?? infoHash,
      ds,
      dir: options.directory ??
        (ds ? this.directoryFor(ds) : confinedJoin(this.baseDirectory, infoHash)),
      recordedHash: infoHash,
      recordedSha: ds ? stringField(ds, "sha256")?.toLowerCase() : undefined,
      learnDigest: false,
      expected: ds ? recordedIntegrity(ds) : {},
      // As a session given the torrent does: what is there is checked and mended.
      repair: true,
      peers: this.#peers(options),
      label: options.label,
      notes: [],
      options,
    };
    const source: TorrentSource = given
      ? { torrent: torrent, meta: given, found: options.label ?? "the .torrent file" }
      : { torrent: torrent as string, meta: undefined, found: options.label ?? infoHash };
    const findSource = async (): Promise<TorrentSource> => {
      if (given || !ds) return source;
      // A magnet or an infohash of a DataSource whose torrent an index (the store's own) holds.
      const known = await this.#torrentSource(ds, options.signal);
      return known.meta ? known : source;
    };
    const result = await this.#run(attempt, findSource);
    return { ...result, loader: this.directoryKey, notes: [...(result.notes ?? [])] };
  }

  #peers(options: LoadOptions): readonly string[] | undefined {
    const peers = [...(this.#options.peers ?? []), ...(options.peers ?? [])];
    return peers.length > 0 ? [...new Set(peers)] : undefined;
  }

  /** The steps of every load: torrent, present, cache, download. */
  async #run(attempt: Attempt, findSource: () => Promise<TorrentSource>): Promise<LoadedContent> {
    // A cache entry under the recorded infohash carries the torrent itself: no index is asked.
    let cached = attempt.recordedHash
      ? await this.#cacheGet(attempt, attempt.recordedHash)
      : undefined;
    const source: TorrentSource = cached
      ? { torrent: cached.meta.bytes, meta: cached.meta, found: "the shared cache" }
      : await findSource();
    checkSameTorrent(attempt, source);
    const meta = source.meta;
    let damaged: string | undefined;
    if (meta) {
      const present = await this.#present(attempt, meta);
      if (typeof present === "object") return present;
      damaged = present;
    } else if (this.offline && attempt.ds) {
      const found = await this.#presentWithoutTorrent(attempt, attempt.ds);
      if (found) return found;
    }
    if (this.cache) {
      cached ??= meta ? await this.#cacheGet(attempt, meta.infoHash) : undefined;
      cached ??= attempt.recordedSha
        ? await this.#cacheBySha256(attempt, attempt.recordedSha)
        : undefined;
      if (cached) {
        // A damaged copy is replaced whole: what the torrent does not list is carried over.
        const keep = damaged && meta ? await unlistedEntries(meta, attempt.dir) : [];
        const served = await this.#serve(attempt, cached, meta, keep);
        if (served && keep.length > 0 && meta && recordsFolderDigest(attempt.expected)) {
          // Mended from the cache, but the folder still holds what the DataSource's digest does not.
          throw this.#unlistedError(attempt, meta, keep, true);
        }
        if (served) return served;
      }
    }
    if (this.offline) throw this.#offlineError(attempt, "missing");
    if (source.torrent === undefined) throw source.error;
    return await this.#download(attempt, source.torrent, damaged, meta);
  }

  /**
   * The content already in its folder: the finished load when it verifies;
   * else its path (to be mended by a download), or undefined when absent.
   */
  async #present(attempt: Attempt, meta: Metainfo): Promise<LoadedContent | string | undefined> {
    const present = await confinedPath(attempt.dir, meta.name);
    if (!(await pathExists(present))) return undefined;
    attempt.options.onProgress?.({ bytesDone: 0, bytesTotal: meta.length, phase: "verifying" });
    const report = await this.#verify(attempt, present, meta);
    if (report.ok) {
      return await this.#finish(attempt, {
        contentPath: present,
        meta,
        ownTorrent: true,
        infoHash: meta.infoHash,
        report,
        origin: "present",
      });
    }
    // Every listed file is right, and only a whole-folder digest fails: files the torrent does not list.
    await this.#refuseUnlisted(attempt, meta, report, false);
    if (this.offline) throw this.#offlineError(attempt, "unverified", failures(report));
    if (!attempt.repair && !(await (await this.#openSession()).hasUnfinished(meta.infoHash))) {
      throw new LoadFailedError(
        attempt.id,
        `content at ${present} is present but does not verify (${
          failures(report)
        }): load with repair to re-download the bad pieces`,
      );
    }
    return present;
  }

  /**
   * Downloads with the session (mending `damaged` in place: bad pieces
   * downloaded again, files cut back to the torrent's length), verifies and
   * records.
   */
  async #download(
    attempt: Attempt,
    torrent: Uint8Array | string,
    damaged: string | undefined,
    meta: Metainfo | undefined,
  ): Promise<LoadedContent> {
    const { dir, options } = attempt;
    // The session writes into what is there: never through a hard link into the cache.
    if (damaged) await unshareTree(damaged);
    // Bytes appended pass every piece check: cut them off, or no download mends them.
    if (damaged && meta && attempt.repair) await this.#trim(attempt, meta);
    const session = await this.#openSession();
    let pass: SinglePass | null = null; // the current run's
    const handle = await session.add(torrent, {
      dir,
      ...(attempt.peers ? { peers: attempt.peers } : {}),
      ...(this.#options.webSeeds ? { webSeeds: this.#options.webSeeds } : {}),
      // Hashed as the pieces land: the check below then reads nothing again.
      sink: (m, layout, read) => pass = SinglePass.create(m, layout, digestsToLearn(attempt), read),
    });
    const onProgress = options.onProgress;
    const listening = new AbortController();
    handle.addEventListener("progress", (event: CustomEvent<TorrentStatus>) => {
      const status = event.detail;
      onProgress?.({
        bytesDone: status.bytesDone,
        bytesTotal: status.bytesTotal,
        phase: status.state,
        ...(status.swarm ? { swarm: status.swarm } : {}),
      });
    }, { signal: listening.signal });
    try {
      await handle.done({
        ...(options.signal ? { signal: options.signal } : {}),
        ...(this.#options.timeoutMs !== undefined ? { timeoutMs: this.#options.timeoutMs } : {}),
      });
    } finally {
      listening.abort();
    }
    const downloaded = handle.metainfo!;
    const contentPath = await assertInside(dir, handle.contentPath ?? join(dir, downloaded.name));
    onProgress?.({
      bytesDone: downloaded.length,
      bytesTotal: downloaded.length,
      phase: "verifying",
    });
    // Every check of today, from the single pass when the files are as it hashed them.
    const known = await (pass as SinglePass | null)?.result().catch(() => undefined);
    let report = await this.#verify(attempt, contentPath, downloaded, known);
    // The torrent was not known before (a magnet link): files too long are cut back now.
    if (!report.ok && attempt.repair && (await this.#trim(attempt, downloaded)) > 0) {
      report = await this.#verify(attempt, contentPath, downloaded);
    }
    await this.#refuseUnlisted(attempt, downloaded, report, damaged !== undefined);
    if (!report.ok) {
      throw new LoadFailedError(
        attempt.id,
        `the downloaded content at ${contentPath} does not verify (${
          failures(report)
        }): the torrent's data differs from what ${
          attempt.ds ? "the DataSource records" : "it lists"
        }`,
      );
    }
    return await this.#finish(attempt, {
      contentPath,
      meta: downloaded,
      ownTorrent: true,
      infoHash: downloaded.infoHash,
      report,
      origin: "download",
      sha256: known?.content?.digests.sha256,
    });
  }

  /**
   * Places the cached content into the folder and verifies it against
   * everything the DataSource records and a torrent's piece hashes: its own
   * torrent when known, else the entry's when it is the recorded one (or none
   * is recorded). Undefined when the entry fails (it is then dropped).
   */
  async #serve(
    attempt: Attempt,
    cached: CachedContent,
    dsMeta: Metainfo | undefined,
    keep: readonly string[],
  ): Promise<LoadedContent | undefined> {
    const { recordedHash, options } = attempt;
    const ownTorrent = dsMeta !== undefined || recordedHash === cached.record.infoHash;
    const meta = dsMeta ?? (recordedHash === undefined || ownTorrent ? cached.meta : undefined);
    const name = meta?.name ?? cached.meta.name;
    const signal = options.signal;
    options.onProgress?.({ bytesDone: 0, bytesTotal: cached.record.size, phase: "verifying" });
    const served = await serveFromCache(this.cache!, cached, attempt.dir, {
      name,
      verify: (path) =>
        verify(path, {
          ...attempt.expected,
          ...(meta ? { pieces: torrentPiecesCheck(meta, signal ? { signal } : {}) } : {}),
        }, signal ? { signal } : {}),
      home: this.#home,
      sha256: attempt.recordedSha,
      keep,
    });
    if (!("contentPath" in served)) {
      const why = served.reason instanceof Error ? served.reason.message : failures(served.reason);
      attempt.notes.push(
        `the shared cache's copy (${cached.record.infoHash}) did not verify (${why}) and was dropped`,
      );
      return undefined;
    }
    return await this.#finish(attempt, {
      contentPath: served.contentPath,
      meta,
      ownTorrent,
      infoHash: ownTorrent ? (meta ?? cached.meta).infoHash : recordedHash ?? cached.meta.infoHash,
      report: served.report,
      origin: "cache",
      // The same content (its torrent's piece hashes just passed) was hashed when it was added.
      sha256: ownTorrent ? cached.record.sha256 ?? undefined : undefined,
    });
  }

  /**
   * Offline, with no torrent at hand (its index is not a folder): content
   * present under its magnet link's name (or its file name), checked against
   * the hashes the DataSource records.
   */
  async #presentWithoutTorrent(
    attempt: Attempt,
    ds: DataSource,
  ): Promise<LoadedContent | undefined> {
    const name = presentName(ds);
    if (name === undefined) return undefined;
    const present = await confinedPath(attempt.dir, name);
    if (!(await pathExists(present))) return undefined;
    if (Object.keys(attempt.expected).length === 0) {
      throw this.#offlineError(
        attempt,
        "unverified",
        "no torrent at hand offline and no hash recorded to check it against",
      );
    }
    const { signal, onProgress } = attempt.options;
    onProgress?.({ bytesDone: 0, bytesTotal: 0, phase: "verifying" });
    const report = await verify(present, attempt.expected, signal ? { signal } : {});
    if (!report.ok) throw this.#offlineError(attempt, "unverified", failures(report));
    return await this.#finish(attempt, {
      contentPath: present,
      meta: undefined,
      ownTorrent: false,
      infoHash: attempt.recordedHash ?? "",
      report,
      origin: "present",
    });
  }

  /** Records what the load learnt, adds a download to the cache, applies `afterLoad`. */
  async #finish(attempt: Attempt, outcome: Outcome): Promise<LoadedContent> {
    if (attempt.repair && outcome.meta) {
      const unlisted = await unlistedEntries(outcome.meta, attempt.dir);
      if (unlisted.length > 0) {
        attempt.notes.push(
          `not in the torrent, left alone: ${unlisted.join(", ")} (in ${attempt.dir})`,
        );
      }
    }
    const kept = await this.#keepTorrent(attempt, outcome);
    const sha256 = await this.#learn(attempt, outcome, kept);
    if (this.cache && outcome.meta && outcome.origin !== "cache") {
      try {
        await this.cache.add(outcome.contentPath, outcome.meta, { sha256, home: this.#home });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        attempt.notes.push(`not added to the shared cache: ${message}`);
      }
    }
    const after = this.#options.afterLoad;
    const directory = after && attempt.ds
      ? await after(attempt.ds, attempt.dir, outcome.contentPath)
      : attempt.dir;
    return {
      directory,
      origin: outcome.origin,
      contentPath: outcome.contentPath,
      infoHash: outcome.infoHash,
      report: outcome.report,
      notes: attempt.notes,
    };
  }

  /**
   * Records on the DataSource what the load learnt (infohash, magnet link,
   * SHA-256 of a DataSource with such a field); returns the content's SHA-256
   * when known.
   */
  async #learn(
    attempt: Attempt,
    outcome: Outcome,
    kept?: string,
  ): Promise<string | undefined> {
    const ds = attempt.ds;
    let sha256 = attempt.recordedSha ??
      outcome.report.checks.find((c) => c.kind === "sha256" && c.ok)?.actual ?? outcome.sha256;
    if (!ds) return sha256;
    const learnt: Record<string, unknown> = {};
    const { meta } = outcome;
    if (meta && outcome.ownTorrent) {
      if (stringField(ds, "infoHash") === undefined) learnt.infoHash = meta.infoHash;
      if (stringField(ds, "magnetLink") === undefined) learnt.magnetLink = magnetLink(meta);
      if (
        kept !== undefined && ds.fields.has("torrentFileName") &&
        stringField(ds, "torrentFileName") === undefined
      ) {
        learnt.torrentFileName = kept;
      }
    }
    if (attempt.learnDigest && ds.fields.has("sha256") && stringField(ds, "sha256") === undefined) {
      sha256 ??= (await digestContent(outcome.contentPath, ["sha256"])).digests.sha256;
      learnt.sha256 = sha256;
    }
    if (this.#options.repository && Object.keys(learnt).length > 0) {
      await this.#options.repository.record(ds, learnt);
    }
    return sha256;
  }

  /**
   * Keeps the load's own torrent in the store's folder index (when it is
   * configured and does not hold it yet); returns the name it is kept under.
   * A torrent that cannot be kept is noted, not fatal.
   */
  async #keepTorrent(attempt: Attempt, outcome: Outcome): Promise<string | undefined> {
    const keeper = this.#options.keepTorrents;
    const meta = outcome.meta;
    if (!keeper || !meta || !outcome.ownTorrent) return undefined;
    const name = (attempt.ds ? stringField(attempt.ds, "torrentFileName") : undefined) ??
      `${meta.infoHash}.torrent`;
    try {
      await keeper.publish(name, meta.bytes); // the same bytes there already: nothing written
      return name;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      attempt.notes.push(`its torrent was not kept in ${keeper.location}: ${message}`);
      return undefined;
    }
  }

  /**
   * Throws {@linkcode LoadFailedError} when `report` fails only because the
   * content folder holds files the torrent does not list: its piece hashes
   * pass, and the failing checks are digests of the whole folder.
   */
  async #refuseUnlisted(
    attempt: Attempt,
    meta: Metainfo,
    report: VerifyReport,
    mended: boolean,
  ): Promise<void> {
    if (report.ok) return;
    const pieces = report.checks.find((c) => c.kind === "pieces");
    if (!pieces?.ok || report.checks.some((c) => !c.ok && !FOLDER_DIGESTS.has(c.kind))) return;
    const unlisted = await unlistedEntries(meta, attempt.dir);
    if (unlisted.length > 0) throw this.#unlistedError(attempt, meta, unlisted, mended);
  }

  #unlistedError(
    attempt: Attempt,
    meta: Metainfo,
    unlisted: readonly string[],
    mended: boolean,
  ): LoadFailedError {
    const content = confinedJoin(attempt.dir, meta.name);
    const kinds = [...FOLDER_DIGESTS].filter((k) =>
      k === "legacy-md5" ? attempt.expected.legacyTorrentName : attempt.expected[k as "md5"]
    ).join(", ");
    return new LoadFailedError(
      attempt.id,
      `${content} holds files the torrent does not list, left alone: ${
        unlisted.join(", ")
      }. Every file the torrent lists ${
        mended ? "was mended and " : ""
      }verifies against its piece hashes, but the DataSource records a digest of the whole folder (${kinds}), which those files change: move them out of ${content} (or delete them) and fetch again`,
    );
  }

  /** Cuts files longer than `meta` says back to its lengths, noting each; returns how many. */
  async #trim(attempt: Attempt, meta: Metainfo): Promise<number> {
    const trimmed = await trimExtendedFiles(meta, attempt.dir);
    for (const t of trimmed) {
      attempt.notes.push(
        `${t.path} had ${t.had} bytes, the torrent says ${t.length}: the ${
          t.had - t.length
        } bytes after them were cut off`,
      );
    }
    return trimmed.length;
  }

  async #verify(
    attempt: Attempt,
    contentPath: string,
    meta: Metainfo,
    known?: KnownIntegrity,
  ): Promise<VerifyReport> {
    const signal = attempt.options.signal;
    return await verify(
      contentPath,
      { ...attempt.expected, pieces: torrentPiecesCheck(meta, signal ? { signal } : {}) },
      { ...(signal ? { signal } : {}), ...(known ? { known } : {}) },
    );
  }

  /** A cache entry, or undefined (a cache that cannot be read is noted, not fatal). */
  async #cacheGet(attempt: Attempt, infoHash: string): Promise<CachedContent | undefined> {
    if (!this.cache) return undefined;
    try {
      return await this.cache.get(infoHash);
    } catch (error) {
      attempt.notes.push(`the shared cache cannot be read: ${(error as Error).message}`);
      return undefined;
    }
  }

  async #cacheBySha256(attempt: Attempt, sha256: string): Promise<CachedContent | undefined> {
    try {
      return await this.cache!.findBySha256(sha256);
    } catch (error) {
      attempt.notes.push(`the shared cache cannot be read: ${(error as Error).message}`);
      return undefined;
    }
  }

  #offlineError(attempt: Attempt, reason: OfflineReason, detail?: string): OfflineError {
    const looked = [attempt.dir];
    if (this.cache) looked.push(`the shared cache ${this.cache.dir}`);
    looked.push(...attempt.notes);
    const skipped = (this.#options.indexes ?? []).filter((i) => i.kind !== "dir");
    if (attempt.ds && skipped.length > 0) {
      looked.push(`not in ${skipped.map((i) => i.location).join(", ")}, which need the network`);
    }
    return new OfflineError({
      identifier: attempt.id,
      name: attempt.ds ? displayName(attempt.ds) : attempt.id,
      reason,
      looked,
      ...(attempt.ds ? {} : { what: "torrent", fetch: `owm fetch ${attempt.label ?? attempt.id}` }),
      ...(detail === undefined ? {} : { detail }),
    });
  }

  async #openSession(): Promise<TorrentSession> {
    const session = this.#options.session;
    if (typeof session !== "function") return session;
    this.#session ??= session();
    return await this.#session;
  }

  async #torrentSource(ds: DataSource, signal: AbortSignal | undefined): Promise<TorrentSource> {
    const fileName = stringField(ds, "torrentFileName");
    // Offline, only folder indexes are read: the others need the network.
    const indexes = (this.#options.indexes ?? []).filter((i) => !this.offline || i.kind === "dir");
    let error: unknown;
    if (fileName !== undefined && indexes.length > 0) {
      try {
        const fetched = await fetchTorrent(indexes, fileName, signal ? { signal } : {});
        return {
          torrent: fetched.bytes,
          meta: parseMetainfo(fetched.bytes),
          found: fetched.index.location,
        };
      } catch (caught) {
        if (!stringField(ds, "magnetLink") && !stringField(ds, "infoHash")) error = caught;
      }
    }
    const magnet = stringField(ds, "magnetLink");
    if (error === undefined && magnet !== undefined) {
      parseMagnet(magnet);
      return { torrent: magnet, meta: undefined, found: "its magnet link" };
    }
    const infoHash = stringField(ds, "infoHash");
    if (error === undefined && infoHash !== undefined) {
      return { torrent: infoHash, meta: undefined, found: "its infohash" };
    }
    return {
      torrent: undefined,
      meta: undefined,
      found: "nowhere",
      error: error ?? new LoadFailedError(
        ds.identifier,
        fileName === undefined
          ? "it records no torrent file name, infohash or magnet link"
          : `no index is configured to find ${fileName}: configure an index (a folder, an HTTP index or Google Drive)`,
      ),
    };
  }
}

/** The checks that digest a whole folder: a file the torrent does not list changes them. */
const FOLDER_DIGESTS: ReadonlySet<string> = new Set(["md5", "sha256", "sha512", "legacy-md5"]);

/** Whether `expected` holds a digest of the whole content (of every file in a folder). */
function recordsFolderDigest(expected: ExpectedIntegrity): boolean {
  return [expected.md5, expected.sha256, expected.sha512, expected.legacyTorrentName].some((v) =>
    v !== undefined
  );
}

/**
 * The digests a download hashes as its pieces land: those the DataSource
 * records (MD5 for a legacy name too), and SHA-256 when it has an empty
 * sha256 field to learn.
 */
function digestsToLearn(attempt: Attempt): HashAlgorithm[] {
  const { expected, ds } = attempt;
  const out = new Set<HashAlgorithm>();
  if (expected.md5 !== undefined || expected.legacyTorrentName !== undefined) out.add("md5");
  if (expected.sha256 !== undefined) out.add("sha256");
  if (expected.sha512 !== undefined) out.add("sha512");
  if (ds?.fields.has("sha256") && stringField(ds, "sha256") === undefined) out.add("sha256");
  return [...out];
}

/** The torrent found must be the one recorded (or given). */
function checkSameTorrent(attempt: Attempt, source: TorrentSource): void {
  const recorded = attempt.recordedHash;
  if (!source.meta || !recorded || source.meta.infoHash === recorded) return;
  throw new LoadFailedError(
    attempt.id,
    `the torrent found as ${source.found} has infohash ${source.meta.infoHash}, but the DataSource records ${recorded}: the index holds a different torrent under that name; fix the index or the record`,
  );
}

/** The name content of `ds` would have without its torrent: its magnet link's, else its file name. */
function presentName(ds: DataSource): string | undefined {
  const magnet = stringField(ds, "magnetLink");
  let name: string | undefined;
  try {
    name = magnet ? parseMagnet(magnet).name : undefined;
  } catch {
    name = undefined;
  }
  name ??= stringField(ds, "fileName");
  if (!name || /[/\\\0]/.test(name) || name === "." || name === "..") return undefined;
  return name;
}

/**
 * The infohash of a magnet link or of a bare infohash (40 hex digits; 64 hex
 * digits, a v2-only infohash, is refused as the session cannot fetch it).
 *
 * @throws {MagnetError} for anything else.
 */
export function torrentInfoHash(torrent: string): string {
  const bare = torrent.trim();
  if (/^[0-9a-fA-F]{40}$/.test(bare)) return bare.toLowerCase();
  if (/^[0-9a-fA-F]{64}$/.test(bare)) {
    throw new MagnetError(
      `${bare} is a BitTorrent v2 infohash (64 hex digits), which is not supported: use the torrent's v1 infohash (40 hex digits), its magnet link or its .torrent file`,
    );
  }
  return parseMagnet(torrent).infoHash;
}

/** How people name a DataSource: `ClassName:key` when its IRI has that form. */
function displayName(ds: DataSource): string {
  const match = /\/([^/#]+)#(.+)$/.exec(ds.identifier);
  return match ? `${match[1]}:${match[2]}` : `<${ds.identifier}>`;
}

/** The recorded infohash, or the one in the recorded magnet link. */
function recordedInfoHash(ds: DataSource): string | undefined {
  const recorded = stringField(ds, "infoHash")?.toLowerCase();
  if (recorded !== undefined) return /^[0-9a-f]{40}$/.test(recorded) ? recorded : undefined;
  const magnet = stringField(ds, "magnetLink");
  if (magnet === undefined) return undefined;
  try {
    return parseMagnet(magnet).infoHash;
  } catch {
    return undefined;
  }
}

function stringField(ds: DataSource, field: string): string | undefined {
  if (!ds.fields.has(field)) return undefined;
  const value = ds.get(field);
  return typeof value === "string" && value !== "" ? value : undefined;
}

function failures(report: VerifyReport): string {
  return report.checks.filter((c) => !c.ok).map((c) =>
    `${c.kind}: expected ${c.expected}, got ${c.actual}${c.detail ? ` (${c.detail})` : ""}`
  ).join("; ") || "nothing recorded to check";
}
