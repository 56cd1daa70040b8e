/**
 * Field rules of DataSource: `also`, defaults, `multiple`, value precedence,
 * unknown fields, keys and identifiers, user subclasses and field clashes.
 *
 * Class names here are unique to this file: the class registry is per process.
 */
import {
  CSVDataSource,
  DATA_SOURCES_NS,
  DataSource,
  DataSourceClassError,
  type FieldDeclarations,
  FieldError,
  fieldsOf,
  FileDataSource,
  LocalFileDataSource,
  rdfTypeOf,
  SCHEMA_NS,
} from "../../mod.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";

// --- also -------------------------------------------------------------------

Deno.test("CSVDataSource csvFileName also sets fileName", () => {
  const ds = new CSVDataSource({ key: "k", csvFileName: "connectome.csv" });
  assertEquals(ds.get("fileName"), "connectome.csv");
  assertEquals(ds.fileName, "connectome.csv");
  assert(ds.has("fileName"), "fileName should be stored, not a default");
  assertEquals(ds.storedValues().get("fileName"), ["connectome.csv"]);
});

Deno.test("CSVDataSource an explicit fileName wins over csvFileName's also", () => {
  const ds = new CSVDataSource({ key: "k", csvFileName: "a.csv", fileName: "a.zip" });
  assertEquals(ds.fileName, "a.zip");
  assertEquals(ds.getAll("fileName"), ["a.zip"]);
  assertEquals(ds.csvFileName, "a.csv");
});

Deno.test("CSVDataSource without csvFileName leaves fileName unset", () => {
  const ds = new CSVDataSource({ key: "k", torrentFileName: "t.torrent" });
  assertEquals(ds.fileName, undefined);
  assertEquals(ds.has("fileName"), false);
});

Deno.test("CSVDataSource csvFileName also copies several values", () => {
  const ds = new CSVDataSource({ key: "k", csvFileName: ["a.csv", "b.csv"] as never });
  assertEquals(ds.getAll("fileName"), ["a.csv", "b.csv"]);
});

class AlsoChainDataSource extends DataSource {
  // Declared in reverse order, so propagation must iterate until nothing changes.
  static override readonly ownFields: FieldDeclarations = {
    third: {},
    second: { also: ["third"] },
    first: { also: ["second"] },
  };
}

Deno.test("DataSource also chains through several fields", () => {
  const ds = new AlsoChainDataSource({ key: "k", first: "v" } as never);
  assertEquals(ds.get("second"), "v");
  assertEquals(ds.get("third"), "v");
});

Deno.test("DataSource also chain stops at an explicitly set field and continues from it", () => {
  const ds = new AlsoChainDataSource({ key: "k", first: "v", second: "w" } as never);
  assertEquals(ds.get("first"), "v");
  assertEquals(ds.get("second"), "w");
  assertEquals(ds.get("third"), "w");
});

class AlsoCycleDataSource extends DataSource {
  static override readonly ownFields: FieldDeclarations = {
    left: { also: ["right"] },
    right: { also: ["left"] },
  };
}

Deno.test("DataSource also cycles terminate", () => {
  const ds = new AlsoCycleDataSource({ key: "k", right: "r" } as never);
  assertEquals(ds.get("left"), "r");
  assertEquals(ds.get("right"), "r");
});

Deno.test("DataSource.set() re-propagates also", () => {
  const ds = new CSVDataSource({ key: "k", csvFileName: "a.csv" });
  ds.set("csvFileName", "b.csv");
  assertEquals(ds.fileName, "b.csv");
  assertEquals(ds.getAll("fileName"), ["b.csv"]);
});

Deno.test("DataSource.set() with undefined clears a field and what it set through also", () => {
  const ds = new CSVDataSource({ key: "k", csvFileName: "a.csv" });
  ds.set("csvFileName", undefined);
  assertEquals(ds.csvFileName, undefined);
  assertEquals(ds.has("csvFileName"), false);
  assertEquals(ds.has("fileName"), false);
  assertEquals([...ds.storedValues().keys()], []);
});

