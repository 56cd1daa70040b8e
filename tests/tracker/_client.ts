/**
 * One announce or scrape with bittorrent-tracker's Client, as a promise.
 *
 * @module
 */
import { Client } from "bittorrent-tracker";

/** What a tracker answered. */
export type Answer =
  | { ok: true; complete: number; incomplete: number }
  | { ok: false; reason: string };

const PEER_ID = "2d4f57303030312d" + "ab".repeat(12); // 20 bytes, hex

/** Who asks: the tracker keys peers by address, so distinct peers need distinct ports. */
export interface AskOptions {
  /** Bytes left; 0 is a seeder. @default {0} */
  left?: number;
  /** Peer id (40 hex digits). */
  peerId?: string;
  /** Listening port announced. @default {6881} */
  port?: number;
  /** "completed" instead of "started". */
  event?: "started" | "completed";
}

/** Announces `infoHash` to `url` (as a seeder when `left` is 0), or scrapes it; then leaves. */
export async function ask(
  url: string,
  infoHash: string,
  kind: "announce" | "scrape",
  options: AskOptions = {},
): Promise<Answer> {
  const { answer, leave } = await join(url, infoHash, kind, options);
  await leave();
  return answer;
}

/** Like {@linkcode ask}, but stays in the swarm until `leave()` (which announces "stopped"). */
export function join(
  url: string,
  infoHash: string,
  kind: "announce" | "scrape",
  options: AskOptions = {},
): Promise<{ answer: Answer; leave(): Promise<void> }> {
  const client = new Client({
    infoHash,
    peerId: options.peerId ?? PEER_ID,
    announce: [url],
    port: options.port ?? 6881,
    getAnnounceOpts: () => ({ left: options.left ?? 0, uploaded: 0, downloaded: 0 }),
  });
  const leave = () => new Promise<void>((resolve) => client.destroy(() => resolve()));
  return new Promise((resolve) => {
    let settled = false;
    const done = (answer: Answer) => {
      if (settled) return;
      settled = true;
      resolve({ answer, leave });
    };
    client.on("error", (err: Error) => done({ ok: false, reason: err.message }));
    client.on("warning", (err: Error) => done({ ok: false, reason: err.message }));
    const onData = (data: { complete: number; incomplete: number }) =>
      done({ ok: true, complete: data.complete, incomplete: data.incomplete });
    if (kind === "announce") {
      client.on("update", onData);
      if (options.event === "completed") client.complete();
      else client.start();
    } else {
      client.on("scrape", onData);
      client.scrape();
    }
  });
}
