/**
 * The upload page's new inputs and the collision rule in a real headless
 * browser (Debian's chromium driven by playwright-core through
 * _upload_page_driver.ts): upload a zip; the same files under another key are
 * refused with the 409's plain sentence naming the DataSource that has them,
 * with Replace ticked or not (never a 500); a second dataset with a title,
 * licence, citation and another field is published and listed so in the
 * catalogue; a bad licence is refused naming the field. A screenshot of each
 * answer is kept under the test's screenshot folder.
 *
 * Needs Debian's `chromium` on PATH (tests/_require.ts).
 */
import { join } from "node:path";
import { extend } from "../../kernel/extensions.ts";
import { startBridge } from "../../kernel/server.ts";
import { listCatalogue } from "../../lib/index/catalogue.ts";
import { LocalFolderIndex } from "../../lib/index/local_folder_index.ts";
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { makeZip } from "../archive/_zip_writer.ts";
import { runBrowserDriver } from "./_browser_driver.ts";
import type { DriverInput, DriverReport } from "./_upload_page_driver.ts";
import { requireProgram } from "../_require.ts";

const chromium = requireProgram("chromium", {
  debian: "chromium",
  what: "the upload page collision test",
  hint: "never 'npx playwright install'",
});

async function drivePage(input: DriverInput): Promise<DriverReport> {
  chromium.check();
  return await runBrowserDriver<DriverReport>("_upload_page_driver.ts", input, chromium.path);
}

Deno.test({
  name:
    "upload page: a collision is the 409's plain sentence naming the DataSource, Replace or not; title, licence, citation and fields are published",
  ignore: chromium.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    chromium.check();
    const tmp = await Deno.makeTempDir({ prefix: "owm-upload-collision-test-" });
    await using _cleanup = { [Symbol.asyncDispose]: () => Deno.remove(tmp, { recursive: true }) };
    // Kept after the test (the rest of tmp is removed), to look at.
    const shots = await Deno.makeTempDir({ prefix: "owm-upload-collision-screenshots-" });
    const index = join(tmp, "index");
    await using bridge = await startBridge({
      home: join(tmp, "store"),
      port: 0,
      dht: false,
      lsd: false,
      torrentPort: 0,
      indexes: [`dir:${index}`],
      extend,
    });
    const zip = join(tmp, "connectome.zip");
    await Deno.writeFile(zip, makeZip([{ name: "neurons.csv", data: "neuron\nAVAL\n" }]));
    const other = join(tmp, "other.zip");
    await Deno.writeFile(other, makeZip([{ name: "neurons.csv", data: "neuron\nDA1\nVB1\n" }]));
    const seen = await drivePage({
      url: bridge.url,
      token: bridge.token,
      zip,
      screenshot: join(shots, "0-first.png"),
      more: [
        { zip, key: "copy", screenshot: join(shots, "1-collision.png") },
        { zip, key: "copy", replace: true, screenshot: join(shots, "2-collision-replace.png") },
        {
          zip: other,
          key: "described",
          title: "Two motor neurons",
          license: "CC-BY-4.0",
          citation: "doi:10.1000/182",
          fields: "csvFileName=neurons.csv",
          screenshot: join(shots, "3-described.png"),
        },
        {
          zip: other,
          key: "bad-licence",
          license: "do what you like",
          screenshot: join(shots, "4-bad-licence.png"),
        },
      ],
    });
    console.log(`screenshots: ${shots}`);
    assertEquals(seen.id, "CSVDataSource:browser-upload");
    assertEquals(seen.problems.filter((p) => !/\b(409|400)\b/.test(p)), [], "no script errors");
    const [collision, withReplace, described, badLicence] = seen.more;
    for (const answer of [collision!, withReplace!]) {
      assertEquals(answer.published, false);
      assert(answer.alert.startsWith("The same content is already published as "), answer.alert);
      assertStringIncludes(answer.alert, "by CSVDataSource:browser-upload");
      assertStringIncludes(answer.alert, "nothing was changed: use CSVDataSource:browser-upload");
      assert(!/\b500\b|internal|\(409\)/.test(answer.alert), answer.alert);
    }
    assertEquals([described!.published, described!.id, described!.alert], [
      true,
      "CSVDataSource:described",
      "",
    ]);
    assertEquals(badLicence!.published, false);
    assertStringIncludes(badLicence!.alert, "Field 'license'");
    assertStringIncludes(badLicence!.alert, "(400)");
    for (const name of ["1-collision.png", "2-collision-replace.png", "3-described.png"]) {
      assert((await Deno.stat(join(shots, name))).size > 0, name);
    }

    const { entries } = await listCatalogue([new LocalFolderIndex(index)]);
    assertEquals(entries.map((e) => e.id), [
      "CSVDataSource:browser-upload",
      "CSVDataSource:described",
    ]);
    const entry = entries[1]!;
    assertEquals([entry.title, entry.license, entry.citation], [
      "Two motor neurons",
      "CC-BY-4.0",
      ["doi:10.1000/182"],
    ]);
    const ds = await bridge.state.repo.get("CSVDataSource:described");
    assertEquals(ds.get("csvFileName"), "neurons.csv");
    assertEquals((await bridge.state.repo.list()).length, 2, "the refused uploads saved nothing");
  },
});
