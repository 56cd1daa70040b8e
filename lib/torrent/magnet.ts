/**
 * Magnet links (BEP 9) for v1 torrents: making one from a torrent's metainfo,
 * and reading one from untrusted text.
 *
 * @module
 */
import type { Metainfo } from "./metainfo.ts";
import { escapeControls } from "./metainfo_error.ts";
import { OwmSyntaxError } from "../errors/owm_error.ts";

/** A magnet link that cannot be used. */
export class MagnetError extends OwmSyntaxError {
  /** The error's code: `bad-magnet`. */
  override readonly code: string = "bad-magnet";
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(escapeControls(message), options);
    this.name = "MagnetError";
  }
}

/** What a magnet link says. */
export interface Magnet {
  /** The v1 infohash, 40 lowercase hex digits. */
  readonly infoHash: string;
  /** The display name (`dn`), if any. */
  readonly name?: string;
  /** Tracker URLs (`tr`), without duplicates. */
  readonly trackers: readonly string[];
  /** Web seed URLs (`ws`), without duplicates. */
  readonly webSeeds: readonly string[];
  /** Direct peers (`x.pe`) as `host:port`, without duplicates. */
  readonly peers: readonly string[];
}

/** Options for {@linkcode magnetLink}. */
export interface MagnetLinkOptions {
  /** Direct peers to add as `x.pe`, each `host:port` or `[ipv6]:port`. */
  peers?: readonly string[];
}

const TRACKER_PROTOCOLS = new Set(["http:", "https:", "udp:", "ws:", "wss:"]);
const WEB_SEED_PROTOCOLS = new Set(["http:", "https:"]);
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const MAX_MAGNET_LENGTH = 64 * 1024;

/**
 * Checks a direct peer address: `host:port` or `[ipv6]:port`, port 1 to 65535.
 *
 * @param peer The address.
 * @returns Whether it is usable.
 */
export function isPeerAddress(peer: string): boolean {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(peer);
  if (!match) return false;
  const port = Number(match[2]);
  return port >= 1 && port <= 65535;
}

/**
 * Checks that `url` is an absolute URL with one of the `protocols`.
 *
 * @param url The URL text.
 * @param kind `"tracker"` (http, https, udp, ws, wss) or `"web seed"` (http, https).
 * @returns Whether it is usable.
 */
export function isUsableUrl(url: string, kind: "tracker" | "web seed"): boolean {
  if (!URL.canParse(url)) return false;
  const protocols = kind === "tracker" ? TRACKER_PROTOCOLS : WEB_SEED_PROTOCOLS;
  return protocols.has(new URL(url).protocol);
}

/**
 * Makes the magnet link of a torrent: `xt=urn:btih:` with the infohash, `dn`
 * the name, `tr` each tracker, `ws` each web seed, `x.pe` each direct peer.
 *
 * @param meta The torrent (its infohash, name, trackers and web seeds).
 * @param options Direct peers to include.
 * @returns The magnet link.
 * @throws {TypeError} When a peer is not `host:port`.
 *
 * @example
 * ```ts
 * import { magnetLink } from "./magnet.ts";
 *
 * const link = magnetLink(
 *   { infoHash: "c0fda1edafed4ef3b6c9a3a3e8a7c8d9b1a7c0aa", name: "temp", announce: [], urlList: [] },
 *   { peers: ["127.0.0.1:6881"] },
 * );
 * // "magnet:?xt=urn:btih:c0fd…&dn=temp&x.pe=127.0.0.1%3A6881"
 * ```
 */
export function magnetLink(
  meta: Pick<Metainfo, "infoHash" | "name" | "announce" | "urlList">,
  options: MagnetLinkOptions = {},
): string {
  const parts = [`xt=urn:btih:${meta.infoHash}`, `dn=${encodeURIComponent(meta.name)}`];
  for (const url of meta.announce) parts.push(`tr=${encodeURIComponent(url)}`);
  for (const url of meta.urlList) parts.push(`ws=${encodeURIComponent(url)}`);
  for (const peer of options.peers ?? []) {
    if (!isPeerAddress(peer)) {
      throw new TypeError(`Peer '${peer}' is not an address: give host:port or [ipv6]:port`);
    }
    parts.push(`x.pe=${encodeURIComponent(peer)}`);
  }
  return `magnet:?${parts.join("&")}`;
}

