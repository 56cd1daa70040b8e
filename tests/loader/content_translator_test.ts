/**
 * The BitTorrent loader applying a DataSource's content translator after
 * download: a torrent of a `.zip`, fetched from a real seeder on loopback,
 * loads as the extracted folder; a second load reuses it; the remembered
 * directory still locates and verifies the downloaded zip.
 */
import { join } from "node:path";
import { createZip } from "../../lib/archive/zip_create.ts";
import { LocalFileDataSource } from "../../lib/datasource/local_file_data_source.ts";
import { DataSourceRepository } from "../../lib/datasource/repository.ts";
import { LocalFolderIndex } from "../../lib/index/local_folder_index.ts";
import { BitTorrentDataSourceDirLoader } from "../../lib/loader/bittorrent_loader.ts";
import { loadedIndexPath, locateContent, verifyLocated } from "../../lib/loader/located_content.ts";
import { LoaderRegistry } from "../../lib/loader/registry.ts";
import { publish } from "../../lib/publish/publish.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import { contentTranslatorHook } from "../../lib/translate/content_translation.ts";
import { assert, assertEquals } from "../_assert.ts";
import {
  assertSameTree,
  makeDataset,
  testSessionOptions,
  withTempDir,
} from "../torrent/_fixtures.ts";

Deno.test("a .zip DataSource with contentTranslator zip-to-directory loads as the extracted folder", async () => {
  await withTempDir(async (tmp) => {
    const dataset = await makeDataset(tmp, { a: 200_000, b: 70_001, c: 3_000 });
    const zip = join(tmp, "zipped", "dataset.zip");
    await Deno.mkdir(join(tmp, "zipped"));
    await createZip(dataset, zip);
    const index = new LocalFolderIndex(join(tmp, "index"));
    const seederRepo = await DataSourceRepository.open({ home: join(tmp, "seeder"), create: true });
    await using seeder = await TorrentSession.open(testSessionOptions(join(tmp, "seeder-session")));
    const published = await publish(zip, {
      class: "LocalFileDataSource",
      key: "zipped",
      repository: seederRepo,
      index,
      session: seeder,
    });

    const home = join(tmp, "project");
    const repo = await DataSourceRepository.open({ home, create: true });
    await repo.save([
      new LocalFileDataSource({
        key: "zipped",
        torrentFileName: published.torrentFileName,
        contentTranslator: "zip-to-directory",
      }),
    ]);
    let session: TorrentSession | undefined;
    let sessions = 0;
    const loader = new BitTorrentDataSourceDirLoader(join(home, "data_source_data", "bittorrent"), {
      session: async () => {
        sessions++;
        return (session = await TorrentSession.open(testSessionOptions(join(home, "session"))));
      },
      indexes: [index],
      repository: repo,
      peers: [`127.0.0.1:${seeder.port}`],
      cache: false,
      timeoutMs: 60_000,
      afterLoad: contentTranslatorHook(repo),
    });
    const registry = new LoaderRegistry(loadedIndexPath(home)).add(loader);
    try {
      const ds = await repo.get("LocalFileDataSource:zipped");
      const first = await registry.load(ds);
      const dir = first.directory;
      assertEquals(first.origin, "download");
      assertEquals(dir, `${loader.directoryFor(ds)}@zip-to-directory`);
      await assertSameTree(join(dir, "dataset"), dataset);
      // The downloaded zip itself stays where the torrent put it.
      assertEquals((await Deno.stat(join(loader.directoryFor(ds), "dataset.zip"))).isFile, true);
      const record = JSON.parse(await Deno.readTextFile(`${dir}.json`));
      assertEquals(record.translator, "zip-to-directory");

      // Again: present, verified, and the extraction is reused, not redone.
      const marker = join(dir, "dataset", "a.bin");
      const before = (await Deno.stat(marker)).mtime;
      const again = await registry.load(await repo.get("LocalFileDataSource:zipped"));
      assertEquals(again.directory, dir);
      assertEquals(again.origin, "present");
      assertEquals((await Deno.stat(marker)).mtime, before);
      assertEquals(sessions, 1);

      // The remembered directory is the extracted one, yet `verify` finds the zip.
      const located = await locateContent(home, await repo.get("LocalFileDataSource:zipped"), [
        index,
      ]);
      assertEquals(located?.contentPath, join(loader.directoryFor(ds), "dataset.zip"));
      const report = await verifyLocated(await repo.get("LocalFileDataSource:zipped"), located!);
      assert(report.ok, JSON.stringify(report.checks));
      assert(report.checks.some((c) => c.kind === "pieces"));
    } finally {
      await session?.close();
    }
  });
});
