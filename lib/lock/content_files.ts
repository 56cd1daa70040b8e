/**
 * The files of loaded content as a lock sees them: every regular file of the
 * content (a file or a folder), by its path relative to the loaded directory,
 * with its size and SHA-256.
 *
 * @module
 */
import { basename } from "node:path";
import { hashFile } from "../integrity/hash.ts";
import { listTree } from "../integrity/tree.ts";
import { compareCodePoints, type LockedFile } from "./lock_format.ts";
import { InvalidInputError } from "../errors/invalid_input.ts";

/** One file of the content, before hashing. */
export interface ContentFile {
  /** Path relative to the loaded directory: the content's name first, `/`-separated. */
  path: string;
  /** The path to open. */
  absolutePath: string;
  /** Size in bytes. */
  size: number;
}

/**
 * The regular files of the content at `contentPath`, sorted by path, or
 * `undefined` when nothing is there. A symlink or special file is refused
 * (never followed).
 *
 * @example
 * ```ts ignore
 * const files = await listContent("/data/bittorrent/worms/dataset"); // paths "dataset/…"
 * ```
 *
 * @param contentPath The content: `<directory>/<torrent name>`.
 * @returns The files, or `undefined` when `contentPath` does not exist.
 * @throws {TreeEntryError} for a symlink or special file in the content.
 */
export async function listContent(contentPath: string): Promise<ContentFile[] | undefined> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(contentPath);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  const name = basename(contentPath);
  if (info.isFile) return [{ path: name, absolutePath: contentPath, size: info.size }];
  if (!info.isDirectory) {
    throw new InvalidInputError(
      `'${contentPath}' is neither a file nor a folder: remove it and fetch the content again`,
      { status: 422, code: "unsupported-file" },
    );
  }
  const files = (await listTree(contentPath)).map((e) => ({
    path: `${name}/${e.path}`,
    absolutePath: e.absolutePath,
    size: e.size,
  }));
  return files.sort((a, b) => compareCodePoints(a.path, b.path));
}

/**
 * Hashes every file of the content at `contentPath`, for a lock entry.
 *
 * @example
 * ```ts ignore
 * const files = await snapshotContent("/data/bittorrent/worms/dataset");
 * console.log(files.map((f) => `${f.sha256}  ${f.path}`).join("\n"));
 * ```
 *
 * @param contentPath The content: `<directory>/<torrent name>`.
 * @param signal Stops the hashing.
 * @returns The files with their sizes and SHA-256, sorted by path.
 * @throws {Deno.errors.NotFound} when nothing is there.
 */
export async function snapshotContent(
  contentPath: string,
  signal?: AbortSignal,
): Promise<LockedFile[]> {
  const files = await listContent(contentPath);
  if (!files) throw new Deno.errors.NotFound(`No content at ${contentPath}`);
  const out: LockedFile[] = [];
  for (const file of files) {
    const { sha256 } = await hashFile(file.absolutePath, ["sha256"], signal ? { signal } : {});
    out.push({ path: file.path, size: file.size, sha256 });
  }
  return out;
}
