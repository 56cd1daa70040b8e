/**
 * Crash-safe replacement of a file: write a temporary file beside it, fsync it,
 * rename it over the target, then fsync the directory. A reader sees the old
 * file or the new one, never a mixture, and a process killed at any point
 * leaves the last good file in place.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";

/** Options for {@linkcode atomicWriteFile}. */
export interface AtomicWriteOptions {
  /** Also keep the replaced file as `<path>.bak` (a hard link, no copy). @default false */
  backup?: boolean;
  /** File mode for a newly created file. @default 0o644 */
  mode?: number;
}

/** The prefix of temporary files written by {@linkcode atomicWriteFile} for `path`. */
export function tempPrefix(path: string): string {
  return `.${basename(path)}.tmp-`;
}

/**
 * Replaces `path` with `chunks` atomically and durably.
 *
 * @example Replace a file
 * ```ts ignore
 * await atomicWriteFile("/tmp/a.txt", [new TextEncoder().encode("hello\n")]);
 * ```
 */
export async function atomicWriteFile(
  path: string,
  chunks: Iterable<Uint8Array>,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `${tempPrefix(path)}${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`);
  const file = await Deno.open(tmp, { write: true, createNew: true, mode: options.mode ?? 0o644 });
  try {
    for (const chunk of chunks) {
      let written = 0;
      while (written < chunk.length) written += await file.write(chunk.subarray(written));
    }
    await file.sync();
  } catch (error) {
    file.close();
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
  file.close();
  try {
    if (options.backup) {
      const bak = `${path}.bak`;
      await Deno.remove(bak).catch(() => {});
      await Deno.link(path, bak).catch(() => {});
    }
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
  await syncDirectory(dir);
}

/** Removes temporary files left by writers of `path` that were killed mid-write. */
export async function removeStaleTemps(path: string): Promise<number> {
  const prefix = tempPrefix(path);
  let removed = 0;
  for await (const entry of Deno.readDir(dirname(path))) {
    if (entry.isFile && entry.name.startsWith(prefix)) {
      await Deno.remove(join(dirname(path), entry.name)).catch(() => {});
      removed++;
    }
  }
  return removed;
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    using handle = await Deno.open(dir, { read: true });
    await handle.sync();
  } catch {
    // Some file systems cannot fsync a directory; the rename is still atomic.
  }
}
