/**
 * The error raised by the BitTorrent engine (lib/torrent/).
 *
 * @module
 */
import { OwmError } from "../errors/owm_error.ts";

/**
 * Why the engine failed:
 * - `refused`: the torrent, magnet or infohash cannot be used (a hostile or
 *   unsupported `.torrent` is refused with a `MetainfoError` instead; this code
 *   covers what only the engine can see, such as metadata from peers that fails
 *   the path rules);
 * - `io`: reading or writing the data folder failed (unreadable, unwritable,
 *   not a directory, disk full, …);
 * - `content-mismatch`: content given to seed does not match the torrent;
 * - `engine`: the BitTorrent engine itself reported an error;
 * - `closed`: the session or the torrent was closed or removed;
 * - `timeout`: a wait timed out;
 * - `aborted`: a wait was aborted by its signal.
 */
export type TorrentErrorCode =
  | "refused"
  | "io"
  | "content-mismatch"
  | "engine"
  | "closed"
  | "timeout"
  | "aborted";

/**
 * A failure of a torrent download or seed. The message is one line that says
 * what failed and, where it can, what to do.
 *
 * @example Tell a timeout from other failures
 * ```ts ignore
 * try {
 *   await handle.done({ timeoutMs: 60_000 });
 * } catch (error) {
 *   if (error instanceof TorrentError && error.code === "timeout") console.log("still running");
 * }
 * ```
 */
export class TorrentError extends OwmError {
  /** Which kind of failure this is. */
  declare readonly code: TorrentErrorCode;
  /** Creates the error. */
  constructor(code: TorrentErrorCode, message: string, options?: ErrorOptions) {
    super(message.replace(/[\r\n]+/g, " "), options);
    this.name = "TorrentError";
    this.code = code;
  }
}

/** Wraps a file-system error as a {@linkcode TorrentError} with code `io`. */
export function ioError(
  action: "read" | "write" | "create",
  path: string,
  cause: unknown,
): TorrentError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new TorrentError("io", `Cannot ${action} ${JSON.stringify(path)}: ${detail}`, { cause });
}
