/**
 * Interop with aria2 (`aria2c`, Debian package `aria2`) on loopback: see
 * `_matrix.ts`. aria2 cannot be given a peer to dial, so when we seed it finds
 * us through the local tracker; when it seeds we dial it or use the tracker.
 */
import { startAria2 } from "./_clients.ts";
import { requirePrograms } from "../_require.ts";
import { interopMatrix } from "./_matrix.ts";

interopMatrix({
  name: "aria2",
  start: startAria2,
  requirement: requirePrograms(["aria2c"], {
    debian: "aria2",
    what: "the aria2 interop tests",
  }),
  dialsLoopback: true,
  takesDirectPeers: false,
});
