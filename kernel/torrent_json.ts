/**
 * A torrent's status in the API's Transmission-like shape.
 *
 * @module
 */
import type { TorrentStatusJson } from "../lib/bridge/api_types.ts";
import type { TorrentStatus } from "../lib/torrent/handle.ts";

/** Converts an engine status (and the torrent's directory) to the API shape. */
export function torrentJson(s: TorrentStatus, downloadDir: string): TorrentStatusJson {
  return {
    hashString: s.infoHash,
    name: s.name,
    status: s.state,
    percentDone: s.bytesTotal > 0 ? s.bytesDone / s.bytesTotal : 0,
    haveValid: s.bytesDone,
    sizeWhenDone: s.bytesTotal,
    rateDownload: Math.round(s.downloadRate),
    rateUpload: Math.round(s.uploadRate),
    downloadedEver: s.downloaded,
    uploadedEver: s.uploaded,
    eta: s.eta === null ? -1 : Math.round(s.eta),
    peersConnected: s.peers,
    piecesHave: s.piecesHave,
    pieceCount: s.piecesTotal,
    corruptEver: s.corruptBytes,
    bannedPeers: s.bannedPeers,
    error: s.state === "error" ? 3 : 0,
    errorString: s.error ?? "",
    downloadDir,
  };
}
