/**
 * formatDataSource: the text printed by `owm source show`, in the original's format.
 */
import {
  CSVDataSource,
  DataSource,
  type FieldDeclarations,
  formatDataSource,
  LocalFileDataSource,
} from "../../mod.ts";
import { assertEquals } from "../_assert.ts";

class ConnectomeFormatCSVDataSource extends CSVDataSource {}

Deno.test("formatDataSource() prints the seed exactly as the original did", () => {
  const ds = new ConnectomeFormatCSVDataSource({
    key: "2000_connections",
    csvFileName: "connectome.csv",
    torrentFileName: "d9da5ce947c6f1c127dfcdc2ede63320.torrent",
  });
  assertEquals(
    formatDataSource(ds),
    [
      "ConnectomeFormatCSVDataSource",
      "    CSV file name: 'connectome.csv'",
      "    File name: 'connectome.csv'",
      "    Torrent file name: 'd9da5ce947c6f1c127dfcdc2ede63320.torrent'",
    ].join("\n"),
  );
});

Deno.test("formatDataSource() prints only the class name when no field is set", () => {
  assertEquals(formatDataSource(new CSVDataSource({ key: "empty" })), "CSVDataSource");
});

Deno.test("formatDataSource() does not print defaults", () => {
  const text = formatDataSource(new CSVDataSource({ key: "k", csvFileName: "a.csv" }));
  assertEquals(text.includes("delimiter"), false, text);
});

class SortedByRdfNameDataSource extends LocalFileDataSource {
  static override readonly ownFields: FieldDeclarations = {
    // Display name sorts last, RDF name sorts first: lines follow the RDF name.
    zebra: { displayName: "Zzz display", rdfName: "aaa_first" },
    rowCount: { displayName: "Row count", multiple: false },
    verified: { displayName: "Verified", multiple: false },
  };
}

Deno.test("formatDataSource() sorts lines by the fields' RDF names", () => {
  const ds = new SortedByRdfNameDataSource({
    key: "k",
    torrentFileName: "t.torrent",
    md5: "abc",
    fileName: "f",
    zebra: "z",
    description: "d",
  } as never);
  assertEquals(
    formatDataSource(ds),
    [
      "SortedByRdfNameDataSource",
      "    Zzz display: 'z'", // aaa_first
      "    Description: 'd'", // description
      "    File name: 'f'", // file_name
      "    MD5 hash: 'abc'", // md5
      "    Torrent file name: 't.torrent'", // torrent_file_name
    ].join("\n"),
  );
});

Deno.test("formatDataSource() joins several values with ', '", () => {
  const ds = new LocalFileDataSource({ key: "k", fileName: ["a", "b"] as never });
  assertEquals(formatDataSource(ds), "LocalFileDataSource\n    File name: 'a', 'b'");
});

Deno.test("formatDataSource() prints numbers, booleans and JSON values as JSON", () => {
  const ds = new SortedByRdfNameDataSource({ key: "k", rowCount: 2000, verified: true } as never);
  assertEquals(
    formatDataSource(ds),
    "SortedByRdfNameDataSource\n    Row count: '2000'\n    Verified: 'true'",
  );
  const csv = new CSVDataSource({ key: "k", csvHeader: ["pre", "post"] });
  assertEquals(formatDataSource(csv), `CSVDataSource\n    Header column names: '["pre","post"]'`);
});

Deno.test("formatDataSource() escapes quotes, backslashes and newlines to keep one line each", () => {
  const ds = new DataSource({ key: "k", description: "it's a\\b\nc\rd" });
  assertEquals(formatDataSource(ds), "DataSource\n    Description: 'it\\'s a\\\\b\\nc\\rd'");
});

Deno.test("formatDataSource() prints object values as CURIEs with the given prefixes", () => {
  const raw = new CSVDataSource({ key: "raw data" });
  const ds = new DataSource({ key: "derived", source: raw });
  assertEquals(
    formatDataSource(ds),
    `DataSource\n    Input source: '<${raw.identifier}>'`,
    "without prefixes an object value is a full <IRI>",
  );
  const prefixes = new Map([["CSVDataSource", raw.identifier.replace(/#.*$/, "#")]]);
  assertEquals(
    formatDataSource(ds, prefixes),
    "DataSource\n    Input source: 'CSVDataSource:raw%20data'",
  );
});