Deno.test("DataSource.set() keeps an explicit also target", () => {
  const ds = new CSVDataSource({ key: "k", csvFileName: "a.csv", fileName: "explicit" });
  ds.set("csvFileName", "b.csv");
  assertEquals(ds.fileName, "explicit");
  const later = new CSVDataSource({ key: "k", csvFileName: "a.csv" });
  later.set("fileName", "mine");
  later.set("csvFileName", "c.csv");
  assertEquals(later.fileName, "mine");
});

Deno.test("DataSource.set() clearing an explicit also target falls back to the also value", () => {
  const ds = new CSVDataSource({ key: "k", csvFileName: "a.csv", fileName: "explicit" });
  ds.set("fileName", undefined);
  assertEquals(ds.fileName, "a.csv");
});

Deno.test("DataSource.set() returns the DataSource and validates the value", () => {
  const ds = new CSVDataSource({ key: "k" });
  assert(ds.set("md5", "abc") === ds);
  assertThrows(() => ds.set("md5", ["a", "b"]), FieldError, "takes one value, but 2 were given");
  assertEquals(ds.md5, "abc", "a refused set() must not change the field");
  assertThrows(() => ds.set("nope", "x"), FieldError, "has no field 'nope'");
});

class MultiHintCSV extends CSVDataSource {
  static override readonly ownFields: FieldDeclarations = {
    delimiterHints: { also: ["csvFieldDelimiter"] },
  };
}

Deno.test("DataSource also refuses to copy several values into a non-multiple field", () => {
  assertThrows(
    () => new MultiHintCSV({ key: "k", delimiterHints: ["|", ";"] } as never),
    FieldError,
    "Field 'csvFieldDelimiter' takes one value, but 'delimiterHints' sets it through 'also' to 2",
  );
  const one = new MultiHintCSV({ key: "k", delimiterHints: "|" } as never);
  assertEquals(one.csvFieldDelimiter, "|");
});

Deno.test("DataSource.set() refused through also leaves the DataSource unchanged", () => {
  const ds = new MultiHintCSV({ key: "k", delimiterHints: "|" } as never);
  assertThrows(() => ds.set("delimiterHints", ["|", ";"]), FieldError, "through 'also'");
  assertEquals(ds.getAll("delimiterHints"), ["|"]);
  assertEquals(ds.getAll("csvFieldDelimiter"), ["|"]);
  ds.set("delimiterHints", ";");
  assertEquals(ds.csvFieldDelimiter, ";", "the derived value is still tracked after a refusal");
});

// --- defaults ---------------------------------------------------------------

Deno.test("CSVDataSource csvFieldDelimiter default is returned by get but not stored", () => {
  const ds = new CSVDataSource({ key: "k", csvFileName: "a.csv" });
  assertEquals(ds.csvFieldDelimiter, ",");
  assertEquals(ds.get("csvFieldDelimiter"), ",");
  assertEquals(ds.has("csvFieldDelimiter"), false);
  assertEquals(ds.getAll("csvFieldDelimiter"), []);
  assertEquals(ds.storedValues().has("csvFieldDelimiter"), false);
  assertEquals("csvFieldDelimiter" in ds.toJSON().fields, false);
});

Deno.test("CSVDataSource csvFieldDelimiter given explicitly is stored", () => {
  const ds = new CSVDataSource({ key: "k", csvFieldDelimiter: ";" });
  assertEquals(ds.csvFieldDelimiter, ";");
  assertEquals(ds.storedValues().get("csvFieldDelimiter"), [";"]);
});

Deno.test("DataSource.get() returns undefined for a field with neither value nor default", () => {
  const ds = new LocalFileDataSource({ key: "k" });
  assertEquals(ds.get("torrentFileName"), undefined);
  assertEquals(ds.description, undefined);
});

// --- multiple ---------------------------------------------------------------

Deno.test("DataSource multiple field takes an array as several values", () => {
  const ds = new LocalFileDataSource({ key: "k", fileName: ["a", "b", "c"] as never });
  assertEquals(ds.getAll("fileName"), ["a", "b", "c"]);
  assertEquals(ds.get("fileName"), "a");
  assertEquals(ds.toJSON().fields.fileName, ["a", "b", "c"]);
});

