/**
 * The folder `owm fetch` prints as its last line: the content's own folder.
 *
 * @module
 */
import { dirname } from "node:path";

/**
 * The content's own folder of a load: for a folder torrent the folder itself
 * (`…/bittorrent/<id>/worm_dataset`, not its parent), for a single file the
 * folder holding it, for content a translator made (a zip's extracted
 * folder) the translator's output.
 *
 * @example
 * ```ts ignore
 * io.out(await contentFolder(result));
 * ```
 */
export async function contentFolder(
  result: { directory: string; contentPath?: string | undefined },
): Promise<string> {
  const content = result.contentPath;
  if (content === undefined || dirname(content) !== result.directory) return result.directory;
  try {
    if ((await Deno.stat(content)).isDirectory) return content;
  } catch {
    // not there any more: the loader's folder
  }
  return result.directory;
}
