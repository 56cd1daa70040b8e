/**
 * Interop with aria2 (`aria2c`, Debian package `aria2`) on loopback: see
 * `_matrix.ts`. aria2 cannot be given a peer to dial, so when we seed it finds
 * us through the local tracker; when it seeds we dial it or use the tracker.
 */
import { available, startAria2 } from "./_clients.ts";
import { interopMatrix } from "./_matrix.ts";

interopMatrix({
  name: "aria2",
  start: startAria2,
  available: available("aria2", ["aria2c"]),
  dialsLoopback: true,
  takesDirectPeers: false,
});
