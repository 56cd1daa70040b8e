/**
 * The wire shapes of `/api/torrents`: a torrent's status by infohash.
 *
 * @module
 */
import { z } from "zod";

/**
 * The `{infoHash}` of the torrent routes: 40 hex digits (answered 400
 * `bad-infohash` otherwise).
 *
 * @example
 * ```ts
 * import { InfoHashParams } from "./torrents.ts";
 * InfoHashParams.parse({ infoHash: "ab".repeat(20) });
 * ```
 */
export const InfoHashParams = z.object({
  infoHash: z.string().regex(/^[0-9a-fA-F]{40}$/, {
    error: (issue) => `'${issue.input}' is not an infohash (40 hex digits)`,
  }).meta({ "x-error-code": "bad-infohash" }),
});

/**
 * The query of `DELETE /api/torrents/{infoHash}`.
 *
 * @example
 * ```ts
 * import { RemoveTorrentQuery } from "./torrents.ts";
 * RemoveTorrentQuery.parse({ deleteData: "true" });
 * ```
 */
export const RemoveTorrentQuery = z.object({
  deleteData: z.string().optional().meta({
    type: "boolean",
    description:
      "`true` deletes the torrent's files (inside the store only); anything else keeps them",
  }),
});

/**
 * A torrent's status, with Transmission's field names where it has one
 * (`percentDone`, `haveValid`, `rateDownload`, `peersConnected`,
 * `corruptEver`, `errorString`, …).
 *
 * @example
 * ```ts
 * import { TorrentStatusJson } from "./torrents.ts";
 * TorrentStatusJson.shape.percentDone.parse(0.5);
 * ```
 */
export const TorrentStatusJson = z.object({
  hashString: z.string().describe("Infohash, 40 hex digits."),
  name: z.string().describe("The torrent's name."),
  status: z.string().describe(
    "`metadata`, `checking`, `downloading`, `seeding`, `paused`, `error`.",
  ),
  percentDone: z.number().describe("0 to 1."),
  haveValid: z.number().describe("Verified bytes held."),
  sizeWhenDone: z.number().describe("Bytes selected."),
  rateDownload: z.number().describe("Bytes per second received."),
  rateUpload: z.number().describe("Bytes per second sent."),
  downloadedEver: z.number().describe("Piece bytes received since added."),
  uploadedEver: z.number().describe("Piece bytes sent since added."),
  eta: z.number().describe("Seconds to completion, or -1 when unknown."),
  peersConnected: z.number().describe("Connected peers."),
  piecesHave: z.number().describe("Verified pieces held."),
  pieceCount: z.number().describe("Pieces in the torrent."),
  corruptEver: z.number().describe("Bytes that failed their piece hash."),
  bannedPeers: z.array(z.string()).describe("Banned peer addresses."),
  error: z.number().describe("0 when fine, 3 on a local error (Transmission's codes)."),
  errorString: z.string().describe('What went wrong, or "".'),
  downloadDir: z.string().describe("The download directory."),
}).meta({
  id: "TorrentStatus",
  description:
    "A torrent's status, with Transmission's field names where it has one (`percentDone`, `haveValid`, `rateDownload`, `peersConnected`, `corruptEver`, `errorString`, …).",
});
