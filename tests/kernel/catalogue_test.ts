/**
 * The catalogue and the collision rule through the bridge: `POST /api/publish`
 * with title, licence, citation and fields; `GET /api/index` (`?kind=`,
 * `?q=`), the same through the Bridge client and the Python client; a
 * collision (the same files under another folder name) is a 409 naming the
 * DataSource that has them, with or without `replace`, never a 500; the same
 * DataSource as a different torrent needs `replace: true`; uploads take the
 * same fields and the same rule.
 */
import { join } from "node:path";
import type { CatalogueJson } from "../../lib/bridge/api_types.ts";
import { Bridge } from "../../lib/bridge/client.ts";
import { BridgeError } from "../../lib/bridge/errors.ts";
import { parseMetainfo } from "../../lib/torrent/metainfo.ts";
import { extend } from "../../kernel/extensions.ts";
import { shellEnv } from "../_env.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_assert.ts";
import { tempDir } from "../torrent/_fixtures.ts";
import { startTestBridge } from "./_bridge.ts";

const CSV = "pre,post\nAVAL,AVAR\n";

async function folder(path: string, files: Record<string, string>): Promise<string> {
  await Deno.mkdir(path, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(join(path, name), text);
  }
  return path;
}

Deno.test("GET /api/index lists the bridge's indexes with each record's fields; ?kind= and ?q= narrow it; Bridge.index() and owm_bridge.py index agree", async () => {
  const tmp = await tempDir();
  const root = join(tmp, "root");
  const index = join(tmp, "index");
  await folder(join(root, "worms"), { "connections.csv": CSV });
  await folder(join(root, "cells"), { "cells.csv": "cell\nAVAL\n" });
  await using t = await startTestBridge({
    home: join(tmp, "store"),
    publishRoot: root,
    indexes: [`dir:${index}`],
    extend,
  });
  const worms = await t.json<{ id: string; torrentFileName: string; infoHash: string }>(
    "/api/publish",
    {
      method: "POST",
      body: JSON.stringify({
        path: "worms",
        class: "CSVDataSource",
        key: "worms",
        description: "Two neurons",
        title: "C. elegans connections",
        license: "CC-BY-4.0",
        citation: "doi:10.1000/182",
        fields: { csvFileName: "connections.csv", csvHeader: ["pre", "post"] },
      }),
    },
  );
  assertEquals(worms.status, 201, JSON.stringify(worms.body));
  const cells = await t.json("/api/publish", {
    method: "POST",
    body: JSON.stringify({ path: "cells", class: "LocalFileDataSource", key: "cells" }),
  });
  assertEquals(cells.status, 201, JSON.stringify(cells.body));
  const stored = await t.bridge.state.repo.get("CSVDataSource:worms");
  assertEquals(stored.get("csvHeader"), ["pre", "post"]);
  assertEquals(stored.get("csvFileName"), "connections.csv");

  const all = await t.json<CatalogueJson>("/api/index");
  assertEquals(all.status, 200);
  assertEquals(all.body.problems, []);
  const inIndex = all.body.entries.filter((e) => e.index === `dir:${index}`);
  assertEquals(inIndex.map((e) => e.id), ["CSVDataSource:worms", "LocalFileDataSource:cells"]);
  const entry = inIndex[0]!;
  assertEquals(
    [entry.title, entry.description, entry.license, entry.citation, entry.fileCount, entry.size],
    ["C. elegans connections", "Two neurons", "CC-BY-4.0", ["doi:10.1000/182"], 1, CSV.length],
  );
  assertEquals(entry.infoHash, worms.body.infoHash);
  assertEquals(entry.torrentFileName, worms.body.torrentFileName);

  const kind = await t.json<CatalogueJson>("/api/index?kind=CSVDataSource");
  assert(kind.body.entries.length > 0);
  assert(kind.body.entries.every((e) => e.id === "CSVDataSource:worms"));
  const q = await t.json<CatalogueJson>("/api/index?q=" + encodeURIComponent("ELEGANS cc-by"));
  assert(q.body.entries.length > 0 && q.body.entries.every((e) => e.id === "CSVDataSource:worms"));
  const nothing = await t.json<CatalogueJson>("/api/index?q=drosophila");
  assertEquals(nothing.body.entries, []);

  // The Bridge client.
  await using client = await Bridge.connect({ url: t.bridge.url, token: t.bridge.token });
  assertEquals(await client.index(), all.body);
  assertEquals(await client.index({ kind: "CSVDataSource", q: "elegans" }), kind.body);

  // The Python client.
  const out = await new Deno.Command("python3", {
    args: [
      new URL("../../scripts/owm_bridge.py", import.meta.url).pathname,
      "--url",
      t.bridge.url,
      "--token",
      t.bridge.token,
      "--json",
      "index",
      "elegans",
      "--kind",
      "CSVDataSource",
    ],
    clearEnv: true,
    env: shellEnv({ PYTHONDONTWRITEBYTECODE: "1" }),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  assertEquals(out.code, 0, decoder.decode(out.stderr));
  assertEquals(JSON.parse(decoder.decode(out.stdout)), kind.body);
  const text = await new Deno.Command("python3", {
    args: [
      new URL("../../scripts/owm_bridge.py", import.meta.url).pathname,
      "--url",
      t.bridge.url,
      "--token",
      t.bridge.token,
      "index",
    ],
    clearEnv: true,
    env: shellEnv({ PYTHONDONTWRITEBYTECODE: "1" }),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const lines = decoder.decode(text.stdout).trim().split("\n");
  assertEquals(lines[0]?.split("\t").slice(0, 2), [
    "CSVDataSource:worms",
    "C. elegans connections",
  ]);
});

Deno.test("POST /api/publish and /api/uploads collisions: 409 naming the DataSource that has the content (replace or not), replace: true for the same id, bad fields 400; never a 500", async () => {
  const tmp = await tempDir();
  const root = join(tmp, "root");
  const index = join(tmp, "index");
  await folder(join(root, "worms"), { "connections.csv": CSV });
  await folder(join(root, "copy-of-worms"), { "connections.csv": CSV });
  await using t = await startTestBridge({
    home: join(tmp, "store"),
    publishRoot: root,
    indexes: [`dir:${index}`],
    extend,
  });
  const publish = (body: Record<string, unknown>) =>
    t.json<{ error: { code: string; message: string }; torrentFileName: string }>(
      "/api/publish",
      { method: "POST", body: JSON.stringify({ class: "CSVDataSource", ...body }) },
    );
  const first = await publish({ path: "worms", key: "worms" });
  assertEquals(first.status, 201);
  const torrentName = first.body.torrentFileName;
  for (const replace of [false, true]) {
    const again = await publish({ path: "copy-of-worms", key: "copy", replace });
    assertEquals([again.status, again.body.error.code], [409, "already-published"]);
    assertStringIncludes(again.body.error.message, "by CSVDataSource:worms");
    assertStringIncludes(again.body.error.message, "nothing was changed: use CSVDataSource:worms");
    assert(!again.body.error.message.includes("\n"));
  }
  const sameId = await publish({ path: "copy-of-worms", key: "worms" });
  assertEquals(sameId.status, 409);
  assertStringIncludes(sameId.body.error.message, "by CSVDataSource:worms itself");
  assertStringIncludes(sameId.body.error.message, "replace: true");
  const replaced = await publish({ path: "copy-of-worms", key: "worms", replace: true });
  assertEquals(replaced.status, 201, JSON.stringify(replaced.body));
  assertEquals(parseMetainfo(await Deno.readFile(join(index, torrentName))).name, "copy-of-worms");
  const badField = await publish({ path: "worms", key: "w2", fields: { csvFileNmae: "x.csv" } });
  assertEquals([badField.status, badField.body.error.code], [400, "bad-field"]);
  assertStringIncludes(badField.body.error.message, "csvFileName, csvHeader");
  const badLicense = await publish({ path: "worms", key: "w3", license: "ask me" });
  assertEquals([badLicense.status, badLicense.body.error.code], [400, "bad-field"]);
  const badReplace = await publish({ path: "worms", key: "w4", replace: "yes" });
  assertEquals(badReplace.status, 400);

  // Uploads: the same files under another key are the same 409; fields are checked first.
  await using client = await Bridge.connect({ url: t.bridge.url, token: t.bridge.token });
  const files = [{ name: "connections.csv", data: new TextEncoder().encode(CSV) }];
  const uploaded = await client.upload(files, {
    class: "CSVDataSource",
    key: "upload one",
    title: "Uploaded",
    license: "CC0-1.0",
    fields: { csvFileName: "connections.csv" },
  });
  assertEquals(uploaded.id, "CSVDataSource:upload%20one");
  const ds = await t.bridge.state.repo.get(uploaded.id);
  assertEquals([ds.get("title"), ds.get("license"), ds.get("csvFileName")], [
    "Uploaded",
    "CC0-1.0",
    "connections.csv",
  ]);
  for (const replace of [false, true]) {
    const error = await assertRejects(
      () => client.upload(files, { class: "CSVDataSource", key: "upload two", replace }),
      BridgeError,
    );
    assertEquals([error.status, error.code], [409, "already-published"]);
    assertStringIncludes(error.message, "by CSVDataSource:upload%20one");
  }
  const refused = await assertRejects(
    () =>
      client.upload(files, {
        class: "CSVDataSource",
        key: "upload three",
        fields: { nope: "1" },
      }),
    BridgeError,
  );
  assertEquals([refused.status, refused.code], [400, "bad-field"]);
  assertEquals(
    (await t.bridge.state.repo.list()).map((d) => d.id).sort(),
    ["CSVDataSource:upload%20one", "CSVDataSource:worms"],
    "nothing else was saved",
  );
});
