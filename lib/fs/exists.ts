/**
 * Whether something is at a path.
 *
 * @module
 */

/**
 * True when `path` names anything (a file, a folder, a symlink, even a broken
 * one): `lstat` succeeds. Any error (not found, no permission) is false.
 *
 * @example
 * ```ts
 * import { pathExists } from "./exists.ts";
 * console.log(await pathExists("/")); // true
 * ```
 */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}
