/**
 * The BitTorrent loader: finds a DataSource's torrent (by its recorded torrent
 * file name in the configured indexes, or by its infohash or magnet link),
 * downloads the content with a persistent torrent session, verifies it against
 * everything the DataSource records, records the infohash and hashes in the
 * graph, and returns the directory.
 *
 * @module
 */
import { join } from "node:path";
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
  #options: BitTorrentLoaderOptions;
  #session: Promise<TorrentSession> | undefined;
  #last = new Map<string, BitTorrentLoadResult>();

  /** Creates the loader with its base directory. */
  constructor(baseDirectory: string, options: BitTorrentLoaderOptions) {
    super(baseDirectory, options.directoryKey ?? "bittorrent");
    this.#options = options;
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
    return join(this.baseDirectory, leaf);
  }

  /** Finds the torrent, downloads (or checks what is present), verifies and records. */
  protected override async loadDirectory(ds: DataSource, options: LoadOptions): Promise<string> {
    const dir = this.directoryFor(ds);
    const source = await this.#torrentSource(ds, options.signal);
    const recordedHash = stringField(ds, "infoHash")?.toLowerCase();
    if (source.meta && recordedHash && source.meta.infoHash !== recordedHash) {
      throw new LoadFailedError(
        ds.identifier,
        `the torrent found as ${source.found} has infohash ${source.meta.infoHash}, but the DataSource records ${recordedHash}: the index holds a different torrent under that name; fix the index or the record`,
      );
    }
    if (source.meta) {
      const present = join(dir, source.meta.name);
      if (await exists(present)) {
        options.onProgress?.({ bytesDone: 0, bytesTotal: source.meta.length, phase: "verifying" });
        const report = await this.#verify(ds, present, source.meta, options.signal);
        if (report.ok) return await this.#finish(ds, dir, present, source.meta, report, true);
        const unfinished = await (await this.#openSession()).hasUnfinished(source.meta.infoHash);
        if (!this.#options.repair && !unfinished) {
          throw new LoadFailedError(
            ds.identifier,
            `content at ${present} is present but does not verify (${
              failures(report)
            }): load with repair to re-download the bad pieces`,
          );
        }
      }
    }
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
    const meta = handle.metainfo!;
    const contentPath = handle.contentPath ?? join(dir, meta.name);
    onProgress?.({ bytesDone: meta.length, bytesTotal: meta.length, phase: "verifying" });
    const report = await this.#verify(ds, contentPath, meta, options.signal);
    if (!report.ok) {
      throw new LoadFailedError(
        ds.identifier,
        `the downloaded content at ${contentPath} does not verify (${
          failures(report)
        }): the torrent's data differs from what the DataSource records`,
      );
    }
    return await this.#finish(ds, dir, contentPath, meta, report, false);
  }

  async #finish(
    ds: DataSource,
    dir: string,
    contentPath: string,
    meta: Metainfo,
    report: VerifyReport,
    alreadyPresent: boolean,
  ): Promise<string> {
    const learnt: Record<string, unknown> = {};
    if (stringField(ds, "infoHash") === undefined) learnt.infoHash = meta.infoHash;
    if (stringField(ds, "magnetLink") === undefined) learnt.magnetLink = magnetLink(meta);
    if (ds.fields.has("sha256") && stringField(ds, "sha256") === undefined) {
      learnt.sha256 = (await digestContent(contentPath, ["sha256"])).digests.sha256;
    }
    if (this.#options.repository && Object.keys(learnt).length > 0) {
      await this.#options.repository.record(ds, learnt);
    }
    this.#last.set(ds.identifier, {
      directory: dir,
      contentPath,
      infoHash: meta.infoHash,
      report,
      alreadyPresent,
    });
    return dir;
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

  async #openSession(): Promise<TorrentSession> {
    const session = this.#options.session;
    if (typeof session !== "function") return session;
    this.#session ??= session();
    return await this.#session;
  }

  async #torrentSource(
    ds: DataSource,
    signal: AbortSignal | undefined,
  ): Promise<{ torrent: Uint8Array | string; meta: Metainfo | undefined; found: string }> {
    const fileName = stringField(ds, "torrentFileName");
    const indexes = this.#options.indexes ?? [];
    if (fileName !== undefined && indexes.length > 0) {
      try {
        const fetched = await fetchTorrent(indexes, fileName, signal ? { signal } : {});
        return {
          torrent: fetched.bytes,
          meta: parseMetainfo(fetched.bytes),
          found: fetched.index.location,
        };
      } catch (error) {
        if (!stringField(ds, "magnetLink") && !stringField(ds, "infoHash")) throw error;
      }
    }
    const magnet = stringField(ds, "magnetLink");
    if (magnet !== undefined) {
      parseMagnet(magnet);
      return { torrent: magnet, meta: undefined, found: "its magnet link" };
    }
    const infoHash = stringField(ds, "infoHash");
    if (infoHash !== undefined) {
      return { torrent: infoHash, meta: undefined, found: "its infohash" };
    }
    throw new LoadFailedError(
      ds.identifier,
      fileName === undefined
        ? "it records no torrent file name, infohash or magnet link"
        : `no index is configured to find ${fileName}: configure an index (a folder, an HTTP index or Google Drive)`,
    );
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

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}
