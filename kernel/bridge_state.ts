/**
 * What the bridge owns: the graph store, its fetch stack (one torrent
 * session, the indexes, the loaders: `lib/stack/`), the event hub, the
 * persisted jobs and the translation runner; and the operations the routes
 * call (fetch, verify, publish, resume).
 *
 * @module
 */
import { join } from "node:path";
import type { FetchAccepted, PublishBody, PublishedJson } from "../lib/bridge/api_types.ts";
import type { DataSource } from "../lib/datasource/data_source.ts";
import { toCurie } from "../lib/datasource/identifier.ts";
import { DataSourceRepository } from "../lib/datasource/repository.ts";
import { fetchTorrent } from "../lib/index/config.ts";
import type { TorrentIndex } from "../lib/index/torrent_index.ts";
import type { VerifyReport } from "../lib/integrity/verify.ts";
import type { LoadResult } from "../lib/loader/dir_loader.ts";
import { compareContent, compareRecorded, contentPresent } from "../lib/lock/compare.ts";
import { LockMismatchError } from "../lib/lock/errors.ts";
import { contentNameOf, type LockEntry } from "../lib/lock/lock_format.ts";
import { locateContent, verifyLocated } from "../lib/loader/located_content.ts";
import type { LoaderRegistry } from "../lib/loader/registry.ts";
import { publish } from "../lib/publish/publish.ts";
import { type EnvReader, processEnv } from "../lib/settings/env.ts";
import { readSettings, type Settings } from "../lib/settings/settings.ts";
import { openStack, type Stack } from "../lib/stack/stack.ts";
import { isPeerAddress, parseMagnet } from "../lib/torrent/magnet.ts";
import { parseMetainfo } from "../lib/torrent/metainfo.ts";
import type { TorrentSession } from "../lib/torrent/session.ts";
import type { TorrentHandle } from "../lib/torrent/handle.ts";
import { EventHub } from "./events.ts";
import { ApiHttpError } from "./http_errors.ts";
import { JobList } from "./jobs.ts";
import { torrentJson } from "./torrent_json.ts";
import { TranslationRunner } from "./translation_runner.ts";

/** How the bridge is set up. */
export interface BridgeStateOptions {
  /** The store directory. */
  home: string;
  /** Where the graph is (`file`, or `sparql:<query-url>[,<update-url>]`). @default `OWM_GRAPH`, else the store's file */
  graph?: string;
  /** Index specs (`dir:…`, `http(s)://…`, `drive:…`); default `OWM_INDEXES`, else none; the store's `torrents/` folder is always one. */
  indexes?: readonly string[];
  /** Peers every fetch dials, `host:port`. */
  peers?: readonly string[];
  /** The BitTorrent port; 0 for any. @default 6881, or any if taken */
  torrentPort?: number;
  /** DHT. @default `OWM_DHT`, else on (never offline) */
  dht?: boolean;
  /** Local peer discovery. @default `OWM_LSD`, else on (never offline) */
  lsd?: boolean;
  /** Folder under which `POST /api/publish` may publish local paths; off when unset. */
  publishRoot?: string;
  /** Most bytes one `POST /api/uploads` may carry. @default 1 GiB */
  maxUploadBytes?: number;
  /** Options for Drive indexes (tests point them at a local server). @default `OWM_DRIVE_ROOT_URL` */
  driveRootUrl?: string;
}

/**
 * The settings a bridge runs with: its options first, then the environment
 * (`OWM_INDEXES`, `OWM_DHT`, `OWM_LSD`, `OWM_OFFLINE`, `OWM_CACHE`, …).
 *
 * @example
 * ```ts
 * import { bridgeSettings } from "./bridge_state.ts";
 * import { envFrom } from "../lib/settings/env.ts";
 * console.log(bridgeSettings({ home: "/tmp/store" }, envFrom({ OWM_DHT: "no" })).dht); // false
 * ```
 *
 * @throws {SettingError} for a variable whose value is not understood.
 */
export function bridgeSettings(options: BridgeStateOptions, env: EnvReader = processEnv): Settings {
  const settings = readSettings({
    home: options.home,
    indexes: options.indexes,
    peers: options.peers,
    torrentPort: options.torrentPort,
    dht: options.dht,
    lsd: options.lsd,
  }, env);
  return options.driveRootUrl ? { ...settings, driveRootUrl: options.driveRootUrl } : settings;
}

const TICK_MS = 250;

