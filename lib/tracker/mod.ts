/**
 * The BitTorrent tracker the bridge can run, and its allowlist from the
 * graph.
 *
 * @example
 * ```ts ignore
 * import { startTracker } from "owmeta-torrent/tracker";
 * const tracker = await startTracker({ port: 0 });
 * await tracker.close();
 * ```
 *
 * @module
 */
export { graphAllowlist, type GraphAllowlistOptions, graphInfoHashes } from "./graph_allowlist.ts";
export {
  startTracker,
  TorrentNotAllowedError,
  type TorrentStats,
  type Tracker,
  type TrackerAllowlist,
  type TrackerOptions,
  TrackerStartError,
  type TrackerStats,
} from "./tracker.ts";
