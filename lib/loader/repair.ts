/**
 * What a repair does besides re-downloading bad pieces: files longer than
 * the torrent says (bytes appended: every piece still passes, as a piece
 * check reads only the torrent's bytes) are cut back to the torrent's length,
 * and files in the content folder that the torrent does not list are found,
 * to be reported and left alone.
 *
 * @module
 */
import { join } from "node:path";
import { confinedJoin } from "../fs/confine.ts";
import type { Metainfo } from "../torrent/metainfo.ts";

/** A file cut back to the torrent's length. */
export interface TrimmedFile {
  /** Its torrent path (`<torrent name>/…`, `/`-separated). */
  path: string;
  /** Its size before. */
  had: number;
  /** The torrent's length for it (its size now). */
  length: number;
}

/**
 * Cuts every file of `meta` in `dir` (the folder holding the torrent's name)
 * that is a regular file longer than the torrent says back to the torrent's
 * length. Missing files, links and folders are left to the download.
 *
 * @example
 * ```ts ignore
 * const trimmed = await trimExtendedFiles(meta, "/store/data_source_data/bittorrent/worms");
 * for (const t of trimmed) console.log(`${t.path}: ${t.had} → ${t.length} bytes`);
 * ```
 *
 * @param meta The torrent.
 * @param dir The download folder.
 * @returns The files cut back.
 */
export async function trimExtendedFiles(meta: Metainfo, dir: string): Promise<TrimmedFile[]> {
  const trimmed: TrimmedFile[] = [];
  for (const file of meta.files) {
    if (file.pad || file.symlinkTarget !== undefined) continue;
    const path = confinedJoin(dir, file.path);
    const info = await Deno.lstat(path).catch(() => undefined);
    if (!info?.isFile || info.size <= file.length) continue;
    await Deno.truncate(path, file.length);
    trimmed.push({ path: file.path, had: info.size, length: file.length });
  }
  return trimmed;
}

/**
 * The entries below the content folder of `meta` in `dir` that the torrent
 * does not list (files, links and special files; a folder holding nothing the
 * torrent lists is one entry), as torrent-style paths (`<torrent name>/…`),
 * sorted. Nothing for a single-file torrent. Links are not followed.
 *
 * @example
 * ```ts ignore
 * const extra = await unlistedEntries(meta, "/store/data_source_data/bittorrent/worms");
 * if (extra.length) console.log("not in the torrent, left alone:", extra.join(", "));
 * ```
 *
 * @param meta The torrent.
 * @param dir The download folder.
 * @returns The unlisted paths.
 */
export async function unlistedEntries(meta: Metainfo, dir: string): Promise<string[]> {
  const single = meta.files.length === 1 && meta.files[0]!.path === meta.name;
  if (single) return [];
  const listed = new Set<string>();
  const folders = new Set<string>();
  for (const file of meta.files) {
    if (file.pad) continue;
    listed.add(file.path);
    const parts = file.path.split("/");
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join("/"));
  }
  const found: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(confinedJoin(dir, rel)));
    } catch {
      return; // gone or unreadable: nothing to report below it
    }
    for (const entry of entries) {
      const path = `${rel}/${entry.name}`;
      if (entry.isDirectory && !entry.isSymlink && folders.has(path)) await walk(path);
      else if (!listed.has(path)) found.push(path);
    }
  };
  const root = await Deno.lstat(join(dir, meta.name)).catch(() => undefined);
  if (root?.isDirectory) await walk(meta.name);
  return found.sort();
}
