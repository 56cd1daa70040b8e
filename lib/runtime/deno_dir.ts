/**
 * Where Deno keeps its cache (`DENO_DIR`), computed as Deno does, without
 * running `deno info`.
 *
 * @module
 */
import { isAbsolute, join, resolve } from "node:path";

/**
 * Deno's cache directory: `DENO_DIR`, else the OS cache directory's `deno`
 * (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on macOS,
 * `%LOCALAPPDATA%` on Windows); `undefined` when none is known.
 *
 * @example
 * ```ts
 * import { denoDir } from "./deno_dir.ts";
 * import { processEnv } from "../settings/env.ts";
 * console.log(denoDir(processEnv)); // e.g. /home/me/.cache/deno
 * ```
 *
 * @param env Reads an environment variable.
 * @param os The operating system. @default Deno.build.os
 * @returns An absolute path, or `undefined`.
 */
export function denoDir(
  env: (name: string) => string | undefined,
  os: typeof Deno.build.os = Deno.build.os,
): string | undefined {
  const explicit = env("DENO_DIR");
  if (explicit) return resolve(explicit);
  const home = env("HOME");
  if (os === "windows") {
    const local = env("LOCALAPPDATA");
    return local ? join(local, "deno") : undefined;
  }
  if (os === "darwin") return home ? join(home, "Library", "Caches", "deno") : undefined;
  const xdg = env("XDG_CACHE_HOME");
  if (xdg && isAbsolute(xdg)) return join(xdg, "deno");
  return home ? join(home, ".cache", "deno") : undefined;
}
