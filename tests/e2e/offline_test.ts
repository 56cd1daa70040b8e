/**
 * Offline mode and the shared cache end to end, through the real `owm`
 * command: one researcher publishes and seeds on loopback; a second fetches
 * (filling the shared cache); then, with the seeder gone and under
 * `deno run --deny-net` (any socket would fail with NotCapable), offline
 * fetches succeed from the store and from the cache, a second project gets the
 * DataSource from the cache without any peer, a missing DataSource fails with
 * a clear message, and a normal run under --deny-net fails — proof that the
 * tests would catch a socket. `owm cache list|gc` see and collect the entry.
 * The bridge answers offline fetches at once: done, or 409 `offline`.
 */
import { join } from "node:path";
import { ContentCache } from "../../lib/cache/content_cache.ts";
import { digestContent } from "../../lib/integrity/content_digest.ts";
import { owm as runOwm, type Run, spawnOwm } from "../_owm.ts";
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { startTestBridge } from "../kernel/_bridge.ts";
import { project, startSeeder } from "../loader/_stores.ts";
import { withTempDir } from "../torrent/_fixtures.ts";
import { describeOnly, makeDataset } from "./_fixtures.ts";

/** As `deno task owm` runs, with every permission. */
const ALLOW_ALL = ["--allow-all"];
/** No network at all: a socket, a DNS lookup or a listener fails with NotCapable. */
const NO_NET = ["--deny-net", "--allow-read", "--allow-write", "--allow-env"];

/** `owm --home <home> …args` under the permission `flags`. */
function owm(
  flags: string[],
  home: string,
  args: string[],
  env: Record<string, string>,
): Promise<Run> {
  return runOwm(["--home", home, ...args], { flags, env });
}

/** Asserts that a run never met the permission wall (it did not try the network). */
function assertNoNetAttempt(run: Run): void {
  for (const sign of ["NotCapable", "PermissionDenied", "net access", "--allow-net"]) {
    assert(!run.stderr.includes(sign), `the run tried the network (${sign}): ${run.stderr}`);
  }
}

/** A running `owm publish` seeding on loopback. */
async function startPublisher(
  home: string,
  content: string,
  index: string,
  env: Record<string, string>,
) {
  const child = await spawnOwm([
    "--home",
    home,
    "publish",
    content,
    "--class",
    "CSVDataSource",
    "--key",
    "worms",
    "--index",
    index,
    "--port",
    "0",
    "--json",
  ], { flags: ALLOW_ALL, env });
  const summary = JSON.parse(child.firstLine);
  return {
    summary: summary as { torrentFileName: string; infoHash: string; seeding: { port: number } },
    async stop() {
      await child.stop();
    },
  };
}

async function sha256Of(path: string): Promise<string> {
  return (await digestContent(path, ["sha256"])).digests.sha256;
}

