/**
 * The BitTorrent loader: finds a DataSource's torrent (by its recorded torrent
 * file name in the configured indexes, or by its infohash or magnet link),
 * downloads the content with a persistent torrent session, verifies it against
 * everything the DataSource records, records the infohash and hashes in the
 * graph, and returns the directory.
 *
 * Content already in the shared cache (`lib/cache/`) is placed into the
 * loader's directory and verified instead of downloaded, without a session or
 * any peer; verified downloads are added to the cache. In offline mode
 * (`OWM_OFFLINE=1` or the `offline` option) only content already here (in the
 * loader's directory or the cache) is used, and nothing touches the network.
 *
 * @module
 */
import { join } from "node:path";
import { ContentCache } from "../cache/content_cache.ts";
import { offlineFromEnv } from "../cache/env.ts";
import { unshareTree } from "../cache/link.ts";
import { serveFromCache } from "../cache/serve.ts";
import type { CachedContent } from "../cache/content_cache.ts";
import type { DataSource } from "../datasource/data_source.ts";
import { quoteKey } from "../datasource/identifier.ts";
import type { DataSourceRepository } from "../datasource/repository.ts";
import { digestContent } from "../integrity/content_digest.ts";
import { recordedIntegrity } from "../integrity/recorded.ts";
import { torrentPiecesCheck } from "../integrity/torrent_pieces.ts";
import { verify, type VerifyReport } from "../integrity/verify.ts";
import { fetchTorrent } from "../index/config.ts";
import type { TorrentIndex } from "../index/torrent_index.ts";
import { magnetLink, parseMagnet } from "../torrent/magnet.ts";
import { type Metainfo, parseMetainfo } from "../torrent/metainfo.ts";
import type { TorrentStatus } from "../torrent/handle.ts";
import type { TorrentSession } from "../torrent/session.ts";
import { DataSourceDirLoader, type LoadOptions } from "./dir_loader.ts";
import { LoadFailedError } from "./errors.ts";
import { OfflineError, type OfflineReason } from "./offline.ts";
import { pathExists } from "../fs/exists.ts";
import { assertInside, confinedJoin, confinedPath } from "../fs/confine.ts";
import { checkContentNames } from "../datasource/content_names.ts";

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
   * {@linkcode OfflineError}. @default `OWM_OFFLINE` (`1`, `true`, `yes`)
   */
  offline?: boolean;
  /**
   * The shared content cache, or `false` for none.
   * @default ContentCache.fromEnv(): `OWM_CACHE_DIR`, else `$XDG_CACHE_HOME/owmeta-torrent`,
   *   else `~/.cache/owmeta-torrent`; none with `OWM_CACHE=0`
   */
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
}

/** What a BitTorrent load found out, beyond the directory. */
export interface BitTorrentLoadResult {
  /** The directory holding the content. */
  directory: string;
  /** The content itself: `<directory>/<torrent name>`. */
  contentPath: string;
  /** The torrent's infohash. */
  infoHash: string;
  /** The verification report. */
  report: VerifyReport;
  /** Whether the content was already present and verified (nothing downloaded). */
  alreadyPresent: boolean;
  /** Whether the content came from the shared cache (nothing downloaded, no session). */
  fromCache: boolean;
  /** Something to tell about the cache (an entry that failed verification, an add that failed). */
  cacheNote?: string;
}

/** Where the torrent of a DataSource was found, if anywhere. */
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

/** One finished load, before it is recorded. */
interface Outcome {
  dir: string;
  contentPath: string;
  /** The torrent whose piece hashes were checked, if any. */
  meta: Metainfo | undefined;
  /** Whether `meta` is the DataSource's own torrent (its infohash may be recorded). */
  ownTorrent: boolean;
  infoHash: string;
  report: VerifyReport;
  alreadyPresent: boolean;
  fromCache: boolean;
  /** The content's SHA-256 when known without hashing (from the cache's record). */
  sha256?: string | undefined;
}

