/**
 * The piece-hash check of {@linkcode verify}, made from a parsed torrent.
 *
 * @module
 */
import { basename, dirname, posix, resolve } from "node:path";
import { confinedPath } from "../fs/confine.ts";
import type { Metainfo } from "../torrent/metainfo.ts";
import { verifyPieces } from "../torrent/verify_pieces.ts";
import type { PiecesCheck } from "./verify.ts";
import { InvalidInputError } from "../errors/invalid_input.ts";

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
 * Refuses a folder of the content (`target`, a multi-file torrent's folder)
 * that is a symbolic link leading out of the content: the files below it
 * would be read from elsewhere. (A file that is itself a link counts as
 * missing in `verifyPieces`.)
 */
async function refuseLinksOut(meta: Metainfo, target: string): Promise<void> {
  const seen = new Set<string>();
  const prefix = `${meta.name}/`;
  for (const file of meta.files) {
    if (file.pad || file.symlinkTarget !== undefined || !file.path.startsWith(prefix)) continue;
    const folder = posix.dirname(file.path.slice(prefix.length));
    if (folder === "." || seen.has(folder)) continue;
    seen.add(folder);
    await confinedPath(target, folder);
  }
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
 * @throws {PathEscapeError} (from the check; a `LinkEscapeError`) when a folder of the content
 * is a symbolic link leading out of it.
 */
export function torrentPiecesCheck(
  meta: Metainfo,
  options: TorrentPiecesCheckOptions = {},
): PiecesCheck {
  return async (target) => {
    if (!isNamedAsTorrent(meta, target)) {
      throw new InvalidInputError(
        `Content '${target}' is not named '${meta.name}' as torrent ${meta.infoHash} names it: piece hashes follow the torrent's names, so give the path ending in '${meta.name}'`,
        { status: 422, code: "content-name" },
      );
    }
    await refuseLinksOut(meta, target);
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