Deno.test("offline under --deny-net: the store and the shared cache serve, a missing DataSource fails clearly", async () => {
  await withTempDir(async (tmp) => {
    const source = await makeDataset(tmp, {
      bigPath: "nested/stack.bin",
      bigSize: 2 * 1024 * 1024 + 777,
      extras: false,
    });
    const index = `dir:${join(tmp, "shared-index")}`;
    const cacheEnv = { OWM_CACHE: "1", OWM_CACHE_DIR: join(tmp, "cache") };
    const offline = { ...cacheEnv, OWM_OFFLINE: "1" };
    const id = "CSVDataSource:worms";
    const publisher = await startPublisher(join(tmp, "alice"), source, index, {});
    const { torrentFileName, infoHash } = publisher.summary;
    const peer = `127.0.0.1:${publisher.summary.seeding.port}`;
    const homes = Object.fromEntries(
      ["bob", "carol", "dave", "erin"].map((name) => [name, join(tmp, name)]),
    );
    for (const home of Object.values(homes)) await describeOnly(home, "worms", torrentFileName);

    // Online, bob downloads from the seeder; the content goes into the shared cache too.
    const fetched = await owm(ALLOW_ALL, homes.bob!, [
      "fetch",
      id,
      "--peer",
      peer,
      "--index",
      index,
      "--json",
    ], cacheEnv);
    assertEquals(fetched.code, 0, fetched.stderr);
    assertEquals(JSON.parse(fetched.stdout).fromCache, false);
    await publisher.stop(); // no peer from now on

    // Offline, under --deny-net: bob's own copy.
    const bob = await owm(NO_NET, homes.bob!, ["fetch", id, "--index", index, "--json"], offline);
    assertEquals(bob.code, 0, bob.stderr);
    assertNoNetAttempt(bob);
    assertEquals(JSON.parse(bob.stdout).alreadyPresent, true);

    // Offline, under --deny-net: carol never fetched it; the shared cache has it.
    const carol = await owm(
      NO_NET,
      homes.carol!,
      ["fetch", id, "--index", index, "--json"],
      offline,
    );
    assertEquals(carol.code, 0, carol.stderr);
    assertNoNetAttempt(carol);
    const served = JSON.parse(carol.stdout);
    assertEquals([served.fromCache, served.verified, served.infoHash], [true, true, infoHash]);
    assertEquals(served.checks.map((c: { kind: string }) => c.kind).sort(), [
      "legacy-md5",
      "pieces",
    ]);
    assertEquals(await sha256Of(served.contentPath), await sha256Of(source));

    // A magnet link, offline under --deny-net: the cache has its content (and its torrent).
    const magnet = `magnet:?xt=urn:btih:${infoHash}`;
    const byMagnet = await owm(
      NO_NET,
      homes.carol!,
      ["fetch", magnet, "--dir", join(tmp, "by-magnet"), "--json"],
      offline,
    );
    assertEquals(byMagnet.code, 0, byMagnet.stderr);
    assertNoNetAttempt(byMagnet);
    assertEquals(JSON.parse(byMagnet.stdout).fromCache, true);
    assertEquals(await sha256Of(join(tmp, "by-magnet", "worm_dataset")), await sha256Of(source));

    // Not offline, still under --deny-net: a second project gets it from the cache, no socket.
    const erin = await owm(NO_NET, homes.erin!, ["fetch", id, "--index", index], cacheEnv);
    assertEquals(erin.code, 0, erin.stderr);
    assertNoNetAttempt(erin);
    assertStringIncludes(erin.stderr, "owm: from the shared cache");
    assertEquals(
      erin.stdout.trimEnd().split("\n").at(-1),
      join(homes.erin!, "data_source_data", "bittorrent", "worms", "worm_dataset"),
    );

    // Offline with the cache off: dave has nothing, and is told so (env var or --offline).
    for (
      const how of [{ env: { OWM_OFFLINE: "1", OWM_CACHE: "0" }, args: [] }, {
        env: { OWM_CACHE: "0" },
        args: ["--offline"],
      }]
    ) {
      const dave = await owm(
        NO_NET,
        homes.dave!,
        ["fetch", id, "--index", index, ...how.args],
        how.env,
      );
      assertEquals(dave.code, 1, dave.stderr);
      assertNoNetAttempt(dave);
      assertStringIncludes(dave.stderr, `owm: Offline: DataSource ${id} is not on this machine`);
      assertStringIncludes(dave.stderr, `owm fetch ${id}`);
      assertEquals(dave.stdout, "");
    }

    // The same fetch, not offline, under --deny-net: it would open a socket and is stopped,
    // so a test under --deny-net does catch a run that touches the network.
    const online = await owm(
      NO_NET,
      homes.dave!,
      ["fetch", id, "--index", index, "--timeout", "5"],
      { OWM_CACHE: "0" },
    );
    assertEquals(online.code, 1, online.stderr);
    assert(
      /NotCapable|net access/.test(online.stderr),
      `expected a refused socket: ${online.stderr}`,
    );

    // verify --offline, under --deny-net.
    const verified = await owm(
      NO_NET,
      homes.carol!,
      ["verify", id, "--offline", "--index", index],
      {},
    );
    assertEquals(verified.code, 0, verified.stderr + verified.stdout);
    assertNoNetAttempt(verified);

    // owm cache list and gc.
    const listed = await owm(NO_NET, homes.bob!, ["cache", "list", "--json"], cacheEnv);
    assertEquals(listed.code, 0, listed.stderr);
    const list = JSON.parse(listed.stdout);
    assertEquals(list.dir, join(tmp, "cache"));
    assertEquals(list.entries.map((e: { infoHash: string }) => e.infoHash), [infoHash]);
    assertEquals(list.entries[0].sha256, await sha256Of(source));
    assertEquals(list.entries[0].homes.sort(), [homes.bob, homes.carol, homes.erin].sort());
    const human = await owm(NO_NET, homes.bob!, ["cache", "list"], cacheEnv);
    assertStringIncludes(human.stdout, infoHash);
    assertStringIncludes(human.stdout, "worm_dataset");
    const dry = await owm(
      NO_NET,
      homes.bob!,
      ["cache", "gc", "--all", "--dry-run", "--json"],
      cacheEnv,
    );
    assertEquals(JSON.parse(dry.stdout).removed.length, 1);
    assertEquals((await new ContentCache(join(tmp, "cache")).list()).length, 1, "dry run");
    const kept = await owm(NO_NET, homes.bob!, ["cache", "gc"], cacheEnv);
    assertStringIncludes(
      kept.stderr,
      "removed 0 entries",
      "the default keeps what was used in 90 days",
    );
    const gc = await owm(NO_NET, homes.bob!, ["cache", "gc", "--all"], cacheEnv);
    assertEquals(gc.code, 0, gc.stderr);
    assertStringIncludes(gc.stdout, `removed  ${infoHash}`);
    assertStringIncludes(gc.stderr, "removed 1 entry");
    assertEquals((await new ContentCache(join(tmp, "cache")).list()).length, 0);
    const bad = await owm(
      NO_NET,
      homes.bob!,
      ["cache", "gc", "--all", "--max-size", "1G"],
      cacheEnv,
    );
    assertEquals(bad.code, 2, "usage error");

    // Offline, present but damaged content fails, and is left as it is (never repaired).
    const file = join(
      homes.bob!,
      "data_source_data",
      "bittorrent",
      "worms",
      "worm_dataset",
      "nested",
      "stack.bin",
    );
    await Deno.chmod(file, 0o644);
    const bytes = await Deno.readFile(file);
    bytes[12345] = bytes[12345]! ^ 0xff;
    await Deno.writeFile(file, bytes);
    const damaged = await owm(
      NO_NET,
      homes.bob!,
      ["fetch", id, "--index", index, "--repair"],
      offline,
    );
    assertEquals(damaged.code, 1, damaged.stderr);
    assertNoNetAttempt(damaged);
    assertStringIncludes(
      damaged.stderr,
      `the content of DataSource ${id} is present but does not verify`,
    );
    assertStringIncludes(damaged.stderr, `owm fetch ${id} --repair`);
    assertEquals(await Deno.readFile(file), bytes, "not repaired");
  });
});

