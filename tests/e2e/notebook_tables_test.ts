/**
 * The notebooks' tables fit a 1,000 px column, in Debian's chromium: the
 * verify table (two 64-digit SHA-256 values per row), a DataSource, what was
 * published, a torrent's status and a lockfile's files, rendered as Jupyter
 * shows their HTML inside a 1,000 px wide output. Hashes are abbreviated
 * (first 8 … last 4) with the whole value as their text (what a selection
 * copies) and their title (the tooltip). A screenshot is kept to look at.
 *
 * Needs Debian's `chromium` (tests/_require.ts): without it the test is
 * ignored with one line saying so, or fails under OWM_TEST_REQUIRE_ALL=1.
 */
import { join } from "node:path";
import {
  dataSourceView,
  publishedView,
  tableView,
  torrentStatusView,
  verifyReportView,
} from "../../mod.ts";
import { assert, assertEquals } from "../_assert.ts";
import { runBrowserDriver } from "./_browser_driver.ts";
import type { DriverInput, DriverReport } from "./_notebook_tables_driver.ts";
import { requireProgram } from "../_require.ts";

const chromium = requireProgram("chromium", {
  debian: "chromium",
  what: "the notebook tables test",
  hint: "never 'npx playwright install'",
});
const COLUMN = 1000;

async function drivePage(input: Omit<DriverInput, "chromium">): Promise<DriverReport> {
  chromium.check();
  return await runBrowserDriver<DriverReport>("_notebook_tables_driver.ts", input, chromium.path);
}

const hex = (seed: string, length: number) =>
  Array.from({ length }, (_, i) => "0123456789abcdef"[(seed.charCodeAt(i % seed.length) + i) % 16])
    .join("");

Deno.test({
  name: "notebook tables fit a 1,000 px column, hashes abbreviated with the whole value kept",
  ignore: chromium.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    chromium.check();
    const tmp = await Deno.makeTempDir({ prefix: "owm-notebook-tables-test-" });
    await using _cleanup = { [Symbol.asyncDispose]: () => Deno.remove(tmp, { recursive: true }) };
    const shots = await Deno.makeTempDir({ prefix: "owm-notebook-tables-screenshots-" });
    const sha = hex("sha256", 64);
    const other = hex("other", 64);
    const md5 = hex("md5", 32);
    const infoHash = hex("infohash", 40);
    const views = [
      verifyReportView({
        ok: false,
        target: "/home/me/project/.owm/data_source_data/bittorrent/2000_connections",
        checks: [
          { kind: "sha256", expected: sha, actual: other, ok: false },
          { kind: "md5", expected: md5, actual: md5, ok: true },
          { kind: "pieces", expected: "61/61 pieces", actual: "61/61 pieces", ok: true },
        ],
      }),
      dataSourceView({
        id: "ConnectomeCSVDataSource:2000_connections",
        iri: "http://data.openworm.org/data_sources/ConnectomeCSVDataSource#2000_connections",
        kind: "ConnectomeCSVDataSource",
        key: "2000_connections",
        fields: {
          torrentFileName: [`${md5}.torrent`],
          infoHash,
          md5,
          sha256: sha,
          magnetLink:
            `magnet:?xt=urn:btih:${infoHash}&dn=connectome.csv&tr=http%3A%2F%2F127.0.0.1%3A8000%2Fannounce`,
        },
        text: "",
      }),
      publishedView({
        id: "CSVDataSource:w",
        torrentFileName: `${md5}.torrent`,
        infoHash,
        magnetLink: `magnet:?xt=urn:btih:${infoHash}&dn=connectome.csv`,
        md5,
        sha256: sha,
      }),
      torrentStatusView({
        hashString: infoHash,
        name: "connectome.csv",
        status: "seeding",
        percentDone: 1,
        haveValid: 990_001,
        sizeWhenDone: 990_001,
        rateDownload: 0,
        rateUpload: 0,
        downloadedEver: 990_001,
        uploadedEver: 0,
        eta: -1,
        peersConnected: 0,
        piecesHave: 61,
        pieceCount: 61,
        corruptEver: 0,
        bannedPeers: [],
        error: 0,
        errorString: "",
        downloadDir: "/tmp/x",
      }),
      tableView(
        [
          { path: "connectome.csv", size: 990_001, sha256: sha },
          { path: "neurons/README.txt", size: 120, sha256: other },
        ],
        { caption: `owm.lock: ConnectomeCSVDataSource:2000_connections (infohash ${infoHash})` },
      ),
    ];
    // As JupyterLab shows outputs: one below the other in a column of the notebook's width.
    const file = join(tmp, "views.html");
    await Deno.writeTextFile(
      file,
      `<!doctype html><html><head><meta charset="utf-8"></head>` +
        `<body style="margin:0;font:14px system-ui,sans-serif">` +
        `<div style="width:${COLUMN}px;padding:0 8px;box-sizing:border-box">` +
        views.map((v) => `<div style="margin:12px 0">${v.html}</div>`).join("") +
        `</div></body></html>`,
    );
    const screenshot = join(shots, `notebook-tables-${COLUMN}.png`);
    const seen = await drivePage({ file, width: COLUMN, screenshot });
    console.log(`screenshot: ${screenshot}`);

    assertEquals(seen.tables.length, 5, "one table per view");
    for (const table of seen.tables) assert(table.right <= COLUMN, JSON.stringify(table));
    assert(seen.resultRight <= COLUMN, `the Result column is inside: ${seen.resultRight}`);
    assertEquals(seen.scrollWidth, COLUMN, "nothing wider than the column");
    // Each hash: drawn short, its whole value in the text (copied) and the title (hover).
    const full = new Set([sha, other, md5, infoHash, `${md5}.torrent`]);
    assert(seen.hashes.length >= 12, `${seen.hashes.length} hashes`);
    for (const hash of seen.hashes) {
      assert(full.has(hash.text), hash.text);
      assertEquals(hash.title, hash.text);
      assertEquals(hash.copied, hash.text, "a selection copies the whole value");
      // 13 characters of code (8, the ellipsis, 4), and ".torrent" after a file name's.
      const drawn = hash.text.endsWith(".torrent") ? 13 + 8 : 13;
      assert(hash.width < drawn * 9, `${hash.text} is drawn ${hash.width} px wide`);
    }
    assert((await Deno.stat(screenshot)).size > 0);
  },
});
