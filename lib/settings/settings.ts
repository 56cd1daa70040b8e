/**
 * One `Settings` value for every flag and environment variable, read with one
 * set of rules:
 *
 * - a yes/no variable is on with `1`, `true`, `yes` or `on`, off with `0`,
 *   `false`, `no` or `off` (any case), its default when unset or empty, and
 *   anything else is a {@linkcode SettingError} naming the variable;
 * - a flag given on the command line (or an option given by a caller) wins
 *   over its variable;
 * - relative paths a user gives (`--lock`, `OWM_LOCK`) are taken from the
 *   user's directory (`INIT_CWD` under `deno task`, else the working
 *   directory); the store (`--home`, `OWM_HOME`) from the working directory.
 *
 * The CLI, `require()`, the bridge and the notebooks all build their fetch
 * stack from such a value (`lib/stack/`).
 *
 * @module
 */
import { isAbsolute, join, resolve } from "node:path";
import { type EnvReader, processEnv } from "./env.ts";
import { SettingError } from "./errors.ts";

export { envFrom, type EnvReader, processEnv } from "./env.ts";
export { SettingError } from "./errors.ts";

const ON = new Set(["1", "true", "yes", "on"]);
const OFF = new Set(["0", "false", "no", "off"]);
const SWITCH_VALUES = "1, true, yes or on; or 0, false, no or off";

/** The lockfile's name in the user's directory when none is chosen. */
export const DEFAULT_LOCK_FILE = "owm.lock";

/** The bridge's HTTP port when neither `--port` nor `OWM_PORT` is given. */
export const DEFAULT_BRIDGE_PORT = 8484;

/**
 * A yes/no variable: `true`, `false`, or `undefined` when unset or empty.
 *
 * @example
 * ```ts
 * import { envFrom } from "./env.ts";
 * import { envSwitch } from "./settings.ts";
 * console.log(envSwitch(envFrom({ OWM_DHT: "Off" }), "OWM_DHT")); // false
 * ```
 *
 * @throws {SettingError} for any other value.
 */
export function envSwitch(env: EnvReader, name: string): boolean | undefined {
  const raw = env(name);
  const value = raw?.trim().toLowerCase();
  if (value === undefined || value === "") return undefined;
  if (ON.has(value)) return true;
  if (OFF.has(value)) return false;
  throw new SettingError(name, raw!, SWITCH_VALUES);
}

/**
 * The store directory: `explicit`, else `OWM_HOME`, else `./.owm`, from the
 * working directory.
 *
 * @example
 * ```ts
 * import { envFrom } from "./env.ts";
 * import { storeHomeFrom } from "./settings.ts";
 * console.log(storeHomeFrom(envFrom({ OWM_HOME: "/srv/store" }))); // "/srv/store"
 * ```
 */
export function storeHomeFrom(env: EnvReader, explicit?: string): string {
  return resolve(explicit ?? env("OWM_HOME") ?? ".owm");
}

/**
 * The directory the user ran the command from: `INIT_CWD` under `deno task`
 * (when absolute and a directory), else the working directory.
 *
 * @example
 * ```ts
 * import { processEnv } from "./env.ts";
 * import { userCwdFrom } from "./settings.ts";
 * console.log(userCwdFrom(processEnv));
 * ```
 */
export function userCwdFrom(env: EnvReader): string {
  const initCwd = env("INIT_CWD");
  try {
    if (initCwd && isAbsolute(initCwd) && Deno.statSync(initCwd).isDirectory) return initCwd;
  } catch {
    // not a directory: the working directory
  }
  return Deno.cwd();
}

/**
 * The lockfile: `explicit` (`--lock`, `lockFile`), else `OWM_LOCK`, else
 * `owm.lock`; a relative path is taken from `cwd` (the user's directory).
 * The one rule for where `owm.lock` is: `owm lock` writes it there and
 * `owm fetch --locked` and `require()` read it there.
 *
 * @example
 * ```ts
 * import { envFrom } from "./env.ts";
 * import { lockFileFrom } from "./settings.ts";
 * console.log(lockFileFrom(envFrom({}), undefined, "/home/me/project")); // "/home/me/project/owm.lock"
 * ```
 */
