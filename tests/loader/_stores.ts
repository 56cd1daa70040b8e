/**
 * Fixtures for the loader's cache and offline tests: a seeder on loopback
 * (the bridge tests' `startSeeder`, publishing into a shared folder index),
 * and "projects": stores whose DataSource records only the torrent file name,
 * each with a BitTorrent loader that counts the torrent sessions it opens.
 *
 * @module
 */
import { join } from "node:path";
import type { ContentCache } from "../../lib/cache/content_cache.ts";
import { CSVDataSource } from "../../lib/datasource/csv_data_source.ts";
import type { DataSource } from "../../lib/datasource/data_source.ts";
import { DataSourceRepository } from "../../lib/datasource/repository.ts";
import { LocalFolderIndex } from "../../lib/index/local_folder_index.ts";
import type { TorrentIndex } from "../../lib/index/torrent_index.ts";
import {
  BitTorrentDataSourceDirLoader,
  type BitTorrentLoaderOptions,
} from "../../lib/loader/bittorrent_loader.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import type { LoadResult } from "../../lib/loader/dir_loader.ts";
import type { VerifyReport } from "../../lib/integrity/verify.ts";
import { testSessionOptions } from "../torrent/_fixtures.ts";

export { startSeeder } from "../bridge/_seeder.ts";

/** One project: its store, its DataSource and a loader. */
export interface Project extends AsyncDisposable {
  /** The store folder. */
  home: string;
  /** The repository. */
  repo: DataSourceRepository;
  /** The DataSource (re-read from the store). */
  ds(): Promise<DataSource>;
  /** Its loader. */
  loader: BitTorrentDataSourceDirLoader;
  /** How many torrent sessions the loader opened. */
  sessionsOpened(): number;
}

/** Options for {@linkcode project}. */
export interface ProjectOptions {
  /** Fields of the DataSource besides its key (default: the torrent file name only). */
  fields: Record<string, unknown>;
  /** The shared cache, or false. */
  cache: ContentCache | false;
  /** Peers to dial. */
  peers?: string[];
  /** Offline. @default false */
  offline?: boolean;
  /** Repair. @default false */
  repair?: boolean;
  /** Indexes. @default the folder index `<indexHome>/torrents` */
  indexes?: TorrentIndex[];
}

/** The key every project's DataSource has. */
export const KEY = "seeded";

/**
 * A store at `home` holding `CSVDataSource:seeded` with `fields` (unless it
 * holds it already: what a load learnt is kept), and a BitTorrent loader over
 * `<indexHome>/torrents`.
 */
export async function project(
  home: string,
  indexHome: string,
  options: ProjectOptions,
): Promise<Project> {
  const repo = await DataSourceRepository.open({ home, create: true });
  if (!(await repo.find(`CSVDataSource:${KEY}`))) {
    await repo.save([new CSVDataSource({ key: KEY, ...options.fields } as never)]);
  }
  let opened = 0;
  let session: TorrentSession | undefined;
  const loaderOptions: BitTorrentLoaderOptions = {
    session: async () => {
      opened++;
      session = await TorrentSession.open(testSessionOptions(join(home, "session")));
      return session;
    },
    indexes: options.indexes ?? [new LocalFolderIndex(join(indexHome, "torrents"))],
    repository: repo,
    cache: options.cache,
    offline: options.offline ?? false,
    repair: options.repair ?? false,
    timeoutMs: 60_000,
    ...(options.peers ? { peers: options.peers } : {}),
  };
  const loader = new BitTorrentDataSourceDirLoader(
    join(home, "data_source_data", "bittorrent"),
    loaderOptions,
  );
  return {
    home,
    repo,
    ds: () => repo.get(`CSVDataSource:${KEY}`),
    loader,
    sessionsOpened: () => opened,
    [Symbol.asyncDispose]: async () => {
      await session?.close();
    },
  };
}

/** Flips one byte of `path` in place (through any hard link), even if it is read-only. */
export async function damage(path: string, offset = 1000): Promise<void> {
  await Deno.chmod(path, 0o644);
  using file = await Deno.open(path, { read: true, write: true });
  const one = new Uint8Array(1);
  await file.seek(offset, Deno.SeekMode.Start);
  await file.read(one);
  one[0] = one[0]! ^ 0xff;
  await file.seek(offset, Deno.SeekMode.Start);
  await file.write(one);
}

/** What a BitTorrent load found out, in the terms these tests check. */
export function details(result: LoadResult): {
  directory: string;
  contentPath: string | undefined;
  infoHash: string | undefined;
  report: VerifyReport;
  alreadyPresent: boolean;
  fromCache: boolean;
  cacheNote: string | undefined;
} {
  if (!result.report) throw new Error(`the ${result.loader} load has no verification report`);
  return {
    directory: result.directory,
    contentPath: result.contentPath,
    infoHash: result.infoHash,
    report: result.report,
    alreadyPresent: result.origin === "present",
    fromCache: result.origin === "cache",
    cacheNote: result.notes.length > 0 ? result.notes.join("; ") : undefined,
  };
}
