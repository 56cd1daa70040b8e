/**
 * Paths as the user typed them, under `deno task`.
 *
 * @module
 */
import { isAbsolute, join } from "node:path";
import { processEnv } from "../settings/env.ts";
import { userCwdFrom } from "../settings/settings.ts";

/**
 * A relative path as the user meant it: `deno task` runs in the project root
 * and puts the user's directory in `INIT_CWD`, so a relative path that exists
 * there is taken from there; otherwise `path` is returned unchanged. Needs no
 * permission beyond reading: without access to `INIT_CWD` it returns `path`.
 *
 * @example
 * ```ts ignore
 * const content = userPath(Deno.args[0]!); // "data.zip" -> "/home/me/data.zip"
 * ```
 *
 * @param path A path from the command line.
 * @returns The path to open.
 */
export function userPath(path: string): string {
  if (isAbsolute(path)) return path;
  const initCwd = processEnv("INIT_CWD");
  if (!initCwd) return path;
  const candidate = join(initCwd, path);
  try {
    Deno.statSync(candidate);
    return candidate;
  } catch {
    return path;
  }
}

/**
 * The directory the user ran the command from: `INIT_CWD` under `deno task`
 * (when readable and a directory), else the working directory.
 *
 * @returns An absolute directory path.
 */
export function userCwd(): string {
  return userCwdFrom(processEnv);
}

/**
 * Where to write an output path given on the command line: relative paths are
 * taken from {@linkcode userCwd}.
 *
 * @param path A path from the command line.
 * @returns The path to write.
 */
export function userOutputPath(path: string): string {
  return isAbsolute(path) ? path : join(userCwd(), path);
}
