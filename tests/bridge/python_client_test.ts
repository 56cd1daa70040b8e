/**
 * The dependency-free Python client (scripts/owm_bridge.py) run by `python3`
 * against the real bridge on loopback: listing, a real download from a
 * loopback seeder, status, verification, events, translations and their
 * provenance, and its exit codes.
 */
import { join } from "node:path";
import { Bridge, formatChain } from "../../mod.ts";
import { startBridge } from "../../kernel/server.ts";
import { extend } from "../../kernel/extensions.ts";
import { shellEnv } from "../_env.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";
import { startSeeder } from "./_seeder.ts";
import { ContentCache } from "../../lib/cache/content_cache.ts";
import { parseMetainfo } from "../../lib/torrent/metainfo.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import { assertSameTree, tempDir, testSessionOptions } from "../torrent/_fixtures.ts";

const SCRIPT = new URL("../../scripts/owm_bridge.py", import.meta.url).pathname;
const decoder = new TextDecoder();

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function python(home: string, args: string[]): Deno.Command {
  return new Deno.Command("python3", {
    args: [SCRIPT, ...args],
    clearEnv: true,
    env: shellEnv({ OWM_HOME: home, PYTHONDONTWRITEBYTECODE: "1" }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

async function run(home: string, args: string[]): Promise<Run> {
  const out = await python(home, args).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

Deno.test("owm_bridge.py lists, fetches from a loopback seeder, shows status and verifies", async () => {
  const root = await tempDir();
  const home = join(root, "store");
  await using seeder = await startSeeder(root, home);
  await using _server = await startBridge({
    home,
    port: 0,
    dht: false,
    lsd: false,
    torrentPort: 0,
  });
  await using bridge = await Bridge.connect({ home, start: false });
  await bridge.create({
    class: "CSVDataSource",
    key: "remote",
    fields: { torrentFileName: seeder.torrentFileName },
  });

  const listed = await run(home, ["list"]);
  assertEquals([listed.code, listed.stdout], [0, "CSVDataSource:remote\tCSVDataSource\n"]);
  const json = await run(home, ["--json", "list", "--kind", "CSVDataSource"]);
  assertEquals(JSON.parse(json.stdout).map((d: { id: string }) => d.id), ["CSVDataSource:remote"]);

  const fetched = await run(home, ["fetch", "CSVDataSource:remote", "--peer", seeder.peer]);
  assertEquals(fetched.code, 0, fetched.stderr);
  const directory = join(home, "data_source_data", "bittorrent", "remote");
  assertEquals(fetched.stdout, directory + "\n", "the directory, alone on stdout");
  await assertSameTree(join(directory, "dataset"), seeder.content);

  const status = await run(home, ["--json", "status", seeder.infoHash]);
  assertEquals(status.code, 0, status.stderr);
  assertEquals(JSON.parse(status.stdout).percentDone, 1);
  // For people by default, by id as well as by infohash.
  const byId = await run(home, ["status", "CSVDataSource:remote"]);
  assertEquals(byId.code, 0, byId.stderr);
  assertStringIncludes(byId.stdout, `Infohash: ${seeder.infoHash}\n`);
  assertMatch(byId.stdout, /^Done: 100\.0% \(966\.8 KiB of 966\.8 KiB; /m);
  const steady = (text: string) => text.replace(/^(Rates|Peers|ETA): .*\n/gm, "");
  assertEquals(steady((await run(home, ["status", seeder.infoHash])).stdout), steady(byId.stdout));

  const verified = await run(home, ["--json", "verify", "CSVDataSource:remote"]);
  assertEquals(verified.code, 0, verified.stderr);
  assertEquals(JSON.parse(verified.stdout).ok, true);
  const told = await run(home, ["verify", "CSVDataSource:remote"]);
  assertEquals(told.code, 0, told.stderr);
  assertMatch(told.stdout, /^ok {3}\S+ +\S+\n/);
  assertMatch(told.stdout, /\nverified CSVDataSource:remote: (\d+) of \1 checks passed\n$/);

  // Fetching what is done answers at once; --no-wait prints the 202 answer.
  const again = await run(home, ["fetch", "CSVDataSource:remote", "--no-wait"]);
  assertEquals(again.code, 0, again.stderr);
  assertEquals(JSON.parse(again.stdout).state, "done");

  // events: subscribe, then make the bridge publish `verified` events until one is printed.
  const child = python(home, ["events", "--type", "verified", "--count", "1"]).spawn();
  const output = child.output();
  let exited = false;
  output.finally(() => exited = true);
  while (!exited) {
    await bridge.verify("CSVDataSource:remote");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const events = await output;
  assertEquals(events.code, 0, decoder.decode(events.stderr));
  const event = JSON.parse(decoder.decode(events.stdout).trim());
  assertEquals([event.type, event.id, event.ok], ["verified", "CSVDataSource:remote", true]);
});

Deno.test("owm_bridge.py exits 1 when the bridge refuses or the fetch fails, 2 without a bridge", async () => {
  const root = await tempDir();
  const home = join(root, "store");
  await using seeder = await startSeeder(root, home);
  await using server = await startBridge({ home, port: 0, dht: false, lsd: false, torrentPort: 0 });
  await using bridge = await Bridge.connect({ home, start: false });

  const missing = await run(home, ["show", "CSVDataSource:nope"]);
  assertEquals(missing.code, 1);
  assertStringIncludes(missing.stderr, "(not-found)");

  // The index holds another torrent under the recorded name: the background fetch fails.
  await bridge.create({
    class: "CSVDataSource",
    key: "mismatch",
    fields: { torrentFileName: seeder.torrentFileName, infoHash: "ab".repeat(20) },
  });
  const failed = await run(home, ["fetch", "CSVDataSource:mismatch"]);
  assertEquals(failed.code, 1, failed.stdout);
  assertStringIncludes(failed.stderr, "(fetch-failed)");
  assertEquals(failed.stdout, "");

  const wrongToken = await run(home, ["--token", "x".repeat(43), "list"]);
  assertEquals(wrongToken.code, 2);
  assertStringIncludes(wrongToken.stderr, "(unauthorized)");

  const empty = join(root, "empty");
  const none = await run(empty, ["list"]);
  assertEquals(none.code, 2);
  assertMatch(none.stderr, /No .*bridge\.json: start the bridge/);

  const usage = await run(home, ["fetch"]);
  assertEquals(usage.code, 2);
  assert(usage.stderr.includes("usage:"), usage.stderr);

  await server.close();
  const stopped = await run(home, ["list"]);
  assertEquals(stopped.code, 2, "a stopped bridge clears its URL");
  assertStringIncludes(stopped.stderr, "(not-running)");
});

Deno.test("owm_bridge.py translators, translate, provenance and derivs", async () => {
  const root = await tempDir();
  const home = join(root, "store");
  const publishRoot = join(root, "data");
  await Deno.mkdir(join(publishRoot, "neurons", "nested"), { recursive: true });
  await Deno.writeTextFile(join(publishRoot, "neurons", "a.csv"), "Origin,Target\nADAL,AVAR\n");
  await Deno.writeTextFile(join(publishRoot, "neurons", "nested", "b.txt"), "second\n");
  await using _server = await startBridge({
    home,
    port: 0,
    dht: false,
    lsd: false,
    torrentPort: 0,
    publishRoot,
  });
  await using bridge = await Bridge.connect({ home, start: false });
  await bridge.publish("neurons", { class: "LocalFileDataSource", key: "neurons" });

  const listed = await run(home, ["translators"]);
  assertEquals(listed.code, 0, listed.stderr);
  assertMatch(listed.stdout, /^zip-to-directory 1\tLocalFileDataSource → LocalFileDataSource\t/m);
  const listedJson = await run(home, ["--json", "translators"]);
  assertEquals(JSON.parse(listedJson.stdout), await bridge.translators());

  const zipped = await run(home, [
    "translate",
    "directory-to-zip",
    "LocalFileDataSource:neurons",
    "--key",
    "neurons-zip",
    "--option",
    "mtime=2024-05-01T00:00:00Z",
  ]);
  assertEquals(zipped.code, 0, zipped.stderr);
  assertEquals(zipped.stdout, "LocalFileDataSource:neurons-zip\n", "the output's id, alone");
  assertStringIncludes(
    zipped.stderr,
    "directory-to-zip 1: LocalFileDataSource:neurons → LocalFileDataSource:neurons-zip",
  );
  const unzipped = await run(home, [
    "--json",
    "translate",
    "zip-to-directory",
    "LocalFileDataSource:neurons-zip",
  ]);
  assertEquals(unzipped.code, 0, unzipped.stderr);
  const folder = JSON.parse(unzipped.stdout);
  assertEquals(folder.id, "LocalFileDataSource:neurons-zip-zip-to-directory");
  assertEquals(folder.inputs, ["LocalFileDataSource:neurons-zip"]);
  await assertSameTree(folder.contentPath, join(publishRoot, "neurons"));

  // The text trees are those owm source provenance|derivs print (formatChain).
  const prov = await run(home, ["provenance", folder.id]);
  assertEquals(prov.code, 0, prov.stderr);
  const chain = await bridge.provenance(folder.id);
  assertEquals(prov.stdout, formatChain(chain, "←").join("\n") + "\n");
  assertMatch(prov.stdout, /directory-to-zip 1 at .* \(mtime=2024-05-01T00:00:00Z\)\n/);
  assertMatch(prov.stdout, /└─ LocalFileDataSource:neurons \(torrent [0-9a-f]{40}\)\n$/);
  const provJson = await run(home, ["--json", "provenance", folder.id]);
  assertEquals(JSON.parse(provJson.stdout), chain);
  const derivs = await run(home, ["derivs", "LocalFileDataSource:neurons"]);
  assertEquals(derivs.code, 0, derivs.stderr);
  assertEquals(
    derivs.stdout,
    formatChain(await bridge.derivs("LocalFileDataSource:neurons"), "→").join("\n") + "\n",
  );

  const unknown = await run(home, ["translate", "nope", "LocalFileDataSource:neurons"]);
  assertEquals([unknown.code, unknown.stdout], [1, ""]);
  assertStringIncludes(unknown.stderr, "(unknown-translator)");
  const kind = await run(home, ["translate", "csv-to-rdf", "LocalFileDataSource:neurons"]);
  assertEquals(kind.code, 1);
  assertMatch(kind.stderr, /must be a CSVDataSource .*neurons.*\(translation-failed\)/);
  const option = await run(home, [
    "translate",
    "directory-to-zip",
    "LocalFileDataSource:neurons",
    "--option",
    "no-equals-sign",
  ]);
  assertEquals(option.code, 2);
  assertStringIncludes(option.stderr, "--option takes name=value");
  const missing = await run(home, ["provenance", "LocalFileDataSource:absent"]);
  assertEquals(missing.code, 1);
  assertStringIncludes(missing.stderr, "(not-found)");
});

Deno.test("owm_bridge.py: a fetch served from the shared cache is known to the bridge and seeded", async () => {
  const root = await tempDir();
  const home = join(root, "store");
  const cacheDir = join(root, "cache");
  const seeder = await startSeeder(root, home);
  // The content is in the shared cache only: no peer serves it any more.
  const torrent = await Deno.readFile(join(home, "torrents", seeder.torrentFileName));
  await new ContentCache(cacheDir).add(seeder.content, parseMetainfo(torrent));
  await seeder.close();
  // The bridge reads OWM_CACHE/OWM_CACHE_DIR when it opens (the suite keeps the cache off).
  const before = { cache: Deno.env.get("OWM_CACHE"), dir: Deno.env.get("OWM_CACHE_DIR") };
  Deno.env.set("OWM_CACHE", "1");
  Deno.env.set("OWM_CACHE_DIR", cacheDir);
  let server: Awaited<ReturnType<typeof startBridge>>;
  try {
    server = await startBridge({ home, port: 0, dht: false, lsd: false, torrentPort: 0 });
  } finally {
    Deno.env.set("OWM_CACHE", before.cache ?? "0");
    if (before.dir === undefined) Deno.env.delete("OWM_CACHE_DIR");
    else Deno.env.set("OWM_CACHE_DIR", before.dir);
  }
  await using _server = server;
  await using bridge = await Bridge.connect({ home, start: false });
  await bridge.create({
    class: "CSVDataSource",
    key: "cached",
    fields: { torrentFileName: seeder.torrentFileName, infoHash: seeder.infoHash },
  });

  const fetched = await run(home, ["fetch", "CSVDataSource:cached", "--progress"]);
  assertEquals(fetched.code, 0, fetched.stderr);
  const directory = join(home, "data_source_data", "bittorrent", "cached");
  assertEquals(fetched.stdout, directory + "\n");
  await assertSameTree(join(directory, "dataset"), seeder.content);
  // Progress even with nothing downloaded: the whole torrent, seeded from where it was placed.
  assertMatch(fetched.stderr, /^dataset: 100\.0% of 966\.8 KiB, seeding, \d+ peers$/m);

  const status = await run(home, ["status", "CSVDataSource:cached"]);
  assertEquals(status.code, 0, status.stderr);
  assertStringIncludes(status.stdout, "State: Seeding\n");
  assertStringIncludes(status.stdout, `Location: ${directory}\n`);
  const listed = await run(home, ["torrents"]);
  assertEquals(listed.code, 0, listed.stderr);
  const lines = listed.stdout.trimEnd().split("\n");
  assertMatch(lines[0]!, /^ID +Done +Have +ETA +Up +Down +Peers +Status +Name$/);
  assertMatch(
    lines[1]!,
    new RegExp(`^${seeder.infoHash.slice(0, 8)} +100% +966\\.8 KiB .* Seeding +dataset$`),
  );
  assertEquals(lines[2], "Sum: 1 torrent, 966.8 KiB, up 0 B/s, down 0 B/s");

  // Another peer downloads it from the bridge's seed.
  await using session = await TorrentSession.open(testSessionOptions(join(root, "other-session")));
  const got = await session.add(torrent, {
    dir: join(root, "other-data"),
    peers: [`127.0.0.1:${server.state.session.port}`],
  });
  await got.done();
  await assertSameTree(join(root, "other-data", "dataset"), seeder.content);
});

Deno.test("owm_bridge.py publish, upload (a file, a folder, several files), pause, resume, remove", async () => {
  const root = await tempDir();
  const home = join(root, "store");
  const publishRoot = join(root, "data");
  await Deno.mkdir(join(publishRoot, "neurons", "nested"), { recursive: true });
  await Deno.writeTextFile(join(publishRoot, "neurons", "a.csv"), "Origin,Target\nADAL,AVAR\n");
  await Deno.writeTextFile(join(publishRoot, "neurons", "nested", "b.txt"), "second\n");
  const upFolder = join(root, "traces");
  await Deno.mkdir(join(upFolder, "day 1"), { recursive: true });
  await Deno.writeTextFile(join(upFolder, "day 1", "t.csv"), "t,v\n0,1\n");
  await Deno.writeTextFile(join(upFolder, "README"), "traces\n");
  const single = join(root, "cells.csv");
  await Deno.writeTextFile(single, "cell,kind\nAVAL,inter\n");
  await using _server = await startBridge({
    home,
    port: 0,
    dht: false,
    lsd: false,
    torrentPort: 0,
    publishRoot,
    extend, // POST /api/uploads
  });
  await using bridge = await Bridge.connect({ home, start: false });

  const published = await run(home, [
    "publish",
    "neurons",
    "--class",
    "LocalFileDataSource",
    "--key",
    "neurons",
    "--description",
    "two files",
  ]);
  assertEquals(published.code, 0, published.stderr);
  const infoHash = published.stdout.match(/^Infohash: ([0-9a-f]{40})$/m)?.[1];
  assert(infoHash, published.stdout);
  assertStringIncludes(published.stdout, "published LocalFileDataSource:neurons\n");
  assertMatch(published.stdout, /^Magnet: magnet:\?xt=urn:btih:[0-9a-f]{40}/m);
  assertEquals((await bridge.show("LocalFileDataSource:neurons")).fields.infoHash, infoHash);

  // A folder, zipped on the fly and unpacked by the bridge into uploads/<key>/.
  const folder = await run(home, [
    "--json",
    "upload",
    upFolder,
    "--class",
    "LocalFileDataSource",
    "--key",
    "traces",
  ]);
  assertEquals(folder.code, 0, folder.stderr);
  const made = JSON.parse(folder.stdout);
  assertEquals(made.id, "LocalFileDataSource:traces");
  assertMatch(made.magnetLink, /^magnet:\?xt=urn:btih:[0-9a-f]{40}/);
  await assertSameTree(join(home, "uploads", "traces"), upFolder);
  // One file, published as it is; several files, a folder named after the key.
  const one = await run(home, ["upload", single, "--class", "CSVDataSource", "--key", "cells"]);
  assertEquals(one.code, 0, one.stderr);
  assertStringIncludes(one.stdout, "published CSVDataSource:cells\n");
  assertEquals(
    await Deno.readTextFile(join(home, "uploads", "cells", "cells.csv")),
    "cell,kind\nAVAL,inter\n",
  );
  const several = await run(home, [
    "upload",
    single,
    join(upFolder, "README"),
    "--class",
    "LocalFileDataSource",
    "--key",
    "pair",
  ]);
  assertEquals(several.code, 0, several.stderr);
  assertEquals(
    (await Array.fromAsync(Deno.readDir(join(home, "uploads", "pair")))).map((e) => e.name)
      .sort(),
    ["README", "cells.csv"],
  );
  const nothing = await run(home, ["upload", join(root, "absent"), "--class", "X", "--key", "y"]);
  assertEquals(nothing.code, 2);
  assertStringIncludes(nothing.stderr, "No file or folder");
  const refused = await run(home, ["upload", single, "--class", "CSVDataSource", "--key", "cells"]);
  assertEquals([refused.code, refused.stdout], [1, ""], "the key is taken");

  const paused = await run(home, ["pause", "LocalFileDataSource:neurons"]);
  assertEquals(paused.code, 0, paused.stderr);
  assertEquals(paused.stdout, `paused neurons (${infoHash}): paused\n`);
  assertEquals((await bridge.status(infoHash)).status, "paused");
  const resumed = await run(home, ["--json", "resume", infoHash]);
  assertEquals(resumed.code, 0, resumed.stderr);
  assert(["checking", "seeding"].includes(JSON.parse(resumed.stdout).status), resumed.stdout);

  const removed = await run(home, ["remove", "LocalFileDataSource:neurons"]);
  assertEquals(removed.code, 0, removed.stderr);
  assertEquals(removed.stdout, `removed ${infoHash} (its files are kept)\n`);
  const gone = await run(home, ["status", infoHash]);
  assertEquals(gone.code, 1);
  assertStringIncludes(gone.stderr, "(not-found)");
  assert(await Deno.stat(join(publishRoot, "neurons", "a.csv")), "its files are kept");
  const rm = await run(home, ["rm", "LocalFileDataSource:neurons"]);
  assertEquals(rm.code, 1, "no torrent to remove any more");
  const noHash = await run(home, ["status", "LocalFileDataSource:absent"]);
  assertEquals(noHash.code, 1);
  assertStringIncludes(noHash.stderr, "(not-found)");
});
