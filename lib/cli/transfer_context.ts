/**
 * What the transfer commands share: their {@linkcode Settings}, read from the
 * command line and the environment with one set of rules, and the fetch stack
 * (`lib/stack/`) built from them.
 *
 * @module
 */
import type { DataSourceRepository } from "../datasource/repository.ts";
import type { TorrentIndex } from "../index/torrent_index.ts";
import { type EnvReader, processEnv } from "../settings/env.ts";
import { readSettings, SettingError, type Settings } from "../settings/settings.ts";
import {
  openSessionFor,
  openStack,
  reachableIndexes,
  type Stack,
  stackIndexes,
} from "../stack/stack.ts";
import type { TorrentSession } from "../torrent/session.ts";
import type { TranslatorRegistry } from "../translate/registry.ts";
import { UsageError } from "./io.ts";

/** Command-line options that configure transfers. */
export interface TransferOptions {
  /** `--index SPEC`, repeated. */
  index?: readonly string[] | undefined;
  /** `--peer host:port`, repeated. */
  peer?: readonly string[] | undefined;
  /** `--web-seed URL`, repeated. */
  "web-seed"?: readonly string[] | undefined;
  /** `--port N`. */
  port?: string | undefined;
  /** `--no-dht`. */
  "no-dht"?: boolean | undefined;
  /** `--no-lsd`. */
  "no-lsd"?: boolean | undefined;
  /** `--timeout S`. */
  timeout?: string | undefined;
  /** `--stall-timeout S`: give up after S seconds without progress (0: never). */
  "stall-timeout"?: string | undefined;
  /** `--repair`. */
  repair?: boolean | undefined;
  /** `--offline`: resolve only from what is on this machine (also `OWM_OFFLINE=1`). */
  offline?: boolean | undefined;
  /** `--lock PATH`. */
  lock?: string | undefined;
  /** `--locked`. */
  locked?: boolean | undefined;
}

/** Parses a non-negative integer option. */
export function intOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} takes a whole number, got '${value}'`);
  return Number(value);
}

/**
 * The settings of a command: its flags over the environment. A variable
 * whose value is not understood is a usage error naming it.
 *
 * @example
 * ```ts ignore
 * const settings = commandSettings("/home/me/.owm", { "no-dht": true });
 * ```
 *
 * @param home The store directory.
 * @param options The command's flags.
 * @param env Where variables are read. @default the process's environment
 * @throws {SettingError} for a variable whose value is not understood.
 * @throws {UsageError} for a flag that is not a whole number.
 */
export function commandSettings(
  home: string,
  options: TransferOptions,
  env: EnvReader = processEnv,
): Settings {
  const timeout = intOption("timeout", options.timeout);
  const stall = intOption("stall-timeout", options["stall-timeout"]);
  return readSettings({
    home,
    indexes: options.index,
    peers: options.peer,
    webSeeds: options["web-seed"],
    torrentPort: intOption("port", options.port),
    ...(options["no-dht"] ? { dht: false } : {}),
    ...(options["no-lsd"] ? { lsd: false } : {}),
    ...(options.offline ? { offline: true } : {}),
    timeoutMs: timeout === undefined ? undefined : timeout * 1000,
    ...(stall === undefined ? {} : { stallTimeoutMs: stall * 1000 }),
    repair: options.repair,
    lockFile: options.lock,
    locked: options.locked,
  }, env);
}

/**
 * Whether a command runs offline: `--offline`, or `OWM_OFFLINE` on.
 * Offline, only what is already here (the store's data or the shared cache)
 * is used: no torrent session, no HTTP or Drive index.
 */
export function isOffline(options: TransferOptions): boolean {
  return options.offline === true || readSettings({}).offline;
}

/**
 * The indexes to use: `--index` specs, else `OWM_INDEXES` (comma-separated),
 * else the store's own folder index `<store>/torrents`. `offline` keeps only
 * folder indexes (the others need the network).
 *
 * @throws {UsageError} for a spec that is not an index.
 */
export function configuredIndexes(
  storeHome: string,
  specs: readonly string[] = [],
  offline = false,
): TorrentIndex[] {
  const settings = commandSettings(storeHome, { index: specs, ...(offline ? { offline } : {}) });
  return usage(() => reachableIndexes(settings, stackIndexes(settings)));
}

/** The indexes a publish pushes to: the configured ones and the store's own folder. */
export function publishIndexes(settings: Settings): TorrentIndex[] {
  return usage(() => stackIndexes(settings, { withOwn: true }));
}

/** Opens the torrent session for a command now (publish, seed): state in `<store>/session`. */
export async function openSession(settings: Settings): Promise<TorrentSession> {
  return await openSessionFor(settings);
}

/**
 * The fetch stack of a command, built from its settings: the BitTorrent
 * loader into `directory` (default `<store>/data_source_data/bittorrent`),
 * offline with `--offline` or `OWM_OFFLINE`, with the shared cache unless
 * `OWM_CACHE` is off, its session opened on first need with `--port` (else
 * any), `--no-dht`/`OWM_DHT` and `--no-lsd`/`OWM_LSD` (closed by `close()`);
 * then the translation loader, with `translators` (default the built-in ones).
 *
 * @throws {UsageError} for an `--index` spec that is not an index.
 */
export function commandStack(
  repo: DataSourceRepository,
  settings: Settings,
  directory?: string,
  translators?: TranslatorRegistry,
): Stack {
  return usage(() =>
    openStack({
      settings,
      repository: repo,
      ...(directory === undefined ? {} : { directory }),
      ...(translators === undefined ? {} : { translators }),
      defaultPort: 0,
    })
  );
}

/**
 * {@linkcode commandStack} for a command's flags (read over the environment).
 *
 * @throws {UsageError} for an `--index` spec that is not an index.
 */
export function commandRegistry(
  repo: DataSourceRepository,
  options: TransferOptions,
  directory?: string,
  translators?: TranslatorRegistry,
): Stack {
  return commandStack(repo, commandSettings(repo.store.home, options), directory, translators);
}

/** Runs `make`, turning its error (an index spec that is not one) into a usage error. */
function usage<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof SettingError) throw error;
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
