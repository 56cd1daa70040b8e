/**
 * Interop with qBittorrent (`qbittorrent-nox` 4.5, libtorrent 2.0, Debian
 * package `qbittorrent-nox`) on loopback, driven through its Web API: see
 * `_matrix.ts`. Several connections per IP allowed and the GeoIP lookup off.
 */
import { available, startQBittorrent } from "./_clients.ts";
import { interopMatrix } from "./_matrix.ts";

interopMatrix({
  name: "qBittorrent",
  start: startQBittorrent,
  available: available("qBittorrent", ["qbittorrent-nox"]),
  dialsLoopback: true,
  takesDirectPeers: true,
});
