/**
 * The content's location recorded in the graph when it is fetched (through
 * the stack) or published, and `locateContent` using it: with no index at
 * hand and a `fileName` that names something else, the content is still
 * found; a location tampered with in the graph is refused, not followed.
 */
import { join } from "node:path";
import { CSVDataSource } from "../../lib/datasource/csv_data_source.ts";
import { DataSourceRepository } from "../../lib/datasource/repository.ts";
import { PathEscapeError } from "../../lib/fs/confine.ts";
import { literal, namedNode, quad } from "../../lib/graph/rdf.ts";
import {
  CONTENT_LOCATION,
  contentGraph,
  recordedContentLocation,
} from "../../lib/loader/content_location.ts";
import { locateContent } from "../../lib/loader/located_content.ts";
import { envFrom } from "../../lib/settings/env.ts";
import { readSettings } from "../../lib/settings/settings.ts";
import { openStack, storeRegistry } from "../../lib/stack/stack.ts";
import { assertEquals, assertRejects } from "../_assert.ts";
import { makeDataset, withTempDir } from "../torrent/_fixtures.ts";
import { startSeeder } from "./_stores.ts";

Deno.test("a fetch records where the content is; locateContent finds it without an index or the right fileName", async () => {
  await withTempDir(async (tmp) => {
    const home = join(tmp, "store");
    await using seeder = await startSeeder(join(tmp, "seeder"), join(tmp, "shared"));
    const repository = await DataSourceRepository.open({ home, create: true });
    // fileName names a file the folder dataset does not hold at its top.
    await repository.save([
      new CSVDataSource({
        key: "worms",
        torrentFileName: seeder.torrentFileName,
        fileName: "connections.csv",
      }),
    ]);
    const ds = await repository.get("CSVDataSource:worms");
    const settings = readSettings({
      home,
      indexes: [`dir:${join(tmp, "shared", "torrents")}`],
      peers: [seeder.peer],
    }, envFrom({ OWM_DHT: "0", OWM_LSD: "0", OWM_CACHE: "0" }));
    {
      await using stack = openStack({
        settings,
        repository,
        sessionOptions: { hostname: "127.0.0.1", port: 0 },
      });
      const result = await stack.registry.load(ds);
      assertEquals(result.origin, "download");
      assertEquals(
        result.contentPath,
        join(home, "data_source_data", "bittorrent", "worms", "dataset"),
      );
    }
    // The statement: relative to the store, in the store's own graph.
    const statements = await repository.store.match({ subject: namedNode(ds.identifier) });
    const located = statements.filter((q) => q.predicate.value === CONTENT_LOCATION);
    assertEquals(located.map((q) => [q.object.value, q.graph.value]), [[
      "data_source_data/bittorrent/worms/dataset",
      contentGraph(home),
    ]]);
    assertEquals(
      await recordedContentLocation(repository.store, home, ds.identifier),
      join(home, "data_source_data", "bittorrent", "worms", "dataset"),
    );
    // No index at hand: the recorded location, not fileName.
    const found = await locateContent(home, ds, [], repository.store);
    assertEquals(
      found?.contentPath,
      join(home, "data_source_data", "bittorrent", "worms", "dataset"),
    );
    const guessed = await locateContent(home, ds, []);
    assertEquals(
      guessed?.contentPath,
      join(home, "data_source_data", "bittorrent", "worms", "connections.csv"),
    );

    // A location changed in the graph to lead out of the folder is refused.
    for (const bad of ["../../../../etc", "/etc/passwd", join(home, "graph.nq")]) {
      await repository.store.update((tx) => {
        const graph = namedNode(contentGraph(home));
        const subject = namedNode(ds.identifier);
        const predicate = namedNode(CONTENT_LOCATION);
        tx.remove(...tx.match({ subject, predicate, graph }));
        tx.add(quad(subject, predicate, literal(bad), graph));
      });
      await assertRejects(
        () => locateContent(home, ds, [], repository.store),
        PathEscapeError,
        "outside the folder this store holds it in",
      );
    }
  });
});

Deno.test("a publish records its content's location (absolute, outside the store)", async () => {
  await withTempDir(async (tmp) => {
    const home = join(tmp, "store");
    const content = await makeDataset(join(tmp, "project"), { a: 10, b: 20, c: 30 });
    const repository = await DataSourceRepository.open({ home, create: true });
    await repository.save([new CSVDataSource({ key: "mine", fileName: "other.csv" })]);
    const ds = await repository.get("CSVDataSource:mine");
    await storeRegistry(repository).remember(ds, "published", join(tmp, "project"), content);
    assertEquals(await recordedContentLocation(repository.store, home, ds.identifier), content);
    assertEquals((await locateContent(home, ds, [], repository.store))?.contentPath, content);
  });
});