/**
 * Loads DataSources that record a torrent file name, an infohash or a magnet
 * link, into `<base directory>/<quoted key>/`.
 *
 * @example
 * ```ts ignore
 * const session = await TorrentSession.open({ stateDir: ".owm/session" });
 * const loader = new BitTorrentDataSourceDirLoader(".owm/data_source_data/bittorrent", {
 *   session,
 *   indexes: [new LocalFolderIndex(".owm/torrents")],
 * });
 * const dir = await loader.load(await repo.get("ConnectomeCSVDataSource:2000_connections"));
 * ```
 */
export class BitTorrentDataSourceDirLoader extends DataSourceDirLoader {
  /** Whether this loader resolves only from what is on this machine. */
  readonly offline: boolean;
  /** The shared content cache it reads and fills, if any. */
  readonly cache: ContentCache | undefined;
  #options: BitTorrentLoaderOptions;
  #session: Promise<TorrentSession> | undefined;
  #last = new Map<string, BitTorrentLoadResult>();
  #notes = new Map<string, string>();

  /** Creates the loader with its base directory. */
  constructor(baseDirectory: string, options: BitTorrentLoaderOptions) {
    super(baseDirectory, options.directoryKey ?? "bittorrent");
    this.#options = options;
    this.offline = options.offline ?? offlineFromEnv();
    this.cache = options.cache === false ? undefined : options.cache ?? ContentCache.fromEnv();
  }

  /** True when `ds` records a torrent file name, an infohash or a magnet link. */
  override canLoad(ds: DataSource): boolean {
    return ["torrentFileName", "infoHash", "magnetLink"].some((field) =>
      ds.fields.has(field) && ds.getAll(field).length > 0
    );
  }

  /** The details of the last successful load of `ds` by this loader. */
  lastResult(ds: DataSource): BitTorrentLoadResult | undefined {
    return this.#last.get(ds.identifier);
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
  protected override async loadDirectory(ds: DataSource, options: LoadOptions): Promise<string> {
    this.#notes.delete(ds.identifier);
    checkContentNames(ds); // names from the graph are data: never joined unchecked
    const dir = this.directoryFor(ds);
    const recordedHash = recordedInfoHash(ds);
    const recordedSha = stringField(ds, "sha256")?.toLowerCase();
    // A cache entry under the recorded infohash carries the torrent itself: no index is asked.
    let cached = recordedHash ? await this.#cacheGet(ds, recordedHash) : undefined;
    const source: TorrentSource = cached
      ? { torrent: cached.meta.bytes, meta: cached.meta, found: "the shared cache" }
      : await this.#torrentSource(ds, options.signal);
    if (source.meta && recordedHash && source.meta.infoHash !== recordedHash) {
      throw new LoadFailedError(
        ds.identifier,
        `the torrent found as ${source.found} has infohash ${source.meta.infoHash}, but the DataSource records ${recordedHash}: the index holds a different torrent under that name; fix the index or the record`,
      );
    }
    const meta = source.meta;
    let damaged: string | undefined;
    if (meta) {
      const present = await confinedPath(dir, meta.name);
      if (await pathExists(present)) {
        options.onProgress?.({ bytesDone: 0, bytesTotal: meta.length, phase: "verifying" });
        const report = await this.#verify(ds, present, meta, options.signal);
        if (report.ok) {
          return await this.#finish(ds, {
            dir,
            contentPath: present,
            meta,
            ownTorrent: true,
            infoHash: meta.infoHash,
            report,
            alreadyPresent: true,
            fromCache: false,
          });
        }
        if (this.offline) throw this.#offlineError(ds, "unverified", dir, failures(report));
        const unfinished = await (await this.#openSession()).hasUnfinished(meta.infoHash);
        if (!this.#options.repair && !unfinished) {
          throw new LoadFailedError(
            ds.identifier,
            `content at ${present} is present but does not verify (${
              failures(report)
            }): load with repair to re-download the bad pieces`,
          );
        }
        damaged = present;
      }
    } else if (this.offline) {
      const found = await this.#presentWithoutTorrent(ds, dir, recordedHash, options);
      if (found) return found;
    }
    if (this.cache) {
      cached ??= meta ? await this.#cacheGet(ds, meta.infoHash) : undefined;
      cached ??= recordedSha ? await this.#cacheBySha256(ds, recordedSha) : undefined;
      if (cached) {
        const served = await this.#serve(ds, dir, cached, meta, recordedHash, options);
        if (served) return served;
      }
    }
    if (this.offline) throw this.#offlineError(ds, "missing", dir);
    if (source.torrent === undefined) throw source.error;
    // The session writes into what is there: never through a hard link into the cache.
    if (damaged) await unshareTree(damaged);
    const session = await this.#openSession();
    const handle = await session.add(source.torrent, {
      dir,
      ...(this.#options.peers ? { peers: this.#options.peers } : {}),
      ...(this.#options.webSeeds ? { webSeeds: this.#options.webSeeds } : {}),
    });
    const onProgress = options.onProgress;
    const listener = (event: CustomEvent<TorrentStatus>) => {
      const status = event.detail;
      onProgress?.({
        bytesDone: status.bytesDone,
        bytesTotal: status.bytesTotal,
        phase: status.state,
      });
    };
    const listening = new AbortController();
    handle.addEventListener("progress", listener, { signal: listening.signal });
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
    const report = await this.#verify(ds, contentPath, downloaded, options.signal);
    if (!report.ok) {
      throw new LoadFailedError(
        ds.identifier,
        `the downloaded content at ${contentPath} does not verify (${
          failures(report)
        }): the torrent's data differs from what the DataSource records`,
      );
    }
    return await this.#finish(ds, {
      dir,
      contentPath,
      meta: downloaded,
      ownTorrent: true,
      infoHash: downloaded.infoHash,
      report,
      alreadyPresent: false,
      fromCache: false,
    });
  }

