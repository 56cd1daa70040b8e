/**
 * What a torrent knows about its swarm, from the engine's events: trackers
 * (listed, answered, their errors), peers (known, connected, and those whose
 * connection failed, with why). A fetch that waits says this (lib/cli/stall.ts).
 *
 * @module
 */
import type { EnginePeer, EngineTorrent } from "./engine.ts";

/** A peer whose connection failed before a handshake. */
export interface FailedPeer {
  /** `host:port`. */
  address: string;
  /** Why, in words: `refused the connection`, `did not answer`, … */
  reason: string;
}

/** A torrent's swarm as known so far. */
export interface SwarmSummary {
  /** Trackers the torrent announces to. */
  trackers: number;
  /** Tracker announces answered. */
  trackerAnswers: number;
  /** The last distinct tracker or discovery errors (at most 3). */
  trackerErrors: string[];
  /** Peer addresses known (given, or from trackers, DHT, local discovery, PEX). */
  peersKnown: number;
  /** Peers connected at least once (a handshake). */
  peersConnected: number;
  /** Peers whose connection failed (the latest reason for each, at most 10). */
  peersFailed: FailedPeer[];
}

const PIECE_WARNING = /^Piece \d+ failed verification/;

/** The words for a failed connection's error. */
function failureReason(error: Error): string {
  const code = (error as { code?: unknown }).code;
  if (code === "ECONNREFUSED" || /ECONNREFUSED|refused/i.test(error.message)) {
    return "refused the connection";
  }
  if (/connect timeout/.test(error.message)) return "did not answer (connect timeout)";
  if (/handshake timeout/.test(error.message)) return "connected but never completed a handshake";
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return "is unreachable";
  return error.message;
}

/**
 * Watches one engine torrent's swarm events.
 *
 * @example
 * ```ts ignore
 * const watch = new SwarmWatch();
 * watch.hook(torrent);
 * console.log(watch.summary().peersFailed);
 * ```
 */
export class SwarmWatch {
  #trackers = 0;
  #answers = 0;
  #errors: string[] = [];
  #known = new Set<string>();
  #connected = new Set<string>();
  #failed = new Map<string, string>();
  #version = 0;

  /** A count that moves whenever the summary may have changed. */
  get version(): number {
    return this.#version;
  }

  /** Listens to `torrent`'s events (and wraps each new peer's `destroy` to learn why it failed). */
  hook(torrent: EngineTorrent): void {
    const announce = (torrent as unknown as { announce?: unknown }).announce;
    if (Array.isArray(announce)) this.#trackers = announce.length;
    torrent.on("metadata", () => {
      this.#version++;
      const list = (torrent as unknown as { announce?: unknown }).announce;
      if (Array.isArray(list)) this.#trackers = list.length;
    });
    torrent.on("trackerAnnounce", () => {
      this.#answers++;
      this.#version++;
    });
    torrent.on("warning", (error: Error) => {
      const message = String(error?.message ?? error);
      if (PIECE_WARNING.test(message)) return;
      this.#version++;
      this.#errors = [...this.#errors.filter((e) => e !== message), message].slice(-3);
    });
    torrent.on("wire", (_wire: unknown, address?: string) => {
      if (typeof address === "string") {
        this.#version++;
        this.#connected.add(address);
        this.#failed.delete(address);
      }
    });
    torrent.on("peer", (peer: unknown) => {
      if (typeof peer !== "string") return;
      this.#version++;
      this.#known.add(peer);
      const engine = torrent._peers?.get(peer);
      if (engine) this.#watchPeer(peer, engine);
    });
  }

  #watchPeer(address: string, peer: EnginePeer): void {
    const destroy = peer.destroy.bind(peer);
    const failed = this.#failed;
    const connected = this.#connected;
    (peer as { destroy(err?: Error): void }).destroy = (error?: Error) => {
      if (error instanceof Error && !connected.has(address)) {
        this.#version++;
        failed.delete(address);
        failed.set(address, failureReason(error));
        while (failed.size > 10) failed.delete(failed.keys().next().value!);
      }
      destroy(error);
    };
  }

  /** What is known so far. */
  summary(): SwarmSummary {
    return {
      trackers: this.#trackers,
      trackerAnswers: this.#answers,
      trackerErrors: [...this.#errors],
      peersKnown: this.#known.size,
      peersConnected: this.#connected.size,
      peersFailed: [...this.#failed].map(([address, reason]) => ({ address, reason })),
    };
  }
}

/**
 * One line for people: trackers, peers known/connected, and each failed peer.
 *
 * @example
 * ```ts
 * import { describeSwarm } from "./swarm_watch.ts";
 * console.log(describeSwarm({
 *   trackers: 0, trackerAnswers: 0, trackerErrors: [], peersKnown: 1, peersConnected: 0,
 *   peersFailed: [{ address: "127.0.0.1:1", reason: "refused the connection" }],
 * }));
 * // no trackers; 1 peer known, 0 connected; 127.0.0.1:1 refused the connection
 * ```
 */
export function describeSwarm(s: SwarmSummary): string {
  const parts: string[] = [];
  if (s.trackers === 0) parts.push("no trackers");
  else {
    parts.push(
      `${s.trackers} tracker${s.trackers === 1 ? "" : "s"}, ${s.trackerAnswers} answer${
        s.trackerAnswers === 1 ? "" : "s"
      }`,
    );
  }
  for (const error of s.trackerErrors) parts.push(`tracker/discovery error: ${error}`);
  parts.push(
    `${s.peersKnown} peer${s.peersKnown === 1 ? "" : "s"} known, ${s.peersConnected} connected`,
  );
  for (const peer of s.peersFailed) parts.push(`${peer.address} ${peer.reason}`);
  return parts.join("; ");
}
