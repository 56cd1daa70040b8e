/**
 * Placing content trees between the shared cache and stores, in one of three
 * modes ({@linkcode PlaceMode}):
 *
 * - `clone` (the default): each file is copied with `Deno.copyFile`, which on
 *   Linux is `copy_file_range(2)`: on a file system that can share blocks
 *   (XFS with reflink, Btrfs, bcachefs, ZFS 2.2+, NFS 4.2 server side) the
 *   kernel makes a copy-on-write clone (no data copied, no disk spent until a
 *   block is written); elsewhere (ext4, tmpfs) it copies the bytes itself,
 *   without passing them through the process. Either way each store gets its
 *   own file: a write to it changes nothing else.
 * - `copy`: each file is read and written through the process: its own
 *   blocks, always (for file systems whose `copy_file_range` is untrusted).
 * - `hardlink` (an explicit opt-in, `OWM_CACHE_LINK=hardlink`): one file
 *   (inode) shared by the cache and every store that uses it: nothing copied,
 *   disk spent once. The price: a write into any of them changes all of them.
 *   Cache files are made read-only (so are the stores' links to them), which
 *   stops a careless editor but not root (containers, Jupyter images) nor a
 *   program that changes modes; the cache verifies content every time it
 *   serves it, and {@linkcode unshareTree} is called before a torrent session
 *   repairs content in place — but a write made meanwhile has already
 *   changed every project's copy.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { listTree } from "../integrity/tree.ts";
import { pathExists } from "../fs/exists.ts";
import { InvalidInputError } from "../errors/invalid_input.ts";
import type { CacheMode } from "../settings/settings.ts";

/**
 * How files are placed: `clone` (copy-on-write where the file system offers
 * it, else a kernel copy), `copy` (bytes through the process) or `hardlink`
 * (shared files; falls back to `clone` across file systems).
 */
export type PlaceMode = CacheMode;

/** How a tree was placed. */
export interface PlaceReport {
  /** Files placed. */
  files: number;
  /** Bytes placed (linked or copied). */
  bytes: number;
  /** Files hard-linked (mode `hardlink`). */
  linked: number;
  /**
   * Files placed by `copy_file_range` (mode `clone`, or `hardlink` across file
   * systems): copy-on-write clones where the file system offers them, else
   * copies made by the kernel.
   */
  cloned: number;
  /** Files copied through the process (mode `copy`). */
  copied: number;
}

/** Options for {@linkcode placeTree}. */
export interface PlaceOptions {
  /** How files are placed. @default "clone" */
  mode?: PlaceMode;
  /** The mode given to copied files. @default 0o644 */
  copyMode?: number;
}

/** The regular files of `path` (a file or a folder), as relative path → absolute path. */
async function filesOf(path: string): Promise<{ rel: string; abs: string; size: number }[]> {
  const info = await Deno.lstat(path);
  if (info.isFile) return [{ rel: "", abs: path, size: info.size }];
  if (!info.isDirectory) {
    throw new InvalidInputError(
      `'${path}' is neither a regular file nor a folder: it cannot be cached`,
      { status: 422, code: "unsupported-file" },
    );
  }
  return (await listTree(path)).map((e) => ({ rel: e.path, abs: e.absolutePath, size: e.size }));
}

async function sameDevice(a: string, b: string): Promise<boolean> {
  try {
    const [x, y] = await Promise.all([Deno.stat(a), Deno.stat(b)]);
    return x.dev !== null && x.dev === y.dev;
  } catch {
    return false;
  }
}

/** `chmod`, ignoring platforms without it. */
export async function chmodQuiet(path: string, mode: number): Promise<void> {
  try {
    await Deno.chmod(path, mode);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotSupported)) throw error;
  }
}

/**
 * Places `source` (a file or a folder; symlinks and special files refused) at
 * `target`, which must not exist, as `options.mode` says: each regular file
 * cloned (the default), copied, or hard-linked (when `source` and `target`'s
 * folder are on one file system; else, or when a link is refused, cloned).
 * Empty folders are not reproduced (a torrent cannot carry them, and the
 * folder digest ignores them).
 *
 * @example
 * ```ts ignore
 * const report = await placeTree("/cache/entry/content/data", "/store/data_source_data/bittorrent/k/data");
 * console.log(report.cloned, report.linked, report.copied);
 * ```
 *
 * @throws {Deno.errors.AlreadyExists} when `target` exists.
 * @throws {TreeEntryError} for a symlink or special file in `source`.
 */
