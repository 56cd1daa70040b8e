/**
 * A DataSource's identity is not silently replaced: re-posting an existing id
 * with other identity fields is 409 `identity-conflict` naming each change,
 * unless `replace: true`; a replace of a DataSource whose content is here
 * verifies that content against the new fields, keeping it when it matches
 * and forgetting it when it does not (so nothing uses it unverified).
 */
import type { ApiError, DataSourceDetail, SavedDataSource } from "../../lib/bridge/api_types.ts";
import { Bridge } from "../../lib/bridge/client.ts";
import { BridgeError } from "../../lib/bridge/errors.ts";
import { createExtension } from "../../kernel/extensions.ts";
import { assertEquals, assertRejects, assertStringIncludes } from "../_assert.ts";
import { startTestBridge, type TestBridge } from "./_bridge.ts";

type Answer = SavedDataSource & ApiError;

function save(bridge: TestBridge, body: Record<string, unknown>) {
  return bridge.json<Answer>("/api/datasources", { method: "POST", body: JSON.stringify(body) });
}

Deno.test("re-posting other identity fields is 409 naming each change, unless replace: true", async () => {
  await using bridge = await startTestBridge();
  const first = { torrentFileName: "a.torrent", sha256: "a".repeat(64) };
  const created = await save(bridge, { class: "CSVDataSource", key: "k", fields: first });
  assertEquals(created.status, 201);
  assertEquals(created.body.replaced, undefined);

  const same = await save(bridge, { class: "CSVDataSource", key: "k", fields: first });
  assertEquals([same.status, same.body.replaced], [201, undefined], "the same fields again");
  const described = await save(bridge, {
    class: "CSVDataSource",
    key: "k",
    fields: { ...first, description: "other words" },
  });
  assertEquals(described.status, 201, "a description is not identity");

  const changed = { torrentFileName: "b.torrent", sha256: "a".repeat(64), md5: "c".repeat(32) };
  const conflict = await save(bridge, { class: "CSVDataSource", key: "k", fields: changed });
  assertEquals([conflict.status, conflict.body.error.code], [409, "identity-conflict"]);
  const message = conflict.body.error.message;
  assertStringIncludes(message, 'torrentFileName "a.torrent" → "b.torrent"');
  assertStringIncludes(message, `md5 (none) → "${"c".repeat(32)}"`);
  assertStringIncludes(message, '"replace": true');
  const refusedReplace = await save(bridge, {
    class: "CSVDataSource",
    key: "k",
    fields: changed,
    replace: "yes",
  });
  assertEquals(refusedReplace.status, 400, "replace must be a boolean");
  const kept = await bridge.json<DataSourceDetail>("/api/datasources/CSVDataSource:k");
  assertEquals(kept.body.fields.torrentFileName, ["a.torrent"], "nothing was replaced");

  const replaced = await save(bridge, {
    class: "CSVDataSource",
    key: "k",
    fields: changed,
    replace: true,
  });
  assertEquals(replaced.status, 201);
  assertEquals(replaced.body.replaced?.content, "none", "no content was here");
  assertEquals(replaced.body.replaced?.changed.map((c) => c.field).sort(), [
    "md5",
    "torrentFileName",
  ]);
  const now = await bridge.json<DataSourceDetail>("/api/datasources/CSVDataSource:k");
  assertEquals(now.body.fields.torrentFileName, ["b.torrent"]);

  const removed = await save(bridge, {
    class: "CSVDataSource",
    key: "k",
    fields: { torrentFileName: "b.torrent", sha256: "a".repeat(64) },
  });
  assertEquals(removed.status, 409, "dropping a hash changes the identity too");
  assertStringIncludes(removed.body.error.message, "→ (none)");
});

Deno.test("a replace re-verifies the content here: kept when it matches, forgotten when not", async () => {
  await using bridge = await startTestBridge({ extend: createExtension() });
  const form = new FormData();
  form.append("class", "CSVDataSource");
  form.append("key", "up");
  form.append("file", new File(["a,b\n1,2\n"], "a.csv"));
  const uploaded = await fetch(`${bridge.bridge.url}/api/uploads`, {
    method: "POST",
    headers: { authorization: `Bearer ${bridge.bridge.token}` },
    body: form,
  });
  assertEquals(uploaded.status, 201, await uploaded.text());
  const shown = await bridge.json<DataSourceDetail>("/api/datasources/CSVDataSource:up");
  const fields = shown.body.fields as Record<string, unknown>;
  const verified = await bridge.json<{ ok: boolean }>("/api/datasources/CSVDataSource:up/verify", {
    method: "POST",
  });
  assertEquals(verified.body.ok, true, "published content verifies");

  const again = await save(bridge, { class: "CSVDataSource", key: "up", fields });
  assertEquals([again.status, again.body.replaced], [201, undefined], "its own fields again");

  // Renamed torrent, same hashes: the content still matches and stays.
  const renamed = { ...fields, torrentFileName: "renamed.torrent" };
  assertEquals(
    (await save(bridge, { class: "CSVDataSource", key: "up", fields: renamed })).status,
    409,
  );
  const kept = await save(bridge, {
    class: "CSVDataSource",
    key: "up",
    fields: renamed,
    replace: true,
  });
  assertEquals(kept.status, 201);
  assertEquals(kept.body.replaced?.content, "verified", JSON.stringify(kept.body.replaced));
  const still = await bridge.json<{ ok: boolean }>("/api/datasources/CSVDataSource:up/verify", {
    method: "POST",
  });
  assertEquals([still.status, still.body.ok], [200, true]);

  // Other hashes: the content here is not this DataSource's any more and is forgotten.
  const other = { ...renamed, sha256: "0".repeat(64) };
  const forgotten = await save(bridge, {
    class: "CSVDataSource",
    key: "up",
    fields: other,
    replace: true,
  });
  assertEquals(forgotten.status, 201);
  assertEquals(forgotten.body.replaced?.content, "forgotten");
  assertStringIncludes(forgotten.body.replaced?.reason ?? "", "sha256");
  const gone = await bridge.json<ApiError>("/api/datasources/CSVDataSource:up/verify", {
    method: "POST",
  });
  assertEquals([gone.status, gone.body.error.code], [409, "not-present"]);
});

Deno.test("Bridge.create() sends replace: true when asked, and reports the conflict otherwise", async () => {
  await using bridge = await startTestBridge();
  await using client = await Bridge.connect({ home: bridge.home, start: false });
  await client.create({ class: "CSVDataSource", key: "c", fields: { infoHash: "1".repeat(40) } });
  const other = { class: "CSVDataSource", key: "c", fields: { infoHash: "2".repeat(40) } };
  const error = await assertRejects(() => client.create(other), BridgeError);
  assertEquals([error.status, error.code], [409, "identity-conflict"]);
  const saved = await client.create(other, { replace: true });
  assertEquals(saved.replaced?.changed, [{
    field: "infoHash",
    before: ["1".repeat(40)],
    after: ["2".repeat(40)],
  }]);
});
