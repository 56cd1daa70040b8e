/**
 * The identity of a file's content as the file system tells it without
 * reading it: device, inode, size and modification time. A file that is only
 * ever replaced by an atomic rename (the graph store's) gets a new inode on
 * every write, so its identity changes with every write by any process.
 *
 * @module
 */

/**
 * The identity of the file `info` describes (`dev:ino:size:mtime`).
 *
 * @example
 * ```ts
 * import { fileIdentity } from "./file_identity.ts";
 * const path = await Deno.makeTempFile();
 * console.log(fileIdentity(await Deno.stat(path))); // e.g. "2049:1234:0:1733500000000"
 * ```
 */
export function fileIdentity(info: Deno.FileInfo): string {
  return `${info.dev}:${info.ino}:${info.size}:${info.mtime?.getTime() ?? ""}`;
}

/**
 * The identity of the file at `path` now, by a synchronous `stat` (about a
 * microsecond: cheaper than the thread pool's round trip of an async one);
 * `undefined` when it cannot be stat'ed.
 *
 * @example
 * ```ts
 * import { fileIdentityNow } from "./file_identity.ts";
 * console.log(fileIdentityNow("/no/such/file")); // undefined
 * ```
 */
export function fileIdentityNow(path: string): string | undefined {
  try {
    return fileIdentity(Deno.statSync(path));
  } catch {
    return undefined;
  }
}