Deno.test("DataSource non-multiple field refuses two values with FieldError", () => {
  assertThrows(
    () => new FileDataSource({ key: "k", md5: ["a", "b"] as never }),
    FieldError,
    "Field 'md5' takes one value, but 2 were given",
  );
  assertThrows(
    () => new LocalFileDataSource({ key: "k", infoHash: ["a", "b"] as never }),
    FieldError,
    "'infoHash'",
  );
});

Deno.test("DataSource non-multiple field accepts a one-element array", () => {
  const ds = new FileDataSource({ key: "k", md5: ["abc"] as never });
  assertEquals(ds.md5, "abc");
  assertEquals(ds.toJSON().fields.md5, "abc", "toJSON gives a non-multiple field as one value");
});

Deno.test("CSVDataSource csvHeader keeps its column order as one JSON value", () => {
  const header = ["post", "pre", "weight", "a"];
  const ds = new CSVDataSource({ key: "k", csvHeader: header });
  assertEquals(ds.csvHeader, ["post", "pre", "weight", "a"]);
  assertEquals(ds.getAll("csvHeader"), [["post", "pre", "weight", "a"]]);
});

Deno.test("DataSource null and undefined values are ignored", () => {
  const ds = new LocalFileDataSource({
    key: "k",
    fileName: undefined as never,
    torrentFileName: null as never,
  });
  assertEquals([...ds.storedValues().keys()], []);
});

Deno.test("DataSource literal field refuses objects, DataSources and non-finite numbers", () => {
  const other = new CSVDataSource({ key: "other" });
  assertThrows(
    () => new LocalFileDataSource({ key: "k", fileName: { a: 1 } as never }),
    FieldError,
    "takes a string, number or boolean",
  );
  assertThrows(
    () => new LocalFileDataSource({ key: "k", fileName: other as never }),
    FieldError,
    "holds literals, not a DataSource",
  );
  assertThrows(
    () => new LocalFileDataSource({ key: "k", fileName: Number.NaN as never }),
    FieldError,
    "cannot store the number NaN",
  );
});

Deno.test("DataSource object field takes a DataSource or an identifier string", () => {
  const raw = new CSVDataSource({ key: "raw" });
  const fromObject = new DataSource({ key: "d", source: raw });
  assertEquals(fromObject.get("source"), raw.identifier);
  const fromCurie = new DataSource({ key: "d", source: "CSVDataSource:raw" });
  assertEquals(fromCurie.get("source"), "CSVDataSource:raw");
  assertThrows(() => new DataSource({ key: "d", source: 5 }), FieldError, "takes identifiers");
});

// --- precedence -------------------------------------------------------------

class ClassValueCSV extends CSVDataSource {
  static override readonly values: Readonly<Record<string, unknown>> = {
    fileName: "class.csv",
    description: "from the parent",
  };
}
class DerivedClassValueCSV extends ClassValueCSV {
  static override readonly values: Readonly<Record<string, unknown>> = {
    fileName: "derived.csv",
    csvFieldDelimiter: "\t",
  };
}
class ClassCsvNameCSV extends CSVDataSource {
  static override readonly values: Readonly<Record<string, unknown>> = {
    csvFileName: "class-level.csv",
  };
}
class AlsoIntoDefaultCSV extends CSVDataSource {
  static override readonly ownFields: FieldDeclarations = {
    delimiterHint: { also: ["csvFieldDelimiter"], multiple: false },
  };
}

Deno.test("DataSource constructor value beats a class-level value", () => {
  const ds = new ClassValueCSV({ key: "k", fileName: "ctor.csv" });
  assertEquals(ds.getAll("fileName"), ["ctor.csv"]);
});

Deno.test("DataSource class-level value beats also", () => {
  const ds = new ClassValueCSV({ key: "k", csvFileName: "a.csv" });
  assertEquals(ds.fileName, "class.csv");
  assertEquals(ds.csvFileName, "a.csv");
});

Deno.test("DataSource class-level values apply most-derived class first", () => {
  const ds = new DerivedClassValueCSV({ key: "k" });
  assertEquals(ds.getAll("fileName"), ["derived.csv"]);
  assertEquals(ds.description, "from the parent", "a parent's value for another field applies");
  assertEquals(ds.csvFieldDelimiter, "\t", "a class-level value beats the default");
  assert(ds.has("csvFieldDelimiter"), "class-level values are stored");
});

