/**
 * The piece-hash check of {@linkcode verify}, made from a parsed torrent.
 *
 * @module
 */
import { basename, dirname, resolve } from "node:path";
import type { Metainfo } from "../torrent/metainfo.ts";
import { verifyPieces } from "../torrent/verify_pieces.ts";
import type { PiecesCheck } from "./verify.ts";

/** Options for {@linkcode torrentPiecesCheck}. */
export interface TorrentPiecesCheckOptions {
  /** Stops the check (it rejects with the signal's reason). */
  signal?: AbortSignal;
}

function some(label: string, paths: readonly string[]): string[] {
  if (paths.length === 0) return [];
  const shown = paths.slice(0, 10).join(", ");
  return [`${label}: ${shown}${paths.length > 10 ? `, … (${paths.length} in all)` : ""}`];
}

/**
 * Whether `target` carries the name the torrent gives its content (piece
 * hashes are checked by the torrent's file names, so a renamed file or folder
 * cannot be checked).
 *
 * @param meta The parsed torrent.
 * @param target The content path.
 * @returns True when the last component of `target` is the torrent's name.
 */
export function isNamedAsTorrent(meta: Metainfo, target: string): boolean {
  return basename(resolve(target)) === meta.name;
}

/**
 * A piece-hash check for {@linkcode verify}'s `pieces`: the content at the
 * target (a file or folder named as the torrent names it) is read in torrent
 * order and each piece compared with its SHA-1 in `meta`. Missing files and
 * files of the wrong size fail the check and are named in its detail.
 *
 * @example
 * ```ts ignore
 * const meta = parseMetainfo(await Deno.readFile("d9da5ce947c6f1c127dfcdc2ede63320.torrent"));
 * const report = await verify("downloads/Merged_Nuclei_Stained_Worm.zip", {
 *   pieces: torrentPiecesCheck(meta),
 * });
 * ```
 *
 * @param meta The parsed torrent.
 * @param options Cancellation.
 * @returns The check.
 * @throws {TypeError} (from the check) when the target is not named as the torrent names it.
 */
export function torrentPiecesCheck(
  meta: Metainfo,
  options: TorrentPiecesCheckOptions = {},
): PiecesCheck {
  return async (target) => {
    if (!isNamedAsTorrent(meta, target)) {
      throw new TypeError(
        `Content '${target}' is not named '${meta.name}' as torrent ${meta.infoHash} names it: piece hashes follow the torrent's names, so give the path ending in '${meta.name}'`,
      );
    }
    const report = await verifyPieces(
      meta,
      dirname(resolve(target)),
      options.signal ? { signal: options.signal } : {},
    );
    const detail = [
      ...some("missing", report.missingFiles),
      ...some("wrong size", report.sizeMismatches),
    ].join("; ");
    return {
      ok: report.ok,
      piecesBad: report.piecesBad,
      piecesTotal: report.piecesTotal,
      ...(detail === "" ? {} : { detail }),
    };
  };
}
