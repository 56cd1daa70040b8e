/**
 * The check after a download: content that a valid torrent delivers but that
 * is not what the DataSource records (its MD5 and SHA-256) is refused with a
 * LoadFailedError, and nothing is recorded — no remembered directory, no
 * infohash learnt by the graph, nothing in the shared cache — so a later load
 * does not take it for verified content either.
 *
 * The index here serves, under the recorded torrent file name, a real torrent
 * of other content that a real seeder on loopback serves in full.
 */
import { join } from "node:path";
import { ContentCache } from "../../lib/cache/content_cache.ts";
import { digestContent } from "../../lib/integrity/content_digest.ts";
import { LoadFailedError } from "../../lib/loader/errors.ts";
import { loadedIndexPath } from "../../lib/loader/located_content.ts";
import { LoaderRegistry } from "../../lib/loader/registry.ts";
import { assertEquals, assertRejects, assertStringIncludes } from "../_assert.ts";
import { makeDataset, readTree, withTempDir } from "../torrent/_fixtures.ts";
import { project, startSeeder } from "./_stores.ts";

async function remembered(home: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await Deno.readTextFile(loadedIndexPath(home)));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return {};
    throw error;
  }
}

Deno.test("a downloaded torrent of other content than the DataSource records is a LoadFailedError, and nothing is recorded", async () => {
  await withTempDir(async (tmp) => {
    // What the DataSource records: the MD5 and SHA-256 of this content.
    const real = await makeDataset(join(tmp, "real"), { a: 500_000, b: 250_001, c: 70_000 });
    const { digests } = await digestContent(real, ["md5", "sha256"]);
    // What the index serves under the recorded name: a valid torrent of other content, seeded.
    await using seeder = await startSeeder(join(tmp, "seeder"), join(tmp, "elsewhere"));
    const name = "connectome.torrent";
    await Deno.mkdir(join(tmp, "shared", "torrents"), { recursive: true });
    await Deno.copyFile(
      join(tmp, "elsewhere", "torrents", seeder.torrentFileName),
      join(tmp, "shared", "torrents", name),
    );
    const cache = new ContentCache(join(tmp, "cache"));
    await using p = await project(join(tmp, "store"), join(tmp, "shared"), {
      fields: { torrentFileName: name, md5: digests.md5, sha256: digests.sha256 },
      cache,
      peers: [seeder.peer],
    });
    const registry = new LoaderRegistry(loadedIndexPath(p.home)).add(p.loader);

    const error = await assertRejects(
      async () => registry.load(await p.ds()),
      LoadFailedError,
      "the torrent's data differs from what the DataSource records",
    );
    assertStringIncludes(error.message, "does not verify");
    assertEquals(error.identifier, (await p.ds()).identifier);
    assertEquals(p.sessionsOpened(), 1, "it was downloaded");
    // The download did happen: the seeder's content is on disk, in full.
    const dir = p.loader.directoryFor(await p.ds());
    assertEquals(
      Object.keys(await readTree(join(dir, "dataset"))).sort(),
      Object.keys(await readTree(seeder.content)).sort(),
    );

    // Nothing recorded.
    assertEquals(await remembered(p.home), {}, "no remembered directory in index.json");
    assertEquals(await registry.loaded("CSVDataSource:seeded"), undefined);
    const ds = await p.ds();
    assertEquals(ds.getAll("infoHash"), [], "the graph learnt no infohash");
    assertEquals(ds.getAll("magnetLink"), [], "nor a magnet link");
    assertEquals(ds.get("sha256"), digests.sha256, "the recorded SHA-256 is unchanged");
    assertEquals(ds.get("md5"), digests.md5);
    assertEquals(await cache.get(seeder.infoHash), undefined, "nothing added to the cache");

    // What was left on disk is not taken for verified content by a later load.
    await assertRejects(
      async () => registry.load(await p.ds()),
      LoadFailedError,
      "does not verify",
    );
    assertEquals(await remembered(p.home), {});
    assertEquals((await p.ds()).getAll("infoHash"), []);
  });
});