Deno.test("DataSource class-level value propagates through also", () => {
  const ds = new ClassCsvNameCSV({ key: "k" });
  assertEquals(ds.csvFileName, "class-level.csv");
  assertEquals(ds.fileName, "class-level.csv");
  const overridden = new ClassCsvNameCSV({ key: "k", csvFileName: "mine.csv" });
  assertEquals(overridden.fileName, "mine.csv");
});

Deno.test("DataSource also beats a default", () => {
  const ds = new AlsoIntoDefaultCSV({ key: "k", delimiterHint: "|" } as never);
  assertEquals(ds.csvFieldDelimiter, "|");
  assert(ds.has("csvFieldDelimiter"));
  const plain = new AlsoIntoDefaultCSV({ key: "k" });
  assertEquals(plain.csvFieldDelimiter, ",");
  assertEquals(plain.has("csvFieldDelimiter"), false);
});

Deno.test("DataSource class-level value naming an unknown field is a FieldError", () => {
  class BadValues extends CSVDataSource {
    static override readonly values: Readonly<Record<string, unknown>> = { nonsense: 1 };
  }
  assertThrows(() => new BadValues({ key: "k" }), FieldError, "BadValues.values sets 'nonsense'");
});

// --- unknown fields, keys, identifiers --------------------------------------

Deno.test("DataSource constructor refuses an unknown field, naming the known fields", () => {
  const error = assertThrows(
    () => new CSVDataSource({ key: "k", csvFilename: "typo.csv" } as never),
    FieldError,
    "CSVDataSource has no field 'csvFilename'",
  );
  for (const name of ["csvFileName", "fileName", "torrentFileName", "md5", "source"]) {
    assert(error.message.includes(name), `message should list '${name}': ${error.message}`);
  }
});

Deno.test("DataSource.get() refuses an unknown field", () => {
  const ds = new CSVDataSource({ key: "k" });
  assertThrows(() => ds.get("nope"), FieldError, "CSVDataSource has no field 'nope'");
  assertThrows(() => ds.getAll("nope"), FieldError);
  assertThrows(() => ds.has("nope"), FieldError);
});

Deno.test("DataSource constructor without a key is a FieldError", () => {
  assertThrows(() => new CSVDataSource({ csvFileName: "a.csv" }), FieldError, "needs a key");
  assertThrows(() => new CSVDataSource(), FieldError, "needs a key");
  assertThrows(() => new CSVDataSource({ key: "" }), FieldError, "needs a key");
});

Deno.test("DataSource identifier is the class namespace plus the quoted key", () => {
  class ConnectomeIdCSV extends CSVDataSource {}
  const ds = new ConnectomeIdCSV({ key: "2000 connections/é" });
  assertEquals(ds.identifier, `${DATA_SOURCES_NS}ConnectomeIdCSV#2000%20connections/%C3%A9`);
  assertEquals(ds.key, "2000 connections/é");
  assertEquals(ds.className, "ConnectomeIdCSV");
});

Deno.test("DataSource ident sets the identifier and recovers the key in the class namespace", () => {
  const inNs = new CSVDataSource({ ident: `${DATA_SOURCES_NS}CSVDataSource#a%20b` });
  assertEquals(inNs.identifier, `${DATA_SOURCES_NS}CSVDataSource#a%20b`);
  assertEquals(inNs.key, "a b");
  const elsewhere = new CSVDataSource({ ident: "urn:example:thing" });
  assertEquals(elsewhere.identifier, "urn:example:thing");
  assertEquals(elsewhere.key, undefined);
});

Deno.test("DataSource.toJSON() gives id, class, key and stored fields", () => {
  const ds = new CSVDataSource({ key: "k", csvFileName: "a.csv", md5: "abc" });
  assertEquals(ds.toJSON(), {
    id: `${DATA_SOURCES_NS}CSVDataSource#k`,
    class: "CSVDataSource",
    key: "k",
    fields: { md5: "abc", fileName: ["a.csv"], csvFileName: ["a.csv"] },
  });
});

// --- user subclasses and their fields ---------------------------------------

