/**
 * End to end on loopback, as researchers use it: one `owm publish` process
 * seeds a folder (several files, one empty, one nested) and pushes its
 * `.torrent` to an index; a second researcher, whose store only records the
 * torrent file name (as the seed example does), runs `owm fetch
 * ClassName:key` and gets a verified directory byte-identical to the source.
 * Through a local folder index, an HTTP index and Google Drive (the real
 * client against a Drive-compatible server), by magnet with a direct peer, and
 * from a web seed alone.
 */
import { join } from "node:path";
import { digestContent } from "../../lib/integrity/content_digest.ts";
import { serveHttpIndex } from "../../lib/index/http_index_server.ts";
import { owm as runOwm, type Run, spawnOwm } from "../_owm.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";
import { startDriveServer } from "../index/_drive_server.ts";
import { writeDriveStore } from "../index/_drive_store.ts";
import { startWebSeed } from "../torrent/_fixtures.ts";
import { describeOnly, makeDataset } from "./_fixtures.ts";

/** `owm --home <home> …args`, with every permission. */
function owm(home: string, args: string[], extra: Record<string, string> = {}): Promise<Run> {
  return runOwm(["--home", home, ...args], { env: extra });
}

/** A running `owm publish`: its first stdout line (JSON), and a way to stop it. */
interface Publisher extends AsyncDisposable {
  summary: {
    id: string;
    torrentFileName: string;
    infoHash: string;
    magnetLink: string;
    md5: string;
    sha256: string;
    seeding: { port: number };
  };
  stderr(): Promise<string>;
}

async function startPublisher(
  home: string,
  content: string,
  key: string,
  args: string[] = [],
  extra: Record<string, string> = {},
): Promise<Publisher> {
  const child = await spawnOwm([
    "--home",
    home,
    "publish",
    content,
    "--class",
    "CSVDataSource",
    "--key",
    key,
    "--port",
    "0",
    "--json",
    ...args,
  ], { env: extra });
  return {
    summary: JSON.parse(child.firstLine),
    stderr: () => child.stderr,
    async [Symbol.asyncDispose]() {
      const status = await child.stop();
      assertEquals(status.code, 0, `the publisher stops cleanly on SIGTERM: ${status.stderr}`);
    },
  };
}

async function assertSameContent(actual: string, expected: string): Promise<void> {
  const a = await digestContent(actual, ["sha256"]);
  const e = await digestContent(expected, ["sha256"]);
  assertEquals(a.files, e.files, "same number of files");
  assertEquals(a.digests.sha256, e.digests.sha256, "byte-identical content, names included");
}

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "owm-e2e-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Fetches `key` from `publisher` into `home` and checks the result. */
async function fetchAndCheck(
  home: string,
  key: string,
  publisher: Publisher,
  source: string,
  args: string[],
  extra: Record<string, string> = {},
): Promise<void> {
  const peer = `127.0.0.1:${publisher.summary.seeding.port}`;
  const fetched = await owm(home, [
    "fetch",
    `CSVDataSource:${key}`,
    "--peer",
    peer,
    "--json",
    ...args,
  ], extra);
  assertEquals(fetched.code, 0, fetched.stderr);
  const result = JSON.parse(fetched.stdout);
  assertEquals(result.verified, true);
  assertEquals(result.infoHash, publisher.summary.infoHash);
  assertEquals(result.directory, join(home, "data_source_data", "bittorrent", key));
  assertEquals(
    result.checks.map((c: { kind: string }) => c.kind).sort(),
    ["legacy-md5", "pieces"],
    "the legacy name and the piece hashes were checked",
  );
  await assertSameContent(result.contentPath, source);

  // The loader recorded what it learnt in the graph.
  const shown = JSON.parse(
    (await owm(home, ["source", "show", `CSVDataSource:${key}`, "--json"])).stdout,
  );
  assertEquals(shown.fields.infoHash, publisher.summary.infoHash);
  assertEquals(shown.fields.sha256, publisher.summary.sha256);

  // Present and verified content returns at once, without the seeder.
  const again = await owm(home, ["fetch", `CSVDataSource:${key}`, "--json", ...args], extra);
  assertEquals(again.code, 0, again.stderr);
  assertEquals(JSON.parse(again.stdout).alreadyPresent, true);

  // The human form prints the directory as its last line.
  const human = await owm(home, ["fetch", `CSVDataSource:${key}`, ...args], extra);
  assertEquals(human.code, 0, human.stderr);
  // The human form prints the content's own folder (the dataset folder, not its parent).
  assertEquals(result.folder, join(result.directory, "worm_dataset"));
  assertEquals(human.stdout.trimEnd().split("\n").at(-1), result.folder);
}

