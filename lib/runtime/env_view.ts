/**
 * Preloaded by the launcher (`deno run --preload`): replaces `process.env`,
 * for npm packages, with a view of the variables the process may read.
 *
 * The launched program runs with `--allow-env=<ENV_NAMES>` and `--no-prompt`.
 * Node's `process.env` in Deno throws `NotCapable` for any other name, and its
 * key list needs every variable: npm:debug (loaded by webtorrent) lists them all
 * when it loads. In this view a name the process may not read is unset, the
 * keys are the readable names that are set, and writes stay in the process
 * (they are not exported to `Deno.env`). `Deno.env` itself is unchanged: it
 * still refuses names outside the list. Importing this module has that effect
 * and nothing else.
 *
 * @module
 */
import process from "node:process";
import { ENV_NAMES } from "./env_names.ts";
import { rawEnv } from "../settings/env.ts";

function read(name: string, written: Map<string, string>): string | undefined {
  if (written.has(name)) return written.get(name);
  return rawEnv(name);
}

/**
 * A `process.env` that answers only with readable variables.
 *
 * @example
 * ```ts
 * import { envView } from "./env_view.ts";
 * const env = envView();
 * console.log(Object.keys(env)); // never throws NotCapable
 * ```
 *
 * @returns The view (a Proxy over nothing: every read asks `Deno.env`).
 */
export function envView(): Record<string, string | undefined> {
  const written = new Map<string, string>();
  const value = (name: string | symbol) =>
    typeof name === "string" ? read(name, written) : undefined;
  return new Proxy({} as Record<string, string | undefined>, {
    get: (_target, name) => value(name),
    has: (_target, name) => value(name) !== undefined,
    set(_target, name, v) {
      if (typeof name === "string") written.set(name, String(v));
      return true;
    },
    deleteProperty(_target, name) {
      if (typeof name === "string") written.delete(name);
      return true;
    },
    ownKeys: () => [
      ...new Set(
        [...Object.keys(ENV_NAMES), ...written.keys()].filter((n) => value(n) !== undefined),
      ),
    ],
    getOwnPropertyDescriptor(_target, name) {
      const v = value(name);
      return v === undefined
        ? undefined
        : { value: v, writable: true, enumerable: true, configurable: true };
    },
  });
}

process.env = envView() as typeof process.env;
