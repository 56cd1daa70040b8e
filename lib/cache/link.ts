/**
 * Placing content trees: hard links when source and target share a file
 * system, copies otherwise; making cache files read-only; and giving a tree
 * private, writable files again before anything writes into it.
 *
 * Hard links share one file (inode) between the cache and every store that
 * uses it, so nothing is copied and no disk space is spent twice. The price is
 * that a write into any of them changes all of them: cache files are made
 * read-only (so are the store's links to them), the cache verifies content
 * every time it serves it, and {@linkcode unshareTree} is called before a
 * torrent session repairs content in place.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { listTree } from "../integrity/tree.ts";
import { pathExists } from "../fs/exists.ts";
import { InvalidInputError } from "../errors/invalid_input.ts";

/** How a tree was placed. */
export interface PlaceReport {
  /** Files placed. */
  files: number;
  /** Bytes placed (linked or copied). */
  bytes: number;
  /** Files hard-linked. */
  linked: number;
  /** Files copied. */
  copied: number;
}

/** Options for {@linkcode placeTree}. */
export interface PlaceOptions {
  /** Try hard links first (they fall back to copies when refused). @default true */
  link?: boolean;
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
 * `target`, which must not exist: each regular file is hard-linked when
 * `source` and `target`'s folder are on one file system, else (or when a link
 * is refused) copied. Empty folders are not reproduced (a torrent cannot carry
 * them, and the folder digest ignores them).
 *
 * @example
 * ```ts ignore
 * const report = await placeTree("/cache/entry/content/data", "/store/data_source_data/bittorrent/k/data");
 * console.log(report.linked, report.copied);
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
  let link = (options.link ?? true) && await sameDevice(source, parent);
  const single = files.length === 1 && files[0]!.rel === "";
  if (!single) await Deno.mkdir(target); // throws AlreadyExists
  else if (await pathExists(target)) throw new Deno.errors.AlreadyExists(`'${target}' exists`);
  const report: PlaceReport = { files: 0, bytes: 0, linked: 0, copied: 0 };
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
        link = false; // another file system, or links refused: copy the rest
      }
    }
    await Deno.copyFile(file.abs, to);
    await chmodQuiet(to, options.copyMode ?? 0o644);
    report.copied++;
    report.files++;
    report.bytes += file.size;
  }
  return report;
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
