/**
 * What `TorrentSession.add` was given, resolved: `.torrent` bytes or a path
 * to one (parsed, and refused if malformed or hostile), a magnet link, or a
 * bare infohash. For the last two, metadata saved by an earlier run in the
 * state directory is used when present.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { TorrentError } from "./errors.ts";
import { parseMagnet } from "./magnet.ts";
import { type Metainfo, parseMetainfo } from "./metainfo.ts";
import { statePaths } from "./resume.ts";

/** A resolved torrent source. */
export interface TorrentSource {
  /** The infohash, lowercase hex. */
  readonly infoHash: string;
  /** A name to show until the metadata is known. */
  readonly name: string;
  /** The parsed torrent, when known. */
  readonly meta: Metainfo | null;
  /** A bare magnet link for the infohash (what the engine is given without metadata). */
  readonly magnet: string;
  /** Trackers from the magnet link. */
  readonly announce: readonly string[];
  /** Web seeds from the magnet link. */
  readonly webSeeds: readonly string[];
  /** Peers (`x.pe`) from the magnet link. */
  readonly peers: readonly string[];
}

function fromMeta(meta: Metainfo, extra: Partial<TorrentSource> = {}): TorrentSource {
  return {
    infoHash: meta.infoHash,
    name: meta.name,
    meta,
    magnet: `magnet:?xt=urn:btih:${meta.infoHash}`,
    announce: [],
    webSeeds: [],
    peers: [],
    ...extra,
  };
}

/**
 * Resolves `source` (`.torrent` bytes or path, magnet link, or 40-hex infohash).
 *
 * @throws {MetainfoError} When the `.torrent` is malformed, hostile or unsupported.
 * @throws {MagnetError} When the magnet link is unusable.
 * @throws {TorrentError} With code `refused` when a `.torrent` path cannot be read.
 */
export async function resolveSource(
  source: Uint8Array | string,
  stateDir: string,
): Promise<TorrentSource> {
  if (source instanceof Uint8Array) return fromMeta(parseMetainfo(source));
  let infoHash: string;
  let extra: Partial<TorrentSource> = {};
  if (/^magnet:/i.test(source)) {
    const magnet = parseMagnet(source);
    infoHash = magnet.infoHash;
    extra = {
      announce: [...magnet.trackers],
      webSeeds: [...magnet.webSeeds],
      peers: [...magnet.peers],
      ...(magnet.name === undefined ? {} : { name: magnet.name }),
    };
  } else if (/^[0-9a-f]{40}$/i.test(source)) {
    infoHash = source.toLowerCase();
  } else {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(source);
    } catch (cause) {
      throw new TorrentError(
        "refused",
        `Cannot read torrent file ${
          JSON.stringify(source)
        }: ${cause} (give .torrent bytes or path, a magnet link, or an infohash)`,
        { cause },
      );
    }
    return fromMeta(parseMetainfo(bytes));
  }
  // Metadata fetched by an earlier run is kept in the state directory.
  const saved = await readFile(statePaths(stateDir, infoHash).torrent).catch(() => null);
  if (saved) {
    try {
      const meta = parseMetainfo(saved);
      if (meta.infoHash === infoHash) return fromMeta(meta, { ...extra, name: meta.name });
    } catch {
      // A damaged copy: fetch the metadata again.
    }
  }
  return {
    infoHash,
    name: extra.name ?? infoHash,
    meta: null,
    magnet: `magnet:?xt=urn:btih:${infoHash}`,
    announce: extra.announce ?? [],
    webSeeds: extra.webSeeds ?? [],
    peers: extra.peers ?? [],
  };
}
