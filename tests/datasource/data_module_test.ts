/**
 * runDataModule: importing a data module and running its owmData(ctx).
 */
import { isAbsolute, join, relative } from "node:path";
import { CSVDataSource, DataModuleError, runDataModule } from "../../mod.ts";
import { assert, assertEquals, assertMatch, assertRejects } from "../_assert.ts";

const MOD = new URL("../../mod.ts", import.meta.url).href;
const CTX = "http://example.org/data-module-test";

async function withModules(
  files: Record<string, string>,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "owm-data-module-" });
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(join(dir, name), text);
    }
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("runDataModule() returns what owmData(ctx) adds, in the given context", async () => {
  await withModules({
    "ok.ts": `import { CSVDataSource } from "${MOD}";
export class DataModuleOkCSV extends CSVDataSource {}
export function owmData(ctx) {
  if (ctx.contextId !== "${CTX}") throw new Error("wrong context " + ctx.contextId);
  ctx.add(new DataModuleOkCSV({ key: "a", csvFileName: "a.csv" }));
  ctx.add(new DataModuleOkCSV({ key: "b" }), new CSVDataSource({ key: "c" }));
}
`,
  }, async (dir) => {
    const sources = await runDataModule(join(dir, "ok.ts"), CTX);
    assertEquals(sources.map((ds) => `${ds.className}:${ds.key}`), [
      "DataModuleOkCSV:a",
      "DataModuleOkCSV:b",
      "CSVDataSource:c",
    ]);
    assert(sources.every((ds) => ds instanceof CSVDataSource), "the module shares mod.ts");
    assertEquals(sources[0]!.get("fileName"), "a.csv");
  });
});

Deno.test("runDataModule() accepts the original's owm_data name and an async function", async () => {
  await withModules({
    "snake.ts": `import { CSVDataSource } from "${MOD}";
export async function owm_data(ctx) {
  await Promise.resolve();
  ctx.add(new CSVDataSource({ key: "snake" }));
}
`,
  }, async (dir) => {
    const sources = await runDataModule(join(dir, "snake.ts"), CTX);
    assertEquals(sources.map((ds) => ds.key), ["snake"]);
  });
});

Deno.test("runDataModule() refuses a missing file or a directory", async () => {
  await withModules({}, async (dir) => {
    const missing = join(dir, "nope.ts");
    const error = await assertRejects(
      () => runDataModule(missing, CTX),
      DataModuleError,
      `Cannot load data module ${missing}: no such file`,
    );
    assertEquals(error.path, missing);
    await assertRejects(() => runDataModule(dir, CTX), DataModuleError, "it is not a file");
  });
});

Deno.test("runDataModule() reports a syntax error with its location on one line", async () => {
  await withModules({ "syntax.ts": "export function owmData( {\n" }, async (dir) => {
    const path = join(dir, "syntax.ts");
    const error = await assertRejects(
      () => runDataModule(path, CTX),
      DataModuleError,
      "it does not import: SyntaxError",
    );
    assertEquals(error.message.includes("\n"), false, error.message);
    assertMatch(error.message, /\(at file:\/\/\S+syntax\.ts:1:\d+\): fix the module$/);
  });
});

Deno.test("runDataModule() reports an import that is not found", async () => {
  await withModules(
    { "dep.ts": 'import "./missing-dep.ts";\nexport function owmData() {}\n' },
    async (dir) => {
      await assertRejects(
        () => runDataModule(join(dir, "dep.ts"), CTX),
        DataModuleError,
        "missing-dep.ts",
      );
    },
  );
});

Deno.test("runDataModule() refuses a module without owmData", async () => {
  await withModules({ "none.ts": "export const owmData = 42;\n" }, async (dir) => {
    await assertRejects(
      () => runDataModule(join(dir, "none.ts"), CTX),
      DataModuleError,
      "it exports no function owmData(ctx)",
    );
  });
});

Deno.test("runDataModule() reports what owmData threw", async () => {
  await withModules({
    "throws.ts": 'export function owmData() { throw new RangeError("boom"); }\n',
    "rejects.ts": 'export async function owmData() { throw new Error("async boom"); }\n',
    "bad_add.ts": "export function owmData(ctx) { ctx.add({ key: 'x' }); }\n",
  }, async (dir) => {
    const thrown = await assertRejects(
      () => runDataModule(join(dir, "throws.ts"), CTX),
      DataModuleError,
      "owmData() threw RangeError: boom",
    );
    assert(thrown.cause instanceof RangeError, "the original error is the cause");
    await assertRejects(
      () => runDataModule(join(dir, "rejects.ts"), CTX),
      DataModuleError,
      "owmData() threw Error: async boom",
    );
    await assertRejects(
      () => runDataModule(join(dir, "bad_add.ts"), CTX),
      DataModuleError,
      "owmData() threw FieldError: ctx.add() takes DataSource objects, not object",
    );
  });
});

Deno.test("runDataModule() resolves a relative path against the working directory", async () => {
  await withModules({
    "rel.ts": `import { CSVDataSource } from "${MOD}";
export function owmData(ctx) { ctx.add(new CSVDataSource({ key: "rel" })); }
`,
  }, async (dir) => {
    const path = relative(Deno.cwd(), join(dir, "rel.ts"));
    assertEquals(isAbsolute(path), false);
    const sources = await runDataModule(path, CTX);
    assertEquals(sources.map((ds) => ds.key), ["rel"]);
  });
});
