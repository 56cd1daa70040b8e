/**
 * The environment variables the launched bridge and `owm` may read: the
 * `--allow-env` list of {@linkcode launch} (see `permissions.ts`). A name read
 * by our code or by a dependency and missing here is unset for the program
 * (`env_view.ts`) or a `NotCapable` error for `Deno.env.get`; a test checks that
 * every name our code reads is listed.
 *
 * @module
 */

/**
 * Each variable with the reason it is readable.
 *
 * @example
 * ```ts
 * import { ENV_NAMES } from "./env_names.ts";
 * console.log(Object.keys(ENV_NAMES).join(","));
 * ```
 */
export const ENV_NAMES: Readonly<Record<string, string>> = {
  OWM_HOME: "the store directory",
  OWM_GRAPH: "where the graph is (the file, or a SPARQL server)",
  OWM_GRAPH_USER: "the HTTP basic user of the SPARQL graph server",
  OWM_GRAPH_PASSWORD: "the HTTP basic password of the SPARQL graph server",
  OWM_GRAPH_TOKEN: "the bearer token of the SPARQL graph server",
  OWM_PORT: "the bridge's port",
  OWM_INDEXES: "the torrent indexes",
  OWM_INDEX_TOKEN: "the bearer token of an HTTP index",
  OWM_DRIVE_ROOT_URL: "a Drive-compatible server",
  OWM_DHT: "DHT on or off",
  OWM_LSD: "local service discovery on or off",
  OWM_OFFLINE: "offline mode",
  OWM_CACHE: "the shared cache on or off",
  OWM_CACHE_DIR: "where the shared cache is",
  OWM_CACHE_LINK: "how the shared cache places files: clone (default), copy or hardlink",
  OWM_LOCK: "the lockfile",
  OWM_LOCKED: "locked fetches",
  OWM_DEBUG: "stack traces of unexpected errors",
  OWM_STALL_TIMEOUT: "seconds a fetch waits without progress before giving up",
  OWM_ALLOW_LINK_LOCAL: "trackers and web seeds at link-local addresses allowed",
  INIT_CWD: "the user's directory under deno task",
  HOME: "the default shared cache (~/.cache/owmeta-torrent)",
  XDG_CACHE_HOME: "the default shared cache ($XDG_CACHE_HOME/owmeta-torrent)",
  USERPROFILE: "the default shared cache on Windows",
  TMPDIR: "node:os tmpdir(), called when webtorrent loads (nothing is written there)",
  TMP: "node:os tmpdir(), as TMPDIR",
  TEMP: "node:os tmpdir(), as TMPDIR",
  DEBUG: "npm:debug's namespaces (DEBUG=bittorrent-protocol,webtorrent* to trace the engine)",
  WS_NO_BUFFER_UTIL: "set to 1 by the launcher: npm:ws never loads the native bufferutil",
  WS_NO_UTF_8_VALIDATE: "npm:ws: the native utf-8-validate (never loaded: Deno has buffer.isUtf8)",
};
