/**
 * The bridge's page shows what runs, in a real headless browser (Debian's
 * chromium driven by playwright-core): the live list of DataSources and
 * torrents (state, size, progress, peers, rates, verified or not), its
 * Verify, Pause, Resume and Remove buttons, a dataset published through the
 * API appearing without a reload (Server-Sent Events), and the Key box
 * refusing a key that breaks the rule as it is typed. Screenshots at 1280 and
 * 390 px wide are kept (their paths are printed) to look at.
 *
 * Needs Debian's `chromium` (see tests/_require.ts): without it the test is
 * ignored with one line saying so, or fails under OWM_TEST_REQUIRE_ALL=1.
 */
import { join } from "node:path";
import { extend } from "../../kernel/extensions.ts";
import { startBridge } from "../../kernel/server.ts";
import { Bridge } from "../../mod.ts";
import { PLAIN_KEY_RULE } from "../../lib/datasource/identifier.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";
import { makeZip } from "../archive/_zip_writer.ts";
import { runBrowserDriver } from "./_browser_driver.ts";
import type { DriverInput, DriverReport } from "./_bridge_page_driver.ts";
import { requireProgram } from "../_require.ts";

const chromium = requireProgram("chromium", {
  debian: "chromium",
  what: "the bridge page test",
  hint: "never 'npx playwright install'",
});

async function drivePage(input: Omit<DriverInput, "chromium">): Promise<DriverReport> {
  chromium.check();
  return await runBrowserDriver<DriverReport>("_bridge_page_driver.ts", input, chromium.path);
}

Deno.test({
  name: "bridge page: the live list of DataSources and torrents, its buttons, the key rule",
  ignore: chromium.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    chromium.check();
    const tmp = await Deno.makeTempDir({ prefix: "owm-bridge-page-test-" });
    await using _cleanup = { [Symbol.asyncDispose]: () => Deno.remove(tmp, { recursive: true }) };
    // Kept after the test (the rest of tmp is removed), to look at.
    const shots = await Deno.makeTempDir({ prefix: "owm-bridge-page-screenshots-" });
    const publishRoot = join(tmp, "data");
    await Deno.mkdir(join(publishRoot, "neurons"), { recursive: true });
    await Deno.writeTextFile(join(publishRoot, "neurons", "a.csv"), "neuron\nAVAL\n".repeat(500));
    await Deno.mkdir(join(publishRoot, "second"));
    await Deno.writeTextFile(join(publishRoot, "second", "b.csv"), "neuron\nDA1\n");
    await using server = await startBridge({
      home: join(tmp, "store"),
      port: 0,
      dht: false,
      lsd: false,
      torrentPort: 0,
      publishRoot,
      extend,
    });
    await using bridge = await Bridge.connect({ home: join(tmp, "store"), start: false });
    const seeded = await bridge.publish("neurons", {
      class: "LocalFileDataSource",
      key: "neurons",
    });
    const zip = join(tmp, "connectome.zip");
    await Deno.writeFile(zip, makeZip([{ name: "neurons.csv", data: "neuron\nVB1\n" }]));
    const wide = join(shots, "bridge-page-1280.png");
    const narrow = join(shots, "bridge-page-390.png");

    const seen = await drivePage({
      url: server.url,
      token: server.token,
      zip,
      seeded: seeded.id,
      publishLater: { path: "second", class: "LocalFileDataSource", key: "second" },
      screenshots: { wide, narrow },
    });
    console.log(`screenshots: ${wide} ${narrow}`);
    assertEquals(seen.problems, [], "no script errors");
    assertEquals(seen.pageHasToken, false, "the page holds no token");

    // The row of what was published before: its torrent's state, size, progress, peers, rates.
    const first = seen.first;
    assert(first.name.startsWith("LocalFileDataSource:neurons"), first.name);
    assertStringIncludes(first.name, `${seeded.infoHash.slice(0, 8)}…`);
    assertEquals([first.state, first.size, first.progress, first.peers], [
      "Seeding",
      "5.9 KiB",
      "100%",
      "0",
    ]);
    assertMatch(first.rates, /^↓ 0 B\/s ↑ 0 B\/s$/);
    assertEquals(first.verified, "Not checked");
    assertEquals(first.buttons, [
      "Verify LocalFileDataSource:neurons",
      "Pause LocalFileDataSource:neurons",
      "Remove LocalFileDataSource:neurons",
    ]);
    assertEquals(seen.afterVerify.verified, "Verified");

    // Published through the API while the page was open: shown without a reload.
    assertEquals([seen.appeared.state, seen.appeared.progress], ["Seeding", "100%"]);
    assert(seen.appeared.name.startsWith("LocalFileDataSource:second"), seen.appeared.name);

    // The key rule: shown under the box, said as a wrong key is typed, and nothing sent.
    assertStringIncludes(seen.keyHint.replace(/\s+/g, " "), PLAIN_KEY_RULE);
    assertEquals(seen.keyError, `“bad/key with space” cannot be a key. ${PLAIN_KEY_RULE}`);
    assertEquals(seen.keyInvalid, "true");
    assertEquals(seen.badKeyAlert, seen.keyError);
    assertEquals(seen.badKeyPublished, false);
    assertEquals(seen.keyErrorAfterFix, "");
    assertEquals(seen.uploadedId, "CSVDataSource:from-page");
    assertEquals(seen.uploadedRow.state, "Seeding");
    const ids = (await bridge.datasources()).map((d) => d.id).sort();
    assertEquals(ids, [
      "CSVDataSource:from-page",
      "LocalFileDataSource:neurons",
      "LocalFileDataSource:second",
    ]);

    // Pause, Resume, Remove: the bridge did them, and the list says so.
    assertEquals(seen.paused.state, "Paused");
    assertEquals(seen.paused.buttons[1], "Resume LocalFileDataSource:neurons");
    assert(["Seeding", "Checking"].includes(seen.resumed.state), seen.resumed.state);
    assertEquals(
      [seen.removed.state, seen.removed.size, seen.removed.buttons],
      ["Not shared", "—", ["Verify LocalFileDataSource:second"]],
    );
    assertEquals(seen.status, "Removed the torrent of LocalFileDataSource:second.");
    const hashes = (await bridge.torrents()).map((t) => t.hashString);
    assert(hashes.includes(seeded.infoHash));
    assertEquals(hashes.length, 2, "the removed torrent is gone from the bridge");
    assert((await Deno.stat(join(publishRoot, "second", "b.csv"))).isFile, "its files are kept");

    // The layout holds at both widths: nothing wider than the window.
    const [atWide, atNarrow] = seen.layout;
    assertEquals(atWide!.scrollWidth, 1280);
    assert(atWide!.tableRight <= 1280, JSON.stringify(atWide));
    assertEquals(atNarrow!.scrollWidth, 390, "no sideways scrolling at 390 px");
    assert(atNarrow!.tableRight <= 390, JSON.stringify(atNarrow));
    for (const shot of [wide, narrow]) assert((await Deno.stat(shot)).size > 0, shot);
  },
});
