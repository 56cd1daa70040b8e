/**
 * The hooks into webtorrent that enforce bans and attribute data to peers.
 * webtorrent has no ban list of its own beyond an IP blocklist (which would
 * ban every peer behind one address, all of them on loopback), and no way to
 * learn who sent a block, so these wrap instance methods of one torrent and
 * of each of its wires (webtorrent 3.0.21, lib/torrent.js and
 * bittorrent-protocol 5.0.9).
 *
 * @module
 */
import type { EnginePeer, EngineTorrent, EngineWire } from "./engine.ts";
import type { BanList, PeerPolicy, PeerRef } from "./peer_policy.ts";

/**
 * Makes `torrent` refuse banned peers wherever they come from: `_addPeer`
 * creates every outgoing peer (manual, tracker, DHT, LSD, PEX, and
 * reconnects, lib/torrent.js `_addPeer`), `_addIncomingPeer` receives every
 * incoming one after its handshake (lib/conn-pool.js), `addWebSeed` every web
 * seed.
 */
export function refuseBannedPeers(torrent: EngineTorrent, bans: BanList): void {
  const addPeer = torrent._addPeer;
  torrent._addPeer = function (this: EngineTorrent, peer, type, source) {
    if (typeof peer === "string" && bans.has(peer)) return null;
    return addPeer.call(this, peer, type, source);
  };
  const addIncoming = torrent._addIncomingPeer;
  torrent._addIncomingPeer = function (this: EngineTorrent, peer: EnginePeer) {
    if (bans.has(peer.id, peer.wire?.peerId)) return peer.destroy(new Error("banned peer"));
    return addIncoming.call(this, peer);
  };
  const addWebSeed = torrent.addWebSeed;
  torrent.addWebSeed = function (this: EngineTorrent, url: string) {
    if (!bans.has(url)) addWebSeed.call(this, url);
  };
}

/** Closes every connection of `torrent` to `peer` (by address or peer id). */
export function disconnectPeer(torrent: EngineTorrent, peer: PeerRef): void {
  const peers = torrent._peers;
  if (!peers || torrent.destroyed) return;
  for (const p of [...peers.values()]) {
    if (p.id === peer.address || p.wire?.peerId === peer.id) torrent.removePeer(p.id);
  }
}

/** What {@linkcode watchWire} reports to. */
export interface WireWatch {
  /** Session-wide bans. */
  bans: BanList;
  /** The torrent's strike counts. */
  policy: PeerPolicy;
  /** Piece data received (bytes). */
  onDownload(bytes: number): void;
  /** Piece data sent (bytes). */
  onUpload(bytes: number): void;
}

/**
 * Called for each new wire (the torrent's `wire` event, lib/torrent.js
 * `_onWire`, before any request is made on it): closes it if the peer is
 * banned; otherwise counts payload bytes, and wraps `wire.request` so that
 * each block that arrives for the current download attempt of its piece
 * (`torrent.pieces[index]`, the same object before and after, as webtorrent
 * checks in `_request`) is reported to the policy with its sender.
 */
export function watchWire(
  torrent: EngineTorrent,
  wire: EngineWire,
  addr: string | undefined,
  watch: WireWatch,
): void {
  const peers = [...(torrent._peers?.values() ?? [])];
  // Web seeds have no address: their peer id in webtorrent is the URL.
  const address = addr ?? peers.find((p) => p.wire === wire)?.id ?? "unknown";
  if (watch.bans.has(address, wire.peerId)) {
    const peer = peers.find((p) => p.wire === wire);
    return peer ? torrent.removePeer(peer.id) : wire.destroy();
  }
  const ref: PeerRef = { id: wire.peerId ?? address, address };
  guardWire(torrent, wire);
  wire.on("download", (bytes: number) => watch.onDownload(bytes));
  wire.on("upload", (bytes: number) => watch.onUpload(bytes));
  const request = wire.request;
  const policy = watch.policy;
  wire.request = function (this: EngineWire, index, offset, length, cb) {
    const attempt = torrent.pieces[index];
    return request.call(this, index, offset, length, (err, chunk) => {
      if (!err && chunk && attempt && torrent.pieces?.[index] === attempt) {
        policy.block(index, attempt, offset, ref, chunk);
      }
      return cb(err, chunk);
    });
  };
}

/**
 * The longest wire message accepted, in bytes (libtorrent's default receive
 * buffer limit). The largest honest message is a bitfield of 2^21 pieces
 * (256 KiB) or a 16 KiB block; bittorrent-protocol itself has no limit and
 * buffers whatever length prefix a peer announces.
 */
export const MAX_MESSAGE_LENGTH = 2 * 1024 * 1024;

/** bittorrent-protocol 5.0.9's private parser state, used by {@linkcode guardWire}. */
interface WireParser {
  _parse(size: number, parser: unknown): void;
  peerPieces?: { buffer?: Uint8Array };
}

/**
 * Closes `wire` when the peer announces a message longer than
 * {@linkcode MAX_MESSAGE_LENGTH} (each message length goes through
 * `_parse(length, _onMessage)`, lib index.js `_onMessageLength`), or sends a
 * bitfield of the wrong length or with spare bits set (BEP 3: drop the
 * connection), once the torrent's piece count is known.
 */
export function guardWire(torrent: EngineTorrent, wire: EngineWire): void {
  // A web seed's wire is webtorrent's own emulation (lib/webconn.js), which
  // sets one bit past the last piece in the bitfield it makes for itself.
  if (wire.type === "webSeed") return;
  const inner = wire as unknown as WireParser;
  const parse = inner._parse;
  if (typeof parse !== "function") return;
  inner._parse = function (this: WireParser, size: number, parser: unknown) {
    // Number.MAX_VALUE is how the wire parks its parser when it ends.
    if (size > MAX_MESSAGE_LENGTH && size !== Number.MAX_VALUE) {
      parse.call(this, Number.MAX_VALUE, () => {});
      return wire.destroy();
    }
    return parse.call(this, size, parser);
  };
  wire.on("bitfield", () => {
    const count = torrent.pieces?.length ?? 0;
    const bits = inner.peerPieces?.buffer;
    if (count === 0 || !bits) return; // the metadata is not known yet
    const spare = count % 8 === 0 ? 0 : 0xff >> (count % 8);
    if (bits.length !== Math.ceil(count / 8) || (bits[bits.length - 1]! & spare) !== 0) {
      wire.destroy();
    }
  });
}
