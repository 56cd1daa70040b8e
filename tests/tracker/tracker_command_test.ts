/**
 * `owm tracker` as users run it: prints its announce URLs, stops on SIGTERM,
 * and carries a private swarm: `owm publish --tracker <ours>` then `owm
 * fetch` with no `--peer`, no DHT and no LSD finds the seeder through it.
 */
import { join } from "node:path";
import { digestContent } from "../../lib/integrity/content_digest.ts";
import { owm, spawnOwm } from "../_owm.ts";
import { assertEquals, assertMatch } from "../_assert.ts";

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "owm-tracker-cli-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("owm tracker prints its announce URLs and stops on SIGTERM", async () => {
  await withTemp(async (dir) => {
    const tracker = await spawnOwm(["--home", dir, "tracker", "--port", "0", "--json"]);
    const urls = JSON.parse(tracker.firstLine);
    assertMatch(urls.http, /^http:\/\/127\.0\.0\.1:\d+\/announce$/);
    assertMatch(urls.udp, /^udp:\/\/127\.0\.0\.1:\d+$/);
    assertEquals(urls.allowlist, null);
    const stats = await fetch(new URL("/stats.json", urls.http));
    assertEquals((await stats.json()).torrents, 0);
    const { code, stderr } = await tracker.stop();
    assertEquals(code, 0, stderr);
    assertMatch(stderr, /SIGTERM: stopping the tracker/);
  });
});

Deno.test("owm publish --tracker + owm fetch find each other through owm tracker alone", async () => {
  await withTemp(async (dir) => {
    const publisherHome = join(dir, "publisher");
    const fetcherHome = join(dir, "fetcher");
    const content = join(dir, "dataset");
    await Deno.mkdir(join(content, "nested"), { recursive: true });
    await Deno.writeTextFile(join(content, "a.csv"), "pre,post\nADAL,ADAR\n");
    const big = new Uint8Array(600_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
    await Deno.writeFile(join(content, "nested", "b.bin"), big);

    // The tracker serves only what the publisher's graph holds.
    await Deno.mkdir(publisherHome);
    const init = await owm(["--home", publisherHome, "init"]);
    assertEquals(init.code, 0);
    const tracker = await spawnOwm([
      "--home",
      publisherHome,
      "tracker",
      "--port",
      "0",
      "--allow-graph",
      "--json",
    ]);
    const urls = JSON.parse(tracker.firstLine);
    const publisher = await spawnOwm([
      "--home",
      publisherHome,
      "publish",
      content,
      "--class",
      "CSVDataSource",
      "--key",
      "swarm",
      "--tracker",
      urls.http,
      "--port",
      "0",
      "--no-dht",
      "--no-lsd",
      "--json",
    ]);
    try {
      const summary = JSON.parse(publisher.firstLine);
      const torrentFile = join(publisherHome, "torrents", summary.torrentFileName);
      const fetched = await owm([
        "--home",
        fetcherHome,
        "fetch",
        torrentFile,
        "--no-dht",
        "--no-lsd",
        "--port",
        "0",
        "--timeout",
        "60",
        "--json",
      ]);
      assertEquals(fetched.code, 0, fetched.stderr);
      const result = JSON.parse(fetched.stdout);
      assertEquals(result.verified, true);
      assertEquals(result.infoHash, summary.infoHash);
      const got = await digestContent(result.contentPath, ["sha256"]);
      const want = await digestContent(content, ["sha256"]);
      assertEquals(got.digests.sha256, want.digests.sha256);
      const stats = await (await fetch(new URL("/stats.json", urls.http))).json();
      assertEquals(stats.torrents, 1, "both announced the one allowed torrent");
    } finally {
      const stopped = await publisher.stop();
      assertEquals(stopped.code, 0, stopped.stderr);
      assertEquals((await tracker.stop()).code, 0);
    }
  });
});
