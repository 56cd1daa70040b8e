/**
 * The DataSource directory loader contract, as in the original: a loader has a
 * base directory and a directory key, says whether it can load a DataSource,
 * and loads it into a directory inside its base directory.
 *
 * @module
 */
import type { SwarmSummary } from "../torrent/swarm_watch.ts";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { DataSource } from "../datasource/data_source.ts";
import { LoadFailedError } from "./errors.ts";
import { PathEscapeError, UnsafeFieldPathError } from "../fs/confine.ts";
import { InvalidInputError } from "../errors/invalid_input.ts";
import type { VerifyReport } from "../integrity/verify.ts";

/** Options passed through {@linkcode DataSourceDirLoader.load}. */
export interface LoadOptions {
  /** Cancels the load. */
  signal?: AbortSignal;
  /** Progress callback, in whatever units the loader reports (see its docs). */
  onProgress?: (progress: LoadProgress) => void;
  /** Peers this load dials besides the loader's own, `host:port` (loaders that download). */
  peers?: readonly string[];
  /** Re-download content present but damaged, for this load (default: the loader's setting). */
  repair?: boolean;
}

/**
 * Where a load's content came from: already `present` and verified here,
 * placed from the shared `cache`, a `download`, or made by a `translation`
 * (present and matching its recorded SHA-256, or made again from its inputs).
 * A loader that says nothing reports `present`.
 */
export type LoadOrigin = "present" | "cache" | "download" | "translation";

/**
 * The whole result of one load: each caller gets its own, so concurrent loads
 * (the bridge's) never read another's.
 *
 * @example
 * ```ts ignore
 * const result = await registry.load(await repo.get("CSVDataSource:worms"));
 * console.log(result.directory, result.origin, result.report?.ok, result.notes);
 * ```
 */
export interface LoadResult {
  /** The loaded directory (absolute). */
  directory: string;
  /** The key of the loader that loaded it. */
  loader: string;
  /** Where the content came from. */
  origin: LoadOrigin;
  /** The content itself, when the loader knows it (`<directory>/<torrent name>`). */
  contentPath?: string | undefined;
  /** The torrent's infohash, when a torrent was involved. */
  infoHash?: string | undefined;
  /** The verification report, when the loader verified. */
  report?: VerifyReport | undefined;
  /** Things worth telling (e.g. a cache entry that did not verify and was dropped). */
  notes: readonly string[];
}

/** What `loadDirectory` may return besides a bare directory: a result without the loader's key. */
export type LoadedContent = Omit<LoadResult, "loader" | "notes"> & { notes?: readonly string[] };

/** Progress of a load. */
export interface LoadProgress {
  /** Bytes present and verified so far. */
  bytesDone: number;
  /** Bytes in all. */
  bytesTotal: number;
  /** A short phrase for people, e.g. "downloading". */
  phase: string;
  /** What is known of the swarm while downloading (trackers, peers known, connected, failed). */
  swarm?: SwarmSummary;
}

/**
 * Turns a DataSource into a directory under `baseDirectory`. Subclasses
 * implement {@linkcode DataSourceDirLoader.canLoad} and `loadDirectory`; callers
 * use {@linkcode DataSourceDirLoader.load}, which checks the result: a
 * non-empty path, inside the base directory, existing, and a directory —
 * otherwise {@linkcode LoadFailedError}. A relative result is joined to the
 * base directory.
 *
 * @example A loader for content already on disk
 * ```ts
 * import { type DataSource } from "../../mod.ts";
 * import { DataSourceDirLoader } from "./mod.ts";
 * class LocalLoader extends DataSourceDirLoader {
 *   override canLoad(ds: DataSource) { return ds.key !== undefined; }
 *   protected override loadDirectory(ds: DataSource) { return Promise.resolve(ds.key!); }
 * }
 * const loader = new LocalLoader("/tmp/owm-data", "local");
 * console.log(loader.directoryKey); // "local"
 * ```
 */
export abstract class DataSourceDirLoader {
  /** The directory every loaded directory must be inside. */
  readonly baseDirectory: string;
  /** A key naming this loader's directories, e.g. `torrents`. */
  readonly directoryKey: string;

  /** Creates a loader with its base directory and directory key. */
  constructor(baseDirectory: string, directoryKey: string) {
    if (!/^[A-Za-z0-9_.-]+$/.test(directoryKey) || directoryKey === "." || directoryKey === "..") {
      throw new InvalidInputError(
        `Directory key '${directoryKey}' must be a plain name of letters, digits, '_', '.' and '-'`,
      );
    }
    this.baseDirectory = resolve(baseDirectory);
    this.directoryKey = directoryKey;
  }

  /** Whether this loader can load `ds`. False unless a subclass says otherwise. */
  canLoad(_ds: DataSource): boolean {
    return false;
  }

  /**
   * Produces the directory for `ds` (absolute, or relative to the base
   * directory), or the whole {@linkcode LoadedContent}.
   */
  protected abstract loadDirectory(
    ds: DataSource,
    options: LoadOptions,
  ): Promise<string | LoadedContent>;

  /**
   * Loads `ds` and checks the result: the directory must be non-empty,
   * inside the base directory, existing and a directory.
   *
   * @throws {LoadFailedError} when the loader fails or its result breaks a post-condition.
   * @throws {UnsafeFieldPathError} when a name `ds` records leads outside its folder.
   * @throws {PathEscapeError} when a path (or a link, `LinkEscapeError`) leads outside its folder.
   */
  async load(ds: DataSource, options: LoadOptions = {}): Promise<LoadResult> {
    let result: string | LoadedContent;
    try {
      result = await this.loadDirectory(ds, options);
    } catch (error) {
      // A name from data leading outside is the caller's mistake, named as such (not a failed load).
      if (
        error instanceof LoadFailedError || error instanceof UnsafeFieldPathError ||
        error instanceof PathEscapeError
      ) throw error;
      let reason = error instanceof Error ? error.message : String(error);
      if (/No space left on device|ENOSPC|os error 28/.test(reason)) {
        reason += ": free space on that disk, or load into another directory (owm fetch --dir);" +
          " what was downloaded is kept and the download resumes where it stopped";
      }
      throw new LoadFailedError(ds.identifier, reason, { cause: error });
    }
    const loaded = typeof result === "object" && result !== null
      ? result
      : { directory: result, origin: "present" as const };
    const directory = await this.#check(ds, loaded.directory);
    return {
      ...loaded,
      directory,
      loader: this.directoryKey,
      notes: [...(loaded.notes ?? [])],
    };
  }

  async #check(ds: DataSource, result: unknown): Promise<string> {
    if (typeof result !== "string" || result === "") {
      throw new LoadFailedError(ds.identifier, "the loader returned no directory");
    }
    const dir = isAbsolute(result) ? resolve(result) : resolve(join(this.baseDirectory, result));
    const rel = relative(this.baseDirectory, dir);
    if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) {
      throw new LoadFailedError(
        ds.identifier,
        `the loader returned ${dir}, which is not inside its base directory ${this.baseDirectory}`,
      );
    }
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(dir);
    } catch (error) {
      throw new LoadFailedError(ds.identifier, `the loaded directory ${dir} does not exist`, {
        cause: error,
      });
    }
    if (!info.isDirectory) {
      throw new LoadFailedError(ds.identifier, `the loaded path ${dir} is not a directory`);
    }
    return dir;
  }
}
