/**
 * The legacy integrity scheme: a torrent named `<md5>.torrent`, where `<md5>`
 * is the MD5 of the content it carries. For a single file that is the MD5 of
 * its bytes (what `md5sum` prints). For a folder it is the *owm folder digest*
 * with MD5: the MD5, over the regular files below the folder in byte-wise
 * order of their UTF-8 `/`-separated relative paths, of each file's path, a
 * NUL byte, its length in decimal ASCII, a NUL byte and its bytes; empty
 * folders do not count (defined in full in `content_digest.ts`). The
 * original's folder digest (MD5 over 4 KiB chunk digests in filesystem walk
 * order) is not reproducible across machines and is not supported.
 *
 * @module
 */
import { digestContent } from "./content_digest.ts";
import type { HashOptions } from "./hash.ts";
import { InvalidInputError } from "../errors/invalid_input.ts";

const LEGACY_NAME = /^([0-9a-f]{32})\.torrent$/i;

/**
 * The MD5 that a legacy torrent file name carries, or `undefined` when the
 * name is not `<32 hex digits>.torrent`. A path is accepted: only its last
 * component counts.
 *
 * @example
 * ```ts
 * import { legacyNameOf } from "./legacy.ts";
 * console.log(legacyNameOf("D9DA5CE947C6F1C127DFCDC2EDE63320.torrent")); // "d9da5ce947c6f1c127dfcdc2ede63320"
 * console.log(legacyNameOf("dataset.torrent")); // undefined
 * ```
 *
 * @param torrentFileName A file name such as `d9da5ce947c6f1c127dfcdc2ede63320.torrent` (any case).
 * @returns The MD5 in lower-case hex, or `undefined`.
 */
export function legacyNameOf(torrentFileName: string): string | undefined {
  const base = torrentFileName.slice(
    Math.max(torrentFileName.lastIndexOf("/"), torrentFileName.lastIndexOf("\\")) + 1,
  );
  return LEGACY_NAME.exec(base)?.[1]?.toLowerCase();
}

/**
 * The legacy torrent file name for content whose MD5 is `md5`.
 *
 * @example
 * ```ts
 * import { legacyTorrentFileName } from "./legacy.ts";
 * console.log(legacyTorrentFileName("D41D8CD98F00B204E9800998ECF8427E")); // "d41d8cd98f00b204e9800998ecf8427e.torrent"
 * ```
 *
 * @param md5 The content's MD5 in hex (any case).
 * @returns `<md5>.torrent`, lower case.
 * @throws {TypeError} when `md5` is not 32 hex digits.
 */
export function legacyTorrentFileName(md5: string): string {
  if (!/^[0-9a-f]{32}$/i.test(md5)) {
    throw new InvalidInputError(
      `MD5 '${md5}' is not 32 hexadecimal digits: give the content's hex MD5`,
    );
  }
  return `${md5.toLowerCase()}.torrent`;
}

/**
 * The MD5 that names the legacy torrent of `path`: of the bytes of a file, or
 * the owm folder digest of a folder.
 *
 * @example
 * ```ts ignore
 * const md5 = await legacyMd5("Merged_Nuclei_Stained_Worm.zip");
 * console.log(md5 === legacyNameOf("d9da5ce947c6f1c127dfcdc2ede63320.torrent"));
 * ```
 *
 * @param path A file or a folder.
 * @param options Cancellation, progress and read size.
 * @returns The MD5 in lower-case hex.
 */
export async function legacyMd5(path: string, options: HashOptions = {}): Promise<string> {
  return (await digestContent(path, ["md5"], options)).digests.md5;
}
