/**
 * The bridge client: a program's handle on the bridge server (a running one,
 * found through `<store>/bridge.json`, or one it starts in-process), over the
 * bridge's HTTP API with its bearer token.
 *
 * @module
 */
import { resolveStoreHome } from "../graph/store.ts";
import type { VerifyReport } from "../integrity/verify.ts";
import { LockMismatchError } from "../lock/errors.ts";
import { requireLockFile, resolveLockPath } from "../lock/lock_file.ts";
import { type LockEntry, lockEntryToJson } from "../lock/lock_format.ts";
import type { ChainNode } from "../translate/chain.ts";
import type {
  BridgeEvent,
  BridgeFile,
  CatalogueJson,
  CreateDataSourceBody,
  DataSourceDetail,
  DataSourceItem,
  FetchAccepted,
  FetchBody,
  LockEntryJson,
  PublishBody,
  PublishedJson,
  SavedDataSource,
  TorrentStatusJson,
  TranslateBody,
  TranslationJson,
  TranslatorJson,
} from "./api_types.ts";
import { BridgeError } from "./errors.ts";
import { openEvents } from "./event_stream.ts";
import { multipartBody, type UploadFile } from "./multipart.ts";
import { type BridgeStartOptions, type StartedBridge, startInProcess } from "./start.ts";
import type { SparqlResults } from "../sparql/engine.ts";
import { queryForm } from "../sparql/query_form.ts";
import { parseResultsJson } from "../sparql/results_json.ts";
import { StoreLayout } from "../settings/store_layout.ts";

/** Options of {@linkcode Bridge.connect}. */
export interface BridgeConnectOptions {
  /** The store whose `bridge.json` names the bridge. @default OWM_HOME, else ./.owm */
  home?: string;
  /** Connect to this URL instead of the one in `bridge.json` (never starts one). */
  url?: string;
  /** The bearer token. @default the one in `bridge.json` */
  token?: string;
  /** Start a bridge in this process when none answers. @default true */
  start?: boolean;
  /** How to start it (the port defaults to 0, any free one). */
  startOptions?: BridgeStartOptions;
}

/** Options of {@linkcode Bridge.fetch}. */
export interface BridgeFetchOptions {
  /** Extra peers to dial, `host:port`. */
  peers?: string[];
  /** Re-check the content and download what is missing or corrupt. */
  repair?: boolean;
  /** Wait for the download to finish and verify, and return its directory. @default true */
  wait?: boolean;
  /** Stops waiting (the bridge's download goes on) and stops the request. */
  signal?: AbortSignal;
  /** Called with the torrent's status as it changes while waiting. */
  onProgress?: (status: TorrentStatusJson) => void;
  /**
   * Refuse anything the lockfile does not pin: the DataSource must be in it,
   * and the bridge refuses (`lock-mismatch`) a different torrent before
   * downloading and content whose files differ. @default false
   */
  locked?: boolean;
  /** The lockfile for `locked`. @default OWM_LOCK, else owm.lock in the current directory */
  lockFile?: string;
}

/** Options of {@linkcode Bridge.watch}. */
export interface BridgeWatchOptions {
  /** Ends the stream; the iteration then throws the signal's reason. */
  signal?: AbortSignal;
}

/** What to publish as: the DataSource made for the content. */
export interface BridgePublishOptions {
  /** The DataSource class name, e.g. `CSVDataSource`. */
  class: string;
  /** The DataSource's key. */
  key: string;
  /** A description of the dataset. */
  description?: string;
  /** A short title of the dataset. */
  title?: string;
  /** The licence: an SPDX id (e.g. `CC-BY-4.0`) or an http(s) URL. */
  license?: string;
  /** How to cite the dataset: text, BibTeX or a DOI. */
  citation?: string;
  /** Other fields of the class by name, e.g. `{ csvFileName: "connections.csv" }`. */
  fields?: Record<string, string>;
  /**
   * Replace a different torrent (and record) of this same DataSource id
   * already in an index; content under another id is refused (409) even so.
   */
  replace?: boolean;
}

/** Options of {@linkcode Bridge.index}. */
export interface BridgeIndexOptions {
  /** Only datasets of this class (and its subclasses). */
  kind?: string;
  /** Only datasets matching every word of this text. */
  q?: string;
}

