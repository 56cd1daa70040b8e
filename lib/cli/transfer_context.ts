/**
 * What the transfer commands share: the torrent session, the indexes and the
 * loaders, configured from the store, the command line and the environment.
 *
 * @module
 */
import { join } from "node:path";
import type { DataSourceRepository } from "../datasource/repository.ts";
import type { TorrentIndex } from "../index/torrent_index.ts";
import { offlineFromEnv } from "../cache/env.ts";
import {
  defaultIndexes,
  type DefaultRegistry,
  defaultRegistry,
} from "../loader/default_registry.ts";
import { TorrentSession } from "../torrent/session.ts";
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
  /** `--repair`. */
  repair?: boolean | undefined;
  /** `--offline`: resolve only from what is on this machine (also `OWM_OFFLINE=1`). */
  offline?: boolean | undefined;
}

/**
 * Whether a command runs offline: `--offline`, or `OWM_OFFLINE` set to `1`,
 * `true` or `yes`. Offline, only what is already here (the store's data or
 * the shared cache) is used: no torrent session, no HTTP or Drive index.
 */
export function isOffline(options: TransferOptions): boolean {
  return options.offline === true || offlineFromEnv();
}

/**
 * The indexes to use: `--index` specs, else `OWM_INDEXES` (comma-separated),
 * else the store's own folder index `<store>/torrents`. `OWM_DRIVE_ROOT_URL`
 * points Drive indexes at a Drive-compatible server; `OWM_INDEX_TOKEN` is the
 * bearer token for HTTP indexes. `offline` keeps only folder indexes (the
 * others need the network).
 */
export function configuredIndexes(
  storeHome: string,
  specs: readonly string[] = [],
  offline = false,
): TorrentIndex[] {
  const indexes = allConfiguredIndexes(storeHome, specs);
  return offline ? indexes.filter((index) => index.kind === "dir") : indexes;
}

function allConfiguredIndexes(storeHome: string, specs: readonly string[]): TorrentIndex[] {
  try {
    return defaultIndexes(storeHome, specs);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Parses a non-negative integer option. */
export function intOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} takes a whole number, got '${value}'`);
  return Number(value);
}

function discovery(flag: boolean | undefined, env: string): boolean {
  if (flag) return false;
  const value = Deno.env.get(env);
  return !(value === "0" || value === "false" || value === "off");
}

/** Opens the torrent session for a command: state in `<store>/session`. */
export async function openSession(
  storeHome: string,
  options: TransferOptions,
  defaultPort?: number,
): Promise<TorrentSession> {
  const port = intOption("port", options.port) ?? defaultPort;
  return await TorrentSession.open({
    stateDir: join(storeHome, "session"),
    dht: discovery(options["no-dht"], "OWM_DHT"),
    lsd: discovery(options["no-lsd"], "OWM_LSD"),
    ...(port === undefined ? {} : { port }),
  });
}

/**
 * The loaders of a command: {@linkcode defaultRegistry} configured from the
 * command line: the BitTorrent loader into `directory` (default
 * `<store>/data_source_data/bittorrent`), offline with `--offline` or
 * `OWM_OFFLINE`, with the shared cache unless `OWM_CACHE=0`, its session
 * opened on first need with `--port`, `--no-dht` and `--no-lsd` (closed by
 * the registry's `close()`); then the translation loader, with `translators`
 * (default the built-in ones).
 *
 * @throws {UsageError} for an `--index` spec that is not an index.
 */
export function commandRegistry(
  repo: DataSourceRepository,
  options: TransferOptions,
  directory?: string,
  translators?: TranslatorRegistry,
): DefaultRegistry {
  const timeout = intOption("timeout", options.timeout);
  try {
    return defaultRegistry({
      repository: repo,
      indexes: options.index ?? [],
      ...(options.peer ? { peers: options.peer } : {}),
      ...(options["web-seed"] ? { webSeeds: options["web-seed"] } : {}),
      ...(timeout === undefined ? {} : { timeoutMs: timeout * 1000 }),
      repair: options.repair ?? false,
      offline: isOffline(options),
      ...(directory === undefined ? {} : { directory }),
      ...(translators === undefined ? {} : { translators }),
      openSession: () => openSession(repo.store.home, options, 0),
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
