import type { DataSourceDetail, TorrentStatusJson } from "../../lib/bridge/api_types.ts";
import { CSVDataSource } from "../../lib/datasource/csv_data_source.ts";
import type { VerifyReport } from "../../lib/integrity/verify.ts";
import {
  bundleOf,
  dataSourceView,
  display,
  type DisplayCallOptions,
  type DisplayTarget,
  escapeHtml,
  inJupyter,
  JUPYTER_DISPLAY,
  type MediaBundle,
  progressBar,
  publishedView,
  RichView,
  tableView,
  torrentStatusView,
  verifyReportView,
} from "../../lib/notebook/display.ts";
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";

const HOSTILE = `<img src=x onerror="alert('x')">&amp;`;

/** A display target that records the calls, as Jupyter would receive them. */
function recorder(): DisplayTarget & { calls: [MediaBundle, DisplayCallOptions][] } {
  const calls: [MediaBundle, DisplayCallOptions][] = [];
  return {
    calls,
    display(bundle, options) {
      calls.push([bundle, options]);
      return Promise.resolve();
    },
  };
}

function status(percentDone: number, extra: Partial<TorrentStatusJson> = {}): TorrentStatusJson {
  return {
    hashString: "a".repeat(40),
    name: "connectome.csv",
    status: percentDone < 1 ? "downloading" : "seeding",
    percentDone,
    haveValid: Math.round(percentDone * 1000),
    sizeWhenDone: 1000,
    rateDownload: 100,
    rateUpload: 0,
    downloadedEver: 0,
    uploadedEver: 0,
    eta: 3,
    peersConnected: 1,
    piecesHave: 1,
    pieceCount: 2,
    corruptEver: 0,
    bannedPeers: [],
    error: 0,
    errorString: "",
    downloadDir: "/tmp",
    ...extra,
  };
}

Deno.test("escapeHtml() escapes the five HTML specials", () => {
  assertEquals(
    escapeHtml(`<a href="x">'&'</a>`),
    "&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;",
  );
  assertEquals(escapeHtml(42), "42");
});

Deno.test("JUPYTER_DISPLAY is the symbol Deno's kernel looks for", () => {
  assertEquals(JUPYTER_DISPLAY, Symbol.for("Jupyter.display"));
  const view = new RichView("<b>x</b>", "x");
  assertEquals(view[JUPYTER_DISPLAY](), { "text/html": "<b>x</b>", "text/plain": "x" });
  assertEquals(String(view), "x");
  assertEquals(Deno.inspect(view), "x");
});

