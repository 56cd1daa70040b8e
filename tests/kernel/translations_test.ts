/**
 * `GET /api/translators`, `POST /api/translations` and
 * `GET /api/datasources/{id}/provenance|derivs` on the real bridge over HTTP,
 * with inputs published through `POST /api/publish`: a folder zipped and
 * unzipped again (same folder digest), the chains, the `translated` event, the
 * error answers (which change nothing), and the `Bridge` client's methods.
 */
import { join } from "node:path";
import type {
  ApiError,
  PublishedJson,
  TranslationJson,
  TranslatorJson,
} from "../../lib/bridge/api_types.ts";
import { Bridge } from "../../lib/bridge/client.ts";
import { BridgeError } from "../../lib/bridge/errors.ts";
import { digestContent } from "../../lib/integrity/content_digest.ts";
import type { VerifyReport } from "../../lib/integrity/verify.ts";
import { type ChainNode, derivationTree, provenanceTree } from "../../lib/translate/chain.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertStringIncludes,
} from "../_assert.ts";
import { makeZip } from "../archive/_zip_writer.ts";
import { tempDir } from "../torrent/_fixtures.ts";
import { openEvents, startTestBridge, type TestBridge } from "./_bridge.ts";

const path = (id: string, rest = "") => `/api/datasources/${encodeURIComponent(id)}${rest}`;

/** A publish root holding `neurons/` (a folder with a nested file and an empty one). */
async function publishRoot(): Promise<string> {
  const root = join(await tempDir(), "root");
  const data = join(root, "neurons");
  await Deno.mkdir(join(data, "nested"), { recursive: true });
  await Deno.writeTextFile(join(data, "a.csv"), "Origin,Target\nADAL,AVAR\n");
  await Deno.writeTextFile(join(data, "nested", "b.txt"), "second file\n");
  await Deno.writeFile(join(data, "empty"), new Uint8Array());
  return root;
}

async function publish(
  bridge: TestBridge,
  body: { path: string; class: string; key: string },
): Promise<PublishedJson> {
  const answer = await bridge.json<PublishedJson & ApiError>("/api/publish", {
    method: "POST",
    body: JSON.stringify(body),
  });
  assertEquals(answer.status, 201, JSON.stringify(answer.body));
  return answer.body;
}

function translate(bridge: TestBridge, body: unknown) {
  return bridge.json<TranslationJson & ApiError>("/api/translations", {
    method: "POST",
    body: JSON.stringify(body),
  });
}

