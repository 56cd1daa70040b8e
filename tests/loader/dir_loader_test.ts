import { join } from "node:path";
import { CSVDataSource, type DataSource } from "../../mod.ts";
import { DataSourceDirLoader } from "../../lib/loader/dir_loader.ts";
import { LoadFailedError, NoLoaderError } from "../../lib/loader/errors.ts";
import { LoaderRegistry } from "../../lib/loader/registry.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../_assert.ts";

class FixedLoader extends DataSourceDirLoader {
  constructor(base: string, key: string, readonly result: () => Promise<string> | string) {
    super(base, key);
  }
  override canLoad(ds: DataSource): boolean {
    return ds.key !== "unloadable";
  }
  protected override async loadDirectory(): Promise<string> {
    return await this.result();
  }
}

const ds = new CSVDataSource({ key: "k", csvFileName: "a.csv" });

Deno.test("DataSourceDirLoader.canLoad() is false unless a subclass says otherwise", () => {
  class Plain extends DataSourceDirLoader {
    protected override loadDirectory(): Promise<string> {
      return Promise.resolve("x");
    }
  }
  assertEquals(new Plain("/tmp", "plain").canLoad(ds), false);
});

Deno.test("DataSourceDirLoader refuses a directory key that is not a plain name", () => {
  for (const key of ["", "..", "a/b", "a b"]) {
    assertThrows(() => new FixedLoader("/tmp", key, () => "x"), TypeError, "Directory key");
  }
});

Deno.test("DataSourceDirLoader.load() joins a relative result to the base directory", async () => {
  const base = await Deno.makeTempDir();
  await Deno.mkdir(join(base, "sub"));
  const result = await new FixedLoader(base, "fixed", () => "sub").load(ds);
  assertEquals(result, {
    directory: join(base, "sub"),
    loader: "fixed",
    origin: "present",
    notes: [],
  });
  await Deno.remove(base, { recursive: true });
});

Deno.test("DataSourceDirLoader.load() enforces the original's post-conditions", async () => {
  const base = await Deno.makeTempDir();
  const outside = await Deno.makeTempDir();
  await Deno.writeTextFile(join(base, "file"), "x");
  const cases: [string, string][] = [
    ["", "returned no directory"],
    [outside, "not inside its base directory"],
    ["../escape", "not inside its base directory"],
    [base, "not inside its base directory"],
    ["missing", "does not exist"],
    ["file", "is not a directory"],
  ];
  for (const [result, message] of cases) {
    await assertRejects(
      () => new FixedLoader(base, "fixed", () => result).load(ds),
      LoadFailedError,
      message,
    );
  }
  await assertRejects(
    () =>
      new FixedLoader(base, "fixed", () => {
        throw new Error("peer went away");
      }).load(ds),
    LoadFailedError,
    "peer went away",
  );
  await Deno.remove(base, { recursive: true });
  await Deno.remove(outside, { recursive: true });
});

Deno.test("LoaderRegistry.load() picks the first loader that can load and remembers the directory", async () => {
  const base = await Deno.makeTempDir();
  await Deno.mkdir(join(base, "one"));
  await Deno.mkdir(join(base, "two"));
  const indexPath = join(base, "index.json");
  const registry = new LoaderRegistry(indexPath)
    .add(new FixedLoader(base, "first", () => "one"))
    .add(new FixedLoader(base, "second", () => "two"));
  const result = await registry.load(ds);
  assertEquals([result.directory, result.loader], [join(base, "one"), "first"]);
  const again = new LoaderRegistry(indexPath);
  const entry = await again.loaded(ds);
  assert(entry !== undefined, "the load is remembered across registries");
  assertEquals(entry.loader, "first");
  assertEquals(entry.directory, join(base, "one"));
  await Deno.remove(join(base, "one"));
  assertEquals(await again.loaded(ds), undefined, "a vanished directory is not reported");
  await again.forget(ds);
  assertEquals(Object.keys(JSON.parse(await Deno.readTextFile(indexPath))), []);
  await Deno.remove(base, { recursive: true });
});

Deno.test("LoaderRegistry.load() says no loader can load a DataSource", async () => {
  const registry = new LoaderRegistry("/nonexistent/index.json")
    .add(new FixedLoader("/tmp", "fixed", () => "x"));
  await assertRejects(
    () => registry.load(new CSVDataSource({ key: "unloadable" })),
    NoLoaderError,
    "tried fixed",
  );
});
