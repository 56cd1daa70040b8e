/**
 * Configuring torrent indexes from short specs, and looking a torrent up
 * through several indexes in order.
 *
 * Specs:
 * - `dir:<path>`: a folder (relative paths against the working directory);
 *   `file:///path` works too.
 * - `http://host/base/`, `https://host/base/`: an HTTP(S) index.
 * - `drive:`: Google Drive, anywhere the credentials can see;
 *   `drive:<folderId>`: one Drive folder.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { resolveStoreHome } from "../graph/store.ts";
import { DriveIndex, type DriveIndexOptions } from "./drive_index.ts";
import { HttpIndex } from "./http_index.ts";
import { LocalFolderIndex } from "./local_folder_index.ts";
import {
  type FetchOptions,
  type FindOptions,
  IndexAuthError,
  type IndexEntry,
  IndexError,
  type TorrentIndex,
  TorrentNotFoundError,
  validateTorrentFileName,
} from "./torrent_index.ts";
import { InvalidInputError } from "../errors/invalid_input.ts";
import { OwmSyntaxError } from "../errors/owm_error.ts";

/** Options for {@linkcode resolveIndexes}. */
export interface ResolveIndexesOptions {
  /** The store directory (Drive credentials live there). @default `OWM_HOME`, else `./.owm` */
  storeHome?: string;
  /** The bearer token for HTTP(S) indexes (each sends it to its own origin only). */
  httpToken?: string | undefined;
  /** Extra options for Drive indexes (a test server's `rootUrl`, an explicit `auth`, …). */
  drive?: Omit<DriveIndexOptions, "storeHome" | "folderId">;
}

/**
 * Turns index specs into indexes, in the same order.
 *
 * @throws {SyntaxError} for a spec in none of the accepted forms
 *
 * @example
 * ```ts
 * import { resolveIndexes } from "./config.ts";
 * const [dir, web, drive] = resolveIndexes(["dir:/srv/torrents", "https://t.example/owm/", "drive:"]);
 * console.log(dir?.kind, web?.kind, drive?.kind); // dir http drive
 * ```
 */
export function resolveIndexes(
  specs: readonly string[],
  options: ResolveIndexesOptions = {},
): TorrentIndex[] {
  return specs.map((spec) => resolveIndex(spec, options));
}

/** A torrent index spec (`--index`, `OWM_INDEXES`) that cannot be used. */
export class IndexSpecError extends OwmSyntaxError {
  /** The error's code: `bad-index`. */
  override readonly code: string = "bad-index";
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "IndexSpecError";
  }
}

function resolveIndex(spec: string, options: ResolveIndexesOptions): TorrentIndex {
  const forms = 'use "dir:<path>", "http(s)://host/base/", "drive:" or "drive:<folderId>"';
  if (spec.startsWith("dir:")) {
    const path = spec.slice(4);
    if (path === "") {
      throw new IndexSpecError(
        `Invalid torrent index "dir:": give a folder, e.g. "dir:./torrents"`,
      );
    }
    return new LocalFolderIndex(path);
  }
  if (spec.startsWith("file:")) {
    try {
      return new LocalFolderIndex(fileURLToPath(spec));
    } catch (error) {
      throw new IndexSpecError(
        `Invalid torrent index ${JSON.stringify(spec)}: ${(error as Error).message}`,
      );
    }
  }
  if (/^https?:\/\//i.test(spec)) {
    try {
      return new HttpIndex(spec, { token: options.httpToken });
    } catch (error) {
      throw new IndexSpecError((error as Error).message, { cause: error });
    }
  }
  if (spec === "drive:" || spec.startsWith("drive:")) {
    const folderId = spec.slice(6) || undefined;
    try {
      return new DriveIndex({
        ...options.drive,
        storeHome: resolveStoreHome(options.storeHome),
        folderId,
      });
    } catch (error) {
      throw new IndexSpecError((error as Error).message, { cause: error });
    }
  }
  throw new IndexSpecError(`Invalid torrent index ${JSON.stringify(spec)}: ${forms}`);
}

/** Where a torrent was found. */
export interface TorrentHit {
  /** The index that holds it. */
  index: TorrentIndex;
  /** Its entry there. */
  entry: IndexEntry;
}

