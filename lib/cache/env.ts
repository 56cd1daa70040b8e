/**
 * The environment variables of offline mode and the shared content cache,
 * read without failing when the process may not read them.
 *
 * - `OWM_OFFLINE`: `1`, `true`, `yes` or `on` resolves DataSources only from
 *   what is already on this machine; `0`, `false`, `no`, `off` or unset does
 *   not. Any other non-empty value counts as on (the safe reading).
 * - `OWM_CACHE`: `0`, `false`, `no` or `off` turns the shared cache off.
 * - `OWM_CACHE_DIR`: where the shared cache is; else
 *   `$XDG_CACHE_HOME/owmeta-torrent`, else `$HOME/.cache/owmeta-torrent`.
 *
 * @module
 */
import { isAbsolute, join, resolve } from "node:path";

/** The values that turn a yes/no variable off. */
const OFF = new Set(["0", "false", "no", "off"]);

/**
 * An environment variable, or `undefined` when it is unset, empty, or the
 * process may not read it (no `--allow-env` for it).
 *
 * @example
 * ```ts
 * import { readEnv } from "./env.ts";
 * console.log(readEnv("OWM_CACHE_DIR") ?? "(unset)");
 * ```
 */
export function readEnv(name: string): string | undefined {
  try {
    if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
      return undefined;
    }
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `OWM_OFFLINE` asks for offline mode.
 *
 * @example
 * ```ts
 * import { offlineFromEnv } from "./env.ts";
 * if (offlineFromEnv()) console.log("offline: nothing will be downloaded");
 * ```
 */
export function offlineFromEnv(): boolean {
  const value = readEnv("OWM_OFFLINE")?.trim().toLowerCase();
  return value !== undefined && value !== "" && !OFF.has(value);
}

/**
 * Where the shared cache is for this user, or `undefined` when it is off
 * (`OWM_CACHE=0`) or no location can be found (no `OWM_CACHE_DIR`,
 * `XDG_CACHE_HOME` or `HOME`). A relative `OWM_CACHE_DIR` is taken from the
 * working directory; a relative `XDG_CACHE_HOME` is ignored, as the XDG
 * specification says.
 *
 * @example
 * ```ts
 * import { defaultCacheDir } from "./env.ts";
 * console.log(defaultCacheDir() ?? "the shared cache is off");
 * ```
 */
export function defaultCacheDir(): string | undefined {
  const enabled = readEnv("OWM_CACHE")?.trim().toLowerCase();
  if (enabled !== undefined && OFF.has(enabled)) return undefined;
  const dir = readEnv("OWM_CACHE_DIR");
  if (dir) return resolve(dir);
  const xdg = readEnv("XDG_CACHE_HOME");
  if (xdg && isAbsolute(xdg)) return join(xdg, "owmeta-torrent");
  const home = readEnv("HOME") ?? readEnv("USERPROFILE");
  return home && isAbsolute(home) ? join(home, ".cache", "owmeta-torrent") : undefined;
}

/**
 * Whether the shared cache may hard-link (`OWM_CACHE_LINK`, default on;
 * `0`, `false`, `no` or `off` makes it copy instead).
 *
 * @example
 * ```ts
 * import { cacheLinksFromEnv } from "./env.ts";
 * console.log(cacheLinksFromEnv() ? "hard links" : "copies");
 * ```
 */
export function cacheLinksFromEnv(): boolean {
  const value = readEnv("OWM_CACHE_LINK")?.trim().toLowerCase();
  return value === undefined || !OFF.has(value);
}