Deno.test("outside Jupyter: inJupyter() is false and display() prints the plain text", async () => {
  assertEquals(inJupyter(), false);
  const logged: unknown[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => logged.push(...args);
  try {
    await display(new RichView("<b>x</b>", "plain x"));
    await display("text");
  } finally {
    console.log = log;
  }
  assertEquals(logged, ["plain x", "text"]);
});

Deno.test("display() sends a view's media bundle to the target", async () => {
  const target = recorder();
  await display(new RichView("<i>y</i>", "y"), { target });
  assertEquals(target.calls, [[{ "text/html": "<i>y</i>", "text/plain": "y" }, {}]]);
  assertEquals(await bundleOf({ a: 1 }), { "text/plain": "{ a: 1 }" });
  const later = { [JUPYTER_DISPLAY]: () => Promise.resolve({ "text/html": "<p>z</p>" }) };
  assertEquals(await bundleOf(later), { "text/html": "<p>z</p>", "text/plain": "[object Object]" });
});

Deno.test("dataSourceView() shows display names and escaped values of a DataSource", () => {
  class HostileCSVDataSource extends CSVDataSource {}
  const ds = new HostileCSVDataSource({
    key: "k<1>",
    csvFileName: "c.csv",
    description: HOSTILE,
    magnetLink: "magnet:?xt=urn:btih:" + "b".repeat(40) + "&dn=c",
  });
  const view = dataSourceView(ds);
  assertStringIncludes(view.html, "CSV file name");
  assertStringIncludes(view.html, "Description");
  assertStringIncludes(view.html, "HostileCSVDataSource:k&#60;1&#62;");
  assert(!view.html.includes("<img"), "no markup from values");
  assertStringIncludes(view.html, escapeHtml(HOSTILE));
  assertStringIncludes(view.html, `<a href="magnet:?xt=urn:btih:${"b".repeat(40)}&#38;dn=c">`);
  assertStringIncludes(view.text, "CSV file name: 'c.csv'");
});

Deno.test("dataSourceView() takes the bridge's JSON, with built-in display names", () => {
  const detail: DataSourceDetail = {
    id: "CSVDataSource:k",
    iri: "http://data.openworm.org/data_sources/CSVDataSource#k",
    kind: "CSVDataSource",
    key: "k",
    fields: {
      torrentFileName: ["x.torrent"],
      csvHeader: ["pre", "post"],
      infoHash: "c".repeat(40),
      speciesName: ["javascript:alert(1)"],
    },
    text: "CSVDataSource\n    Torrent file name: 'x.torrent'",
  };
  const view = dataSourceView(detail);
  assertStringIncludes(view.html, "Torrent file name");
  assertStringIncludes(view.html, "Header column names");
  assertStringIncludes(view.html, "[&#34;pre&#34;,&#34;post&#34;]"); // one JSON value, not two
  assertStringIncludes(view.html, "Info hash");
  assertStringIncludes(view.html, "Species name");
  assert(!view.html.includes('href="javascript'), "only magnet and http(s) values are links");
  assertEquals(view.text, detail.text);
});

Deno.test("verifyReportView() shows each check with pass or fail", () => {
  const report: VerifyReport = {
    ok: false,
    target: "/data/<x>",
    checks: [
      { kind: "sha256", expected: "aa", actual: "aa", ok: true },
      { kind: "pieces", expected: "2/2 pieces", actual: "1/2 pieces", ok: false, detail: "bad" },
    ],
  };
  const view = verifyReportView(report);
  assertStringIncludes(view.html, "/data/&#60;x&#62;");
  assertStringIncludes(view.html, "✔ pass");
  assertStringIncludes(view.html, "✘ fail");
  assertStringIncludes(view.text, "verify /data/<x>: fail");
  assertStringIncludes(view.text, "FAIL pieces");
  assertStringIncludes(verifyReportView({ ...report, ok: true, checks: [] }).text, ": pass");
  assertStringIncludes(
    verifyReportView({ ok: false, target: "t", checks: [] }).text,
    "fail (nothing to check)",
  );
});

Deno.test("torrentStatusView() draws a progress bar for either status shape", () => {
  const json = torrentStatusView(status(0.5, { name: HOSTILE, errorString: "disk <full>" }));
  assertStringIncludes(json.html, '<progress max="100" value="50.0"');
  assertStringIncludes(json.html, "disk &#60;full&#62;");
  assert(!json.html.includes("<img"), "the name is escaped");
  const engine = torrentStatusView({
    infoHash: "d".repeat(40),
    name: "n",
    state: "seeding",
    bytesDone: 10,
    bytesTotal: 10,
    downloadRate: 0,
    uploadRate: 0,
    uploaded: 0,
    downloaded: 10,
    peers: 0,
    piecesHave: 1,
    piecesTotal: 1,
    eta: null,
    corruptBytes: 0,
    bannedPeers: [],
    piecesChecked: 0,
  });
  assertStringIncludes(engine.text, "100.0%");
  assertStringIncludes(engine.text, "Status: seeding");
});

Deno.test("publishedView() links the magnet link", () => {
  const view = publishedView({
    id: "CSVDataSource:w",
    torrentFileName: "e.torrent",
    infoHash: "e".repeat(40),
    magnetLink: `magnet:?xt=urn:btih:${"e".repeat(40)}&dn=<w>`,
    md5: "1",
    sha256: "2",
  });
  assertStringIncludes(
    view.html,
    `<a href="magnet:?xt=urn:btih:${"e".repeat(40)}&#38;dn=&#60;w&#62;"`,
  );
  assertStringIncludes(view.text, "Magnet link: magnet:?xt=urn:btih:");
});

Deno.test("tableView() takes arrays with a header row, or objects; caps the rows", () => {
  const rows = [["a", "b"], ...Array.from({ length: 30 }, (_, i) => [String(i), HOSTILE])];
  const view = tableView(rows, { maxRows: 5, caption: "t" });
  assertStringIncludes(view.html, ">a<");
  assertStringIncludes(view.html, "30 rows, first 5 shown");
  assert(!view.html.includes("<img"), "cells are escaped");
  assertEquals(view.text.split("\n").length, 1 + 1 + 5 + 1);
  const objects = tableView([{ x: 1, y: null }, { x: 2, z: "q" }]);
  assertStringIncludes(objects.text, "x\ty\tz\n1\t\t\n2\t\tq\n(2 rows)");
});

Deno.test("progressBar() shows one output and updates it in place", async () => {
  const target = recorder();
  const bar = progressBar("Fetching <x>", { target, intervalMs: 0 });
  await bar.show("starting");
  await bar.update(status(0.25));
  await bar.update(0.5, "half");
  await bar.done();
  assertEquals(target.calls.length, 4);
  const ids = new Set(target.calls.map(([, o]) => o.display_id));
  assertEquals([...ids], [bar.displayId], "one display id");
  assertEquals(target.calls.map(([, o]) => o.update ?? false), [false, true, true, true]);
  const [last] = target.calls.at(-1)!;
  assertStringIncludes(last["text/html"]!, 'data-state="done"');
  assertStringIncludes(last["text/html"]!, 'value="100.0"');
  assertStringIncludes(last["text/html"]!, "Fetching &#60;x&#62;");
  assertEquals(last["text/plain"], "Fetching <x>: 100.0% done");
  assertStringIncludes(target.calls[1]![0]["text/plain"], "25.0% downloading");
  await bar.update(0.1); // after done: nothing
  assertEquals(target.calls.length, 4);
});

Deno.test("progressBar() throttles redraws and draws the latest value when the interval ends", async () => {
  const target = recorder();
  const bar = progressBar("t", { target, intervalMs: 50 });
  await bar.update(0.1);
  for (let i = 2; i <= 9; i++) bar.update(i / 10);
  assertEquals(target.calls.length, 1);
  await new Promise((resolve) => setTimeout(resolve, 120));
  assertEquals(target.calls.length, 2, "one redraw for the burst");
  assertStringIncludes(target.calls[1]![0]["text/plain"], "90.0%");
  bar.update(0.95);
  await bar.fail("peer <gone>");
  const [last] = target.calls.at(-1)!;
  assertStringIncludes(last["text/html"]!, 'data-state="failed"');
  assertStringIncludes(last["text/html"]!, "failed: peer &#60;gone&#62;");
  await new Promise((resolve) => setTimeout(resolve, 80));
  assertEquals(target.calls.at(-1)![0], last, "no redraw after fail");
});

Deno.test("progressBar() outside Jupyter writes a plain line per tenth to stderr", async () => {
  const lines: string[] = [];
  const error = console.error;
  console.error = (line: string) => lines.push(line);
  try {
    const bar = progressBar("plain", { intervalMs: 0 });
    for (let i = 0; i <= 100; i++) await bar.update(i / 200);
    await bar.done();
  } finally {
    console.error = error;
  }
  assertEquals(lines, [
    "plain: 0.0%",
    "plain: 10.0%",
    "plain: 20.0%",
    "plain: 30.0%",
    "plain: 40.0%",
    "plain: 50.0%",
    "plain: 100.0% done",
  ]);
});