/** The bridge's state and operations. */
export class BridgeState {
  /** The DataSources. */
  readonly repo: DataSourceRepository;
  /** The fetch stack: settings, indexes, cache, loaders, session. */
  readonly stack: Stack;
  /** The torrent session. */
  readonly session: TorrentSession;
  /** Server-sent events. */
  readonly events: EventHub = new EventHub();
  /** The indexes `.torrent` files are found in and published to. */
  readonly indexes: TorrentIndex[];
  /** The options it was opened with. */
  readonly options: BridgeStateOptions;
  /** Translations run here (`POST /api/translations`), one at a time. */
  readonly translations: TranslationRunner;
  readonly #jobs: JobList;
  readonly #registry: LoaderRegistry;
  readonly #running = new Map<string, Promise<LoadResult>>();
  readonly #lastStatus = new Map<string, string>();
  /** The handle revision each torrent's last status was computed at (unchanged: skipped). */
  readonly #lastRevision = new WeakMap<TorrentHandle, number>();
  /** Lock entries the running fetch of a DataSource must match before it is done. */
  readonly #locks = new Map<string, LockEntry[]>();
  #ticker: ReturnType<typeof setInterval> | undefined;

  private constructor(
    options: BridgeStateOptions,
    stack: Stack,
    session: TorrentSession,
    jobs: JobList,
  ) {
    this.options = options;
    this.stack = stack;
    this.repo = stack.repository;
    this.session = session;
    this.#jobs = jobs;
    this.indexes = [...stack.indexes];
    this.#registry = stack.registry;
    const repo = this.repo;
    this.translations = new TranslationRunner({
      repo,
      indexes: this.indexes,
      publish: (event) => this.events.publish(event),
    });
  }

  /** Opens the store (creating it) and the session, and starts the progress ticker. */
  static async open(options: BridgeStateOptions): Promise<BridgeState> {
    const settings = bridgeSettings(options);
    const repo = await DataSourceRepository.open({
      home: settings.home,
      create: true,
      ...(options.graph === undefined ? {} : { graph: options.graph }),
    });
    // Offline (OWM_OFFLINE=1), the session never looks for peers: no DHT, no LSD (Settings).
    const stack = openStack({
      settings,
      repository: repo,
      withOwnIndex: true,
      openSessionNow: true,
    });
    // The default index: a missing folder would make every fetch by torrent file name
    // an index failure (502) rather than "not found".
    await Deno.mkdir(stack.layout.torrents, { recursive: true });
    const session = await stack.session();
    const state = new BridgeState(options, stack, session, await JobList.open(repo.store.home));
    state.#ticker = setInterval(() => state.#tick(), TICK_MS);
    return state;
  }

  /** The `ClassName:key` of a DataSource. */
  async curie(ds: DataSource): Promise<string> {
    return toCurie(ds.identifier, await this.repo.store.prefixes());
  }

  /**
   * Pushes a `progress` event for every torrent whose status changed. Only
   * torrents whose revision moved are looked at: 100 idle seeds cost 100 map
   * lookups a tick, not 100 statuses serialised (bench:seed-many).
   */
  #tick(): void {
    for (const handle of this.session.torrents) {
      const revision = handle.revision;
      if (this.#lastRevision.get(handle) === revision) continue;
      this.#lastRevision.set(handle, revision);
      const status = torrentJson(handle.status(), handle.dir);
      const key = JSON.stringify(status);
      if (this.#lastStatus.get(status.hashString) === key) continue;
      this.#lastStatus.set(status.hashString, key);
      this.events.publish({ type: "progress", torrent: status });
    }
  }

  /** The infohash a fetch of `ds` will download, found before starting it. */
  async #infoHashOf(ds: DataSource): Promise<string> {
    const get = (f: string) => (ds.fields.has(f) ? ds.get(f) : undefined);
    const recorded = get("infoHash");
    if (typeof recorded === "string" && /^[0-9a-f]{40}$/i.test(recorded)) {
      return recorded.toLowerCase();
    }
    const magnet = get("magnetLink");
    if (typeof magnet === "string") return parseMagnet(magnet).infoHash;
    const fileName = get("torrentFileName");
    if (typeof fileName === "string") {
      return parseMetainfo((await fetchTorrent(this.indexes, fileName)).bytes).infoHash;
    }
    throw new ApiHttpError(
      409,
      "no-torrent",
      `${ds.className} '${
        ds.key ?? ds.identifier
      }' records no torrent file name, infohash or magnet link to fetch it by`,
    );
  }

