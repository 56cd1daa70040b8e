/**
 * The wire types the client uses (lib/bridge/api_types.ts) are generated
 * from the schemas the bridge validates with and documents (lib/wire/): the
 * file is what scripts/wire_types.ts makes of them now, and each generated
 * type is accepted by its schema's input type (checked by the compiler).
 */
import type { z } from "zod";
import type * as types from "../../lib/bridge/api_types.ts";
import type * as ds from "../../lib/wire/datasources.ts";
import type * as pub from "../../lib/wire/publish.ts";
import type * as tor from "../../lib/wire/torrents.ts";
import type * as tr from "../../lib/wire/translations.ts";
import { API_TYPES_PATH, formatTs, renderApiTypes, WIRE_TYPES } from "../../scripts/wire_types.ts";
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";

const ROOT = new URL("../../", import.meta.url);

Deno.test("lib/bridge/api_types.ts is what scripts/wire_types.ts generates from lib/wire/", async () => {
  const current = await Deno.readTextFile(new URL(API_TYPES_PATH, ROOT));
  const generated = await formatTs(renderApiTypes());
  assert(current === generated, `${API_TYPES_PATH} is stale: run scripts/wire_types.ts`);
  for (const [name] of WIRE_TYPES) {
    assert(
      new RegExp(`export (interface|type) ${name}\\b`).test(current),
      `${name} is generated`,
    );
  }
  assertStringIncludes(current, "do not edit");
  assertEquals(WIRE_TYPES.length, new Set(WIRE_TYPES.map(([name]) => name)).size, "names unique");
});

Deno.test("the generator renders nullable, optional, record, union and recursive schemas", () => {
  const text = renderApiTypes();
  assertStringIncludes(text, "key: string | null;");
  assertStringIncludes(text, "replace?: boolean;");
  assertStringIncludes(text, "options?: Record<string, string>;");
  assertStringIncludes(text, 'state: "started" | "running" | "done";');
  assertStringIncludes(text, "sources: ChainNode[];");
  assertStringIncludes(text, 'type: "progress";');
  assertStringIncludes(text, "/** The full IRI. */");
});

// Compile-time: what the kernel builds with the generated types, its schemas accept.
type Accepts<S extends z.ZodType, T extends z.input<S>> = T;
export type Checked = [
  Accepts<typeof ds.DataSourceItem, types.DataSourceItem>,
  Accepts<typeof ds.DataSourceDetail, types.DataSourceDetail>,
  Accepts<typeof ds.SavedDataSource, types.SavedDataSource>,
  Accepts<typeof ds.CreateDataSourceBody, types.CreateDataSourceBody>,
  Accepts<typeof ds.FetchBody, types.FetchBody>,
  Accepts<typeof ds.FetchAccepted, types.FetchAccepted>,
  Accepts<typeof ds.ChainNode, types.ChainNode>,
  Accepts<typeof tor.TorrentStatusJson, types.TorrentStatusJson>,
  Accepts<typeof pub.PublishedJson, types.PublishedJson>,
  Accepts<typeof tr.TranslateBody, types.TranslateBody>,
  Accepts<typeof tr.TranslationJson, types.TranslationJson>,
  Accepts<typeof tr.TranslatorJson, types.TranslatorJson>,
];
