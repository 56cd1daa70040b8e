/**
 * `owm bridge status|list|pause|resume|rm|verify` (issue #13 point 7) as real
 * processes against a live bridge process: a dataset published through the
 * bridge (which seeds it) is listed, shown by id and by infohash, paused,
 * resumed, verified and removed; `--json` gives JSON; with no bridge running,
 * one line saying to start one.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";
import { owm } from "../_owm.ts";
import { spawnBridge } from "../kernel/_bridge_process.ts";

async function tokenOf(home: string): Promise<string> {
  return JSON.parse(await Deno.readTextFile(join(home, "bridge.json"))).token;
}

Deno.test("owm bridge list/status/pause/resume/verify/rm against a live bridge", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "owm-bridge-cmd-" }));
  const home = join(dir, "store");
  const root = join(dir, "root");
  await Deno.mkdir(join(root, "worms"), { recursive: true });
  await Deno.writeTextFile(join(root, "worms", "worms.csv"), "name,legs\nelegans,0\n");
  await using bridge = await spawnBridge(home, ["--publish-root", root]);
  try {
    const res = await fetch(`${bridge.url}/api/publish`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${await tokenOf(home)}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ path: "worms", class: "CSVDataSource", key: "worms" }),
    });
    const published = await res.json();
    assertEquals(res.status, 201, JSON.stringify(published));
    const hash: string = published.infoHash;
    const at = ["--home", home];

    const list = await owm([...at, "bridge", "list"]);
    assertEquals(list.code, 0, list.stderr);
    const lines = list.stdout.trim().split("\n");
    assertMatch(lines[0]!, /^ID\s+Done\s+Have\s+ETA\s+Up\s+Down\s+Peers\s+Status\s+Name$/);
    assertMatch(lines[1]!, new RegExp(`^${hash.slice(0, 8)}\\s+100%\\s+.*Seeding\\s+worms$`));
    assertMatch(lines[2]!, /^Sum: 1 torrent, /);

    const byId = await owm([...at, "bridge", "status", "CSVDataSource:worms"]);
    assertEquals(byId.code, 0, byId.stderr);
    assertStringIncludes(byId.stdout, `Infohash: ${hash}`);
    assertStringIncludes(byId.stdout, "State: Seeding");
    assertStringIncludes(byId.stdout, "Done: 100.0%");
    const byHash = await owm([...at, "--json", "bridge", "status", hash]);
    assertEquals(byHash.code, 0, byHash.stderr);
    const json = JSON.parse(byHash.stdout);
    assertEquals([json.hashString, json.name, json.percentDone], [hash, "worms", 1]);

    const paused = await owm([...at, "bridge", "pause", "CSVDataSource:worms"]);
    assertEquals(paused.code, 0, paused.stderr);
    assertStringIncludes(paused.stdout, `paused worms (${hash}): paused`);
    const seen = await owm([...at, "--json", "bridge", "list"]);
    assertEquals(JSON.parse(seen.stdout)[0].status, "paused");
    const resumed = await owm([...at, "bridge", "resume", hash]);
    assertEquals(resumed.code, 0, resumed.stderr);
    assertStringIncludes(resumed.stdout, `resumed worms (${hash})`);
    const after = await owm([...at, "--json", "bridge", "status", hash]);
    assert(JSON.parse(after.stdout).status !== "paused", after.stdout);

    const verified = await owm([...at, "bridge", "verify", "CSVDataSource:worms"]);
    assertEquals(verified.code, 0, verified.stderr + verified.stdout);
    assertMatch(verified.stdout, /^ok +sha256 /m);
    assertStringIncludes(verified.stdout, "verified CSVDataSource:worms:");

    const removed = await owm([...at, "bridge", "rm", hash]);
    assertEquals(removed.code, 0, removed.stderr);
    assertStringIncludes(removed.stdout, `removed ${hash} (its files are kept)`);
    const empty = await owm([...at, "--json", "bridge", "list"]);
    assertEquals(JSON.parse(empty.stdout), []);
    await Deno.stat(join(root, "worms", "worms.csv"));

    // Unknown id: the bridge's 404 as one line, with did-you-mean from the store.
    const unknown = await owm([...at, "bridge", "status", "csvdatasource:worms"]);
    assertEquals(unknown.code, 1);
    assert(!/^\s{4}at /m.test(unknown.stderr), unknown.stderr);
    assertStringIncludes(unknown.stderr, "did you mean 'CSVDataSource:worms'?");
  } finally {
    bridge.child.kill("SIGTERM");
    await bridge.exited(20_000);
  }
  // No bridge any more: one line saying so and how to start one.
  const none = await owm(["--home", home, "bridge", "list"]);
  assertEquals(none.code, 1);
  assert(!/^\s{4}at /m.test(none.stderr), none.stderr);
  assertEquals(none.stderr.trim().split("\n").length, 1, none.stderr);
  assertStringIncludes(none.stderr, "owm: no bridge runs on this store");
  assertStringIncludes(none.stderr, `start one with \`deno task start --home ${home}\``);
  await Deno.remove(dir, { recursive: true });
});
