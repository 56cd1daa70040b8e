/**
 * The BitTorrent loader offline: content already here loads with no torrent
 * session; missing content and damaged content are OfflineErrors that name the
 * DataSource and what to run (damaged content is never repaired); indexes that
 * need the network are not asked, yet content learnt earlier still verifies.
 */
import { join } from "node:path";
import { BitTorrentDataSourceDirLoader } from "../../lib/loader/bittorrent_loader.ts";
import { HttpIndex } from "../../lib/index/http_index.ts";
import { OfflineError } from "../../lib/loader/offline.ts";
import { DataSourceRepository } from "../../lib/datasource/repository.ts";
import { envFrom } from "../../lib/settings/env.ts";
import { readSettings } from "../../lib/settings/settings.ts";
import { openStack } from "../../lib/stack/stack.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_assert.ts";
import { assertSameTree, withTempDir } from "../torrent/_fixtures.ts";
import { damage, details, project, startSeeder } from "./_stores.ts";

Deno.test("offline: present content loads without a session; missing content is an OfflineError naming it", async () => {
  await withTempDir(async (tmp) => {
    await using seeder = await startSeeder(join(tmp, "seeder"), join(tmp, "shared"));
    const fields = { torrentFileName: seeder.torrentFileName };
    await using online = await project(join(tmp, "a"), join(tmp, "shared"), {
      fields,
      cache: false,
      peers: [seeder.peer],
    });
    await online.loader.load(await online.ds());

    await using a = await project(join(tmp, "a"), join(tmp, "shared"), {
      fields,
      cache: false,
      offline: true,
    });
    const loaded = details(await a.loader.load(await a.ds()));
    const dir = loaded.directory;
    assertEquals(loaded.alreadyPresent, true);
    assertEquals(a.sessionsOpened(), 0);
    await assertSameTree(join(dir, "dataset"), seeder.content);

    await using b = await project(join(tmp, "b"), join(tmp, "shared"), {
      fields,
      cache: false,
      offline: true,
      peers: [seeder.peer],
    });
    const error = await assertRejects(async () => b.loader.load(await b.ds()), OfflineError);
    assertEquals(error.reason, "missing");
    assertEquals(error.dataSource, "CSVDataSource:seeded");
    assertStringIncludes(error.message, "DataSource CSVDataSource:seeded is not on this machine");
    assertStringIncludes(error.message, b.loader.directoryFor(await b.ds()));
    assertStringIncludes(error.message, "run without OWM_OFFLINE");
    assertStringIncludes(error.message, "owm fetch CSVDataSource:seeded");
    assertEquals(b.sessionsOpened(), 0, "no session, though a peer was given");
  });
});

Deno.test("offline: damaged content is an OfflineError and is never repaired", async () => {
  await withTempDir(async (tmp) => {
    await using seeder = await startSeeder(join(tmp, "seeder"), join(tmp, "shared"));
    const fields = { torrentFileName: seeder.torrentFileName };
    await using online = await project(join(tmp, "a"), join(tmp, "shared"), {
      fields,
      cache: false,
      peers: [seeder.peer],
    });
    const dir = (await online.loader.load(await online.ds())).directory;
    const file = join(dir, "dataset", "nested", "c.csv");
    await damage(file, 10);
    const damaged = await Deno.readFile(file);
    await using a = await project(join(tmp, "a"), join(tmp, "shared"), {
      fields,
      cache: false,
      offline: true,
      repair: true,
      peers: [seeder.peer],
    });
    const error = await assertRejects(async () => a.loader.load(await a.ds()), OfflineError);
    assertEquals(error.reason, "unverified");
    assertStringIncludes(error.message, "present but does not verify");
    assertStringIncludes(error.message, "owm fetch CSVDataSource:seeded --repair");
    assertEquals(a.sessionsOpened(), 0);
    assertEquals(await Deno.readFile(file), damaged, "left as it was");
  });
});

Deno.test("offline: indexes that need the network are not asked; recorded hashes still verify present content", async () => {
  await withTempDir(async (tmp) => {
    await using seeder = await startSeeder(join(tmp, "seeder"), join(tmp, "shared"));
    const fields = { torrentFileName: seeder.torrentFileName };
    await using online = await project(join(tmp, "a"), join(tmp, "shared"), {
      fields,
      cache: false,
      peers: [seeder.peer],
    });
    await online.loader.load(await online.ds()); // records infohash, magnet link and SHA-256

    let requests = 0;
    await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
      requests++;
      return new Response("no", { status: 500 });
    });
    const http = new HttpIndex(`http://127.0.0.1:${server.addr.port}/`);
    await using a = await project(join(tmp, "a"), join(tmp, "shared"), {
      fields,
      cache: false,
      offline: true,
      indexes: [http],
    });
    const result = details(await a.loader.load(await a.ds()));
    const dir = result.directory;
    assertEquals(result.alreadyPresent, true);
    assertEquals(result.report.checks.map((c) => c.kind).sort(), ["legacy-md5", "sha256"]);
    await assertSameTree(join(dir, "dataset"), seeder.content);

    await using b = await project(join(tmp, "b"), join(tmp, "shared"), {
      fields,
      cache: false,
      offline: true,
      indexes: [http],
    });
    const error = await assertRejects(async () => b.loader.load(await b.ds()), OfflineError);
    assertStringIncludes(error.message, `${http.location}, which need the network`);
    assertEquals([requests, a.sessionsOpened(), b.sessionsOpened()], [0, 0, 0]);
  });
});

Deno.test("the stack's loader is offline with OWM_OFFLINE=1 and has no cache with OWM_CACHE=0", async () => {
  await withTempDir(async (tmp) => {
    const repository = await DataSourceRepository.open({ home: join(tmp, "store"), create: true });
    const stackFor = (vars: Record<string, string>) =>
      openStack({
        settings: readSettings({ home: repository.store.home }, envFrom(vars)),
        repository,
      });
    await using off = stackFor({ OWM_OFFLINE: "1", OWM_CACHE: "0", OWM_CACHE_DIR: join(tmp, "c") });
    assertEquals([off.bittorrent.offline, off.bittorrent.cache, off.cache], [
      true,
      undefined,
      undefined,
    ]);
    await using on = stackFor({ OWM_OFFLINE: "0", OWM_CACHE: "1", OWM_CACHE_DIR: join(tmp, "c") });
    assertEquals([on.bittorrent.offline, on.bittorrent.cache?.dir], [false, join(tmp, "c")]);
    // The loader itself reads no environment: what it is given, else online and no cache.
    const session = () => Promise.reject(new Error("no session"));
    const bare = new BitTorrentDataSourceDirLoader("/tmp/x", { session });
    assertEquals([bare.offline, bare.cache], [false, undefined]);
    const explicit = new BitTorrentDataSourceDirLoader("/tmp/x", {
      session,
      offline: true,
      cache: false,
    });
    assert(explicit.offline && explicit.cache === undefined);
  });
});
