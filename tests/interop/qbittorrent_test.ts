/**
 * Interop with qBittorrent (`qbittorrent-nox` 4.5, libtorrent 2.0, Debian
 * package `qbittorrent-nox`) on loopback, driven through its Web API: see
 * `_matrix.ts`. Several connections per IP allowed and the GeoIP lookup off.
 */
import { startQBittorrent } from "./_clients.ts";
import { requirePrograms } from "../_require.ts";
import { interopMatrix } from "./_matrix.ts";

interopMatrix({
  name: "qBittorrent",
  start: startQBittorrent,
  requirement: requirePrograms(["qbittorrent-nox"], {
    debian: "qbittorrent-nox",
    what: "the qBittorrent interop tests",
  }),
  dialsLoopback: true,
  takesDirectPeers: true,
});
