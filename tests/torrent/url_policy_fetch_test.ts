/**
 * Trackers and web seeds at link-local or metadata addresses, end to end with
 * the real CLI (`owm fetch` as a process) against a seeder and a tracker on
 * loopback: a `.torrent` and a magnet that name a tracker at 169.254.169.254
 * and a web seed at [fe80::1] beside a good loopback tracker are fetched
 * through the good tracker, the bad URLs dropped with one warning each; the
 * same URLs given on purpose (`--web-seed`) are refused at once. In-process,
 * the session drops them (or, allowed, keeps them) and refuses them in options.
 */
import { join } from "node:path";
import { TorrentSession } from "../../lib/torrent/session.ts";
import { RefusedUrlError } from "../../lib/torrent/url_policy.ts";
import { startTracker } from "../../lib/tracker/tracker.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_assert.ts";
import { owm } from "../_owm.ts";
import {
  assertSameTree,
  makeDataset,
  tempDir,
  testSessionOptions,
  torrentOf,
} from "./_fixtures.ts";

const BAD_TRACKER = "http://169.254.169.254/announce";
const BAD_WEB_SEED = "http://[fe80::1]/data/";

Deno.test("owm fetch of a .torrent and a magnet with link-local trackers and web seeds: dropped with a warning, fetched through the good tracker", async () => {
  const tmp = await tempDir();
  await using tracker = await startTracker({ hostname: "127.0.0.1", interval: 1000 });
  const warnings: string[] = [];
  await using seeder = await TorrentSession.open(
    testSessionOptions(join(tmp, "seeder"), { onWarning: (w) => warnings.push(w) }),
  );
  const sources: { src: string; bytes: Uint8Array; infoHash: string }[] = [];
  for (
    const [name, sizes] of [["one", { a: 70_000, b: 30_001, c: 9_000 }], ["two", {
      a: 50_000,
      b: 20_002,
      c: 8_000,
    }]] as const
  ) {
    const src = await makeDataset(join(tmp, name), sizes);
    const { bytes, metainfo } = await torrentOf(src, {
      trackers: [tracker.httpUrl, BAD_TRACKER],
      webSeeds: [BAD_WEB_SEED],
      urlPolicy: { allowLinkLocal: true },
    });
    await seeder.seed(src, bytes);
    sources.push({ src, bytes, infoHash: metainfo.infoHash });
  }
  assertEquals(warnings.length, 4, `the seeder drops them too: ${warnings.join("\n")}`);

  const home = join(tmp, "store");
  const torrentPath = join(tmp, "one.torrent");
  await Deno.writeFile(torrentPath, sources[0]!.bytes);
  const magnet = `magnet:?xt=urn:btih:${sources[1]!.infoHash}&dn=dataset&tr=${
    encodeURIComponent(tracker.httpUrl)
  }&tr=${encodeURIComponent(BAD_TRACKER)}&ws=${encodeURIComponent(BAD_WEB_SEED)}`;
  for (const [target, source] of [[torrentPath, sources[0]!], [magnet, sources[1]!]] as const) {
    const out = join(tmp, `got-${source.infoHash}`);
    const run = await owm(["--home", home, "fetch", target, "--dir", out, "--timeout", "120"]);
    assertEquals(run.code, 0, run.stderr);
    await assertSameTree(join(out, "dataset"), source.src);
    const dropped = run.stderr.split("\n").filter((line) =>
      line.includes("ignoring the torrent's")
    );
    assertEquals(dropped.length, 2, `one warning per bad URL:\n${run.stderr}`);
    assertStringIncludes(dropped.join("\n"), `tracker "${BAD_TRACKER}"`);
    assertStringIncludes(dropped.join("\n"), `web seed "${BAD_WEB_SEED}"`);
    assertStringIncludes(dropped[0]!, "OWM_ALLOW_LINK_LOCAL=1");
    assert(!run.stderr.includes(tracker.httpUrl), "the good tracker is kept without a word");
  }

  const refused = await owm([
    "--home",
    home,
    "fetch",
    torrentPath,
    "--dir",
    join(tmp, "refused"),
    "--web-seed",
    BAD_WEB_SEED,
  ]);
  assertEquals(refused.code, 1, refused.stderr);
  const lines = refused.stderr.trimEnd().split("\n");
  assertEquals(lines.length, 1, refused.stderr);
  assertStringIncludes(lines[0]!, `Refusing web seed "${BAD_WEB_SEED}"`);
  assertStringIncludes(lines[0]!, "fe80::/10");
  assert(!/^\s+at /m.test(refused.stderr));
});

Deno.test("TorrentSession drops torrent and magnet URLs at link-local addresses unless allowed, and refuses them in options", async () => {
  const tmp = await tempDir();
  const src = await makeDataset(join(tmp, "src"), { a: 40_000, b: 10_001, c: 5_000 });
  const { bytes, metainfo } = await torrentOf(src, {
    trackers: ["http://127.0.0.1:9/announce", BAD_TRACKER],
    webSeeds: [BAD_WEB_SEED, "http://127.0.0.1:9/"],
    urlPolicy: { allowLinkLocal: true },
  });
  const warnings: string[] = [];
  {
    await using session = await TorrentSession.open(
      testSessionOptions(join(tmp, "a"), {
        tracker: false,
        onWarning: (w) => warnings.push(w),
      }),
    );
    await assertRejects(
      () => session.add(bytes, { dir: join(tmp, "a-out"), webSeeds: ["http://169.254.1.1/"] }),
      RefusedUrlError,
      "169.254.1.1",
    );
    await assertRejects(
      () => session.add(bytes, { dir: join(tmp, "a-out"), announce: ["file:///etc/passwd"] }),
      RefusedUrlError,
      "not an http, https, udp, ws or wss URL",
    );
    assertEquals(session.torrents.length, 0, "a refused add adds nothing");
    assertEquals(warnings, [], "nothing was screened before the refusal");
    await session.add(bytes, { dir: join(tmp, "a-out"), paused: true });
    assertEquals(warnings.map((w) => w.split(":")[0]), [metainfo.infoHash, metainfo.infoHash]);
    assertStringIncludes(warnings.join("\n"), BAD_TRACKER);
    assertStringIncludes(warnings.join("\n"), BAD_WEB_SEED);
    assert(!warnings.join("\n").includes("127.0.0.1:9"), "loopback URLs are kept");
  }
  const allowed: string[] = [];
  {
    await using session = await TorrentSession.open(
      testSessionOptions(join(tmp, "b"), {
        tracker: false,
        urlPolicy: { allowLinkLocal: true },
        onWarning: (w) => allowed.push(w),
      }),
    );
    await session.add(bytes, {
      dir: join(tmp, "b-out"),
      webSeeds: ["http://169.254.1.1/"],
      paused: true,
    });
    assertEquals(session.torrents.length, 1);
  }
  assertEquals(allowed, [], "allowed: nothing dropped");
});