class RowCountCSV extends CSVDataSource {
  static override readonly ownFields: FieldDeclarations = {
    rowCount: { displayName: "Row count", default: 0, multiple: false },
    sampledOn: { description: "When the sample was taken" },
  };
}

Deno.test("fieldsOf() lists inherited fields first, then the subclass's own", () => {
  const names = [...fieldsOf(RowCountCSV).keys()];
  assertEquals(names, [
    "source",
    "transformation",
    "translation",
    "description",
    "title",
    "license",
    "citation",
    "md5",
    "sha256",
    "sha512",
    "fileName",
    "torrentFileName",
    "infoHash",
    "magnetLink",
    "datePublished",
    "contentTranslator",
    "csvFileName",
    "csvHeader",
    "csvFieldDelimiter",
    "rowCount",
    "sampledOn",
  ]);
});

Deno.test("fieldsOf() resolves a user field's RDF name, IRI, display name and defaults", () => {
  const rowCount = fieldsOf(RowCountCSV).get("rowCount")!;
  assertEquals(rowCount.rdfName, "row_count");
  assertEquals(rowCount.iri, `${SCHEMA_NS}RowCountCSV/row_count`);
  assertEquals(rowCount.displayName, "Row count");
  assertEquals(rowCount.declaredBy, "RowCountCSV");
  assertEquals(rowCount.multiple, false);
  assertEquals(rowCount.default, 0);
  const sampledOn = fieldsOf(RowCountCSV).get("sampledOn")!;
  assertEquals(sampledOn.displayName, "Sampled on", "derived from the snake_case RDF name");
  assertEquals(sampledOn.multiple, true, "multiple is true by default, as in the original");
  assertEquals(sampledOn.propertyType, "literal");
  const inherited = fieldsOf(RowCountCSV).get("torrentFileName")!;
  assertEquals(inherited.iri, `${SCHEMA_NS}LocalFileDataSource/torrent_file_name`);
  assertEquals(inherited.declaredBy, "LocalFileDataSource");
});

Deno.test("DataSource user subclass fields take values and defaults", () => {
  const ds = new RowCountCSV({ key: "k", csvFileName: "a.csv", sampledOn: "2020-07-01" } as never);
  assertEquals(ds.get("rowCount"), 0);
  assertEquals(ds.has("rowCount"), false);
  assertEquals(ds.get("sampledOn"), "2020-07-01");
  assertEquals(ds.fileName, "a.csv");
  assert(ds instanceof CSVDataSource);
  assertEquals(rdfTypeOf(RowCountCSV), `${SCHEMA_NS}RowCountCSV`);
});

Deno.test("DataSource subclass without ownFields inherits its parent's fields unchanged", () => {
  class PlainCSV extends CSVDataSource {}
  assertEquals([...fieldsOf(PlainCSV).keys()], [...fieldsOf(CSVDataSource).keys()]);
  assertEquals(fieldsOf(PlainCSV).get("csvFileName")?.declaredBy, "CSVDataSource");
});

Deno.test("DataSource subclass redeclaring a parent's field is a DataSourceClassError", () => {
  class ClashCSV extends CSVDataSource {
    static override readonly ownFields: FieldDeclarations = { fileName: {} };
  }
  assertThrows(
    () => fieldsOf(ClashCSV),
    DataSourceClassError,
    "ClashCSV declares field 'fileName', which LocalFileDataSource already declares",
  );
  assertThrows(() => new ClashCSV({ key: "k" }), DataSourceClassError, "'fileName'");
});

Deno.test("DataSource also naming an unknown field is a DataSourceClassError", () => {
  class BadAlsoCSV extends CSVDataSource {
    static override readonly ownFields: FieldDeclarations = { extra: { also: ["nowhere"] } };
  }
  assertThrows(
    () => new BadAlsoCSV({ key: "k" }),
    DataSourceClassError,
    "sets 'also' to unknown field 'nowhere'",
  );
});

Deno.test("DataSource class whose name is no identifier prefix is a DataSourceClassError", () => {
  class Renamed extends CSVDataSource {}
  Object.defineProperty(Renamed, "name", { value: "Not a name" });
  assertThrows(() => new Renamed({ key: "k" }), DataSourceClassError, "'Not a name'");
});
