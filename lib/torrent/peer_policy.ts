/**
 * Counting hash failures per peer, and deciding when to ban one.
 *
 * webtorrent checks each completed piece against its SHA-1, throws the piece
 * away when it fails, and asks again, forever, from whoever has it. This
 * module remembers which peer supplied each 16 KiB block of a piece being
 * downloaded, so that a failure can be pinned on someone:
 *
 * - every block came from one peer: that peer gets a strike at once;
 * - blocks came from several peers: nobody is blamed yet; the digest of each
 *   block is kept, and when the piece later passes its hash, the peers whose
 *   blocks differ from the good data get a strike (libtorrent calls this
 *   "smart ban"), so an honest peer that happened to share a bad piece is
 *   never blamed.
 *
 * A peer with `maxFailures` strikes is banned through `onBan`. Nothing here
 * knows about webtorrent; the engine feeds it blocks, failures and verified
 * pieces.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** The unit webtorrent requests (and this module attributes) data in. */
export const BLOCK_LENGTH = 16384;

/** A peer as the policy sees it. */
export interface PeerRef {
  /** What strikes are counted against: the peer id when known, else the address. */
  readonly id: string;
  /** What is reported and blocked: `"ip:port"` or a web seed URL. */
  readonly address: string;
}

/** Options for {@linkcode PeerPolicy}. */
export interface PeerPolicyOptions {
  /** Strikes that get a peer banned. @default {3} */
  maxFailures?: number;
  /** Called once per banned peer. */
  onBan?: (peer: PeerRef) => void;
}

interface Attempt {
  readonly token: object;
  readonly blocks: Map<number, { peer: PeerRef; data: Uint8Array }>;
}

type Suspects = { offset: number; length: number; peer: PeerRef; digest: string }[];

function digest(bytes: Uint8Array): string {
  return createHash("sha1").update(bytes).digest("hex");
}

/**
 * Per-torrent record of who sent what, with strike counts and bans.
 *
 * @example
 * ```ts
 * import { PeerPolicy } from "./peer_policy.ts";
 *
 * const banned: string[] = [];
 * const policy = new PeerPolicy({ maxFailures: 2, onBan: (p) => banned.push(p.address) });
 * const bad = { id: "bad", address: "10.0.0.1:6881" };
 * for (let i = 0; i < 2; i++) {
 *   const attempt = {};
 *   policy.block(0, attempt, 0, bad, new Uint8Array(16384));
 *   policy.failed(0, 16384);
 * }
 * console.log(banned); // ["10.0.0.1:6881"]
 * ```
 */
export class PeerPolicy {
  /** Bytes of pieces that failed their hash. */
  corruptBytes = 0;
  /** Hash failures that could not be pinned on anyone yet, or at all. */
  unattributed = 0;
  readonly #max: number;
  readonly #onBan: (peer: PeerRef) => void;
  readonly #attempts = new Map<number, Attempt>();
  readonly #suspects = new Map<number, Suspects>();
  readonly #strikes = new Map<string, number>();
  readonly #banned = new Map<string, PeerRef>();

  /** Creates an empty policy. */
  constructor(options: PeerPolicyOptions = {}) {
    this.#max = Math.max(1, options.maxFailures ?? 3);
    this.#onBan = options.onBan ?? (() => {});
  }

  /** The banned peers' addresses. */
  get banned(): string[] {
    return [...this.#banned.values()].map((peer) => peer.address);
  }

  /** Strikes against `id` so far. */
  strikes(id: string): number {
    return this.#strikes.get(id) ?? 0;
  }

  /**
   * Notes that `peer` supplied `data` at `offset` of piece `index`, for the
   * download attempt `token` (a new token starts a new attempt). Blocks
   * already held for the attempt are ignored, as the engine ignores them.
   */
  block(index: number, token: object, offset: number, peer: PeerRef, data: Uint8Array): void {
    let attempt = this.#attempts.get(index);
    if (attempt?.token !== token) {
      attempt = { token, blocks: new Map() };
      this.#attempts.set(index, attempt);
    }
    for (let at = 0; at < data.length; at += BLOCK_LENGTH) {
      const key = offset + at;
      if (attempt.blocks.has(key)) continue;
      attempt.blocks.set(key, { peer, data: data.subarray(at, at + BLOCK_LENGTH) });
    }
  }

  /** The last attempt at piece `index` (`length` bytes) failed its hash. */
  failed(index: number, length: number): void {
    this.corruptBytes += length;
    const attempt = this.#attempts.get(index);
    this.#attempts.delete(index);
    const peers = new Map<string, PeerRef>();
    for (const { peer } of attempt?.blocks.values() ?? []) peers.set(peer.id, peer);
    if (peers.size === 1) return this.#strike([...peers.values()][0]!);
    this.unattributed++;
    if (peers.size === 0 || !attempt) return;
    const suspects: Suspects = [...attempt.blocks].map(([offset, { peer, data }]) => ({
      offset,
      length: data.length,
      peer,
      digest: digest(data),
    }));
    this.#suspects.set(index, suspects);
  }

  /** Piece `index` passed its hash; `data` is its good content (for pieces that failed before). */
  verified(index: number, data?: Uint8Array): void {
    this.#attempts.delete(index);
    const suspects = this.#suspects.get(index);
    if (!suspects || !data) return;
    this.#suspects.delete(index);
    const guilty = new Map<string, PeerRef>();
    for (const { offset, length, peer, digest: sent } of suspects) {
      if (digest(data.subarray(offset, offset + length)) !== sent) guilty.set(peer.id, peer);
    }
    for (const peer of guilty.values()) this.#strike(peer);
  }

  /** Whether piece `index` failed before with several contributors (its good data is wanted). */
  pending(index: number): boolean {
    return this.#suspects.has(index);
  }

  #strike(peer: PeerRef): void {
    const count = (this.#strikes.get(peer.id) ?? 0) + 1;
    this.#strikes.set(peer.id, count);
    if (count >= this.#max && !this.#banned.has(peer.id)) {
      this.#banned.set(peer.id, peer);
      this.#onBan(peer);
    }
  }
}

/** Peers banned for the rest of a session: by address and by peer id. */
export class BanList {
  readonly #addresses = new Set<string>();
  readonly #ids = new Set<string>();

  /** Bans `peer` (its address, and its id when that is a peer id). */
  add(peer: PeerRef): void {
    this.#addresses.add(peer.address);
    this.#ids.add(peer.id);
  }

  /** Whether a peer at `address` (or with peer id `id`) is banned. */
  has(address: string | undefined, id?: string | null): boolean {
    return (address !== undefined && this.#addresses.has(address)) ||
      (id != null && this.#ids.has(id));
  }
}