Deno.test("the bridge with OWM_OFFLINE=1 answers a fetch at once: done from the cache, or 409 offline", async () => {
  await withTempDir(async (tmp) => {
    const cache = new ContentCache(join(tmp, "cache"));
    await using seeder = await startSeeder(join(tmp, "seeder"), join(tmp, "shared"));
    await using filler = await project(join(tmp, "filler"), join(tmp, "shared"), {
      fields: { torrentFileName: seeder.torrentFileName },
      cache,
      peers: [seeder.peer],
    });
    await filler.loader.load(await filler.ds());

    const names = ["OWM_OFFLINE", "OWM_CACHE", "OWM_CACHE_DIR"];
    const saved = names.map((n) => [n, Deno.env.get(n)] as const);
    Deno.env.set("OWM_OFFLINE", "1");
    Deno.env.set("OWM_CACHE", "1");
    Deno.env.set("OWM_CACHE_DIR", cache.dir);
    let bridge;
    try {
      bridge = await startTestBridge({ indexes: [`dir:${join(tmp, "shared", "torrents")}`] });
    } finally {
      for (const [n, v] of saved) v === undefined ? Deno.env.delete(n) : Deno.env.set(n, v);
    }
    await using bob = bridge;
    for (
      const [key, torrentFileName] of [["worms", seeder.torrentFileName], [
        "other",
        "0123456789abcdef0123456789abcdef.torrent",
      ]]
    ) {
      const created = await bob.json("/api/datasources", {
        method: "POST",
        body: JSON.stringify({ class: "CSVDataSource", key, fields: { torrentFileName } }),
      });
      assertEquals(created.status, 201);
    }
    const done = await bob.json<{ state: string; directory: string; infoHash: string }>(
      "/api/datasources/CSVDataSource:worms/fetch",
      { method: "POST", body: JSON.stringify({ peers: [seeder.peer] }) },
    );
    assertEquals(done.status, 202);
    assertEquals([done.body.state, done.body.infoHash], ["done", seeder.infoHash]);
    assertEquals(
      await sha256Of(join(done.body.directory, "dataset")),
      await sha256Of(seeder.content),
    );
    assertEquals(bob.bridge.state.session.torrents.length, 0, "nothing was added to the session");

    const missing = await bob.json<{ error: { code: string; message: string } }>(
      "/api/datasources/CSVDataSource:other/fetch",
      { method: "POST", body: "{}" },
    );
    assertEquals(missing.status, 409);
    assertEquals(missing.body.error.code, "offline");
    assertStringIncludes(
      missing.body.error.message,
      "DataSource CSVDataSource:other is not on this machine",
    );
    assertStringIncludes(missing.body.error.message, "owm fetch CSVDataSource:other");
  });
});
