/**
 * Offline mode's error: a DataSource (or torrent) that is not on this machine,
 * or is but does not verify, when nothing may be downloaded.
 *
 * @module
 */
import { LoadFailedError } from "./errors.ts";

/** Why an offline load failed. */
export type OfflineReason = "missing" | "unverified";

/** What {@linkcode OfflineError} says. */
export interface OfflineErrorInit {
  /** The DataSource's identifier (full IRI), or the infohash of a torrent. */
  identifier: string;
  /** How people name it, e.g. `CSVDataSource:worms`. */
  name: string;
  /** What it is. @default "DataSource" */
  what?: string;
  /** Missing, or present but not verifying. */
  reason: OfflineReason;
  /** Where its content was looked for (and anything else worth saying). */
  looked: readonly string[];
  /** For `unverified`: what failed. */
  detail?: string;
  /** The command that fetches it. @default `owm fetch <name>` */
  fetch?: string;
}

/**
 * Offline mode (`OWM_OFFLINE=1`, `--offline`, or the loader's `offline`
 * option) could not resolve a DataSource from what is on this machine. The
 * message names the DataSource and what to run to fetch (or repair) it.
 *
 * @example
 * ```ts
 * import { OfflineError } from "./offline.ts";
 * const error = new OfflineError({
 *   identifier: "http://data.openworm.org/data_sources/CSVDataSource#worms",
 *   name: "CSVDataSource:worms",
 *   reason: "missing",
 *   looked: [".owm/data_source_data/bittorrent/worms"],
 * });
 * console.log(error.message.startsWith("Offline")); // true
 * ```
 */
export class OfflineError extends LoadFailedError {
  /** The error's code: `offline`. */
  override readonly code: string = "offline";
  /** Missing, or present but not verifying. */
  readonly reason: OfflineReason;
  /** How people name what is missing, e.g. `CSVDataSource:worms`. */
  readonly dataSource: string;
  /** Creates the error. */
  constructor(init: OfflineErrorInit, options?: ErrorOptions) {
    super(init.identifier, init.reason, options);
    this.name = "OfflineError";
    this.reason = init.reason;
    this.dataSource = init.name;
    const what = `${init.what ?? "DataSource"} ${init.name}`;
    const fetch = init.fetch ?? `owm fetch ${init.name}`;
    this.message = init.reason === "missing"
      ? `Offline: ${what} is not on this machine (looked in ${
        init.looked.join("; ")
      }) and offline mode downloads nothing: run without OWM_OFFLINE (or --offline) to fetch it: ${fetch}`
      : `Offline: the content of ${what} is present but does not verify (${
        init.detail ?? "see owm verify"
      }) and offline mode repairs nothing: run without OWM_OFFLINE: ${fetch} --repair`;
  }
}
