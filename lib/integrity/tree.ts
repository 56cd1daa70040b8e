/**
 * The regular files below a folder, in a fixed order, without following links.
 *
 * @module
 */
import { join } from "node:path";
import { InvalidInputError } from "../errors/invalid_input.ts";
import { OwmError } from "../errors/owm_error.ts";

/** One regular file below a folder. */
export interface TreeEntry {
  /** Path relative to the folder, with `/` separators. */
  path: string;
  /** The path to open (the folder joined with `path`). */
  absolutePath: string;
  /** Size in bytes when listed. */
  size: number;
  /**
   * True for an empty folder, listed only with
   * {@linkcode ListTreeOptions.emptyFolders}; its `path` ends in `/` and its
   * `size` is 0.
   */
  folder?: boolean;
}

/** Options of {@linkcode listTree}. */
export interface ListTreeOptions {
  /**
   * List empty folders too (below `dir`, not `dir` itself), as entries with
   * `folder: true` and a `path` ending in `/`, sorted with the files.
   * @default false
   */
  emptyFolders?: boolean;
  /** Stops the listing (checked before each folder is read). */
  signal?: AbortSignal | undefined;
  /**
   * Called with each entry's relative path and name before it is looked at
   * (before a symlink or special file is refused); throw to refuse it.
   */
  onEntry?: (path: string, name: string) => void;
}

/** A symlink or special file (FIFO, socket, device) found below a folder being hashed. */
export class TreeEntryError extends OwmError {
  /** The error's code: `tree-entry`. */
  override readonly code: string = "tree-entry";
  /** The folder being listed. */
  readonly dir: string;
  /** The entry's path relative to `dir`, with `/` separators. */
  readonly path: string;
  /** What the entry is: `"symlink"` or `"special file"`. */
  readonly entryKind: "symlink" | "special file";
  /** Creates the error. */
  constructor(dir: string, path: string, entryKind: "symlink" | "special file") {
    super(
      entryKind === "symlink"
        ? `Symlink '${path}' in '${dir}' is not followed when hashing a folder: replace it with the file it points to, or remove it`
        : `Special file '${path}' in '${dir}' cannot be hashed: only regular files and folders can be content; remove it`,
    );
    this.name = "TreeEntryError";
    this.dir = dir;
    this.path = path;
    this.entryKind = entryKind;
  }
}

const encoder = new TextEncoder();

/** Compares byte strings: negative, zero or positive, like `Array.prototype.sort` wants. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

/**
 * Lists every regular file below `dir`, recursively, sorted by the bytes of
 * its UTF-8 relative path (code-point order, so the same on every machine and
 * in every language). Folders themselves, empty or not, are not listed. A
 * symlink or special file anywhere below is refused, so nothing outside `dir`
 * is ever read.
 *
 * @example
 * ```ts ignore
 * for (const { path, size } of await listTree("dataset")) console.log(size, path);
 * ```
 *
 * @param dir The folder (a symlink given here is followed).
 * @param options Empty folders too, cancelling, a check of each entry.
 * @returns The files (and with `emptyFolders`, the empty folders), sorted.
 * @throws {TypeError} when `dir` is not a folder.
 * @throws {TreeEntryError} for a symlink or special file below `dir`.
 */
export async function listTree(
  dir: string,
  options: ListTreeOptions = {},
): Promise<TreeEntry[]> {
  const info = await Deno.stat(dir);
  if (!info.isDirectory) {
    throw new InvalidInputError(
      `'${dir}' is not a folder: give a folder, or hash the file itself`,
      { status: 422, code: "not-a-folder" },
    );
  }
  const found: { entry: TreeEntry; key: Uint8Array }[] = [];
  const pending: string[] = [""];
  while (pending.length > 0) {
    options.signal?.throwIfAborted();
    const relDir = pending.pop()!;
    let empty = true;
    for await (const item of Deno.readDir(relDir === "" ? dir : join(dir, relDir))) {
      empty = false;
      const path = relDir === "" ? item.name : `${relDir}/${item.name}`;
      options.onEntry?.(path, item.name);
      if (item.isSymlink) throw new TreeEntryError(dir, path, "symlink");
      if (item.isDirectory) {
        pending.push(path);
      } else if (item.isFile) {
        const absolutePath = join(dir, path);
        const stat = await Deno.lstat(absolutePath);
        if (!stat.isFile) {
          throw new TreeEntryError(dir, path, stat.isSymlink ? "symlink" : "special file");
        }
        found.push({ entry: { path, absolutePath, size: stat.size }, key: encoder.encode(path) });
      } else {
        throw new TreeEntryError(dir, path, "special file");
      }
    }
    if (empty && relDir !== "" && options.emptyFolders) {
      const path = `${relDir}/`;
      found.push({
        entry: { path, absolutePath: join(dir, relDir), size: 0, folder: true },
        key: encoder.encode(path),
      });
    }
  }
  found.sort((a, b) => compareBytes(a.key, b.key));
  return found.map((f) => f.entry);
}
