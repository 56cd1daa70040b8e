/**
 * The events of `GET /api/events` (Server-Sent Events; the SSE `event:` is
 * the event's `type`, its data the event as JSON).
 *
 * @module
 */
import { z } from "zod";
import { TorrentStatusJson } from "./torrents.ts";

/**
 * An event on `GET /api/events`.
 *
 * @example
 * ```ts
 * import { BridgeEvent } from "./events.ts";
 * BridgeEvent.parse({ type: "translated", id: "GraphDataSource:g", translation: "http://x/t" });
 * ```
 */
export const BridgeEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("progress"), torrent: TorrentStatusJson }),
  z.object({
    type: z.literal("done"),
    id: z.string().nullable(),
    infoHash: z.string(),
    directory: z.string(),
  }),
  z.object({
    type: z.literal("verified"),
    id: z.string(),
    infoHash: z.string(),
    ok: z.boolean(),
    report: z.unknown(),
  }),
  z.object({
    type: z.literal("published"),
    id: z.string(),
    infoHash: z.string(),
    magnetLink: z.string(),
  }),
  z.object({
    type: z.literal("translated"),
    id: z.string().describe("The output DataSource."),
    translation: z.string().describe("The Translation record's IRI."),
  }).describe("A translation finished."),
  z.object({
    type: z.literal("error"),
    id: z.string().nullable(),
    infoHash: z.string().nullable(),
    message: z.string(),
    code: z.string().optional().describe(
      "Set for known failures, e.g. `lock-mismatch` when a locked fetch got other content.",
    ),
  }),
]).meta({
  id: "BridgeEvent",
  description:
    "An event on `GET /api/events` (Server-Sent Events; the SSE `event:` is `type`, the data the event as JSON).",
});