/**
 * Asks each index in order for `fileName` and returns the first hit. An index
 * that fails (say, missing Drive credentials) does not stop the search.
 *
 * @throws {TorrentNotFoundError} when every index answered that it does not hold it
 * @throws {TorrentLookupError} when none holds it and some failed; the message lists every
 *   index's answer
 *
 * @example
 * ```ts ignore
 * const { index, entry } = await findTorrent(resolveIndexes(["dir:./t", "drive:"]), "a.torrent");
 * ```
 */
export async function findTorrent(
  indexes: readonly TorrentIndex[],
  fileName: string,
  options: FindOptions = {},
): Promise<TorrentHit> {
  return await firstHit(indexes, fileName, options, async (index) => {
    const entry = await index.find(fileName, options);
    return entry && { index, entry };
  });
}

/** A torrent's bytes and where they came from. */
export interface FetchedTorrent {
  /** The index the bytes came from. */
  index: TorrentIndex;
  /** The `.torrent` bytes. */
  bytes: Uint8Array;
}

/**
 * Like {@linkcode findTorrent}, but fetches the bytes from the first index that
 * has it (moving on to the next index if that fetch fails).
 *
 * @example
 * ```ts ignore
 * const { index, bytes } = await fetchTorrent(resolveIndexes(["dir:./t", "drive:"]), "a.torrent");
 * ```
 */
export async function fetchTorrent(
  indexes: readonly TorrentIndex[],
  fileName: string,
  options: FetchOptions = {},
): Promise<FetchedTorrent> {
  // Each index's fetch looks the name up itself and throws TorrentNotFoundError when it
  // does not hold it, which firstHit counts as "not here".
  return await firstHit(indexes, fileName, options, async (index) => ({
    index,
    bytes: await index.fetch(fileName, options),
  }));
}

async function firstHit<T>(
  indexes: readonly TorrentIndex[],
  fileName: string,
  options: FindOptions,
  attempt: (index: TorrentIndex) => Promise<T | undefined>,
): Promise<T> {
  validateTorrentFileName(fileName);
  if (indexes.length === 0) {
    throw new InvalidInputError(
      `No torrent index is configured to look for ${
        JSON.stringify(fileName)
      } in: add one, e.g. "dir:<path>", "https://…/" or "drive:"`,
      { status: 409, code: "no-index" },
    );
  }
  const failures: { index: TorrentIndex; error: unknown }[] = [];
  for (const index of indexes) {
    options.signal?.throwIfAborted();
    try {
      const hit = await attempt(index);
      if (hit !== undefined) return hit;
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (error instanceof TypeError) throw error;
      if (!(error instanceof TorrentNotFoundError)) failures.push({ index, error });
    }
  }
  const locations = indexes.map((i) => i.location);
  if (failures.length === 0) throw new TorrentNotFoundError(fileName, locations);
  throw new TorrentLookupError(fileName, indexes, failures);
}

/**
 * No index had the torrent and at least one failed (unreachable, refused
 * credentials, …): the torrent may be in a failing one. The message lists
 * every index's answer; `failures` holds the errors.
 */
export class TorrentLookupError extends IndexError {
  /** The error's code: `torrent-lookup`. */
  override readonly code: string = "torrent-lookup";
  /** The file name looked for. */
  readonly fileName: string;
  /** The failing indexes and their errors, in order. */
  readonly failures: readonly { index: TorrentIndex; error: unknown }[];
  /** Creates the error. */
  constructor(
    fileName: string,
    indexes: readonly TorrentIndex[],
    failures: readonly { index: TorrentIndex; error: unknown }[],
  ) {
    const locations = indexes.map((i) => i.location);
    super({ kind: "several", location: locations.join(", ") }, "lookup failed", {
      cause: new AggregateError(failures.map((f) => f.error), "Torrent index failures"),
    });
    this.name = "TorrentLookupError";
    this.fileName = fileName;
    this.failures = failures;
    const answers = indexes.map((index) => {
      const failure = failures.find((f) => f.index === index);
      if (!failure) return `Torrent index "${index.location}": not found`;
      const error = failure.error;
      return error instanceof IndexError || error instanceof IndexAuthError
        ? error.message
        : `Torrent index "${index.location}": ${
          error instanceof Error ? error.message : String(error)
        }`;
    });
    this.message = `Torrent ${JSON.stringify(fileName)} was not found, and ${failures.length} of ` +
      `${indexes.length} torrent indexes failed (fix them and try again):\n  - ${
        answers.join("\n  - ")
      }`;
  }
}