/** Options of {@linkcode Bridge.translate}. */
export interface BridgeTranslateOptions {
  /** The output DataSource's key. @default `<first input's key>-<translator>` */
  key?: string;
  /** Translator options, name to value (as `owm translate --option name=value`). */
  options?: Record<string, string>;
  /** Stops waiting for the answer (the bridge finishes the translation anyway). */
  signal?: AbortSignal;
}

const HEALTH_TIMEOUT_MS = 5000;

async function readBridgeFile(home: string): Promise<Partial<BridgeFile> | undefined> {
  try {
    const parsed = JSON.parse(await Deno.readTextFile(new StoreLayout(home).bridgeFile));
    return parsed && typeof parsed === "object" ? parsed : undefined;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/**
 * A client of the bridge server: DataSources, fetching with progress,
 * torrent status, verification, publishing and uploads, translations and
 * their provenance, and the bridge's events, over its HTTP API. API errors are thrown as {@linkcode BridgeError}.
 *
 * {@linkcode Bridge.connect} finds the bridge of a store through its
 * `bridge.json`, or starts one inside this process when none answers. The
 * server code (kernel/, built on Hono) is then imported dynamically, by
 * literal specifiers that `deno info`, `deno check` and `deno compile` see
 * (lib/bridge/start.ts): programs that connect to a running bridge never
 * load it. Starting one needs the permissions the
 * bridge needs (`--allow-net --allow-read --allow-write --allow-env`).
 *
 * @example Fetch a DataSource with a progress line, then verify it
 * ```ts ignore
 * import { Bridge } from "owmeta-torrent";
 *
 * await using bridge = await Bridge.connect(); // ./.owm or OWM_HOME; starts one if none runs
 * const directory = await bridge.fetch("ConnectomeCSVDataSource:2000_connections", {
 *   onProgress: (t) => console.log(`${(t.percentDone * 100).toFixed(1)}% from ${t.peersConnected} peers`),
 * });
 * const report = await bridge.verify("ConnectomeCSVDataSource:2000_connections");
 * console.log(directory, report.ok);
 * ```
 */
export class Bridge implements AsyncDisposable {
  /** The bridge's base URL, e.g. `http://127.0.0.1:8484`. */
  readonly url: string;
  /** The store directory this client was connected for. */
  readonly home: string;
  readonly #token: string;
  readonly #owned: StartedBridge | undefined;
  readonly #streams = new Set<AbortController>();

  private constructor(url: string, token: string, home: string, owned?: StartedBridge) {
    this.url = url;
    this.#token = token;
    this.home = home;
    this.#owned = owned;
  }

  /**
   * Connects to the bridge of a store: reads `<store>/bridge.json`, checks
   * that the bridge there answers (`GET /api/health` with the token), and
   * otherwise, unless `start` is false, starts one in this process, which the
   * returned client owns: {@linkcode Bridge.close} stops it.
   *
   * @param options The store, or an explicit URL and token; whether and how to start one.
   * @returns The client.
   * @throws {BridgeError} `unauthorized` when a bridge answers but refuses the token;
   *   `not-running` when none answers and `start` is false; `unreachable` when an
   *   explicit `url` does not answer; `no-token` when no token is known.
   *
   * @example Use a running bridge only
   * ```ts ignore
   * import { Bridge } from "owmeta-torrent";
   *
   * await using bridge = await Bridge.connect({ home: "/data/owm", start: false });
   * console.log(bridge.url, await bridge.datasources());
   * ```
   */
  static async connect(options: BridgeConnectOptions = {}): Promise<Bridge> {
    const home = resolveStoreHome(options.home);
    const file = await readBridgeFile(home);
    const token = options.token ?? (typeof file?.token === "string" ? file.token : undefined);
    if (options.url !== undefined) {
      if (!token) {
        throw new BridgeError(
          "no-token",
          `No token for ${options.url}: pass 'token', or the 'home' whose bridge.json holds it`,
        );
      }
      const bridge = new Bridge(options.url.replace(/\/+$/, ""), token, home);
      await bridge.#health();
      return bridge;
    }
    if (typeof file?.url === "string" && file.url !== "" && token) {
      const bridge = new Bridge(file.url, token, home);
      try {
        await bridge.#health();
        return bridge;
      } catch (error) {
        if (error instanceof BridgeError && error.status === 401) throw error;
      }
    }
    if (options.start === false) {
      throw new BridgeError(
        "not-running",
        `No bridge answers for the store ${home}: start one with 'deno task start', or connect with start: true`,
      );
    }
    const started = await startInProcess(home, options.startOptions);
    return new Bridge(started.url, started.token, home, started);
  }

  /** Whether this client started the bridge in-process (and stops it on close). */
  get started(): boolean {
    return this.#owned !== undefined;
  }

  async #health(): Promise<void> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), HEALTH_TIMEOUT_MS);
    try {
      await this.#json("GET", "/api/health", { signal: timeout.signal });
    } catch (error) {
      if (error instanceof BridgeError) throw error;
      const why = timeout.signal.aborted
        ? `did not answer within ${HEALTH_TIMEOUT_MS / 1000} s`
        : `does not answer as a bridge: ${error instanceof Error ? error.message : error}`;
      throw new BridgeError("unreachable", `${this.url} ${why}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends a request with the token; non-2xx answers become {@linkcode BridgeError}. */
  async #send(
    method: string,
    path: string,
    init: { json?: unknown; body?: BodyInit; headers?: HeadersInit; signal?: AbortSignal } = {},
  ): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${this.#token}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(init.json);
    }
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        ...(init.signal ? { signal: init.signal } : {}),
      });
    } catch (error) {
      if (init.signal?.aborted) throw init.signal.reason;
      throw new BridgeError(
        "unreachable",
        `Cannot reach the bridge at ${this.url}: ${error instanceof Error ? error.message : error}`,
        { cause: error },
      );
    }
    if (!response.ok) throw await BridgeError.fromResponse(response);
    return response;
  }

  async #json<T>(
    method: string,
    path: string,
    init: { json?: unknown; body?: BodyInit; headers?: HeadersInit; signal?: AbortSignal } = {},
  ): Promise<T> {
    return await (await this.#send(method, path, init)).json() as T;
  }

  /**
   * Lists the DataSources in the bridge's store.
   *
   * @param options `kind`: only those of this class (and its subclasses).
   * @returns `ClassName:key` ids, IRIs and class names.
   */
  async datasources(options: { kind?: string } = {}): Promise<DataSourceItem[]> {
    const query = options.kind ? `?kind=${encodeURIComponent(options.kind)}` : "";
    return await this.#json("GET", `/api/datasources${query}`);
  }

  /**
   * One DataSource.
   *
   * @param id `ClassName:key` or `<IRI>`.
   * @returns Its fields and its `owm source show` text.
   * @throws {BridgeError} `not-found` (404) when there is no such DataSource.
   */
  async show(id: string): Promise<DataSourceDetail> {
    return await this.#json("GET", `/api/datasources/${encodeURIComponent(id)}`);
  }

  /**
   * Creates a DataSource, or saves an existing one again. Changing an existing
   * one's identity fields (torrent file name, infohash, hashes, file names…)
   * needs `replace: true` (in `body` or `options`); the bridge then verifies the
   * content it already has against the new fields (`replaced.content`).
   *
   * @param body The class name, the key and field values by TypeScript name.
   * @param options `replace: true` to replace an existing DataSource's identity.
   * @returns The saved DataSource, and what a replace did.
   * @throws {BridgeError} `identity-conflict` (409) when the id exists with other
   *   identity fields and `replace` is not set: the message names each change.
   *
   * @example Describe a dataset by its torrent file name
   * ```ts ignore
   * await bridge.create({
   *   class: "CSVDataSource",
   *   key: "2000_connections",
   *   fields: { torrentFileName: "d9da5ce947c6f1c127dfcdc2ede63320.torrent" },
   * });
   * ```
   */
  async create(
    body: CreateDataSourceBody,
    options: { replace?: boolean } = {},
  ): Promise<SavedDataSource> {
    const json = options.replace === undefined ? body : { ...body, replace: options.replace };
    return await this.#json("POST", "/api/datasources", { json });
  }

  /**
   * Deletes a DataSource from the store (its fetched files stay).
   *
   * @param id `ClassName:key` or `<IRI>`.
   */
  async remove(id: string): Promise<void> {
    await this.#send("DELETE", `/api/datasources/${encodeURIComponent(id)}`);
  }

  /**
   * Starts fetching a DataSource without waiting: the bridge downloads and
   * verifies it in the background (poll {@linkcode Bridge.status} or
   * {@linkcode Bridge.watch} the events). Idempotent.
   *
   * @param id `ClassName:key` or `<IRI>`.
   * @param options `wait: false`, peers, repair.
   * @returns The infohash and whether it `started`, was `running` or is `done`.
   */
  fetch(id: string, options: BridgeFetchOptions & { wait: false }): Promise<FetchAccepted>;
  /**
   * Fetches a DataSource through the bridge and waits until it is downloaded
   * and verified, following the bridge's events (no polling).
   *
   * @param id `ClassName:key` or `<IRI>`.
   * @param options Peers, repair, a signal, a progress callback.
   * @returns The directory holding the content.
   * @throws {BridgeError} `fetch-failed` when the download or its verification
   *   fails; `stream-ended` when the bridge stops first; `lock-mismatch` (409
   *   before any download, or after it) when `locked` and anything differs
   *   from the lockfile.
   * @throws {LockFileError} when `locked` and the lockfile is missing or not valid.
   *
   * @example A pinned fetch
   * ```ts ignore
   * const dir = await bridge.fetch("CSVDataSource:worms", { locked: true }); // ./owm.lock
   * ```
   */
  fetch(id: string, options?: BridgeFetchOptions & { wait?: true }): Promise<string>;
  /**
   * Fetches a DataSource, waiting or not as `options.wait` says.
   *
   * @param id `ClassName:key` or `<IRI>`.
   * @param options Whether to wait, peers, repair, a signal, a progress callback.
   * @returns The directory when waiting, else the 202 answer.
   */
  fetch(id: string, options: BridgeFetchOptions): Promise<string | FetchAccepted>;
  async fetch(id: string, options: BridgeFetchOptions = {}): Promise<string | FetchAccepted> {
    const path = `/api/datasources/${encodeURIComponent(id)}/fetch`;
    const lock = options.locked ? await this.#lockEntry(id, options.lockFile) : undefined;
    const body: FetchBody = {
      ...(options.peers ? { peers: options.peers } : {}),
      ...(options.repair ? { repair: true } : {}),
      ...(lock ? { lock: lockEntryToJson(lock) as unknown as LockEntryJson } : {}),
    };
    const signal = options.signal ? { signal: options.signal } : {};
    if (options.wait === false) return await this.#json("POST", path, { json: body, ...signal });
    // Subscribe first, so that the `done` event cannot slip by before we listen.
    const events = await openEvents(this.#send.bind(this), this.#streams, options.signal);
    try {
      const accepted = await this.#json<FetchAccepted>("POST", path, { json: body, ...signal });
      if (accepted.state === "done" && accepted.directory !== undefined) {
        return accepted.directory;
      }
      const hash = accepted.infoHash;
      for await (const event of events) {
        if (event.type === "progress" && event.torrent.hashString === hash) {
          options.onProgress?.(event.torrent);
        } else if (event.type === "done" && event.infoHash === hash) {
          const last = options.onProgress && await this.status(hash).catch(() => undefined);
          if (last) options.onProgress?.(last);
          return event.directory;
        } else if (event.type === "error" && event.infoHash === hash) {
          throw new BridgeError(
            event.code === "lock-mismatch" ? "lock-mismatch" : "fetch-failed",
            `Fetching '${accepted.id}' failed: ${event.message}`,
          );
        }
      }
      throw new BridgeError(
        "stream-ended",
        `The bridge's event stream ended before '${accepted.id}' was fetched: the bridge stopped or this client was closed`,
      );
    } finally {
      await events.return();
    }
  }

  /** The lock entry of `id` in the lockfile, or a `lock-mismatch` error when it has none. */
  async #lockEntry(id: string, lockFile: string | undefined): Promise<LockEntry> {
    const path = resolveLockPath(lockFile);
    const lock = await requireLockFile(path);
    const shown = await this.show(id);
    const entry = lock.entries.get(shown.iri);
    if (entry) return entry;
    const missing = new LockMismatchError(shown.id, path, [
      { kind: "not-locked", expected: null, actual: null },
    ]);
    throw new BridgeError("lock-mismatch", missing.message, { cause: missing });
  }

  /**
   * A torrent's status (Transmission-like fields: `percentDone`, `rateDownload`, …).
   *
   * @param infoHash 40 hex digits.
   * @returns The status.
   * @throws {BridgeError} `not-found` (404) when the bridge has no such torrent.
   */
  async status(infoHash: string): Promise<TorrentStatusJson> {
    return await this.#json("GET", `/api/torrents/${encodeURIComponent(infoHash)}`);
  }

  /**
   * Every torrent of the bridge's session.
   *
   * @returns Their statuses.
   */
  async torrents(): Promise<TorrentStatusJson[]> {
    return await this.#json("GET", "/api/torrents");
  }

  /**
   * Pauses a torrent of the bridge's session (no transfers until resumed).
   *
   * @param infoHash 40 hex digits.
   * @returns Its status after pausing.
   * @throws {BridgeError} `not-found` (404) when the bridge has no such torrent.
   *
   * @example
   * ```ts ignore
   * console.log((await bridge.pause(infoHash)).status); // "paused"
   * ```
   */
  async pause(infoHash: string): Promise<TorrentStatusJson> {
    return await this.#json("POST", `/api/torrents/${encodeURIComponent(infoHash)}/pause`);
  }

  /**
   * Resumes a paused torrent.
   *
   * @param infoHash 40 hex digits.
   * @returns Its status after resuming.
   * @throws {BridgeError} `not-found` (404) when the bridge has no such torrent.
   *
   * @example
   * ```ts ignore
   * await bridge.resume(infoHash);
   * ```
   */
  async resume(infoHash: string): Promise<TorrentStatusJson> {
    return await this.#json("POST", `/api/torrents/${encodeURIComponent(infoHash)}/resume`);
  }

  /**
   * Removes a torrent from the bridge's session; `deleteData` also deletes its
   * files (only when they are inside the store: 409 `data-outside-store` otherwise).
   *
   * @param infoHash 40 hex digits.
   * @throws {BridgeError} `not-found` (404) when the bridge has no such torrent.
   *
   * @example
   * ```ts ignore
   * await bridge.removeTorrent(infoHash, { deleteData: false });
   * ```
   */
  async removeTorrent(infoHash: string, options: { deleteData?: boolean } = {}): Promise<void> {
    const query = options.deleteData ? "?deleteData=true" : "";
    const response = await this.#send(
      "DELETE",
      `/api/torrents/${encodeURIComponent(infoHash)}${query}`,
    );
    await response.body?.cancel();
  }

  /**
   * The bridge's events (`GET /api/events`, Server-Sent Events): progress,
   * done, verified, published, translated and error, from when the stream opens. The
   * iteration ends when the bridge stops or this client closes; breaking out
   * of it closes the stream. It does not reconnect: call `watch()` again
   * (events in between are missed; {@linkcode Bridge.status} tells the state).
   *
   * @param options A signal that ends the stream.
   * @returns The events, in order.
   *
   * @example Print events until a download is done
   * ```ts ignore
   * for await (const event of bridge.watch()) {
   *   if (event.type === "progress") console.log(event.torrent.name, event.torrent.percentDone);
   *   if (event.type === "done") break;
   * }
   * ```
   */
  async *watch(options: BridgeWatchOptions = {}): AsyncGenerator<BridgeEvent, void, undefined> {
    yield* await openEvents(this.#send.bind(this), this.#streams, options.signal);
  }

  /**
   * Verifies a DataSource's fetched or published content against what is
   * recorded (hashes, the legacy name, the torrent's pieces).
   *
   * @param id `ClassName:key` or `<IRI>`.
   * @returns The report; `ok` when every check passed.
   * @throws {BridgeError} `not-present` (409) when it was neither fetched nor published here.
   */
  async verify(id: string): Promise<VerifyReport> {
    return await this.#json("POST", `/api/datasources/${encodeURIComponent(id)}/verify`);
  }

  /**
   * Publishes a file or folder on the bridge's machine, inside the folder the
   * bridge was started with (`--publish-root`, `publishRoot`): makes the
   * torrent, pushes it to the index, saves the DataSource and seeds it.
   *
   * @param path The content, relative to the publish root or absolute inside it.
   * @param options The DataSource class and key, a description.
   * @returns The new DataSource's id, torrent file name, infohash, magnet link and hashes.
   * @throws {BridgeError} `publish-off` (403) when the bridge has no publish root.
   */
  async publish(path: string, options: BridgePublishOptions): Promise<PublishedJson> {
    const body: PublishBody = { ...options, path };
    return await this.#json("POST", "/api/publish", { json: body });
  }

  /**
   * Uploads files (from memory or streams, never buffered whole when
   * streamed) to `POST /api/uploads`, which publishes and seeds them like
   * {@linkcode Bridge.publish}: several files become a folder, a single
   * `.zip` is checked and unpacked into one, a single other file is
   * published as it is.
   *
   * @param files The files: names (the last path component counts) and bytes or streams.
   * @param options The DataSource class and key, a description.
   * @returns The new DataSource's id, torrent file name, infohash, magnet link and hashes.
   * @throws {BridgeError} `too-large` (413) over the bridge's size limit.
   *
   * @example Upload a CSV made in memory
   * ```ts ignore
   * const csv = new TextEncoder().encode("pre,post\nADAL,ADAR\n");
   * const published = await bridge.upload([{ name: "edges.csv", data: csv }], {
   *   class: "CSVDataSource",
   *   key: "edges",
   * });
   * console.log(published.magnetLink);
   * ```
   */
  async upload(
    files: readonly UploadFile[],
    options: BridgePublishOptions,
  ): Promise<PublishedJson> {
    const { body, contentType } = multipartBody({
      class: options.class,
      key: options.key,
      ...(options.description === undefined ? {} : { description: options.description }),
      ...(options.title === undefined ? {} : { title: options.title }),
      ...(options.license === undefined ? {} : { license: options.license }),
      ...(options.citation === undefined ? {} : { citation: options.citation }),
      ...(options.fields === undefined ? {} : {
        fields: Object.entries(options.fields).map(([k, v]) => `${k}=${v}`).join("\n"),
      }),
      ...(options.replace ? { replace: "true" } : {}),
    }, files);
    return await this.#json("POST", "/api/uploads", {
      body,
      headers: { "content-type": contentType },
    });
  }

  /**
   * The catalogue of the bridge's torrent indexes (`GET /api/index`), as
   * `owm index list` shows it: each dataset's id, class, title, description,
   * size, file count, infohash, date, licence and citation.
   *
   * @param options `kind`: only that class (and subclasses); `q`: only datasets matching every word.
   * @returns The entries, and the indexes that could not be listed.
   *
   * @example
   * ```ts ignore
   * const { entries } = await bridge.index({ q: "elegans" });
   * for (const e of entries) console.log(e.id, e.title, e.license);
   * ```
   */
  async index(options: BridgeIndexOptions = {}): Promise<CatalogueJson> {
    const params = new URLSearchParams();
    if (options.kind) params.set("kind", options.kind);
    if (options.q) params.set("q", options.q);
    const query = params.size > 0 ? `?${params}` : "";
    return await this.#json("GET", `/api/index${query}`);
  }

  /**
   * The translators the bridge runs (`GET /api/translators`).
   *
   * @returns Their names, versions, descriptions, input kinds and output kinds.
   *
   * @example
   * ```ts ignore
   * for (const t of await bridge.translators()) {
   *   console.log(`${t.name} ${t.version}: ${t.inputKinds.join(", ")} → ${t.outputKind}`);
   * }
   * ```
   */
  async translators(): Promise<TranslatorJson[]> {
    return await this.#json("GET", "/api/translators");
  }

  /**
   * Runs a translator in the bridge over DataSources present there (fetched
   * or published) and records the output DataSource and its Translation
   * (`POST /api/translations`; the bridge runs one translation at a time).
   *
   * @param translator The translator's name, e.g. `zip-to-directory`.
   * @param inputs The input DataSources, `ClassName:key` or `<IRI>`, in order.
   * @param options The output's key, translator options, a signal.
   * @returns The output DataSource's id and IRI, the Translation's IRI, the
   *   output's directory, content path and SHA-256 on the bridge's machine,
   *   and how many statements were stored.
   * @throws {BridgeError} `unknown-translator` (404); `not-found` (404) for an
   *   unknown input; `not-present` (409) when an input was not fetched or
   *   published there (fetch it first); `input-corrupt` (409);
   *   `translation-failed` (422) for inputs of the wrong kind, a bad option, or
   *   what the translator refuses, with the CSV line and row or the zip entry
   *   in the message.
   *
   * @example Unpack a fetched zip, then turn its CSV into statements
   * ```ts ignore
   * await bridge.fetch("LocalFileDataSource:images-zip");
   * const folder = await bridge.translate("zip-to-directory", ["LocalFileDataSource:images-zip"], {
   *   key: "images",
   * });
   * console.log(folder.id, folder.directory); // "LocalFileDataSource:images" …/translation/images
   * const graph = await bridge.translate("csv-to-rdf", ["CSVDataSource:conn"], {
   *   options: { "type.Weight": "integer" },
   * });
   * console.log(graph.statements);
   * ```
   */
  async translate(
    translator: string,
    inputs: readonly string[],
    options: BridgeTranslateOptions = {},
  ): Promise<TranslationJson> {
    const body: TranslateBody = {
      translator,
      inputs: [...inputs],
      ...(options.key !== undefined ? { key: options.key } : {}),
      ...(options.options !== undefined ? { options: options.options } : {}),
    };
    return await this.#json("POST", "/api/translations", {
      json: body,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /**
   * What a DataSource was made from: the chain of recorded Translations down
   * to data no translation made (`GET /api/datasources/{id}/provenance`, the
   * JSON of `owm source provenance --json`).
   *
   * @param id `ClassName:key` or `<IRI>`.
   * @returns The DataSource, each Translation that made it (`steps`) and, in
   *   each step, its inputs (`sources`), recursively.
   * @throws {BridgeError} `not-found` (404) when there is no such DataSource.
   *
   * @example
   * ```ts ignore
   * const chain = await bridge.provenance("GraphDataSource:conn-graph");
   * console.log(chain.steps[0]?.translator, chain.steps[0]?.sources.map((s) => s.id));
   * // "csv-to-rdf" ["ConnectomeCSVDataSource:2000_connections"]
   * ```
   */
  async provenance(id: string): Promise<ChainNode> {
    return await this.#json("GET", `/api/datasources/${encodeURIComponent(id)}/provenance`);
  }

  /**
   * What was made from a DataSource: the tree of recorded Translations using
   * it (`GET /api/datasources/{id}/derivs`, the JSON of
   * `owm source derivs --json`).
   *
   * @param id `ClassName:key` or `<IRI>`.
   * @returns The DataSource, each Translation using it (`steps`) and, in each
   *   step, its outputs (`sources`), recursively.
   * @throws {BridgeError} `not-found` (404) when there is no such DataSource.
   *
   * @example
   * ```ts ignore
   * const tree = await bridge.derivs("ConnectomeCSVDataSource:2000_connections");
   * console.log(tree.steps.map((s) => `${s.translator} → ${s.sources.map((o) => o.id)}`));
   * ```
   */
  async derivs(id: string): Promise<ChainNode> {
    return await this.#json("GET", `/api/datasources/${encodeURIComponent(id)}/derivs`);
  }

  /**
   * Runs a SPARQL 1.1 query at the bridge's `/sparql` (POST
   * `application/sparql-query`) over its store's named graphs (their union is
   * the default graph).
   *
   * @param sparql A SELECT, ASK, CONSTRUCT or DESCRIBE query.
   * @returns Typed results with RDF/JS terms, as `repo.query()` gives them:
   *   `bindings` (SELECT), `boolean` (ASK) or `quads` (CONSTRUCT, DESCRIBE).
   * @throws {BridgeError} `sparql-syntax` (400) naming the parse error.
   *
   * @example
   * ```ts ignore
   * const answer = await bridge.query("SELECT (COUNT(*) AS ?n) WHERE { ?s a ?kind }");
   * if (answer.type === "bindings") console.log(answer.bindings[0]?.get("n")?.value);
   * ```
   */
  async query(sparql: string): Promise<SparqlResults> {
    const graph = ["CONSTRUCT", "DESCRIBE"].includes(queryForm(sparql) ?? "");
    const response = await this.#send("POST", "/sparql", {
      body: sparql,
      headers: {
        "content-type": "application/sparql-query",
        accept: graph ? "application/n-quads" : "application/sparql-results+json",
      },
    });
    const text = await response.text();
    if (!graph) return parseResultsJson(text);
    const { parseNQuads } = await import("../graph/n3_parse.ts");
    return { type: "quads", quads: parseNQuads(text) };
  }

  /**
   * Runs a SPARQL 1.1 query at `/sparql` and returns the answer as sent, in
   * the media type `accept` names (e.g. `text/csv`, `text/turtle`).
   *
   * @example
   * ```ts ignore
   * console.log(await bridge.queryText("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", "text/csv"));
   * ```
   */
  async queryText(sparql: string, accept: string): Promise<string> {
    const response = await this.#send("POST", "/sparql", {
      body: sparql,
      headers: { "content-type": "application/sparql-query", accept },
    });
    return await response.text();
  }

  /** Ends this client's event streams and, when it started the bridge, stops the bridge. */
  async close(): Promise<void> {
    for (const stream of this.#streams) stream.abort();
    this.#streams.clear();
    await this.#owned?.close();
  }

  /** Same as {@linkcode Bridge.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
