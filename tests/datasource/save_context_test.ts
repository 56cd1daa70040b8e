/**
 * CollectingSaveContext: what a data module's owmData(ctx) adds to.
 */
import { CollectingSaveContext, CSVDataSource, FieldError } from "../../mod.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";

Deno.test("CollectingSaveContext.add() collects DataSources in order", () => {
  const ctx = new CollectingSaveContext("http://example.org/ctx");
  const a = new CSVDataSource({ key: "a" });
  const b = new CSVDataSource({ key: "b" });
  const c = new CSVDataSource({ key: "c" });
  ctx.add(a, b);
  ctx.add(c);
  assertEquals(ctx.contextId, "http://example.org/ctx");
  assertEquals(ctx.sources.length, 3);
  assert(ctx.sources[0] === a && ctx.sources[1] === b && ctx.sources[2] === c);
});

Deno.test("CollectingSaveContext.add() refuses anything but a DataSource", () => {
  const ctx = new CollectingSaveContext("http://example.org/ctx");
  assertThrows(
    () => ctx.add({ key: "x" } as never),
    FieldError,
    "ctx.add() takes DataSource objects, not object",
  );
  assertThrows(() => ctx.add(null as never), FieldError, "not null");
  assertThrows(() => ctx.add("CSVDataSource:x" as never), FieldError, "not string");
  assertEquals(ctx.sources.length, 0);
});