/** The names in the output base (translation outputs and any temporary leftovers). */
async function translationDirs(home: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(join(home, "data_source_data", "translation"))) {
      if (e.name !== ".locks") names.push(e.name); // the per-output lock files
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

async function sha256(path: string): Promise<string> {
  return (await digestContent(path, ["sha256"])).digests.sha256;
}

Deno.test("GET /api/translators lists the built-in translators", async () => {
  await using bridge = await startTestBridge();
  const { status, body } = await bridge.json<TranslatorJson[]>("/api/translators");
  assertEquals(status, 200);
  assertEquals(body.map((t) => t.name), ["csv-to-rdf", "directory-to-zip", "zip-to-directory"]);
  const csv = body.find((t) => t.name === "csv-to-rdf")!;
  assertEquals(csv.inputKinds, ["CSVDataSource"]);
  assertEquals(csv.outputKind, "GraphDataSource");
  for (const t of body) {
    assertEquals(Object.keys(t).sort(), [
      "description",
      "inputKinds",
      "name",
      "outputKind",
      "version",
    ]);
    assert(t.version !== "" && t.description !== "", JSON.stringify(t));
  }
});

Deno.test("POST /api/translations: directory → zip → directory gives the same folder; provenance and derivs give the chain", async () => {
  const root = await publishRoot();
  await using bridge = await startTestBridge({ publishRoot: root });
  const published = await publish(bridge, {
    path: "neurons",
    class: "LocalFileDataSource",
    key: "neurons",
  });
  await using events = await openEvents(bridge);

  const zipped = await translate(bridge, {
    translator: "directory-to-zip",
    inputs: ["LocalFileDataSource:neurons"],
    key: "neurons-zip",
  });
  assertEquals(zipped.status, 201, JSON.stringify(zipped.body));
  const zip = zipped.body;
  assertEquals(Object.keys(zip).sort(), [
    "contentPath",
    "directory",
    "id",
    "inputs",
    "iri",
    "sha256",
    "statements",
    "translation",
    "translator",
    "translatorVersion",
  ]);
  assertEquals(zip.id, "LocalFileDataSource:neurons-zip");
  assertEquals(zip.translator, "directory-to-zip");
  assertEquals(zip.inputs, ["LocalFileDataSource:neurons"]);
  assertEquals(zip.directory, join(bridge.home, "data_source_data", "translation", "neurons-zip"));
  assertEquals(zip.contentPath, join(zip.directory, "neurons.zip"));
  assertEquals(zip.sha256, await sha256(zip.contentPath));
  assertEquals(zip.statements, 0);
  assertMatch(zip.translation, /^http:\/\/data\.openworm\.org\/translations\/[0-9a-f]{32}$/);
  const event = await events.find("translated", (d) => d.id === zip.id);
  assertEquals(event.data, { type: "translated", id: zip.id, translation: zip.translation });

  // No key: the default one, `<first input's key>-<translator>`.
  const unzipped = await translate(bridge, {
    translator: "zip-to-directory",
    inputs: [zip.id],
  });
  assertEquals(unzipped.status, 201, JSON.stringify(unzipped.body));
  const folder = unzipped.body;
  assertEquals(folder.id, "LocalFileDataSource:neurons-zip-zip-to-directory");
  const original = await sha256(join(root, "neurons"));
  assertEquals(await sha256(folder.contentPath), original, "the same folder digest");
  assertEquals(folder.sha256, original);
  await events.find("translated", (d) => d.id === folder.id);
  const verified = await bridge.json<VerifyReport>(path(folder.id, "/verify"), { method: "POST" });
  assertEquals([verified.status, verified.body.ok], [200, true]);

  const prov = await bridge.json<ChainNode>(path(folder.id, "/provenance"));
  assertEquals(prov.status, 200);
  assertEquals(prov.body.id, folder.id);
  assertEquals(prov.body.steps.length, 1);
  const [unzip] = prov.body.steps;
  assertEquals([unzip!.translator, unzip!.translation], ["zip-to-directory", folder.translation]);
  assertEquals(unzip!.sources.map((s) => s.id), [zip.id]);
  const [zipStep] = unzip!.sources[0]!.steps;
  assertEquals(zipStep!.translator, "directory-to-zip");
  const input = zipStep!.sources[0]!;
  assertEquals(
    [input.id, input.infoHash, input.stored, input.steps],
    ["LocalFileDataSource:neurons", published.infoHash, true, []],
  );
  const repo = bridge.bridge.state.repo;
  assertEquals(prov.body, JSON.parse(JSON.stringify(await provenanceTree(repo, folder.id))));

  const derivs = await bridge.json<ChainNode>(path(`<${input.iri}>`, "/derivs"));
  assertEquals(derivs.status, 200);
  assertEquals(derivs.body.id, "LocalFileDataSource:neurons");
  assertEquals(derivs.body.steps.map((s) => s.sources.map((o) => o.id)), [[zip.id]]);
  assertEquals(derivs.body.steps[0]!.sources[0]!.steps[0]!.sources[0]!.id, folder.id);
  assertEquals(
    derivs.body,
    JSON.parse(JSON.stringify(await derivationTree(repo, "LocalFileDataSource:neurons"))),
  );
  for (const rest of ["/provenance", "/derivs"]) {
    const missing = await bridge.json<ApiError>(path("LocalFileDataSource:absent", rest));
    assertEquals([missing.status, missing.body.error.code], [404, "not-found"], rest);
  }
});

Deno.test("POST /api/translations refuses unknown translators and inputs, wrong kinds and counts, bad options and absent inputs, changing nothing", async () => {
  const root = await publishRoot();
  await using bridge = await startTestBridge({ publishRoot: root });
  await publish(bridge, { path: "neurons", class: "LocalFileDataSource", key: "neurons" });
  const made = await bridge.json("/api/datasources", {
    method: "POST",
    body: JSON.stringify({ class: "LocalFileDataSource", key: "elsewhere" }),
  });
  assertEquals(made.status, 201);
  const graph = join(bridge.home, "graph.nq");
  const before = await Deno.readTextFile(graph);
  const neurons = "LocalFileDataSource:neurons";

  const unknown = await translate(bridge, { translator: "nope", inputs: [neurons] });
  assertEquals([unknown.status, unknown.body.error.code], [404, "unknown-translator"]);
  assertStringIncludes(unknown.body.error.message, "Unknown translator 'nope'");
  assertStringIncludes(unknown.body.error.message, "zip-to-directory");

  const noInput = await translate(bridge, {
    translator: "directory-to-zip",
    inputs: ["LocalFileDataSource:absent"],
  });
  assertEquals([noInput.status, noInput.body.error.code], [404, "not-found"]);

  const kind = await translate(bridge, { translator: "csv-to-rdf", inputs: [neurons] });
  assertEquals([kind.status, kind.body.error.code], [422, "translation-failed"]);
  assertMatch(kind.body.error.message, /input 1 must be a CSVDataSource .*neurons.* LocalFileData/);

  const count = await translate(bridge, {
    translator: "directory-to-zip",
    inputs: [neurons, "LocalFileDataSource:elsewhere"],
  });
  assertEquals([count.status, count.body.error.code], [422, "translation-failed"]);
  assertStringIncludes(count.body.error.message, "but 2 were given");

  const option = await translate(bridge, {
    translator: "directory-to-zip",
    inputs: [neurons],
    options: { compressionLevel: "11" },
  });
  assertEquals([option.status, option.body.error.code], [422, "translation-failed"]);
  assertStringIncludes(option.body.error.message, "compressionLevel=11 is not 1 to 9");

  const absent = await translate(bridge, {
    translator: "directory-to-zip",
    inputs: ["LocalFileDataSource:elsewhere"],
  });
  assertEquals([absent.status, absent.body.error.code], [409, "not-present"]);
  assertStringIncludes(absent.body.error.message, "is not present on this machine");

  // A key taken by a DataSource no translation made.
  const taken = await translate(bridge, {
    translator: "directory-to-zip",
    inputs: [neurons],
    key: "elsewhere",
  });
  assertEquals([taken.status, taken.body.error.code], [422, "translation-failed"]);
  assertStringIncludes(taken.body.error.message, "was not made by a translation");

  for (
    const [body, message] of [
      [{ inputs: [neurons] }, "Give 'translator'"],
      [{ translator: "directory-to-zip", inputs: [] }, "'inputs' must be a non-empty list"],
      [{ translator: "directory-to-zip", inputs: neurons }, "'inputs' must be a non-empty list"],
      [{ translator: "directory-to-zip", inputs: [neurons], key: 3 }, "'key' must be"],
      [
        { translator: "directory-to-zip", inputs: [neurons], options: { compressionLevel: 9 } },
        "Option 'compressionLevel' must be a string",
      ],
      [{ translator: "directory-to-zip", inputs: [neurons], options: ["x"] }, "'options' must be"],
    ] as const
  ) {
    const bad = await translate(bridge, body);
    assertEquals([bad.status, bad.body.error.code], [400, "bad-request"], JSON.stringify(body));
    assertStringIncludes(bad.body.error.message, message);
  }
  const notJson = await bridge.json<ApiError>("/api/translations", { method: "POST", body: "{" });
  assertEquals([notJson.status, notJson.body.error.code], [400, "bad-json"]);
  // A key whose folder name would pass the file system's limit (found by fuzz:api: it was a 500).
  for (const key of ["../".repeat(50), "k".repeat(214), "é".repeat(100)]) {
    const long = await translate(bridge, {
      translator: "directory-to-zip",
      inputs: [neurons],
      key,
    });
    assertEquals([long.status, long.body.error.code], [400, "bad-key"], key);
    assertStringIncludes(long.body.error.message, "too long for a folder name");
  }

  assertEquals(await Deno.readTextFile(graph), before, "the graph is unchanged");
  assertEquals(await translationDirs(bridge.home), [], "no output, no temporary directory");
});

Deno.test("POST /api/translations answers 409 for an input changed (input-corrupt) or removed (not-present) since it was published", async () => {
  const root = await publishRoot();
  await using bridge = await startTestBridge({ publishRoot: root });
  await publish(bridge, { path: "neurons", class: "LocalFileDataSource", key: "neurons" });
  const body = { translator: "directory-to-zip", inputs: ["LocalFileDataSource:neurons"] };
  await Deno.writeTextFile(join(root, "neurons", "a.csv"), "Origin,Target\nADAL,AVBR\n");
  const changed = await translate(bridge, body);
  assertEquals([changed.status, changed.body.error.code], [409, "input-corrupt"]);
  assertMatch(changed.body.error.message, /neurons.* does not verify \(.*\): repair it first/);
  await Deno.remove(join(root, "neurons"), { recursive: true });
  const removed = await translate(bridge, body);
  assertEquals([removed.status, removed.body.error.code], [409, "not-present"]);
  assertStringIncludes(removed.body.error.message, "but nothing is there");
  assertEquals(await translationDirs(bridge.home), []);
});

Deno.test("POST /api/translations: a CSV with an unterminated quote is refused (422) naming its line and row; the graph is unchanged", async () => {
  const root = await publishRoot();
  await Deno.writeTextFile(join(root, "bad.csv"), 'a,b\n1,2\n3,"unterminated\n');
  await Deno.writeTextFile(
    join(root, "edges.csv"),
    'Origin,Target,Number\r\nADAL,"AVAR, left",3\r\nAVAR,ADAL,12\r\n',
  );
  await using bridge = await startTestBridge({ publishRoot: root });
  await publish(bridge, { path: "bad.csv", class: "CSVDataSource", key: "bad" });
  await publish(bridge, { path: "edges.csv", class: "CSVDataSource", key: "edges" });

  const good = await translate(bridge, {
    translator: "csv-to-rdf",
    inputs: ["CSVDataSource:edges"],
  });
  assertEquals(good.status, 201, JSON.stringify(good.body));
  assertEquals(good.body.id, "GraphDataSource:edges-csv-to-rdf");
  assert(good.body.statements > 6, `statements: ${good.body.statements}`);
  assertStringIncludes(await Deno.readTextFile(good.body.contentPath), '"AVAR, left"');

  const graph = join(bridge.home, "graph.nq");
  const before = await Deno.readTextFile(graph);
  const bad = await translate(bridge, { translator: "csv-to-rdf", inputs: ["CSVDataSource:bad"] });
  assertEquals([bad.status, bad.body.error.code], [422, "translation-failed"]);
  assertMatch(bad.body.error.message, /^csv-to-rdf: bad\.csv line 3 \(row 2\): /);
  assertEquals(await Deno.readTextFile(graph), before, "the graph is unchanged");
  assertEquals(await translationDirs(bridge.home), ["edges-csv-to-rdf"]);
});

Deno.test("POST /api/translations: a zip with a '..' entry is refused (422) naming the entry; nothing is written", async () => {
  const root = await publishRoot();
  await Deno.writeFile(
    join(root, "evil.zip"),
    makeZip([{ name: "fine.txt", data: "ok\n" }, { name: "../escaped.txt", data: "gotcha\n" }]),
  );
  await using bridge = await startTestBridge({ publishRoot: root });
  await publish(bridge, { path: "evil.zip", class: "LocalFileDataSource", key: "evil" });
  const graph = join(bridge.home, "graph.nq");
  const before = await Deno.readTextFile(graph);
  const refused = await translate(bridge, {
    translator: "zip-to-directory",
    inputs: ["LocalFileDataSource:evil"],
  });
  assertEquals([refused.status, refused.body.error.code], [422, "translation-failed"]);
  assertStringIncludes(refused.body.error.message, "../escaped.txt");
  assertEquals(await Deno.readTextFile(graph), before);
  assertEquals(await translationDirs(bridge.home), []);
  const base = join(bridge.home, "data_source_data");
  await assertRejects(() => Deno.stat(join(base, "escaped.txt")), Deno.errors.NotFound);
});

Deno.test("POST /api/translations to one key, sent at once, run one after the other and all succeed", async () => {
  const root = await publishRoot();
  await using bridge = await startTestBridge({ publishRoot: root });
  await publish(bridge, { path: "neurons", class: "LocalFileDataSource", key: "neurons" });
  const body = {
    translator: "directory-to-zip",
    inputs: ["LocalFileDataSource:neurons"],
    key: "same",
  };
  // Unserialized, concurrent runs collide when swapping their output into place.
  const answers = await Promise.all(Array.from({ length: 8 }, () => translate(bridge, body)));
  assertEquals(answers.map((a) => a.status), Array(8).fill(201), JSON.stringify(answers));
  assertEquals(new Set(answers.map((a) => a.body.translation)).size, 1, "one record, replaced");
  assertEquals(new Set(answers.map((a) => a.body.sha256)).size, 1, "deterministic zips");
  assertEquals(await translationDirs(bridge.home), ["same"], "no temporary directory left");
  const verified = await bridge.json<VerifyReport>(path("LocalFileDataSource:same", "/verify"), {
    method: "POST",
  });
  assertEquals(verified.body.ok, true);
});

Deno.test("The translation routes need the token (401 without)", async () => {
  await using bridge = await startTestBridge();
  const requests: [string, string][] = [
    ["GET", "/api/translators"],
    ["POST", "/api/translations"],
    ["GET", path("LocalFileDataSource:x", "/provenance")],
    ["GET", path("LocalFileDataSource:x", "/derivs")],
  ];
  for (const [method, url] of requests) {
    const res = await fetch(bridge.bridge.url + url, {
      method,
      headers: { "content-type": "application/json" },
      ...(method === "POST"
        ? { body: JSON.stringify({ translator: "directory-to-zip", inputs: ["A:b"] }) }
        : {}),
    });
    const body = await res.json() as ApiError;
    assertEquals([res.status, body.error.code], [401, "unauthorized"], `${method} ${url}`);
  }
});

Deno.test("Bridge.translators, translate, provenance and derivs over the real bridge", async () => {
  const root = await publishRoot();
  await using server = await startTestBridge({ publishRoot: root });
  await using bridge = await Bridge.connect({ home: server.home, start: false });
  await bridge.publish("neurons", { class: "LocalFileDataSource", key: "neurons" });

  const names = (await bridge.translators()).map((t) => t.name);
  assertEquals(names, ["csv-to-rdf", "directory-to-zip", "zip-to-directory"]);
  const zip = await bridge.translate("directory-to-zip", ["LocalFileDataSource:neurons"], {
    key: "neurons-zip",
    options: { mtime: "2024-05-01T00:00:00Z" },
  });
  assertEquals(zip.id, "LocalFileDataSource:neurons-zip");
  assertEquals(zip.sha256, await sha256(zip.contentPath));
  const folder = await bridge.translate("zip-to-directory", [zip.id], { key: "again" });
  assertEquals(await sha256(folder.contentPath), await sha256(join(root, "neurons")));

  const prov = await bridge.provenance(folder.id);
  assertEquals(prov.steps[0]!.sources[0]!.id, zip.id);
  assertEquals(prov.steps[0]!.sources[0]!.steps[0]!.options, { mtime: "2024-05-01T00:00:00Z" });
  const derivs = await bridge.derivs("LocalFileDataSource:neurons");
  assertEquals(derivs.steps[0]!.sources[0]!.steps[0]!.sources[0]!.id, folder.id);

  const error = await assertRejects(
    () => bridge.translate("csv-to-rdf", ["LocalFileDataSource:neurons"]),
    BridgeError,
    "must be a CSVDataSource",
  );
  assertEquals([error.status, error.code], [422, "translation-failed"]);
  const unknown = await assertRejects(() => bridge.provenance("A:none"), BridgeError);
  assertEquals(unknown.status, 404);
});
