/**
 * Interop with Transmission 3 (`transmission-daemon`, `transmission-show`;
 * Debian packages `transmission-daemon` and `transmission-cli`) on loopback,
 * driven through its RPC API: see `_matrix.ts`. Transmission never dials
 * loopback peers, so our side always dials it (given directly, or learnt from
 * the tracker). It does not create zero-length files.
 */
import { available, startTransmission } from "./_clients.ts";
import { interopMatrix } from "./_matrix.ts";

interopMatrix({
  name: "Transmission",
  start: startTransmission,
  available: available("Transmission", ["transmission-daemon", "transmission-show"]),
  dialsLoopback: false,
  takesDirectPeers: false,
  createsEmptyFiles: false,
});
