/**
 * The one place the process environment is read. Every setting, flag
 * default and path that comes from an environment variable goes through
 * {@linkcode processEnv} (or an {@linkcode EnvReader} built from a plain
 * record, in tests), so the rules for reading one are the same everywhere.
 *
 * @module
 */

/**
 * Reads one environment variable: its value, or `undefined` when it is
 * unset or empty.
 *
 * @example
 * ```ts
 * import { envFrom, type EnvReader } from "./env.ts";
 * const env: EnvReader = envFrom({ OWM_DHT: "off" });
 * console.log(env("OWM_DHT")); // "off"
 * ```
 */
export type EnvReader = (name: string) => string | undefined;

/**
 * The process's environment: a variable the process may not read (no
 * `--allow-env` for it) reads as unset, as does an empty one.
 *
 * @example
 * ```ts
 * import { processEnv } from "./env.ts";
 * console.log(processEnv("OWM_HOME") ?? "(unset)");
 * ```
 *
 * @param name The variable's name.
 * @returns Its value, or `undefined`.
 */
export function processEnv(name: string): string | undefined {
  return rawEnv(name) || undefined;
}

/**
 * The process's variable as set, empty or not; `undefined` when unset or not
 * readable (no `--allow-env` for it). For `process.env`'s view
 * (`lib/runtime/env_view.ts`), which must show an empty value as empty.
 *
 * @example
 * ```ts
 * import { rawEnv } from "./env.ts";
 * console.log(rawEnv("OWM_HOME") ?? "(unset)");
 * ```
 */
export function rawEnv(name: string): string | undefined {
  try {
    if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
      return undefined;
    }
    return Deno.env.get(name);
  } catch {
    return undefined; // not a valid name, or no permission
  }
}

/**
 * An {@linkcode EnvReader} over a fixed record (tests, or a child's
 * environment computed by a caller).
 *
 * @example
 * ```ts
 * import { envFrom } from "./env.ts";
 * console.log(envFrom({ OWM_OFFLINE: "1" })("OWM_OFFLINE")); // "1"
 * ```
 *
 * @param vars The variables.
 * @returns A reader over them (an empty value reads as unset).
 */
export function envFrom(vars: Readonly<Record<string, string | undefined>>): EnvReader {
  return (name) => (Object.hasOwn(vars, name) ? vars[name] || undefined : undefined);
}
