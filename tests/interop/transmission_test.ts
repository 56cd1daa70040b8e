/**
 * Interop with Transmission 3 (`transmission-daemon`, `transmission-show`;
 * Debian packages `transmission-daemon` and `transmission-cli`) on loopback,
 * driven through its RPC API: see `_matrix.ts`. Transmission never dials
 * loopback peers, so our side always dials it (given directly, or learnt from
 * the tracker). It does not create zero-length files.
 */
import { startTransmission } from "./_clients.ts";
import { requirePrograms } from "../_require.ts";
import { interopMatrix } from "./_matrix.ts";

interopMatrix({
  name: "Transmission",
  start: startTransmission,
  requirement: requirePrograms(["transmission-daemon", "transmission-show"], {
    debian: ["transmission-daemon", "transmission-cli"],
    what: "the Transmission interop tests",
  }),
  dialsLoopback: false,
  takesDirectPeers: false,
  createsEmptyFiles: false,
});
