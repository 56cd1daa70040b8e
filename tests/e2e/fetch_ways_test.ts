/**
 * Every way in ends in a DataSource, and a fetched store stands on its own
 * (#12 points 1, 3, 4), through the real `owm` and a real seeder on loopback:
 * in an empty store, `owm fetch` of a magnet link, of a `.torrent` file and of
 * a bare infohash records `LocalFileDataSource:<infohash>` (its id printed),
 * lands in `bittorrent/<infohash>/`, prints the content's own folder and keeps
 * the `.torrent`; then `owm verify`, `owm lock` and `owm seed` of that id work
 * with no `--index` and no `--peer` (the seed serves a third store), and the
 * bridge over that store verifies it against its kept torrent. A magnet
 * whose record an index holds becomes that DataSource. A record that differs
 * from the store's DataSource in identity fields is refused naming them, and
 * `--replace` takes it.
 */
import { join } from "node:path";
import { digestContent } from "../../lib/integrity/content_digest.ts";
import { owm, type Run, spawnOwm } from "../_owm.ts";
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { startTestBridge } from "../kernel/_bridge.ts";
import { describeOnly, makeDataset } from "./_fixtures.ts";

function lastLine(run: Run): string {
  return run.stdout.trimEnd().split("\n").at(-1) ?? "";
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function sameContent(actual: string, expected: string): Promise<void> {
  const a = await digestContent(actual, ["sha256"]);
  const e = await digestContent(expected, ["sha256"]);
  assertEquals(a.digests.sha256, e.digests.sha256, `${actual} is byte-identical to ${expected}`);
}

/** `owm --home <home> …args` in `cwd`. */
function inStore(home: string, cwd: string, args: string[]): Promise<Run> {
  return owm(["--home", home, ...args], { cwd });
}

interface Published {
  torrentFileName: string;
  infoHash: string;
  magnetLink: string;
  seeding: { port: number };
}

async function withSeeder(
  fn: (ctx: { tmp: string; source: string; alice: string; summary: Published }) => Promise<void>,
): Promise<void> {
  const tmp = await Deno.makeTempDir({ prefix: "owm-fetch-ways-" });
  try {
    const source = await makeDataset(tmp, { bigSize: 300_000 });
    const alice = join(tmp, "alice");
    const seeder = await spawnOwm([
      "--home",
      alice,
      "publish",
      source,
      "--class",
      "CSVDataSource",
      "--key",
      "worms",
      "--field",
      "csvFileName=connectome.csv",
      "--port",
      "0",
      "--json",
    ]);
    try {
      await fn({ tmp, source, alice, summary: JSON.parse(seeder.firstLine) });
    } finally {
      await seeder.stop();
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

/** Fetches `way` into an empty store, then verify, lock and seed with no index or peer flags. */
async function fetchThenStandAlone(
  tmp: string,
  name: string,
  way: string,
  source: string,
  summary: Published,
): Promise<{ home: string; id: string }> {
  const home = join(tmp, name, ".owm");
  const cwd = join(tmp, name);
  await Deno.mkdir(cwd, { recursive: true });
  const ih = summary.infoHash;
  const id = `LocalFileDataSource:${ih}`;
  const peer = `127.0.0.1:${summary.seeding.port}`;
  const fetched = await inStore(home, cwd, ["fetch", way, "--peer", peer]);
  assertEquals(fetched.code, 0, fetched.stderr);
  assertStringIncludes(fetched.stderr, `owm: ${id}\n`, "the id later commands name it by");
  const folder = join(home, "data_source_data", "bittorrent", ih, "worm_dataset");
  assertEquals(lastLine(fetched), folder, "the content's own folder, in its infohash's folder");
  await sameContent(folder, source);
  assert((await Deno.stat(join(home, "torrents", `${ih}.torrent`))).isFile, "the torrent is kept");

  const shown = JSON.parse((await inStore(home, cwd, ["source", "show", id, "--json"])).stdout);
  assertEquals(shown.fields.infoHash, ih);
  assertEquals(shown.fields.torrentFileName, [`${ih}.torrent`]);

  const verified = await inStore(home, cwd, ["verify", id]);
  assertEquals(verified.code, 0, verified.stderr);
  assertStringIncludes(verified.stdout, "pieces");
  assertStringIncludes(verified.stdout, folder);

  const locked = await inStore(home, cwd, ["lock", id]);
  assertEquals(locked.code, 0, locked.stderr);
  const lock = JSON.parse(await Deno.readTextFile(join(cwd, "owm.lock")));
  const entry = Object.values(lock.dataSources)[0] as { infoHash: string; id: string };
  assertEquals([entry.id, entry.infoHash], [id, ih]);

  // A second fetch finds it present, by its id too, with no peer.
  const again = await inStore(home, cwd, ["fetch", id, "--json"]);
  assertEquals(again.code, 0, again.stderr);
  assertEquals(JSON.parse(again.stdout).alreadyPresent, true);
  return { home, id };
}

Deno.test("owm fetch by magnet, by .torrent and by bare infohash: a DataSource that stands on its own", async () => {
  await withSeeder(async ({ tmp, source, alice, summary }) => {
    await fetchThenStandAlone(tmp, "by-magnet", summary.magnetLink, source, summary);
    // A .torrent file somewhere on the machine (no index holds it for this store).
    const torrentFile = join(tmp, "worms.torrent");
    await Deno.copyFile(join(alice, "torrents", summary.torrentFileName), torrentFile);
    await fetchThenStandAlone(tmp, "by-torrent", torrentFile, source, summary);
    const { home, id } = await fetchThenStandAlone(
      tmp,
      "by-infohash",
      summary.infoHash,
      source,
      summary,
    );

    // owm seed <id>, no index, no peer: a third store fetches from it alone.
    const port = freePort();
    const seeding = await spawnOwm(["--home", home, "seed", id, "--port", String(port)]);
    try {
      assertEquals(seeding.firstLine, `infohash: ${summary.infoHash}`);
      const carol = join(tmp, "carol");
      await Deno.mkdir(carol);
      const fetched = await inStore(join(carol, ".owm"), carol, [
        "fetch",
        summary.magnetLink,
        "--peer",
        `127.0.0.1:${port}`,
        "--json",
      ]);
      assertEquals(fetched.code, 0, fetched.stderr);
      assertEquals(JSON.parse(fetched.stdout).verified, true);
    } finally {
      const stopped = await seeding.stop();
      assertEquals(stopped.code, 0, stopped.stderr);
    }

    // The bridge over that store, with no index configured, finds and verifies the content.
    await using bridge = await startTestBridge({ home });
    const report = await bridge.json<{ ok: boolean; checks: { kind: string }[] }>(
      `/api/datasources/${id}/verify`,
      { method: "POST" },
    );
    assertEquals(report.status, 200, JSON.stringify(report.body));
    assertEquals(report.body.ok, true);
    assert(report.body.checks.some((c) => c.kind === "pieces"), "checked against its torrent");
  });
});

Deno.test("owm fetch of a magnet whose record an index holds records that DataSource", async () => {
  await withSeeder(async ({ tmp, source, alice, summary }) => {
    const cwd = join(tmp, "bob");
    const home = join(cwd, ".owm");
    await Deno.mkdir(cwd);
    const index = `dir:${join(alice, "torrents")}`;
    const fetched = await inStore(home, cwd, [
      "fetch",
      summary.magnetLink,
      "--index",
      index,
      "--peer",
      `127.0.0.1:${summary.seeding.port}`,
    ]);
    assertEquals(fetched.code, 0, fetched.stderr);
    assertStringIncludes(fetched.stderr, `CSVDataSource:worms: saved from the record in ${index}`);
    assertStringIncludes(fetched.stderr, "owm: CSVDataSource:worms\n");
    const folder = join(home, "data_source_data", "bittorrent", "worms", "worm_dataset");
    assertEquals(lastLine(fetched), folder);
    await sameContent(folder, source);
    const shown = JSON.parse(
      (await inStore(home, cwd, ["source", "show", "CSVDataSource:worms", "--json"])).stdout,
    );
    assertEquals(shown.fields.csvFileName, ["connectome.csv"]);
    // No index flag: the store kept the torrent under the record's name.
    assert((await Deno.stat(join(home, "torrents", summary.torrentFileName))).isFile);
    const verified = await inStore(home, cwd, ["verify", "CSVDataSource:worms"]);
    assertEquals(verified.code, 0, verified.stderr);
    assertStringIncludes(verified.stdout, "pieces");
    // Its bare infohash, no index, no peer: the store's DataSource recording it, present.
    const byHash = await inStore(home, cwd, ["fetch", summary.infoHash, "--json"]);
    assertEquals(byHash.code, 0, byHash.stderr);
    const result = JSON.parse(byHash.stdout);
    assertEquals([result.id, result.alreadyPresent, result.folder], [
      "CSVDataSource:worms",
      true,
      folder,
    ]);
  });
});

Deno.test("a record that differs from the store's DataSource is refused naming the fields; --replace takes it", async () => {
  await withSeeder(async ({ tmp, source, alice, summary }) => {
    const cwd = join(tmp, "dave");
    const home = join(cwd, ".owm");
    // The store already has CSVDataSource:worms, recording another torrent.
    await describeOnly(home, "worms", "0123456789abcdef0123456789abcdef.torrent");
    const index = `dir:${join(alice, "torrents")}`;
    const args = ["fetch", "CSVDataSource:worms", "--index", index];
    const peer = ["--peer", `127.0.0.1:${summary.seeding.port}`];
    const refused = await inStore(home, cwd, [...args, ...peer]);
    assertEquals(refused.code, 1, refused.stdout);
    assertStringIncludes(refused.stderr, "identity fields");
    assertStringIncludes(
      refused.stderr,
      `torrentFileName "0123456789abcdef0123456789abcdef.torrent" → "${summary.torrentFileName}"`,
    );
    assertStringIncludes(refused.stderr, "owm fetch CSVDataSource:worms --replace");
    const kept = JSON.parse(
      (await inStore(home, cwd, ["source", "show", "CSVDataSource:worms", "--json"])).stdout,
    );
    assertEquals(kept.fields.torrentFileName, ["0123456789abcdef0123456789abcdef.torrent"]);

    const replaced = await inStore(home, cwd, [...args, ...peer, "--replace"]);
    assertEquals(replaced.code, 0, replaced.stderr);
    assertStringIncludes(
      replaced.stderr,
      `CSVDataSource:worms: replaced by the record in ${index}`,
    );
    await sameContent(lastLine(replaced), source);
    const now = JSON.parse(
      (await inStore(home, cwd, ["source", "show", "CSVDataSource:worms", "--json"])).stdout,
    );
    assertEquals(now.fields.torrentFileName, [summary.torrentFileName]);
    assertEquals(now.fields.infoHash, summary.infoHash);
  });
});

Deno.test("owm fetch Class:key that neither the store nor any index has says what was asked", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "owm-fetch-ways-" });
  try {
    const empty = join(tmp, "empty-index");
    await Deno.mkdir(empty);
    const run = await inStore(join(tmp, ".owm"), tmp, [
      "fetch",
      "CSVDataSource:nothing",
      "--index",
      `dir:${empty}`,
    ]);
    assertEquals(run.code, 1, run.stdout);
    assertStringIncludes(run.stderr, "No data source 'CSVDataSource:nothing' in the store");
    assertStringIncludes(run.stderr, `asked dir:${empty}`);
    assertStringIncludes(run.stderr, "owm index list");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
