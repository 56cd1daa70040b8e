/**
 * DataSource records (lib/index/record.ts): the format, its checks against
 * hostile records, and putRecord/getRecord/listRecords on every index kind
 * (a folder, the HTTP index server, the loopback Drive-compatible server).
 */
import { auth } from "@googleapis/drive";
import { join } from "node:path";
import { CSVDataSource } from "../../lib/datasource/csv_data_source.ts";
import { SCHEMA_GRAPH } from "../../lib/datasource/namespaces.ts";
import { DriveIndex } from "../../lib/index/drive_index.ts";
import { HttpIndex } from "../../lib/index/http_index.ts";
import { serveHttpIndex } from "../../lib/index/http_index_server.ts";
import { LocalFolderIndex } from "../../lib/index/local_folder_index.ts";
import {
  buildRecord,
  type DataSourceRecord,
  MAX_RECORD_BYTES,
  parseRecord,
  recordDataSource,
  RecordError,
  RecordExistsError,
  recordFileName,
  recordQuads,
  RecordsUnsupportedError,
  torrentOfRecordFileName,
} from "../../lib/index/record.ts";
import { type TorrentIndex, TorrentNotFoundError } from "../../lib/index/torrent_index.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_assert.ts";
import { startDriveServer } from "./_drive_server.ts";
import { bytesOf, withTempDir } from "./_temp.ts";

const TORRENT = "d9da5ce947c6f1c127dfcdc2ede63320.torrent";
const HASH = "0123456789abcdef0123456789abcdef01234567";

class ConnectomeCSVDataSource extends CSVDataSource {}

function worms(key = "worms", extra: Record<string, unknown> = {}) {
  return new ConnectomeCSVDataSource({
    key,
    csvFileName: "connections.csv",
    csvHeader: ["pre", "post"],
    torrentFileName: TORRENT,
    infoHash: HASH,
    title: "C. elegans connectome",
    license: "CC-BY-4.0",
    citation: "doi:10.1000/182",
    ...extra,
  });
}

Deno.test("recordFileName() is the torrent's name plus .ttl, and back", () => {
  assertEquals(recordFileName(TORRENT), `${TORRENT}.ttl`);
  assertEquals(torrentOfRecordFileName(`${TORRENT}.ttl`), TORRENT);
  assertEquals(torrentOfRecordFileName("a.ttl"), undefined);
  assertEquals(torrentOfRecordFileName("../a.torrent.ttl"), undefined);
});