export function lockFileFrom(env: EnvReader, explicit: string | undefined, cwd: string): string {
  const chosen = explicit ?? env("OWM_LOCK") ?? DEFAULT_LOCK_FILE;
  return isAbsolute(chosen) ? chosen : resolve(join(cwd, chosen));
}

/**
 * Index specs: `given` when not empty, else `OWM_INDEXES` (comma-separated),
 * else none (the store's own `torrents/` folder is then the index).
 *
 * @example
 * ```ts
 * import { envFrom } from "./env.ts";
 * import { indexSpecsFrom } from "./settings.ts";
 * console.log(indexSpecsFrom(envFrom({ OWM_INDEXES: "dir:/a, https://i.example/" }))); // ["dir:/a", "https://i.example/"]
 * ```
 */
export function indexSpecsFrom(env: EnvReader, given: readonly string[] = []): string[] {
  if (given.length > 0) return [...given];
  return (env("OWM_INDEXES") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

/**
 * Where the shared cache is, or `undefined` when it is off (`OWM_CACHE` off)
 * or no location is known: `OWM_CACHE_DIR` (from the working directory), else
 * `$XDG_CACHE_HOME/owmeta-torrent` (an absolute one: the XDG specification
 * says to ignore a relative one), else `$HOME/.cache/owmeta-torrent`.
 *
 * @example
 * ```ts
 * import { envFrom } from "./env.ts";
 * import { cacheDirFrom } from "./settings.ts";
 * console.log(cacheDirFrom(envFrom({ HOME: "/home/me" }))); // "/home/me/.cache/owmeta-torrent"
 * ```
 *
 * @throws {SettingError} when `OWM_CACHE` is neither on nor off.
 */
export function cacheDirFrom(env: EnvReader): string | undefined {
  if (envSwitch(env, "OWM_CACHE") === false) return undefined;
  const dir = env("OWM_CACHE_DIR");
  if (dir) return resolve(dir);
  const xdg = env("XDG_CACHE_HOME");
  if (xdg && isAbsolute(xdg)) return join(xdg, "owmeta-torrent");
  const home = env("HOME") ?? env("USERPROFILE");
  return home && isAbsolute(home) ? join(home, ".cache", "owmeta-torrent") : undefined;
}

/**
 * How the shared cache places content into stores (and stores' content into
 * the cache): `clone` (copy-on-write clones where the file system offers them,
 * else copies: the default), `copy` (copies through the process) or
 * `hardlink` (one file shared by the cache and every store: an explicit
 * opt-in, as a write to any of them changes all of them).
 */
export type CacheMode = "clone" | "copy" | "hardlink";

const CACHE_MODE_VALUES =
  "clone (the default: copy-on-write clones where the file system offers them, else copies), copy, or hardlink (shared files: a write to one project's copy changes the cache and every other project's copy, root's writes included)";

/**
 * `OWM_CACHE_LINK`: how the shared cache places files. Unset, `clone` (or an
 * off spelling: `0`, `false`, `no`, `off`) is `clone`; `copy` is `copy`;
 * `hardlink` is `hardlink`. An on spelling (`1`, `true`, `yes`, `on`) is
 * refused: hard links are only ever taken by name.
 *
 * @example
 * ```ts
 * import { envFrom } from "./env.ts";
 * import { cacheModeFrom } from "./settings.ts";
 * console.log(cacheModeFrom(envFrom({}))); // "clone"
 * console.log(cacheModeFrom(envFrom({ OWM_CACHE_LINK: "hardlink" }))); // "hardlink"
 * ```
 *
 * @throws {SettingError} for any other value.
 */
export function cacheModeFrom(env: EnvReader): CacheMode {
  const raw = env("OWM_CACHE_LINK");
  const value = raw?.trim().toLowerCase();
  if (value === undefined || value === "" || value === "clone" || OFF.has(value)) return "clone";
  if (value === "copy" || value === "hardlink") return value;
  throw new SettingError("OWM_CACHE_LINK", raw!, CACHE_MODE_VALUES);
}

/** What a caller sets explicitly; anything left out comes from the environment or its default. */
export interface SettingsFlags {
  /** `--home`: the store. */
  home?: string | undefined;
  /** `--index SPEC`, repeated. */
  indexes?: readonly string[] | undefined;
  /** `--peer host:port`, repeated. */
  peers?: readonly string[] | undefined;
  /** `--web-seed URL`, repeated. */
  webSeeds?: readonly string[] | undefined;
  /** `--offline` (true; false forces online whatever `OWM_OFFLINE` says). */
  offline?: boolean | undefined;
  /** DHT (`--no-dht` gives false). */
  dht?: boolean | undefined;
  /** Local service discovery (`--no-lsd` gives false). */
  lsd?: boolean | undefined;
  /** The BitTorrent port (`--port` of `owm`, `--torrent-port` of the bridge). */
  torrentPort?: number | undefined;
  /** `--timeout`, in milliseconds. */
  timeoutMs?: number | undefined;
  /** `--stall-timeout`, in milliseconds (0: wait for ever). */
  stallTimeoutMs?: number | undefined;
  /** `--repair`. */
  repair?: boolean | undefined;
  /** `--lock PATH`: relative to the user's directory. */
  lockFile?: string | undefined;
  /** `--locked`. */
  locked?: boolean | undefined;
  /** The bridge's `--port`. */
  bridgePort?: number | undefined;
  /** `--allow-link-local`. */
  allowLinkLocal?: boolean | undefined;
}

/** Every setting of a run, resolved. */
export interface Settings {
  /** The store directory (absolute): `--home`, `OWM_HOME`, else `./.owm`. */
  readonly home: string;
  /** The user's directory: `INIT_CWD` under `deno task`, else the working directory. */
  readonly userCwd: string;
  /** Index specs: `--index`, else `OWM_INDEXES`; empty means the store's `torrents/` folder. */
  readonly indexes: readonly string[];
  /** `OWM_INDEX_TOKEN`: the bearer token of HTTP indexes. */
  readonly indexToken: string | undefined;
  /** `OWM_DRIVE_ROOT_URL`: a Drive-compatible server for `drive:` indexes. */
  readonly driveRootUrl: string | undefined;
  /** `--offline` or `OWM_OFFLINE`: nothing touches the network. */
  readonly offline: boolean;
  /** The shared cache's folder, or `undefined` when it is off (`OWM_CACHE`, `OWM_CACHE_DIR`, …). */
  readonly cacheDir: string | undefined;
  /** `OWM_CACHE_LINK`: how files go between the cache and stores: `clone` (default), `copy`, `hardlink`. */
  readonly cacheMode: CacheMode;
  /** DHT: `--no-dht` or `OWM_DHT`; never offline. */
  readonly dht: boolean;
  /** Local service discovery: `--no-lsd` or `OWM_LSD`; never offline. */
  readonly lsd: boolean;
  /** The BitTorrent port; `undefined` for the session's default. */
  readonly torrentPort: number | undefined;
  /** Peers every download dials. */
  readonly peers: readonly string[];
  /** Extra BEP 19 web seeds of every download. */
  readonly webSeeds: readonly string[];
  /** Gives up a download after this many milliseconds. */
  readonly timeoutMs: number | undefined;
  /**
   * Gives up a fetch after this many milliseconds without progress (0: never):
   * `--stall-timeout`, `OWM_STALL_TIMEOUT` (seconds), else 120 s.
   */
  readonly stallTimeoutMs: number;
  /** Re-download content present but damaged. */
  readonly repair: boolean;
  /** The lockfile (absolute): `--lock`, `OWM_LOCK`, else `owm.lock`, from the user's directory. */
  readonly lockFile: string;
  /** `--locked` or `OWM_LOCKED`: fetches must match the lockfile. */
  readonly locked: boolean;
  /** The bridge's HTTP port: `--port`, `OWM_PORT`, else 8484. */
  readonly bridgePort: number;
  /** `--allow-link-local` or `OWM_ALLOW_LINK_LOCAL`: link-local tracker and web seed addresses. */
  readonly allowLinkLocal: boolean;
  /** `OWM_DEBUG`: stack traces of unexpected errors. */
  readonly debug: boolean;
}

/** The default stall limit of a fetch, in seconds. */
export const DEFAULT_STALL_TIMEOUT_S = 120;

/**
 * A fetch's stall limit in milliseconds: `explicitMs`, else `OWM_STALL_TIMEOUT`
 * (whole seconds; 0 waits for ever), else 120 s.
 *
 * @example
 * ```ts
 * import { envFrom } from "./env.ts";
 * import { stallTimeoutFrom } from "./settings.ts";
 * console.log(stallTimeoutFrom(envFrom({ OWM_STALL_TIMEOUT: "30" }))); // 30000
 * ```
 *
 * @throws {SettingError} when the variable is not a whole number of seconds.
 */
export function stallTimeoutFrom(env: EnvReader, explicitMs?: number): number {
  if (explicitMs !== undefined) return explicitMs;
  const value = env("OWM_STALL_TIMEOUT")?.trim();
  if (value === undefined || value === "") return DEFAULT_STALL_TIMEOUT_S * 1000;
  if (!/^\d+$/.test(value)) {
    throw new SettingError("OWM_STALL_TIMEOUT", value, "whole seconds (0: wait for ever)");
  }
  return Number(value) * 1000;
}

function portFrom(env: EnvReader, name: string): number | undefined {
  const value = env(name)?.trim();
  if (value === undefined || value === "") return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new SettingError(name, value, "a port number from 0 to 65535");
  }
  return Number(value);
}

/**
 * Reads every setting: `flags` first, then the environment, then the
 * defaults. Every variable is checked, so a misspelt value fails at once,
 * naming the variable, whatever the command.
 *
 * @example
 * ```ts
 * import { envFrom } from "./env.ts";
 * import { readSettings } from "./settings.ts";
 * const settings = readSettings({ home: "/tmp/store" }, envFrom({ OWM_DHT: "no" }));
 * console.log(settings.dht, settings.lsd); // false true
 * ```
 *
 * @param flags What the caller set.
 * @param env Where variables are read. @default the process's environment
 * @returns The settings.
 * @throws {SettingError} for a variable whose value is not understood.
 */
export function readSettings(flags: SettingsFlags = {}, env: EnvReader = processEnv): Settings {
  const offline = flags.offline ?? envSwitch(env, "OWM_OFFLINE") ?? false;
  const dht = flags.dht ?? envSwitch(env, "OWM_DHT") ?? true;
  const lsd = flags.lsd ?? envSwitch(env, "OWM_LSD") ?? true;
  const userCwd = userCwdFrom(env);
  const cacheMode = cacheModeFrom(env);
  const locked = flags.locked || (envSwitch(env, "OWM_LOCKED") ?? false);
  const allowLinkLocal = flags.allowLinkLocal || (envSwitch(env, "OWM_ALLOW_LINK_LOCAL") ?? false);
  const debug = envSwitch(env, "OWM_DEBUG") ?? false;
  const envPort = portFrom(env, "OWM_PORT");
  return {
    home: storeHomeFrom(env, flags.home),
    userCwd,
    indexes: indexSpecsFrom(env, flags.indexes),
    indexToken: env("OWM_INDEX_TOKEN"),
    driveRootUrl: env("OWM_DRIVE_ROOT_URL"),
    offline,
    cacheDir: cacheDirFrom(env),
    cacheMode,
    dht: dht && !offline,
    lsd: lsd && !offline,
    torrentPort: flags.torrentPort,
    peers: [...(flags.peers ?? [])],
    webSeeds: [...(flags.webSeeds ?? [])],
    timeoutMs: flags.timeoutMs,
    stallTimeoutMs: stallTimeoutFrom(env, flags.stallTimeoutMs),
    repair: flags.repair ?? false,
    lockFile: lockFileFrom(env, flags.lockFile, userCwd),
    locked,
    bridgePort: flags.bridgePort ?? envPort ?? DEFAULT_BRIDGE_PORT,
    allowLinkLocal,
    debug,
  };
}

/**
 * `settings` with some values changed (e.g. a bridge fetch's own peers, or
 * repair): the rest, read once, is kept.
 *
 * @example
 * ```ts
 * import { envFrom } from "./env.ts";
 * import { readSettings, withSettings } from "./settings.ts";
 * const base = readSettings({}, envFrom({}));
 * console.log(withSettings(base, { repair: true }).repair); // true
 * ```
 */
export function withSettings(settings: Settings, changes: Partial<Settings>): Settings {
  return { ...settings, ...changes };
}

/**
 * The one table of settings: each environment variable, its flag, and what
 * it does (the README's table is this one).
 *
 * @example
 * ```ts
 * import { SETTINGS_TABLE } from "./settings.ts";
 * for (const row of SETTINGS_TABLE) console.log(row.variable, row.flag ?? "");
 * ```
 */
export const SETTINGS_TABLE: readonly {
  readonly variable: string;
  readonly flag?: string;
  readonly default: string;
  readonly meaning: string;
}[] = [
  { variable: "OWM_HOME", flag: "--home", default: "./.owm", meaning: "the store" },
  {
    variable: "OWM_INDEXES",
    flag: "--index",
    default: "<store>/torrents",
    meaning: "torrent indexes, comma-separated (dir:PATH, http(s)://…, drive:…)",
  },
  { variable: "OWM_INDEX_TOKEN", default: "none", meaning: "bearer token of HTTP indexes" },
  {
    variable: "OWM_DRIVE_ROOT_URL",
    default: "Google Drive",
    meaning: "a Drive-compatible server for drive: indexes",
  },
  {
    variable: "OWM_OFFLINE",
    flag: "--offline",
    default: "off",
    meaning: "only what is on this machine; no session, no HTTP/Drive index, no DHT/LSD",
  },
  { variable: "OWM_CACHE", default: "on", meaning: "the shared content cache" },
  {
    variable: "OWM_CACHE_DIR",
    default: "$XDG_CACHE_HOME/owmeta-torrent, else $HOME/.cache/owmeta-torrent",
    meaning: "where the shared cache is",
  },
  {
    variable: "OWM_CACHE_LINK",
    default: "clone",
    meaning:
      "clone (copy-on-write where the file system can, else copy), copy, or hardlink (opt-in: shared files, so a write to one project's copy changes the cache and every project's, root's included)",
  },
  { variable: "OWM_DHT", flag: "--no-dht", default: "on", meaning: "DHT peer discovery" },
  { variable: "OWM_LSD", flag: "--no-lsd", default: "on", meaning: "local service discovery" },
  {
    variable: "OWM_LOCK",
    flag: "--lock",
    default: "owm.lock in the user's directory",
    meaning: "the lockfile (relative: from the user's directory)",
  },
  {
    variable: "OWM_LOCKED",
    flag: "--locked",
    default: "off",
    meaning: "fetches must match the lockfile",
  },
  {
    variable: "OWM_PORT",
    flag: "--port (bridge)",
    default: "8484",
    meaning: "the bridge's HTTP port",
  },
  {
    variable: "OWM_ALLOW_LINK_LOCAL",
    flag: "--allow-link-local",
    default: "off",
    meaning: "trackers and web seeds at link-local addresses",
  },
  { variable: "OWM_DEBUG", default: "off", meaning: "stack traces of unexpected errors" },
  {
    variable: "OWM_STALL_TIMEOUT",
    flag: "--stall-timeout",
    default: "120",
    meaning: "seconds a fetch waits without progress before giving up (0: for ever)",
  },
  {
    variable: "INIT_CWD",
    default: "the working directory",
    meaning: "the user's directory under deno task (relative paths, owm.lock)",
  },
];