export async function placeTree(
  source: string,
  target: string,
  options: PlaceOptions = {},
): Promise<PlaceReport> {
  const files = await filesOf(source);
  const parent = dirname(target);
  await Deno.mkdir(parent, { recursive: true });
  const mode = options.mode ?? "clone";
  let link = mode === "hardlink" && await sameDevice(source, parent);
  const single = files.length === 1 && files[0]!.rel === "";
  if (!single) await Deno.mkdir(target); // throws AlreadyExists
  else if (await pathExists(target)) throw new Deno.errors.AlreadyExists(`'${target}' exists`);
  const report: PlaceReport = { files: 0, bytes: 0, linked: 0, cloned: 0, copied: 0 };
  const made = new Set<string>();
  for (const file of files) {
    const to = single ? target : join(target, file.rel);
    const dir = dirname(to);
    if (!single && !made.has(dir)) {
      await Deno.mkdir(dir, { recursive: true });
      made.add(dir);
    }
    if (link) {
      try {
        await Deno.link(file.abs, to);
        report.linked++;
        report.files++;
        report.bytes += file.size;
        continue;
      } catch (error) {
        if (error instanceof Deno.errors.AlreadyExists) throw error;
        link = false; // another file system, or links refused: clone the rest
      }
    }
    if (mode === "copy") {
      await copyThrough(file.abs, to);
      report.copied++;
    } else {
      await Deno.copyFile(file.abs, to); // copy_file_range: a clone where the file system can
      report.cloned++;
    }
    await chmodQuiet(to, options.copyMode ?? 0o644);
    report.files++;
    report.bytes += file.size;
  }
  return report;
}

/**
 * Copies `from` to `to` (created, must not exist) by reading and writing
 * through the process: the copy has blocks of its own on every file system.
 *
 * @example
 * ```ts ignore
 * await copyThrough("/cache/a.bin", "/store/a.bin");
 * ```
 */
export async function copyThrough(from: string, to: string): Promise<void> {
  using source = await Deno.open(from, { read: true });
  using target = await Deno.open(to, { write: true, createNew: true, mode: 0o600 });
  const buffer = new Uint8Array(1024 * 1024);
  for (;;) {
    const count = await source.read(buffer);
    if (count === null) break;
    let at = 0;
    while (at < count) at += await target.write(buffer.subarray(at, count));
  }
}

/**
 * Makes every regular file of `path` (a file or a folder) read-only
 * (mode 0444). Folders keep their mode, so the tree can still be removed.
 */
export async function makeReadOnly(path: string): Promise<void> {
  for (const file of await filesOf(path)) await chmodQuiet(file.abs, 0o444);
}

/**
 * Gives every regular file of `path` that is shared (more than one hard link)
 * or read-only a private, writable copy of itself, replaced atomically by
 * rename: what is written afterwards reaches no other store and not the cache.
 *
 * @returns How many files were unshared.
 */
export async function unshareTree(path: string): Promise<number> {
  let count = 0;
  for (const file of await filesOf(path)) {
    const info = await Deno.stat(file.abs);
    const shared = (info.nlink ?? 1) > 1;
    const readOnly = info.mode !== null && (info.mode & 0o200) === 0;
    if (!shared && !readOnly) continue;
    const tmp = join(dirname(file.abs), `.owm-unshare-${crypto.randomUUID().slice(0, 8)}`);
    try {
      await Deno.copyFile(file.abs, tmp);
      await chmodQuiet(tmp, 0o644);
      await Deno.utime(tmp, info.atime ?? new Date(), info.mtime ?? new Date());
      await Deno.rename(tmp, file.abs);
    } catch (error) {
      await Deno.remove(tmp).catch(() => {});
      throw error;
    }
    count++;
  }
  return count;
}
