/**
 * Fixtures for the bridge client tests: a loopback seeder (its own store and
 * torrent session) that publishes a dataset made by the engine fixtures and
 * pushes its `.torrent` into a bridge store's default index (`torrents/`),
 * and a DataSource in that bridge store recording only the torrent file name.
 *
 * @module
 */
import { join } from "node:path";
import { DataSourceRepository } from "../../lib/datasource/repository.ts";
import { LocalFolderIndex } from "../../lib/index/local_folder_index.ts";
import { publish } from "../../lib/publish/publish.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import { makeDataset, testSessionOptions } from "../torrent/_fixtures.ts";

/** A seeding peer on loopback. */
export interface Seeder extends AsyncDisposable {
  /** `127.0.0.1:PORT`, for a fetch's `peers`. */
  peer: string;
  /** The published folder (`…/dataset`). */
  content: string;
  /** `<md5>.torrent`. */
  torrentFileName: string;
  /** The infohash. */
  infoHash: string;
}

/**
 * Makes a dataset under `root`, publishes it from a store of its own to the
 * folder index `<bridgeHome>/torrents`, and seeds it on loopback.
 */
export async function startSeeder(root: string, bridgeHome: string): Promise<Seeder> {
  const content = await makeDataset(root, { a: 600_000, b: 300_001, c: 90_000 });
  const repository = await DataSourceRepository.open({
    home: join(root, "seeder-store"),
    create: true,
  });
  const session = await TorrentSession.open(testSessionOptions(join(root, "seeder-session")));
  const result = await publish(content, {
    class: "CSVDataSource",
    key: "seeded",
    repository,
    index: new LocalFolderIndex(join(bridgeHome, "torrents")),
    session,
  });
  return {
    peer: `127.0.0.1:${session.port}`,
    content,
    torrentFileName: result.torrentFileName,
    infoHash: result.infoHash,
    [Symbol.asyncDispose]: () => session.close(),
  };
}