  /**
   * Places the cached content into `dir` and verifies it against everything
   * `ds` records and a torrent's piece hashes: the DataSource's own torrent
   * when known, else the entry's when it is the recorded one (or none is
   * recorded). Undefined when the entry fails (it is then dropped).
   */
  async #serve(
    ds: DataSource,
    dir: string,
    cached: CachedContent,
    dsMeta: Metainfo | undefined,
    recordedHash: string | undefined,
    options: LoadOptions,
  ): Promise<string | undefined> {
    const ownTorrent = dsMeta !== undefined || recordedHash === cached.record.infoHash;
    const meta = dsMeta ?? (recordedHash === undefined || ownTorrent ? cached.meta : undefined);
    const name = meta?.name ?? cached.meta.name;
    const signal = options.signal;
    options.onProgress?.({ bytesDone: 0, bytesTotal: cached.record.size, phase: "verifying" });
    const served = await serveFromCache(this.cache!, cached, dir, {
      name,
      verify: (path) =>
        verify(path, {
          ...recordedIntegrity(ds),
          ...(meta ? { pieces: torrentPiecesCheck(meta, signal ? { signal } : {}) } : {}),
        }, signal ? { signal } : {}),
      home: this.#home,
      sha256: stringField(ds, "sha256"),
    });
    if (!("contentPath" in served)) {
      const why = served.reason instanceof Error ? served.reason.message : failures(served.reason);
      this.#notes.set(
        ds.identifier,
        `the shared cache's copy (${cached.record.infoHash}) did not verify (${why}) and was dropped`,
      );
      return undefined;
    }
    return await this.#finish(ds, {
      dir,
      contentPath: served.contentPath,
      meta,
      ownTorrent,
      infoHash: ownTorrent ? (meta ?? cached.meta).infoHash : recordedHash ?? cached.meta.infoHash,
      report: served.report,
      alreadyPresent: false,
      fromCache: true,
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
    ds: DataSource,
    dir: string,
    recordedHash: string | undefined,
    options: LoadOptions,
  ): Promise<string | undefined> {
    const magnet = stringField(ds, "magnetLink");
    let name: string | undefined;
    try {
      name = magnet ? parseMagnet(magnet).name : undefined;
    } catch {
      name = undefined;
    }
    name ??= stringField(ds, "fileName");
    if (!name || /[/\\\0]/.test(name) || name === "." || name === "..") return undefined;
    const present = await confinedPath(dir, name);
    if (!(await pathExists(present))) return undefined;
    const expected = recordedIntegrity(ds);
    if (Object.keys(expected).length === 0) {
      throw this.#offlineError(
        ds,
        "unverified",
        dir,
        "no torrent at hand offline and no hash recorded to check it against",
      );
    }
    options.onProgress?.({ bytesDone: 0, bytesTotal: 0, phase: "verifying" });
    const report = await verify(
      present,
      expected,
      options.signal ? { signal: options.signal } : {},
    );
    if (!report.ok) throw this.#offlineError(ds, "unverified", dir, failures(report));
    return await this.#finish(ds, {
      dir,
      contentPath: present,
      meta: undefined,
      ownTorrent: false,
      infoHash: recordedHash ?? "",
      report,
      alreadyPresent: true,
      fromCache: false,
    });
  }

  async #finish(ds: DataSource, outcome: Outcome): Promise<string> {
    const learnt: Record<string, unknown> = {};
    const { meta, contentPath } = outcome;
    if (meta && outcome.ownTorrent) {
      if (stringField(ds, "infoHash") === undefined) learnt.infoHash = meta.infoHash;
      if (stringField(ds, "magnetLink") === undefined) learnt.magnetLink = magnetLink(meta);
    }
    let sha256 = stringField(ds, "sha256")?.toLowerCase() ??
      outcome.report.checks.find((c) => c.kind === "sha256" && c.ok)?.actual ?? outcome.sha256;
    if (ds.fields.has("sha256") && stringField(ds, "sha256") === undefined) {
      sha256 ??= (await digestContent(contentPath, ["sha256"])).digests.sha256;
      learnt.sha256 = sha256;
    }
    if (this.#options.repository && Object.keys(learnt).length > 0) {
      await this.#options.repository.record(ds, learnt);
    }
    let note = this.#notes.get(ds.identifier);
    if (this.cache && meta && !outcome.fromCache) {
      try {
        await this.cache.add(contentPath, meta, { sha256, home: this.#home });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        note = [note, `not added to the shared cache: ${message}`].filter(Boolean).join("; ");
      }
    }
    this.#last.set(ds.identifier, {
      directory: outcome.dir,
      contentPath,
      infoHash: outcome.infoHash,
      report: outcome.report,
      alreadyPresent: outcome.alreadyPresent,
      fromCache: outcome.fromCache,
      ...(note ? { cacheNote: note } : {}),
    });
    const after = this.#options.afterLoad;
    return after ? await after(ds, outcome.dir, contentPath) : outcome.dir;
  }

  async #verify(
    ds: DataSource,
    contentPath: string,
    meta: Metainfo,
    signal: AbortSignal | undefined,
  ): Promise<VerifyReport> {
    return await verify(
      contentPath,
      { ...recordedIntegrity(ds), pieces: torrentPiecesCheck(meta, signal ? { signal } : {}) },
      signal ? { signal } : {},
    );
  }

  /** A cache entry, or undefined (a cache that cannot be read is noted, not fatal). */
  async #cacheGet(ds: DataSource, infoHash: string): Promise<CachedContent | undefined> {
    if (!this.cache) return undefined;
    try {
      return await this.cache.get(infoHash);
    } catch (error) {
      this.#notes.set(
        ds.identifier,
        `the shared cache cannot be read: ${(error as Error).message}`,
      );
      return undefined;
    }
  }

  async #cacheBySha256(ds: DataSource, sha256: string): Promise<CachedContent | undefined> {
    try {
      return await this.cache!.findBySha256(sha256);
    } catch (error) {
      this.#notes.set(
        ds.identifier,
        `the shared cache cannot be read: ${(error as Error).message}`,
      );
      return undefined;
    }
  }

  #offlineError(ds: DataSource, reason: OfflineReason, dir: string, detail?: string): OfflineError {
    const looked = [dir];
    if (this.cache) looked.push(`the shared cache ${this.cache.dir}`);
    const note = this.#notes.get(ds.identifier);
    if (note) looked.push(note);
    const skipped = (this.#options.indexes ?? []).filter((i) => i.kind !== "dir");
    if (skipped.length > 0) {
      looked.push(`not in ${skipped.map((i) => i.location).join(", ")}, which need the network`);
    }
    return new OfflineError({
      identifier: ds.identifier,
      name: displayName(ds),
      reason,
      looked,
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
