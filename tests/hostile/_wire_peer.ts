/**
 * A hostile BitTorrent peer for tests, written on node:net: it speaks just
 * enough of the wire protocol (BEP 3 handshake, bitfield, unchoke, piece;
 * BEP 10/9 extended handshake and ut_metadata) to misbehave in one chosen way.
 *
 * @module
 */
import { connect, type Socket } from "node:net";

/** How the peer misbehaves after the handshake. */
export type Misbehaviour =
  | { kind: "bad-pieces"; pieceCount: number }
  | { kind: "oversized"; length: number; stream: number }
  | { kind: "bogus-bitfield"; bitfield: Uint8Array }
  /** Claims every piece and unchokes, then never answers a request (counting them). */
  | { kind: "stall"; pieceCount: number }
  | { kind: "metadata"; info: Uint8Array };

/** A running hostile peer. */
export interface HostilePeer extends AsyncDisposable {
  /** Connections that completed the handshake. */
  readonly handshakes: number;
  /** Connections the other side closed (or reset). */
  readonly closedByRemote: number;
  /** ut_metadata pieces served. */
  readonly metadataServed: number;
  /** Blocks of garbage served. */
  readonly piecesServed: number;
  /** Block requests received and never answered ("stall"). */
  readonly requestsIgnored: number;
}

const PROTOCOL = new TextEncoder().encode("\x13BitTorrent protocol");
const latin1 = new TextDecoder("latin1");
const enc = new TextEncoder();

function message(id: number, payload: Uint8Array = new Uint8Array()): Uint8Array {
  const out = new Uint8Array(5 + payload.length);
  new DataView(out.buffer).setUint32(0, 1 + payload.length);
  out[4] = id;
  out.set(payload, 5);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Connects a hostile peer to `target` (`host:port` of a session) for the
 * torrent `infoHash` (hex). It dials in rather than listening: webtorrent's
 * outgoing connections start with an MSE/PE handshake, its incoming ones
 * accept plain BitTorrent.
 */
export function startHostilePeer(
  target: string,
  infoHash: string,
  behaviour: Misbehaviour,
): HostilePeer {
  const stats = {
    handshakes: 0,
    closedByRemote: 0,
    metadataServed: 0,
    piecesServed: 0,
    requestsIgnored: 0,
  };
  let closing = false;
  const [host, port] = [
    target.slice(0, target.lastIndexOf(":")),
    target.slice(target.lastIndexOf(":") + 1),
  ];
  const reserved = new Uint8Array(8);
  if (behaviour.kind === "metadata") reserved[5] = 0x10; // BEP 10
  const hash = new Uint8Array(infoHash.match(/../g)!.map((h) => parseInt(h, 16)));
  const peerId = enc.encode(`-HS0001-${crypto.randomUUID().slice(0, 12)}`);
  let remoteMetadataId = 0;
  let socket: Socket;
  let attempts = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;
  // A session refuses a connection for a torrent it is still adding: until
  // the handshake is answered, dial again (bounded).
  const dial = () => {
    retry = undefined;
    attempts++;
    let buffer: Uint8Array = new Uint8Array();
    let shook = false;
    const conn = socket = connect(Number(port), host);
    conn.on("error", () => {});
    conn.on("close", () => {
      if (closing) return;
      if (shook) stats.closedByRemote++;
      else if (attempts < 200) retry = setTimeout(dial, 100);
    });
    conn.write(concat(PROTOCOL, reserved, hash, peerId));
    conn.on("data", (chunk: Uint8Array) => {
      buffer = concat(buffer, new Uint8Array(chunk));
      if (!shook) {
        if (buffer.length < 68) return;
        buffer = buffer.slice(68);
        shook = true;
        stats.handshakes++;
        onHandshake(conn);
      }
      while (buffer.length >= 4) {
        const length = new DataView(buffer.buffer, buffer.byteOffset).getUint32(0);
        if (buffer.length < 4 + length) return;
        const body = buffer.slice(4, 4 + length);
        buffer = buffer.slice(4 + length);
        if (length > 0) onMessage(conn, body[0]!, body.subarray(1));
      }
    });
  };
  dial();

  function onHandshake(socket: Socket) {
    switch (behaviour.kind) {
      case "bad-pieces":
      case "stall": {
        const bits = new Uint8Array(Math.ceil(behaviour.pieceCount / 8)).fill(0xff);
        const spare = behaviour.pieceCount % 8;
        if (spare) bits[bits.length - 1] = (0xff << (8 - spare)) & 0xff;
        socket.write(concat(message(5, bits), message(1)));
        break;
      }
      case "bogus-bitfield":
        socket.write(concat(message(5, behaviour.bitfield), message(1)));
        break;
      case "oversized": {
        const prefix = new Uint8Array(5);
        new DataView(prefix.buffer).setUint32(0, behaviour.length);
        prefix[4] = 7;
        socket.write(prefix);
        const chunk = new Uint8Array(64 * 1024).fill(0x41);
        let sent = 0;
        const pump = () => {
          while (!socket.destroyed && sent < behaviour.stream) {
            sent += chunk.length;
            if (!socket.write(chunk)) return void socket.once("drain", pump);
          }
        };
        pump();
        break;
      }
      case "metadata": {
        const hs = enc.encode(
          `d1:md11:ut_metadatai3ee13:metadata_sizei${behaviour.info.length}ee`,
        );
        socket.write(message(20, concat(new Uint8Array([0]), hs)));
        break;
      }
    }
  }

  function onMessage(socket: Socket, id: number, payload: Uint8Array) {
    if (behaviour.kind === "stall" && id === 6) stats.requestsIgnored++;
    if (behaviour.kind === "bad-pieces" && id === 6 && payload.length === 12) {
      const view = new DataView(payload.buffer, payload.byteOffset);
      const block = new Uint8Array(view.getUint32(8));
      crypto.getRandomValues(block.subarray(0, Math.min(block.length, 65536)));
      stats.piecesServed++;
      socket.write(message(7, concat(payload.slice(0, 8), block)));
    }
    if (behaviour.kind === "metadata" && id === 20) {
      const text = latin1.decode(payload.subarray(1));
      if (payload[0] === 0) {
        remoteMetadataId = Number(/11:ut_metadatai(\d+)e/.exec(text)?.[1] ?? 0);
        return;
      }
      const request = /8:msg_typei0e5:piecei(\d+)e/.exec(text);
      if (!request || remoteMetadataId === 0) return;
      const piece = Number(request[1]);
      const data = behaviour.info.subarray(piece * 16384, (piece + 1) * 16384);
      const dict = enc.encode(
        `d8:msg_typei1e5:piecei${piece}e10:total_sizei${behaviour.info.length}ee`,
      );
      stats.metadataServed++;
      socket.write(message(20, concat(new Uint8Array([remoteMetadataId]), dict, data)));
    }
  }
  return {
    get handshakes() {
      return stats.handshakes;
    },
    get closedByRemote() {
      return stats.closedByRemote;
    },
    get metadataServed() {
      return stats.metadataServed;
    },
    get piecesServed() {
      return stats.piecesServed;
    },
    get requestsIgnored() {
      return stats.requestsIgnored;
    },
    async [Symbol.asyncDispose]() {
      closing = true;
      clearTimeout(retry);
      if (socket.destroyed) return;
      const closed = new Promise((resolve) => socket.once("close", resolve));
      socket.destroy();
      await closed;
    },
  };
}
