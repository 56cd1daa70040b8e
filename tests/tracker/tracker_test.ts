/**
 * The private-swarm tracker on loopback: announce and scrape over HTTP and
 * UDP with bittorrent-tracker's own client, the allowlist, the graph
 * allowlist and the stats.
 */
import { CSVDataSource, DataSourceRepository } from "../../mod.ts";
import { graphAllowlist } from "../../lib/tracker/graph_allowlist.ts";
import { startTracker } from "../../lib/tracker/tracker.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";
import { ask, join } from "./_client.ts";

const A = "a".repeat(40);
const B = "b".repeat(40);

Deno.test("startTracker() answers announces and scrapes over HTTP and UDP", async () => {
  await using tracker = await startTracker();
  assertMatch(tracker.httpUrl, /^http:\/\/127\.0\.0\.1:\d+\/announce$/);
  assertMatch(tracker.udpUrl, /^udp:\/\/127\.0\.0\.1:\d+$/);
  for (const url of [tracker.httpUrl, tracker.udpUrl]) {
    const hash = url.startsWith("http") ? A : B;
    const announced = await ask(url, hash, "announce");
    assertEquals(announced, { ok: true, complete: 1, incomplete: 0 }, url);
    const scraped = await ask(url, hash, "scrape");
    assert(scraped.ok, url);
    assertEquals(scraped.complete, 1, url);
  }
});

Deno.test("startTracker() stats count seeders, leechers and completed downloads", async () => {
  await using tracker = await startTracker();
  const seeder = await join(tracker.httpUrl, A, "announce", { peerId: "11".repeat(20) });
  const leecher = await join(tracker.udpUrl, A, "announce", {
    peerId: "22".repeat(20),
    port: 6882,
    left: 100,
  });
  assertEquals(tracker.stats(), {
    torrents: 1,
    byInfoHash: { [A]: { seeders: 1, leechers: 1, completed: 0 } },
  });
  const done = await join(tracker.udpUrl, A, "announce", {
    peerId: "22".repeat(20),
    port: 6882,
    event: "completed",
  });
  assertEquals(tracker.stats().byInfoHash[A], { seeders: 2, leechers: 0, completed: 1 });
  const page = await fetch(new URL("/stats.json", tracker.httpUrl));
  assertEquals((await page.json()).torrents, 1);
  for (const peer of [seeder, leecher, done]) await peer.leave();
});

Deno.test("startTracker() with an allowlist refuses other infohashes", async () => {
  await using tracker = await startTracker({ allowlist: () => new Set([A]) });
  for (const url of [tracker.httpUrl, tracker.udpUrl]) {
    const refused = await ask(url, B, "announce");
    assert(!refused.ok, url);
    assertStringIncludes(refused.reason, "not allowed");
    assertEquals((await ask(url, A, "announce")).ok, true, url);
  }
  assertEquals(Object.keys(tracker.stats().byInfoHash), [A]);
});

Deno.test("graphAllowlist() serves a DataSource's infohash, also one saved after start", async () => {
  const home = await Deno.makeTempDir({ prefix: "owm-tracker-" });
  try {
    const repo = await DataSourceRepository.open({ home, create: true });
    await repo.save([new CSVDataSource({ key: "first", infoHash: A })]);
    await using tracker = await startTracker({
      allowlist: graphAllowlist(repo, { maxAgeMs: 0 }),
    });
    assertEquals((await ask(tracker.httpUrl, A, "announce")).ok, true);
    assertEquals((await ask(tracker.udpUrl, B, "announce")).ok, false);
    await repo.save([new CSVDataSource({ key: "second", infoHash: B.toUpperCase() })]);
    assertEquals((await ask(tracker.udpUrl, B, "announce")).ok, true);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("graphAllowlist() reuses a read for maxAgeMs", async () => {
  const home = await Deno.makeTempDir({ prefix: "owm-tracker-" });
  try {
    const repo = await DataSourceRepository.open({ home, create: true });
    const allow = graphAllowlist(repo, { maxAgeMs: 60_000 });
    assertEquals((await allow()).size, 0);
    await repo.save([new CSVDataSource({ key: "k", infoHash: A })]);
    assertEquals((await allow()).size, 0, "cached");
    assertEquals((await graphAllowlist(repo)()).has(A), true);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("startTracker() throws TrackerStartError on a taken port", async () => {
  await using first = await startTracker();
  const { TrackerStartError } = await import("../../lib/tracker/tracker.ts");
  let error: unknown;
  try {
    await startTracker({ httpPort: first.httpPort });
  } catch (e) {
    error = e;
  }
  assert(error instanceof TrackerStartError, String(error));
});
