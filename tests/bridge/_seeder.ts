/**
 * Fixtures for the tests that fetch from a loopback seeder: a seeder with a
 * store and torrent session of its own that publishes some content into a
 * folder index (a bridge store's `torrents/`, say) and seeds it, so that a
 * store there can record only the torrent file name.
 *
 * @module
 */
import { join } from "node:path";
import { DataSourceRepository } from "../../lib/datasource/repository.ts";
import { LocalFolderIndex } from "../../lib/index/local_folder_index.ts";
import { publish, type PublishDataOptions } from "../../lib/publish/publish.ts";
import { TorrentSession, type TorrentSessionOptions } from "../../lib/torrent/session.ts";
import { makeDataset, testSessionOptions } from "../torrent/_fixtures.ts";

/** A seeding peer on loopback. */
export interface Seeder extends AsyncDisposable {
  /** `127.0.0.1:PORT`, for a fetch's `peers`. */
  peer: string;
  /** The published file or folder. */
  content: string;
  /** `<md5>.torrent`. */
  torrentFileName: string;
  /** The infohash. */
  infoHash: string;
  /** Stops seeding (closes the session); again is a no-op. */
  close(): Promise<void>;
}

/** What {@linkcode seedContent} publishes and seeds, and how. */
export interface SeedOptions {
  /** The file or folder to publish. */
  content: string;
  /** The folder index that receives the `.torrent`. */
  index: string;
  /** The DataSource class, or its name; default `CSVDataSource`. */
  class?: PublishDataOptions["class"];
  /** The DataSource key; default `seeded`. */
  key?: string;
  /** Session options over {@linkcode testSessionOptions} (loopback, no DHT, no LSD). */
  session?: Partial<TorrentSessionOptions>;
}

/**
 * Publishes `content` from a store of its own (`<root>/seeder-store`) to the
 * folder index `index`, and seeds it on loopback from a session whose state
 * is in `<root>/seeder-session`.
 */
export async function seedContent(root: string, options: SeedOptions): Promise<Seeder> {
  const repository = await DataSourceRepository.open({
    home: join(root, "seeder-store"),
    create: true,
  });
  const session = await TorrentSession.open(
    testSessionOptions(join(root, "seeder-session"), options.session),
  );
  try {
    const result = await publish(options.content, {
      class: options.class ?? "CSVDataSource",
      key: options.key ?? "seeded",
      repository,
      index: new LocalFolderIndex(options.index),
      session,
    });
    return {
      peer: `127.0.0.1:${session.port}`,
      content: options.content,
      torrentFileName: result.torrentFileName,
      infoHash: result.infoHash,
      close: () => session.close(),
      [Symbol.asyncDispose]: () => session.close(),
    };
  } catch (error) {
    await session.close();
    throw error;
  }
}

/**
 * Makes a dataset under `root` (`<root>/dataset`), publishes it from a store
 * of its own to the folder index `<bridgeHome>/torrents`, and seeds it on
 * loopback.
 */
export async function startSeeder(root: string, bridgeHome: string): Promise<Seeder> {
  const content = await makeDataset(root, { a: 600_000, b: 300_001, c: 90_000 });
  return await seedContent(root, { content, index: join(bridgeHome, "torrents") });
}