  /**
   * Starts fetching `ds` (idempotent: a fetch under way or done is reported,
   * not started again). The download, verification and recording run in the
   * background and report through events.
   */
  async fetch(
    ds: DataSource,
    options: { peers?: string[]; repair?: boolean; lock?: LockEntry } = {},
  ): Promise<FetchAccepted> {
    const badPeer = options.peers?.find((peer) => !isPeerAddress(peer));
    if (badPeer !== undefined) {
      throw new ApiHttpError(
        400,
        "bad-peer",
        `Invalid peer address ${JSON.stringify(badPeer)}: use host:port`,
      );
    }
    if (this.stack.offline) return await this.#fetchOffline(ds, options.lock);
    const id = await this.curie(ds);
    const infoHash = await this.#infoHashOf(ds);
    if (options.lock) await this.#checkLock(ds, id, infoHash, options.lock, options.repair);
    const status = `/api/torrents/${infoHash}`;
    if (this.#running.has(ds.identifier)) {
      return this.#joined(ds, options.lock, { id, infoHash, status });
    }
    const done = await this.#registry.loaded(ds);
    const job = this.#jobs.get(infoHash);
    if (done && job?.kind === "fetch" && job.done && !options.repair) {
      return { id, infoHash, status, state: "done", directory: done.directory };
    }
    await this.#jobs.put({
      kind: "fetch",
      id: ds.identifier,
      infoHash,
      peers: options.peers ?? [],
      done: false,
    });
    // Another call may have started it while this one awaited.
    if (this.#running.has(ds.identifier)) {
      return this.#joined(ds, options.lock, { id, infoHash, status });
    }
    if (options.lock) this.#locks.set(ds.identifier, [options.lock]);
    this.#startLoad(ds, id, infoHash, options);
    return { id, infoHash, status, state: "started" };
  }

  /**
   * Offline (OWM_OFFLINE=1): loads now from what is here (the store's data or
   * the shared cache) and answers `done`, or 409 `offline` naming what is missing.
   */
  async #fetchOffline(ds: DataSource, lock: LockEntry | undefined): Promise<FetchAccepted> {
    const id = await this.curie(ds);
    // An OfflineError here answers 409 `offline` (see http_errors.ts).
    const result = await this.#registry.load(ds);
    const { directory, report } = result;
    const infoHash = result.infoHash ?? "";
    if (lock) await this.#checkLock(ds, id, infoHash, lock, false);
    // Offline means no traffic at all: what is served here is not offered to peers either
    // (it is seeded by the next online fetch or restart).
    this.events.publish({ type: "done", id, infoHash, directory });
    if (report) this.events.publish({ type: "verified", id, infoHash, ok: report.ok, report });
    return { id, infoHash, status: `/api/torrents/${infoHash}`, state: "done", directory };
  }

  /** A fetch already running: a lock sent now is checked too before it is done. */
  #joined(
    ds: DataSource,
    lock: LockEntry | undefined,
    answer: { id: string; infoHash: string; status: string },
  ): FetchAccepted {
    if (lock) this.#locks.set(ds.identifier, [...(this.#locks.get(ds.identifier) ?? []), lock]);
    return { ...answer, state: "running" };
  }

  /**
   * Refuses, before any download, a locked fetch whose DataSource or torrent is
   * not the one pinned, or whose content here differs from the lock (unless
   * repairing, which restores the pinned bytes and is checked after).
   */
  async #checkLock(
    ds: DataSource,
    id: string,
    infoHash: string,
    lock: LockEntry,
    repair: boolean | undefined,
  ): Promise<void> {
    // A LockMismatchError answers 409 `lock-mismatch` (see http_errors.ts).
    const sent = "sent with the fetch";
    if (lock.iri !== ds.identifier) {
      throw new ApiHttpError(
        409,
        "lock-mismatch",
        `The lock entry sent is for <${lock.iri}>, not '${id}'`,
      );
    }
    const recorded = compareRecorded(ds, lock, infoHash);
    if (recorded.length > 0) throw new LockMismatchError(id, sent, recorded);
    if (repair || this.#running.has(ds.identifier)) return;
    const here = await this.#registry.loaded(ds);
    if (here && await contentPresent(here.directory, lock)) {
      const mismatches = await compareContent(here.directory, lock);
      const where = `the content at ${join(here.directory, contentNameOf(lock))}`;
      if (mismatches.length > 0) throw new LockMismatchError(id, sent, mismatches, where);
    }
  }

  /** Checks loaded content against the locks sent with the fetches of `ds`. */
  async #checkLoaded(ds: DataSource, id: string, directory: string): Promise<void> {
    const locks = this.#locks.get(ds.identifier) ?? [];
    this.#locks.delete(ds.identifier);
    for (const lock of locks) {
      const mismatches = await compareContent(directory, lock);
      if (mismatches.length > 0) {
        throw new LockMismatchError(
          id,
          "sent with the fetch",
          mismatches,
          `the content loaded into ${directory}`,
        );
      }
    }
  }

  #startLoad(
    ds: DataSource,
    id: string,
    infoHash: string,
    options: { peers?: string[]; repair?: boolean },
  ): void {
    // This fetch's own peers and repair go with this load only: one loader, one registry.
    const loaded = this.load(ds, {
      ...(options.peers?.length ? { peers: options.peers } : {}),
      ...(options.repair ? { repair: true } : {}),
    }).then(async (result) => {
      // The lock check is part of the load: a mismatch fails the job like a failed download.
      await this.#checkLoaded(ds, id, result.directory);
      return result;
    });
    const running = loaded.then(async (result) => {
      await this.#jobs.put({
        kind: "fetch",
        id: ds.identifier,
        infoHash,
        peers: options.peers ?? [],
        done: true,
      });
      await this.#seedServed(id, result);
      const { directory, report } = result;
      this.events.publish({ type: "done", id, infoHash, directory });
      if (report) this.events.publish({ type: "verified", id, infoHash, ok: report.ok, report });
      return result;
    }, (error: Error) => {
      const code = error instanceof LockMismatchError ? { code: "lock-mismatch" } : {};
      this.events.publish({ type: "error", id, infoHash, message: error.message, ...code });
      throw error;
    }).finally(() => {
      this.#running.delete(ds.identifier);
      this.#locks.delete(ds.identifier);
    });
    running.catch(() => {});
    this.#running.set(ds.identifier, running);
  }

  /**
   * Content a fetch found present or took from the shared cache never went
   * through the session: it is added now (seeded from where it lies, every
   * piece checked by the session), so the bridge knows the torrent
   * (`/api/torrents/{infoHash}`) and serves it to peers. Its `.torrent` is
   * kept as the session's own, so a restart seeds it again. A torrent that
   * cannot be found or seeded is reported as an `error` event; the fetch
   * itself stays done.
   */
  async #seedServed(id: string, result: LoadResult): Promise<void> {
    const { infoHash, contentPath } = result;
    if (result.origin === "download" || result.origin === "translation") return;
    if (!infoHash || !contentPath || this.session.get(infoHash)) return;
    try {
      const bytes = await this.#torrentBytes(infoHash);
      if (!bytes) return;
      const kept = this.stack.layout.sessionTorrent(infoHash);
      await Deno.mkdir(join(kept, ".."), { recursive: true });
      await Deno.writeFile(kept, bytes);
      await this.session.seed(contentPath, bytes);
    } catch (error) {
      const message = `cannot seed what was ${
        result.origin === "cache" ? "taken from the shared cache" : "found present"
      }: ${error instanceof Error ? error.message : String(error)}`;
      console.error(`bridge: ${id}: ${message}`);
      this.events.publish({ type: "error", id, infoHash, message });
    }
  }

  /** The `.torrent` of `infoHash`: the session's, the published one, or the shared cache's. */
  async #torrentBytes(infoHash: string): Promise<Uint8Array | undefined> {
    const layout = this.stack.layout;
    for (const path of [layout.sessionTorrent(infoHash), layout.publishedTorrent(infoHash)]) {
      const bytes = await Deno.readFile(path).catch(() => undefined);
      if (bytes) return bytes;
    }
    return (await this.stack.cache?.get(infoHash))?.meta.bytes;
  }

  /** Verifies the content of `ds` where it was fetched or published. */
  async verify(ds: DataSource): Promise<VerifyReport> {
    const located = await locateContent(this.repo.store.home, ds, this.indexes, this.repo.store);
    if (!located) {
      throw new ApiHttpError(
        409,
        "not-present",
        `'${await this.curie(
          ds,
        )}' has not been fetched or published here: fetch it first (POST …/fetch)`,
      );
    }
    try {
      await Deno.lstat(located.contentPath);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      throw new ApiHttpError(
        409,
        "not-present",
        `The content of '${await this.curie(
          ds,
        )}' is gone from ${located.directory} (deleted?): fetch it again (POST …/fetch)`,
      );
    }
    const report = await verifyLocated(ds, located);
    const infoHash = located.meta?.infoHash ?? "";
    this.events.publish({
      type: "verified",
      id: await this.curie(ds),
      infoHash,
      ok: report.ok,
      report,
    });
    return report;
  }

  /**
   * Publishes content (a path already confined by the caller), seeds it, and
   * remembers the seed. Returns the answer of `POST /api/publish` and `POST /api/uploads`.
   */
  async publish(
    contentPath: string,
    body: Omit<PublishBody, "path">,
  ): Promise<PublishedJson> {
    const result = await publish(contentPath, {
      class: body.class,
      key: body.key,
      repository: this.repo,
      ...(body.description === undefined ? {} : { description: body.description }),
      ...(body.title === undefined ? {} : { title: body.title }),
      ...(body.license === undefined ? {} : { license: body.license }),
      ...(body.citation === undefined ? {} : { citation: body.citation }),
      ...(body.fields === undefined ? {} : { fields: body.fields }),
      replace: body.replace ?? false,
      indexes: this.indexes,
      session: this.session,
    });
    const torrentPath = this.stack.layout.publishedTorrent(result.infoHash);
    await Deno.writeFile(torrentPath, result.torrent);
    const parent = join(contentPath, "..");
    await this.#registry.remember(result.dataSource, "published", parent, contentPath);
    await this.#jobs.put({
      kind: "seed",
      id: result.dataSource.identifier,
      infoHash: result.infoHash,
      contentPath,
      torrentPath,
    });
    const id = await this.curie(result.dataSource);
    this.events.publish({
      type: "published",
      id,
      infoHash: result.infoHash,
      magnetLink: result.magnetLink,
    });
    return {
      id,
      torrentFileName: result.torrentFileName,
      infoHash: result.infoHash,
      magnetLink: result.magnetLink,
      md5: result.md5,
      sha256: result.sha256,
    };
  }

  /** After a restart: resumes unfinished fetches and every seed. Returns how many. */
  async resumeJobs(): Promise<number> {
    let resumed = 0;
    for (const job of this.#jobs.all) {
      try {
        if (job.kind === "seed") {
          await this.session.seed(job.contentPath, await Deno.readFile(job.torrentPath));
        } else {
          const ds = await this.repo.get(`<${job.id}>`);
          if (job.done) {
            const located = await locateContent(
              this.repo.store.home,
              ds,
              this.indexes,
              this.repo.store,
            );
            const torrent = this.stack.layout.sessionTorrent(job.infoHash);
            // Content placed from the shared cache never was in this session: nothing to seed.
            const bytes = await Deno.readFile(torrent).catch(() => undefined);
            if (located && bytes) await this.session.add(bytes, { dir: located.directory });
          } else {
            // What is on disk is this bridge's own partial download: continue it
            // (repair) rather than refuse it as "present but does not verify".
            this.#startLoad(ds, await this.curie(ds), job.infoHash, {
              peers: job.peers,
              repair: true,
            });
          }
        }
        resumed++;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        console.error(`bridge: cannot resume ${job.kind} of ${job.id}: ${message}`);
        this.events.publish({ type: "error", id: job.id, infoHash: job.infoHash, message });
      }
    }
    return resumed;
  }

  /**
   * Loads `ds` through the bridge's one registry, now, and returns this
   * load's own result (concurrent loads each get theirs). `peers` and
   * `repair` apply to this load only.
   *
   * @example
   * ```ts ignore
   * const [a, b] = await Promise.all([state.load(dsA), state.load(dsB)]);
   * console.log(a.directory, a.origin, b.directory, b.origin);
   * ```
   */
  async load(
    ds: DataSource,
    options: { peers?: readonly string[]; repair?: boolean; signal?: AbortSignal } = {},
  ): Promise<LoadResult> {
    return await this.#registry.load(ds, options);
  }

  /** Whether a fetch of the DataSource `iri` is under way. */
  isFetching(iri: string): boolean {
    return this.#running.has(iri);
  }

  /** Forgets the job of a torrent (after it is removed). */
  async forget(infoHash: string): Promise<void> {
    this.#lastStatus.delete(infoHash);
    await this.#jobs.remove(infoHash);
  }

  /** Stops the ticker, cancels translations, ends event streams and closes the session. */
  async close(): Promise<void> {
    clearInterval(this.#ticker);
    this.translations.close();
    this.events.closeAll();
    await this.stack.close();
  }
}
