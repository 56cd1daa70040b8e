/**
 * DataSource identifiers: quoting keys, resolving CURIEs and IRIs, writing CURIEs.
 */
import {
  DATA_SOURCES_NS,
  IdentifierSyntaxError,
  quoteKey,
  resolveIdentifier,
  toCurie,
} from "../../mod.ts";
import { unquoteKey } from "../../lib/datasource/identifier.ts";
import { assertEquals, assertThrows } from "../_assert.ts";

const NS = `${DATA_SOURCES_NS}ConnectomeCSVDataSource#`;

Deno.test("quoteKey() keeps what Python's quote keeps: letters, digits, _.-~ and /", () => {
  assertEquals(quoteKey("2000_connections"), "2000_connections");
  assertEquals(quoteKey("Az09_.-~/x"), "Az09_.-~/x");
});

Deno.test("quoteKey() escapes everything else as uppercase %XX of UTF-8 bytes", () => {
  // Expected values are what Python's urllib.parse.quote returns.
  assertEquals(quoteKey("2000 connections"), "2000%20connections");
  assertEquals(quoteKey("a+b:c?d#e&f=g"), "a%2Bb%3Ac%3Fd%23e%26f%3Dg");
  assertEquals(quoteKey("é"), "%C3%A9");
  assertEquals(quoteKey("蠕虫"), "%E8%A0%95%E8%99%AB");
  assertEquals(quoteKey("'\"<>"), "%27%22%3C%3E");
  assertEquals(quoteKey("\n"), "%0A");
});

Deno.test("quoteKey() keeps valid %XX escapes, so quoting is idempotent", () => {
  assertEquals(quoteKey("a%20b"), "a%20b");
  assertEquals(quoteKey("%c3%a9"), "%c3%a9");
  for (const key of ["2000 connections", "é/ü?x", "100%", "a%2", "%zz", "x%20y z"]) {
    assertEquals(quoteKey(quoteKey(key)), quoteKey(key), `quoteKey twice on ${key}`);
  }
});

Deno.test("quoteKey() escapes a % that starts no valid escape", () => {
  assertEquals(quoteKey("100%"), "100%25");
  assertEquals(quoteKey("a%2"), "a%252");
  assertEquals(quoteKey("%zz"), "%25zz");
});

Deno.test("unquoteKey() reverses quoteKey() and leaves malformed escapes alone", () => {
  for (const key of ["2000 connections", "é/ü?x#y", "a+b"]) {
    assertEquals(unquoteKey(quoteKey(key)), key);
  }
  assertEquals(unquoteKey("%zz"), "%zz");
});

Deno.test("resolveIdentifier() resolves ClassName:key in the class's namespace", () => {
  assertEquals(
    resolveIdentifier("ConnectomeCSVDataSource:2000_connections"),
    `${NS}2000_connections`,
  );
  assertEquals(
    resolveIdentifier("ConnectomeCSVDataSource:2000 connections"),
    `${NS}2000%20connections`,
  );
  assertEquals(
    resolveIdentifier("ConnectomeCSVDataSource:2000%20connections"),
    `${NS}2000%20connections`,
    "an already quoted key resolves to the same IRI",
  );
  assertEquals(resolveIdentifier("  CSVDataSource:k  "), `${DATA_SOURCES_NS}CSVDataSource#k`);
});

Deno.test("resolveIdentifier() resolves a key containing ':' after the first colon", () => {
  assertEquals(resolveIdentifier("CSVDataSource:a:b"), `${DATA_SOURCES_NS}CSVDataSource#a%3Ab`);
});

Deno.test("resolveIdentifier() accepts a full <IRI>", () => {
  assertEquals(resolveIdentifier(`<${NS}2000_connections>`), `${NS}2000_connections`);
  assertEquals(resolveIdentifier("<urn:x:y>"), "urn:x:y");
});

Deno.test("resolveIdentifier() accepts a bare absolute IRI", () => {
  assertEquals(resolveIdentifier(`${NS}k`), `${NS}k`);
  assertEquals(resolveIdentifier("urn:uuid:1234"), "urn:uuid:1234");
});

Deno.test("resolveIdentifier() uses bound prefixes before class names", () => {
  const prefixes = new Map([
    ["ex", "http://example.org/things/"],
    ["CSVDataSource", "http://example.org/csv#"],
  ]);
  assertEquals(resolveIdentifier("ex:a b", prefixes), "http://example.org/things/a%20b");
  assertEquals(resolveIdentifier("CSVDataSource:k", prefixes), "http://example.org/csv#k");
  assertEquals(
    resolveIdentifier("LocalFileDataSource:k", prefixes),
    `${DATA_SOURCES_NS}LocalFileDataSource#k`,
  );
});

Deno.test("resolveIdentifier() refuses malformed ids with IdentifierSyntaxError", () => {
  const cases: [string, string][] = [
    ["", "it is empty"],
    ["   ", "it is empty"],
    ["2000_connections", "it has no ':' after a class name"],
    [":key", "it has no ':' after a class name"],
    ["Bad Name:key", "'Bad Name' is not a class name"],
    ["1Class:key", "'1Class' is not a class name"],
    ["ConnectomeCSVDataSource:", "the key after ':' is empty"],
    ["<http://example.org/x", "an IRI in angle brackets must end with '>'"],
    ["<>", "the IRI in '<>' is empty"],
    ["<relative/path>", "it is not an absolute IRI"],
    ["<http://example.org/a b>", "it is not an absolute IRI"],
    ["http://example.org/a b", "it is not an absolute IRI"],
  ];
  for (const [id, detail] of cases) {
    const error = assertThrows(() => resolveIdentifier(id), IdentifierSyntaxError, detail);
    assertEquals(error.id, id);
    assertEquals(error.name, "IdentifierSyntaxError");
    assertEquals(error instanceof SyntaxError, true, "a malformed id is a SyntaxError");
    assertEquals(
      error.message,
      `Malformed data source id '${id}': ${detail}; use ClassName:key or a full <IRI>`,
    );
  }
});

Deno.test("toCurie() writes the longest matching bound namespace", () => {
  const prefixes = new Map([
    ["data", DATA_SOURCES_NS],
    ["ConnectomeCSVDataSource", NS],
  ]);
  assertEquals(
    toCurie(`${NS}2000_connections`, prefixes),
    "ConnectomeCSVDataSource:2000_connections",
  );
  assertEquals(toCurie(`${DATA_SOURCES_NS}other`, prefixes), "data:other");
});

Deno.test("toCurie() writes <iri> when no namespace matches or nothing follows it", () => {
  assertEquals(toCurie("urn:x", new Map()), "<urn:x>");
  assertEquals(toCurie(NS, new Map([["C", NS]])), `<${NS}>`);
});

Deno.test("toCurie() output resolves back to the same IRI", () => {
  const prefixes = new Map([["ConnectomeCSVDataSource", NS]]);
  for (const key of ["2000_connections", "2000 connections", "é/x?y"]) {
    const iri = resolveIdentifier(`ConnectomeCSVDataSource:${key}`);
    assertEquals(resolveIdentifier(toCurie(iri, prefixes), prefixes), iri);
    assertEquals(resolveIdentifier(toCurie(iri, new Map())), iri);
  }
});
