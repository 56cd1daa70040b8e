/**
 * The environment variables of offline mode and the shared content cache,
 * read through the one settings reader (`lib/settings/settings.ts`), with its
 * rules: `1`, `true`, `yes` or `on` is on; `0`, `false`, `no` or `off` is
 * off; anything else is a `SettingError` naming the variable.
 *
 * - `OWM_OFFLINE`: resolve DataSources only from what is already on this machine.
 * - `OWM_CACHE`: off turns the shared cache off.
 * - `OWM_CACHE_DIR`: where the shared cache is; else
 *   `$XDG_CACHE_HOME/owmeta-torrent`, else `$HOME/.cache/owmeta-torrent`.
 * - `OWM_CACHE_LINK`: how files are placed: `clone` (the default), `copy`,
 *   or `hardlink` (an opt-in: shared files, see `link.ts` for the risk).
 *
 * @module
 */
import { processEnv } from "../settings/env.ts";
import { cacheDirFrom, type CacheMode, cacheModeFrom, envSwitch } from "../settings/settings.ts";

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
  return processEnv(name);
}

/**
 * Whether `OWM_OFFLINE` asks for offline mode.
 *
 * @example
 * ```ts
 * import { offlineFromEnv } from "./env.ts";
 * if (offlineFromEnv()) console.log("offline: nothing will be downloaded");
 * ```
 *
 * @throws {SettingError} when `OWM_OFFLINE` is neither on nor off.
 */
export function offlineFromEnv(): boolean {
  return envSwitch(processEnv, "OWM_OFFLINE") ?? false;
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
 *
 * @throws {SettingError} when `OWM_CACHE` is neither on nor off.
 */
export function defaultCacheDir(): string | undefined {
  return cacheDirFrom(processEnv);
}

/**
 * How the shared cache places files (`OWM_CACHE_LINK`): `clone` (the
 * default: copy-on-write clones where the file system offers them, else
 * copies), `copy`, or `hardlink` (only when asked for by name).
 *
 * @example
 * ```ts
 * import { cacheModeFromEnv } from "./env.ts";
 * console.log(cacheModeFromEnv()); // "clone" unless OWM_CACHE_LINK says otherwise
 * ```
 *
 * @throws {SettingError} when `OWM_CACHE_LINK` is none of these.
 */
export function cacheModeFromEnv(): CacheMode {
  return cacheModeFrom(processEnv);
}