function base32ToHex(text: string): string | undefined {
  let bits = 0;
  let value = 0;
  let hex = "";
  for (const char of text.toUpperCase()) {
    const digit = BASE32.indexOf(char);
    if (digit < 0) return undefined;
    value = (value << 5) | digit;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      hex += ((value >> bits) & 0xff).toString(16).padStart(2, "0");
    }
  }
  return hex;
}

function infoHashOf(topics: string[]): string {
  const hashes = new Set<string>();
  let v2 = false;
  for (const topic of topics) {
    const lower = topic.toLowerCase();
    if (lower.startsWith("urn:btmh:")) {
      v2 = true;
      continue;
    }
    if (!lower.startsWith("urn:btih:")) continue;
    const value = topic.slice("urn:btih:".length);
    const hex = /^[0-9a-fA-F]{40}$/.test(value)
      ? value.toLowerCase()
      : value.length === 32
      ? base32ToHex(value)
      : undefined;
    if (hex === undefined) {
      throw new MagnetError(
        `Magnet link has an invalid infohash '${value}': it must be 40 hex or 32 base32 characters`,
      );
    }
    hashes.add(hex);
  }
  if (hashes.size > 1) {
    throw new MagnetError("Magnet link names more than one torrent (several urn:btih values)");
  }
  const [hash] = hashes;
  if (hash !== undefined) return hash;
  throw new MagnetError(
    v2
      ? "Magnet link is for a BitTorrent v2-only torrent (urn:btmh), which is not supported: ask for a v1 or hybrid torrent"
      : "Magnet link has no infohash: it needs xt=urn:btih:<40 hex digits>",
  );
}

/**
 * Reads a magnet link, validating everything it holds.
 *
 * @param uri The link (untrusted).
 * @returns The infohash, name, trackers, web seeds and peers.
 * @throws {MagnetError} When the link is not a usable v1 magnet link.
 *
 * @example
 * ```ts
 * import { parseMagnet } from "./magnet.ts";
 *
 * const magnet = parseMagnet(
 *   "magnet:?xt=urn:btih:c0fda1edafed4ef3b6c9a3a3e8a7c8d9b1a7c0aa&dn=temp&x.pe=127.0.0.1:6881",
 * );
 * console.log(magnet.infoHash, magnet.name, magnet.peers); // … "temp" ["127.0.0.1:6881"]
 * ```
 */
export function parseMagnet(uri: string): Magnet {
  if (uri.length > MAX_MAGNET_LENGTH) {
    throw new MagnetError(`Magnet link is longer than ${MAX_MAGNET_LENGTH} characters`);
  }
  if (!/^magnet:\?/i.test(uri)) {
    throw new MagnetError("Not a magnet link: it must start with 'magnet:?'");
  }
  const params = new URLSearchParams(uri.slice("magnet:?".length));
  const infoHash = infoHashOf(params.getAll("xt"));
  const checked = (key: string, ok: (value: string) => boolean, what: string) => {
    const values = new Set<string>();
    for (const value of params.getAll(key)) {
      const trimmed = value.trim();
      if (!ok(trimmed)) throw new MagnetError(`Magnet link has an invalid ${what}: '${trimmed}'`);
      values.add(trimmed);
    }
    return [...values];
  };
  const name = params.get("dn");
  return {
    infoHash,
    ...(name === null ? {} : { name }),
    trackers: checked("tr", (url) => isUsableUrl(url, "tracker"), "tracker URL"),
    webSeeds: checked("ws", (url) => isUsableUrl(url, "web seed"), "web seed URL"),
    peers: checked("x.pe", isPeerAddress, "peer address (x.pe must be host:port)"),
  };
}