Deno.test("owm publish then owm fetch ClassName:key through a local folder index", async () => {
  await withTemp(async (tmp) => {
    const source = await makeDataset(tmp);
    const shared = join(tmp, "shared-index");
    const index = ["--index", `dir:${shared}`];
    await using publisher = await startPublisher(join(tmp, "alice"), source, "worms", index);
    assertMatch(publisher.summary.torrentFileName, /^[0-9a-f]{32}\.torrent$/);
    assertEquals(publisher.summary.torrentFileName, `${publisher.summary.md5}.torrent`);
    assert((await Deno.stat(join(shared, publisher.summary.torrentFileName))).isFile);
    const bob = join(tmp, "bob");
    await describeOnly(bob, "worms", publisher.summary.torrentFileName);
    await fetchAndCheck(bob, "worms", publisher, source, index);

    // owm verify <id> finds the fetched content and checks everything recorded.
    const verified = await owm(bob, ["verify", "CSVDataSource:worms", "--json", ...index]);
    assertEquals(verified.code, 0, verified.stderr);
    assertEquals(
      JSON.parse(verified.stdout).checks.map((c: { kind: string }) => c.kind).sort(),
      ["legacy-md5", "pieces", "sha256"],
    );

    // A damaged byte: verify fails, fetch reports it, fetch --repair mends it from the peer.
    const damaged = join(
      bob,
      "data_source_data",
      "bittorrent",
      "worms",
      "worm_dataset",
      "nested",
      "deeper",
      "stack.bin",
    );
    const bytes = await Deno.readFile(damaged);
    bytes[1_000_000] = bytes[1_000_000]! ^ 0xff;
    await Deno.writeFile(damaged, bytes);
    assertEquals((await owm(bob, ["verify", "CSVDataSource:worms", ...index])).code, 1);
    const peer = ["--peer", `127.0.0.1:${publisher.summary.seeding.port}`];
    const refused = await owm(bob, ["fetch", "CSVDataSource:worms", ...peer, ...index]);
    assertEquals(refused.code, 1, refused.stdout);
    assertStringIncludes(refused.stderr, "present but does not verify");
    assertStringIncludes(refused.stderr, "repair");
    const repaired = await owm(bob, [
      "fetch",
      "CSVDataSource:worms",
      "--repair",
      ...peer,
      ...index,
    ]);
    assertEquals(repaired.code, 0, repaired.stderr);
    await assertSameContent(
      join(bob, "data_source_data", "bittorrent", "worms", "worm_dataset"),
      source,
    );
  });
});

Deno.test("owm publish then owm fetch ClassName:key through an HTTP index", async () => {
  await withTemp(async (tmp) => {
    const source = await makeDataset(tmp);
    await Deno.mkdir(join(tmp, "http-index"));
    await using server = serveHttpIndex(join(tmp, "http-index"), { token: "s3cret" });
    const index = ["--index", server.url];
    const token = { OWM_INDEX_TOKEN: "s3cret" };
    await using publisher = await startPublisher(join(tmp, "alice"), source, "worms", index, token);
    const bob = join(tmp, "bob");
    await describeOnly(bob, "worms", publisher.summary.torrentFileName);
    await fetchAndCheck(bob, "worms", publisher, source, index, token);
  });
});

Deno.test("owm publish then owm fetch ClassName:key through Google Drive (the real client)", async () => {
  await withTemp(async (tmp) => {
    const source = await makeDataset(tmp);
    await using drive = startDriveServer({ validTokens: ["test-token"] });
    const alice = join(tmp, "alice");
    const bob = join(tmp, "bob");
    for (const home of [alice, bob]) {
      await Deno.mkdir(home, { recursive: true });
      await writeDriveStore(home, drive);
    }
    const root = { OWM_DRIVE_ROOT_URL: drive.url };
    await using publisher = await startPublisher(
      alice,
      source,
      "worms",
      ["--index", "drive:"],
      root,
    );
    const uploaded = drive.files.find((f) => f.name === publisher.summary.torrentFileName);
    assert(uploaded, "the .torrent was uploaded to Drive");
    await describeOnly(bob, "worms", publisher.summary.torrentFileName);
    await fetchAndCheck(bob, "worms", publisher, source, ["--index", "drive:"], root);
    assert(
      drive.log.some((r) => r.method === "GET" && r.params.get("alt") === "media"),
      "the torrent was downloaded through files.get alt=media",
    );
  });
});

/** `deno task owm …` as a user runs it: the task's own permissions, not --allow-all. */
function taskOwm(home: string, args: string[]): Promise<Run> {
  return runOwm(["--home", home, ...args], { task: true });
}

Deno.test("owm fetch by magnet link with a direct peer (through deno task owm)", async () => {
  await withTemp(async (tmp) => {
    const source = await makeDataset(tmp);
    await using publisher = await startPublisher(join(tmp, "alice"), source, "worms");
    const out = join(tmp, "downloads");
    const fetched = await taskOwm(join(tmp, "bob"), [
      "fetch",
      publisher.summary.magnetLink,
      "--peer",
      `127.0.0.1:${publisher.summary.seeding.port}`,
      "--dir",
      out,
      "--json",
    ]);
    assertEquals(fetched.code, 0, fetched.stderr);
    const result = JSON.parse(fetched.stdout);
    assertEquals(result.verified, true);
    assertEquals(result.directory, out);
    await assertSameContent(join(out, "worm_dataset"), source);
  });
});

Deno.test("owm fetch of a .torrent from a web seed alone, with no peers", async () => {
  await withTemp(async (tmp) => {
    const source = await makeDataset(tmp);
    await using seed = startWebSeed(tmp);
    const torrent = join(tmp, "worms.torrent");
    const made = await owm(join(tmp, "alice"), ["torrent", "create", source, "--out", torrent]);
    assertEquals(made.code, 0, made.stderr);
    const out = join(tmp, "downloads");
    const fetched = await owm(join(tmp, "bob"), [
      "fetch",
      torrent,
      "--web-seed",
      seed.url,
      "--dir",
      out,
      "--json",
    ]);
    assertEquals(fetched.code, 0, fetched.stderr);
    assertEquals(JSON.parse(fetched.stdout).verified, true);
    await assertSameContent(join(out, "worm_dataset"), source);
  });
});
