/**
 * `owm fetch <magnet|file.torrent>` without the network: content already in
 * the target folder, or in the shared cache, checked against the torrent's
 * piece hashes; offline, anything else is an {@linkcode OfflineError}. And
 * adding such a fetch's download to the cache.
 *
 * @module
 */
import { join } from "node:path";
import { ContentCache } from "../cache/content_cache.ts";
import { unshareTree } from "../cache/link.ts";
import { serveFromCache } from "../cache/serve.ts";
import { torrentPiecesCheck } from "../integrity/torrent_pieces.ts";
import { verify, type VerifyReport } from "../integrity/verify.ts";
import { OfflineError } from "../loader/offline.ts";
import { parseMagnet } from "../torrent/magnet.ts";
import { type Metainfo, parseMetainfo } from "../torrent/metainfo.ts";
import { type CliIo, printJson } from "./io.ts";
import { pathExists } from "../fs/exists.ts";

/** Where and how {@linkcode fetchTorrentFromCache} looks. */
export interface CachedTorrentFetch {
  /** The magnet link or `.torrent` bytes. */
  source: string | Uint8Array;
  /** The folder the content goes in, given the infohash and whether it came by magnet. */
  directoryFor: (infoHash: string) => string;
  /** Offline: fail rather than return `undefined`. */
  offline: boolean;
  /** The store home (named in the cache's record). */
  home: string;
  /** What the user typed, for messages. */
  target: string;
  /** `--json`. */
  json: boolean;
}

/**
 * Prints and returns the exit code when the torrent's content is here and
 * verified (already in its folder, or placed from the shared cache); returns
 * `undefined` when it must be downloaded.
 *
 * @example
 * ```ts ignore
 * const code = await fetchTorrentFromCache({ source: magnet, directoryFor, offline, home, target, json }, io);
 * if (code !== undefined) return code;
 * ```
 *
 * @throws {OfflineError} offline, when the content is neither here nor in the cache, or does not verify.
 */
export async function fetchTorrentFromCache(
  request: CachedTorrentFetch,
  io: CliIo,
): Promise<number | undefined> {
  const given = typeof request.source === "string" ? undefined : parseMetainfo(request.source);
  const infoHash = given?.infoHash ??
    parseMagnet(request.source as string).infoHash;
  const cache = ContentCache.fromEnv();
  const entry = await cache?.get(infoHash).catch(() => undefined);
  const meta = given ?? entry?.meta;
  const directory = request.directoryFor(infoHash);
  const offlineError = (reason: "missing" | "unverified", detail?: string) =>
    new OfflineError({
      identifier: infoHash,
      name: infoHash,
      what: "torrent",
      reason,
      looked: [directory, ...(cache ? [`the shared cache ${cache.dir}`] : [])],
      ...(detail === undefined ? {} : { detail }),
      fetch: `owm fetch ${request.target}`,
    });
  if (meta) {
    const present = join(directory, meta.name);
    if (await pathExists(present)) {
      const report = await verify(present, { pieces: torrentPiecesCheck(meta) });
      if (report.ok) return print(request, io, directory, present, meta, report, false);
      if (request.offline) throw offlineError("unverified", "its piece hashes do not match");
      // The session repairs it in place: never through a hard link into the cache.
      await unshareTree(present);
      return undefined;
    }
  }
  if (cache && entry && meta) {
    const served = await serveFromCache(cache, entry, directory, {
      name: meta.name,
      verify: (path) => verify(path, { pieces: torrentPiecesCheck(meta) }),
      home: request.home,
    });
    if ("contentPath" in served) {
      return print(request, io, directory, served.contentPath, meta, served.report, true);
    }
  }
  if (request.offline) throw offlineError("missing");
  return undefined;
}

/** Adds a verified download to the shared cache; a failure is said on stderr, not fatal. */
export async function cacheDownload(
  contentPath: string,
  meta: Metainfo,
  home: string,
  io: CliIo,
): Promise<void> {
  try {
    await ContentCache.fromEnv()?.add(contentPath, meta, { home });
  } catch (error) {
    io.err(`owm: cache: not added to the shared cache: ${(error as Error).message}`);
  }
}

function print(
  request: CachedTorrentFetch,
  io: CliIo,
  directory: string,
  contentPath: string,
  meta: Metainfo,
  report: VerifyReport,
  fromCache: boolean,
): number {
  if (request.json) {
    printJson(io, {
      directory,
      contentPath,
      infoHash: meta.infoHash,
      verified: report.ok,
      fromCache,
      checks: report.checks,
    });
  } else {
    if (fromCache) io.err("owm: from the shared cache");
    io.out(directory);
  }
  return 0;
}
