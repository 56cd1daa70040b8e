/**
 * The upload page in a real headless browser (Debian's chromium driven by
 * playwright-core): log in with the bridge token, upload a small zip, see the
 * magnet link on the page; then a second researcher's `owm fetch <magnet>`
 * downloads it from the bridge's seed and verifies it.
 *
 * Needs Debian's `chromium` on PATH (`apt-get install -y --no-install-recommends
 * chromium`, which .ci/run does): without it the test is ignored with one line
 * saying so, or fails under OWM_TEST_REQUIRE_ALL=1 (as in CI: tests/_require.ts).
 */
import { join } from "node:path";
import { extend } from "../../kernel/extensions.ts";
import { startBridge } from "../../kernel/server.ts";
import { shellEnv } from "../_env.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";
import { makeZip } from "../archive/_zip_writer.ts";
import { runBrowserDriver } from "./_browser_driver.ts";
import type { DriverInput, DriverReport } from "./_upload_page_driver.ts";
import { requireProgram } from "../_require.ts";

const chromium = requireProgram("chromium", {
  debian: "chromium",
  what: "the upload page test",
  hint: "never 'npx playwright install'",
});
const ROOT = new URL("../../", import.meta.url).pathname;
const CSV = "neuron,type\nAVAL,interneuron\nAVAR,interneuron\nDA1,motor\n";
const README = "Three neurons, for the upload page test.\n";

const decoder = new TextDecoder();

function denoRun(args: string[], extraEnv: Record<string, string> = {}) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--allow-all", `--config=${join(ROOT, "deno.json")}`, ...args],
    clearEnv: true,
    env: shellEnv({ NO_COLOR: "1", ...extraEnv }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
}

/** Runs the browser driver (in its own process: playwright-core needs --allow-all). */
async function drivePage(input: DriverInput): Promise<DriverReport> {
  chromium.check();
  return await runBrowserDriver<DriverReport>("_upload_page_driver.ts", input, chromium.path);
}

Deno.test({
  name: "upload page: log in, upload a zip, see the magnet link; another client fetches it",
  ignore: chromium.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    chromium.check();
    const tmp = await Deno.makeTempDir({ prefix: "owm-upload-page-test-" });
    await using _cleanup = { [Symbol.asyncDispose]: () => Deno.remove(tmp, { recursive: true }) };
    await using bridge = await startBridge({
      home: join(tmp, "store"),
      port: 0,
      dht: false,
      lsd: false,
      torrentPort: 0,
      extend,
    });
    const zip = join(tmp, "connectome.zip");
    await Deno.writeFile(
      zip,
      makeZip([
        { name: "connectome/" },
        { name: "connectome/neurons.csv", data: CSV, deflate: true },
        { name: "README.txt", data: README },
      ]),
    );
    // Kept after the test (the rest of tmp is removed), to look at.
    const screenshot = await Deno.makeTempFile({ prefix: "owm-upload-page-", suffix: ".png" });
    const seen = await drivePage({ url: bridge.url, token: bridge.token, zip, screenshot });
    console.log(`screenshot: ${screenshot}`);
    assertEquals(seen.title, "Upload a dataset · owmeta-torrent bridge");
    assertEquals(seen.pageHasToken, false, "the page holds no token");
    assertStringIncludes(seen.wrongTokenAlert, "token", "a wrong token is reported");
    assertEquals(seen.storedToken, bridge.token, "the token is kept in sessionStorage");
    assertEquals(seen.urlHasToken, false, "the token never goes into the URL");
    assertEquals(seen.alert.trim(), "", "no error after the upload");
    const magnet = seen.magnet;
    assertMatch(magnet, /^magnet:\?xt=urn:btih:[0-9a-f]{40}/);
    assertEquals(seen.href, magnet);
    assertEquals(seen.id, "CSVDataSource:browser-upload");
    assertMatch(seen.status ?? "", /Published/);
    assertEquals(seen.progress, "100");
    assertEquals(seen.problems, [], "no script errors");
    assert((await Deno.stat(screenshot)).size > 0);

    const ds = await bridge.state.repo.get("CSVDataSource:browser-upload");
    assertEquals(ds.get("magnetLink"), magnet);
    const out = join(tmp, "bob-data");
    const fetched = await denoRun([
      join(ROOT, "scripts/owm.ts"),
      "--home",
      join(tmp, "bob"),
      "fetch",
      magnet,
      "--peer",
      `127.0.0.1:${bridge.state.session.port}`,
      "--dir",
      out,
      "--timeout",
      "60",
      "--json",
    ], { OWM_DHT: "0", OWM_LSD: "0" });
    assertEquals(fetched.code, 0, decoder.decode(fetched.stderr));
    const result = JSON.parse(decoder.decode(fetched.stdout));
    assertEquals(result.verified, true);
    const folder = join(out, "browser-upload");
    assertEquals(result.contentPath, folder);
    assertEquals(await Deno.readTextFile(join(folder, "connectome", "neurons.csv")), CSV);
    assertEquals(await Deno.readTextFile(join(folder, "README.txt")), README);
  },
});