Deno.test("a record holds the DataSource and its class schema in Turtle, and rebuilds the typed object", async () => {
  const record = await buildRecord(worms());
  assertEquals(record.torrentFileName, TORRENT);
  assertEquals(record.infoHash, HASH);
  assertEquals(record.id, "ConnectomeCSVDataSource:worms");
  assertEquals(record.className, "ConnectomeCSVDataSource");
  assert(record.text.startsWith(`# owmeta-torrent DataSource record for ${TORRENT}\n@prefix`));
  // Plain Turtle: no graph blocks.
  assert(!/\{/.test(record.text.replace(/"[^"]*"/g, "")), record.text);
  const again = await parseRecord(new TextEncoder().encode(record.text), {
    torrentFileName: TORRENT,
    infoHash: HASH.toUpperCase(),
  });
  assertEquals(again.dataSource, record.dataSource);
  const ds = await recordDataSource(again);
  assertEquals(ds.className, "ConnectomeCSVDataSource");
  assertEquals(ds.get("csvFileName"), "connections.csv");
  assertEquals(ds.get("csvHeader"), ["pre", "post"]);
  assertEquals([ds.get("title"), ds.get("license"), ds.get("citation")], [
    "C. elegans connectome",
    "CC-BY-4.0",
    "doi:10.1000/182",
  ]);
  // To save: the DataSource in the given graph; the schema of the class this process does not
  // define in the schema graph; built-in classes' schema left to this process's definitions.
  const quads = recordQuads(again, "urn:test:index");
  const graphs = new Set(quads.map((q) => q.graph.value));
  assertEquals(graphs, new Set(["urn:test:index", SCHEMA_GRAPH]));
  assert(quads.some((q) => q.subject.value.endsWith("/ConnectomeCSVDataSource")));
  assert(!quads.some((q) => q.subject.value.endsWith("/CSVDataSource")));
  assertEquals(
    quads.filter((q) => q.graph.value === "urn:test:index").length,
    ds.storedValues().size + 1, /* csvFileName and fileName, title, … + rdf:type */
  );
});

Deno.test("a record of a class this process never defined rebuilds it from the record's schema", async () => {
  const record = await buildRecord(worms());
  const text = record.text.replaceAll("ConnectomeCSVDataSource", "FreshKindDataSource");
  const parsed = await parseRecord(text, { torrentFileName: TORRENT });
  assertEquals(parsed.className, "FreshKindDataSource");
  const ds = await recordDataSource(parsed);
  assertEquals(ds.get("fileName"), "connections.csv");
  assert(
    recordQuads(parsed, "urn:g").some((q) => q.subject.value.endsWith("/FreshKindDataSource")),
  );
});

Deno.test("hostile or broken records are refused, naming the problem", async () => {
  const good = (await buildRecord(worms())).text;
  const ds = "<http://data.openworm.org/data_sources/ConnectomeCSVDataSource#worms>";
  const cases: [string, string | Uint8Array, string][] = [
    ["too large", good + `# ${"x".repeat(MAX_RECORD_BYTES)}\n`, "larger than"],
    ["not UTF-8", new Uint8Array([0x23, 0xff, 0xfe, 0x0a]), "not UTF-8"],
    ["not Turtle", good + "\nthis is not turtle", "not valid Turtle"],
    ["TriG graph", good + `\n<urn:g> { ${ds} <urn:p> "x" . }`, "not valid Turtle"],
    ["another subject", good + `\n<urn:other> <urn:p> "x" .`, "<urn:other>"],
    ["blank node", good + `\n${ds} <urn:p> [ <urn:q> "x" ] .`, "blank node"],
    ["relative IRI", good + `\n<relative> a <urn:t> .`, "relative IRI"],
    ["a predicate that is not a field", good + `\n${ds} <urn:p> "x" .`, "not a field"],
    [
      "a second DataSource",
      good +
      `\n<http://data.openworm.org/data_sources/CSVDataSource#b> a <http://schema.openworm.org/2020/07/CSVDataSource> .`,
      "not one DataSource",
    ],
    [
      "a file name leading out",
      good.replace('"connections.csv"', '"../../etc/passwd"'),
      "leads outside its content folder",
    ],
    ["the wrong torrent", good.replace(`"${TORRENT}"`, '"other.torrent"'), "other.torrent"],
    ["no infohash", good.replace(`"${HASH}"`, '"nothex"'), "infoHash"],
    [
      "an identifier outside its class's namespace",
      good.replaceAll(ds, "<http://evil.example/ds>"),
      "outside its class's namespace",
    ],
    [
      "redefining a built-in field's domain",
      good +
      `\n<http://schema.openworm.org/2020/07/CSVDataSource/csv_header> <http://www.w3.org/2000/01/rdf-schema#domain> <urn:x> .`,
      "claims the domain",
    ],
  ];
  for (const [what, text, expected] of cases) {
    const error = await assertRejects(
      () => parseRecord(text, { torrentFileName: TORRENT, source: "dir:/srv" }),
      RecordError,
    );
    assertStringIncludes(error.message, expected, what);
    assertStringIncludes(error.message, `beside "${TORRENT}" in "dir:/srv"`, what);
    assertEquals(error.code, "bad-record");
  }
  await assertRejects(
    () => parseRecord(good, { torrentFileName: TORRENT, infoHash: "f".repeat(40) }),
    RecordError,
    "not the torrent's",
  );
});

/** Exercises one index's record API: put, get, list, replace rules, and a missing torrent. */
async function exerciseIndex(index: TorrentIndex) {
  const first = await buildRecord(worms());
  await assertRejects(() => index.putRecord(first), TorrentNotFoundError);
  await index.publish(TORRENT, bytesOf(40));
  assertEquals(await index.getRecord(TORRENT), undefined);
  await index.putRecord(first);
  assertEquals((await index.getRecord(TORRENT))?.text, first.text);
  // The same DataSource with a new title replaces it without asking.
  const retitled = await buildRecord(worms("worms", { title: "New title" }));
  await index.putRecord(retitled);
  assertEquals(
    (await recordDataSource((await index.getRecord(TORRENT))!)).get("title"),
    "New title",
  );
  // Another DataSource beside the same torrent: refused, naming the one there, unless replace.
  const other = await buildRecord(worms("copy"));
  const refused = await assertRejects(() => index.putRecord(other), RecordExistsError);
  assertEquals(refused.existing, "ConnectomeCSVDataSource:worms");
  assertEquals((await index.getRecord(TORRENT))?.id, "ConnectomeCSVDataSource:worms");
  await index.putRecord(other, { replace: true });
  assertEquals((await index.getRecord(TORRENT))?.id, "ConnectomeCSVDataSource:copy");
  // The listing: one record; the record is not listed as a torrent.
  const listing = await index.listRecords();
  assertEquals(listing.records.map((r: DataSourceRecord) => r.id), [
    "ConnectomeCSVDataSource:copy",
  ]);
  assertEquals(listing.refused, []);
  assertEquals((await index.list!()).map((e) => e.name), [TORRENT]);
}

Deno.test("LocalFolderIndex: records beside torrents; a broken one is listed as refused", async () => {
  await withTempDir(async (dir) => {
    const index = new LocalFolderIndex(dir);
    await exerciseIndex(index);
    assertEquals(
      (await Deno.readTextFile(join(dir, `${TORRENT}.ttl`))).split("\n")[0],
      `# owmeta-torrent DataSource record for ${TORRENT}`,
    );
    await index.publish("b.torrent", bytesOf(41, 2));
    await Deno.writeTextFile(join(dir, "b.torrent.ttl"), "<urn:a> <urn:b> <urn:c> .");
    // A record beside no torrent is not listed.
    await Deno.writeTextFile(join(dir, "orphan.torrent.ttl"), "");
    const listing = await index.listRecords();
    assertEquals(listing.records.length, 1);
    assertEquals(listing.refused.map((r) => r.torrentFileName), ["b.torrent"]);
    assertStringIncludes(listing.refused[0]!.reason, "describes no DataSource");
    await assertRejects(() => index.getRecord("b.torrent"), RecordError);
  });
});

Deno.test("HttpIndex against serveHttpIndex: records inline in index.json and at <name>.ttl", async () => {
  await withTempDir(async (dir) => {
    await using server = serveHttpIndex(dir, { token: "t0k" });
    const index = new HttpIndex(server.url, { token: "t0k" });
    await exerciseIndex(index);
    const listing = await (await fetch(server.url + "index.json")).json();
    assertStringIncludes(listing.torrents[0].record, "ConnectomeCSVDataSource#copy");
    const res = await fetch(server.url + encodeURIComponent(`${TORRENT}.ttl`));
    assertEquals(res.headers.get("content-type"), "text/turtle; charset=utf-8");
    assertStringIncludes(await res.text(), "ConnectomeCSVDataSource#copy");
    // Without the token, no record is published; a record failing the checks is a 400.
    const put = (body: string, token?: string) =>
      fetch(server.url + encodeURIComponent(`${TORRENT}.ttl`), {
        method: "PUT",
        headers: token ? { authorization: `Bearer ${token}` } : {},
        body,
      });
    const anonymous = await put((await buildRecord(worms())).text);
    await anonymous.body?.cancel();
    assertEquals(anonymous.status, 401);
    const bad = await put("<urn:a> <urn:b> [ <urn:c> 1 ] .", "t0k");
    assertEquals(bad.status, 400);
    assertStringIncludes((await bad.json()).error.message, "blank node");
    assertEquals((await index.getRecord(TORRENT))?.id, "ConnectomeCSVDataSource:copy");
  });
});

Deno.test("HttpIndex.putRecord() on a server that takes no records: RecordsUnsupportedError", async () => {
  await withTempDir(async (dir) => {
    await using server = serveHttpIndex(dir, { readOnly: true });
    await Deno.writeFile(join(dir, TORRENT), bytesOf(40));
    const index = new HttpIndex(server.url);
    await assertRejects(
      () => buildRecord(worms()).then((r) => index.putRecord(r)),
      RecordsUnsupportedError,
      "does not take DataSource records",
    );
  });
});

Deno.test("DriveIndex: records as <name>.torrent.ttl files beside the torrent", async () => {
  await using server = startDriveServer();
  const client = new auth.OAuth2({ clientId: "test-client" });
  client.setCredentials({ access_token: "test-token" });
  const index = new DriveIndex({ auth: client, rootUrl: server.url, retry: false });
  await exerciseIndex(index);
  const record = server.files.find((f) => f.name === `${TORRENT}.ttl`)!;
  assertEquals(record.mimeType, "text/turtle");
  assertEquals(
    server.files.filter((f) => f.name === `${TORRENT}.ttl`).length,
    1,
    "updated in place",
  );
});
