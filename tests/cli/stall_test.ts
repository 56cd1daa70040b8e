/**
 * Waiting out loud (issue #13 point 6), through the real `owm` process: a
 * fetch whose only peer refuses the connection and that has no tracker says
 * every 5 s what it waits for (on a pipe, not a terminal) and, past
 * `--stall-timeout` (or `OWM_STALL_TIMEOUT`) without progress, ends with exit
 * 1 and the summary naming the refused peer; no stack on stderr.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";
import { owm } from "../_owm.ts";

/** An infohash no peer has: the fetch waits for its metadata. */
const NOBODY = "0123456789abcdef0123456789abcdef01234567";

/** A port on loopback that refuses connections (bound, then closed). */
function refusingPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function withStore(fn: (home: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "owm-stall-" });
  try {
    await fn(join(dir, "s"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a fetch from a refusing peer says what it waits for, then gives up at --stall-timeout", async () => {
  await withStore(async (home) => {
    const peer = `127.0.0.1:${refusingPort()}`;
    const run = await owm([
      "--home",
      home,
      "fetch",
      NOBODY,
      "--peer",
      peer,
      "--no-dht",
      "--no-lsd",
      "--stall-timeout",
      "7",
    ]);
    assertEquals(run.code, 1, run.stderr);
    assert(!/^\s{4}at /m.test(run.stderr), run.stderr);
    const lines = run.stderr.trim().split("\n");
    // At least one report while waiting (every 5 s), naming the refused peer.
    const waiting = lines.filter((l) => l.startsWith("owm: waiting ("));
    assert(waiting.length >= 1, run.stderr);
    assertStringIncludes(waiting[0]!, "waiting for the torrent's metadata from peers");
    assertStringIncludes(waiting[0]!, `${peer} refused the connection`);
    // The last line: the summary, and what to do.
    const last = lines[lines.length - 1]!;
    assertMatch(last, new RegExp(`^owm: .*no progress on ${NOBODY} for \\d+ s: `));
    assertStringIncludes(last, "no trackers; 1 peer known, 0 connected");
    assertStringIncludes(last, `${peer} refused the connection`);
    assertStringIncludes(last, "--stall-timeout S, 0 = forever");
  });
});

Deno.test("OWM_STALL_TIMEOUT sets the stall limit; a value not understood is refused naming it", async () => {
  await withStore(async (home) => {
    const peer = `127.0.0.1:${refusingPort()}`;
    const args = ["--home", home, "fetch", NOBODY, "--peer", peer, "--no-dht", "--no-lsd"];
    const run = await owm(args, { env: { OWM_STALL_TIMEOUT: "3" } });
    assertEquals(run.code, 1, run.stderr);
    assertStringIncludes(run.stderr, `${peer} refused the connection`);
    assertMatch(run.stderr, /no progress on \w+ for \d+ s/);
    const bad = await owm(args, { env: { OWM_STALL_TIMEOUT: "soon" } });
    assertEquals(bad.code, 2, bad.stderr);
    assertStringIncludes(bad.stderr, "OWM_STALL_TIMEOUT=soon is not understood");
    const flag = await owm([...args, "--stall-timeout", "-1"]);
    assertEquals(flag.code, 2, flag.stderr);
    assertStringIncludes(flag.stderr, "--stall-timeout");
  });
});
