/**
 * The registry of DataSource classes: one class per RDF type.
 */
import {
  CSVDataSource,
  DataSourceClassError,
  DataSourceRepository,
  registerDataSourceClass,
  SCHEMA_NS,
} from "../../mod.ts";
import { classForType } from "../../lib/datasource/registry.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../_assert.ts";

function makeDuplicate() {
  return class RegistryDuplicateCSV extends CSVDataSource {};
}

Deno.test("registerDataSourceClass() makes the class known by its RDF type", () => {
  class RegistryKnownCSV extends CSVDataSource {}
  assertEquals(classForType(`${SCHEMA_NS}RegistryKnownCSV`), undefined);
  registerDataSourceClass(RegistryKnownCSV);
  assert(classForType(`${SCHEMA_NS}RegistryKnownCSV`) === RegistryKnownCSV);
});

Deno.test("registerDataSourceClass() accepts the same class twice", () => {
  class RegistryTwiceCSV extends CSVDataSource {}
  registerDataSourceClass(RegistryTwiceCSV);
  registerDataSourceClass(RegistryTwiceCSV);
  assert(classForType(`${SCHEMA_NS}RegistryTwiceCSV`) === RegistryTwiceCSV);
});

Deno.test("registerDataSourceClass() refuses a different class with the same name", () => {
  const first = makeDuplicate();
  const second = makeDuplicate();
  assert(first !== second && first.name === second.name);
  registerDataSourceClass(first);
  assertThrows(
    () => registerDataSourceClass(second),
    DataSourceClassError,
    "Two different classes are named RegistryDuplicateCSV",
  );
  assert(classForType(`${SCHEMA_NS}RegistryDuplicateCSV`) === first, "the first stays registered");
});

Deno.test("registerDataSourceClass() refuses to replace a built-in class", () => {
  const Impostor = { CSVDataSource: class extends CSVDataSource {} }.CSVDataSource;
  assertEquals(Impostor.name, "CSVDataSource");
  assertThrows(() => registerDataSourceClass(Impostor), DataSourceClassError, "CSVDataSource");
});

Deno.test("registerDataSourceClass() accepts same-named classes with distinct rdfType", () => {
  const make = (type: string) => {
    const cls = class RegistryTypedCSV extends CSVDataSource {};
    Object.defineProperty(cls, "rdfType", { value: type });
    return cls;
  };
  const a = make("http://example.org/types/A");
  const b = make("http://example.org/types/B");
  registerDataSourceClass(a);
  registerDataSourceClass(b);
  assert(classForType("http://example.org/types/A") === a);
  assert(classForType("http://example.org/types/B") === b);
});

Deno.test("DataSourceRepository.save() refuses two different classes with the same name", async () => {
  const home = await Deno.makeTempDir({ prefix: "owm-registry-" });
  try {
    const make = () => class RegistrySaveClashCSV extends CSVDataSource {};
    const First = make();
    const Second = make();
    const repo = await DataSourceRepository.open({ home, create: true });
    await repo.save([new First({ key: "a", csvFileName: "a.csv" })]);
    const before = await Deno.readFile(`${home}/graph.nq`);
    await assertRejects(
      () => repo.save([new Second({ key: "b", csvFileName: "b.csv" })]),
      DataSourceClassError,
      "Two different classes are named RegistrySaveClashCSV",
    );
    assertEquals(await Deno.readFile(`${home}/graph.nq`), before, "the store is unchanged");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
