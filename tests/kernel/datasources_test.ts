/**
 * `/api/datasources` on the real bridge over HTTP: list, create, show and
 * delete, the error answers, URL-encoded ids (CURIEs with escapes and full
 * IRIs), and the fetch and verify answers that need no peer.
 */
import type {
  ApiError,
  DataSourceDetail,
  DataSourceItem,
  FetchAccepted,
} from "../../lib/bridge/api_types.ts";
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { startTestBridge, type TestBridge } from "./_bridge.ts";

function create(bridge: TestBridge, body: unknown) {
  return bridge.json<DataSourceDetail & ApiError>("/api/datasources", {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const path = (id: string, rest = "") => `/api/datasources/${encodeURIComponent(id)}${rest}`;

Deno.test("POST /api/datasources creates, GET lists and shows, DELETE removes", async () => {
  await using bridge = await startTestBridge();
  assertEquals(await bridge.json("/api/datasources"), { status: 200, body: [] });

  const made = await create(bridge, {
    class: "CSVDataSource",
    key: "worms",
    fields: { torrentFileName: "d9da5ce947c6f1c127dfcdc2ede63320.torrent", csvFileName: "c.csv" },
  });
  assertEquals(made.status, 201);
  assertEquals(made.body.id, "CSVDataSource:worms");
  assertEquals(made.body.kind, "CSVDataSource");
  assertEquals(made.body.key, "worms");
  assertEquals(made.body.fields.torrentFileName, ["d9da5ce947c6f1c127dfcdc2ede63320.torrent"]);
  assertStringIncludes(made.body.text, "Torrent file name: 'd9da5ce947c6f1c127dfcdc2ede63320");
  await create(bridge, { class: "LocalFileDataSource", key: "local" });

  const list = await bridge.json<DataSourceItem[]>("/api/datasources");
  assertEquals(list.status, 200);
  assertEquals(list.body.map((d) => d.id).sort(), [
    "CSVDataSource:worms",
    "LocalFileDataSource:local",
  ]);
  const csv = await bridge.json<DataSourceItem[]>("/api/datasources?kind=CSVDataSource");
  assertEquals(csv.body.map((d) => d.id), ["CSVDataSource:worms"]);
  const files = await bridge.json<DataSourceItem[]>("/api/datasources?kind=FileDataSource");
  assertEquals(files.body.length, 2, "a kind includes its subclasses");

  const shown = await bridge.json<DataSourceDetail>(path("CSVDataSource:worms"));
  assertEquals(shown, { status: 200, body: made.body });
  const byIri = await bridge.json<DataSourceDetail>(path(`<${made.body.iri}>`));
  assertEquals(byIri.body.id, "CSVDataSource:worms", "a full <IRI>, URL-encoded, works too");

  const removed = await bridge.api(path("CSVDataSource:worms"), { method: "DELETE" });
  assertEquals(removed.status, 204);
  assertEquals(await removed.text(), "");
  assertEquals((await bridge.json(path("CSVDataSource:worms"))).status, 404);
  assertEquals((await bridge.json(path("CSVDataSource:worms"), { method: "DELETE" })).status, 404);
  const left = await bridge.json<DataSourceItem[]>("/api/datasources");
  assertEquals(left.body.map((d) => d.id), ["LocalFileDataSource:local"]);
});

Deno.test("/api/datasources/{id} takes URL-encoded ids whose keys need escaping", async () => {
  await using bridge = await startTestBridge();
  for (const key of ["a b/c", "x#y?z", "ü-ñ", "<odd>", "100%"]) {
    const made = await create(bridge, { class: "CSVDataSource", key });
    assertEquals(made.status, 201, key);
    for (const id of [made.body.id, `<${made.body.iri}>`]) {
      const shown = await bridge.json<DataSourceDetail>(path(id));
      assertEquals(shown.status, 200, id);
      assertEquals(shown.body.iri, made.body.iri, id);
    }
    const listed = await bridge.json<DataSourceItem[]>("/api/datasources");
    assert(listed.body.some((d) => d.id === made.body.id), `${made.body.id} is listed`);
    const removed = await bridge.api(path(made.body.id), { method: "DELETE" });
    assertEquals(removed.status, 204, `DELETE ${made.body.id}`);
  }
  assertEquals((await bridge.json("/api/datasources")).body, []);
});

Deno.test("POST /api/datasources answers 400 for bad JSON, bad fields and an unknown class", async () => {
  await using bridge = await startTestBridge();
  const cases: [unknown, number, string][] = [
    ["{", 400, "bad-json"],
    ["", 400, "bad-json"],
    ["[1]", 400, "bad-json"],
    ["null", 400, "bad-json"],
    [{ key: "k" }, 400, "bad-request"],
    [{ class: "CSVDataSource" }, 400, "bad-request"],
    [{ class: "CSVDataSource", key: "" }, 400, "bad-request"],
    [{ class: "CSVDataSource", key: "k", fields: [1] }, 400, "bad-request"],
    [{ class: "CSVDataSource", key: "k", fields: { noSuchField: 1 } }, 400, "bad-field"],
    [{ class: "NoSuchDataSource", key: "k" }, 400, "unknown-kind"],
    [{ class: "CSVDataSource", key: "k", context: "not an IRI" }, 400, "bad-request"],
  ];
  for (const [body, status, code] of cases) {
    const answer = await create(bridge, body);
    assertEquals([answer.status, answer.body.error?.code], [status, code], JSON.stringify(body));
    assert(answer.body.error.message.length > 0);
  }
  assertEquals((await bridge.json("/api/datasources")).body, [], "nothing was half-made");
  const kind = await bridge.json<ApiError>("/api/datasources?kind=NoSuchDataSource");
  assertEquals([kind.status, kind.body.error.code], [400, "unknown-kind"]);
});

Deno.test("GET, DELETE, fetch and verify of an unknown id answer 404; a malformed id 400", async () => {
  await using bridge = await startTestBridge();
  const calls: [string, string][] = [["GET", ""], ["DELETE", ""], ["POST", "/fetch"], [
    "POST",
    "/verify",
  ]];
  for (const [method, rest] of calls) {
    const missing = await bridge.json<ApiError>(path("CSVDataSource:nothing", rest), { method });
    assertEquals(
      [missing.status, missing.body.error.code],
      [404, "not-found"],
      `${method} ${rest}`,
    );
    assertStringIncludes(missing.body.error.message, "CSVDataSource:nothing");
    const malformed = await bridge.json<ApiError>(path("no-colon", rest), { method });
    assertEquals(
      [malformed.status, malformed.body.error.code],
      [400, "bad-id"],
      `${method} ${rest}`,
    );
  }
  const endpoint = await bridge.json<ApiError>("/api/nothing-here");
  assertEquals([endpoint.status, endpoint.body.error.code], [404, "not-found"]);
});

Deno.test("POST …/fetch and …/verify refuse what cannot be fetched or is not present", async () => {
  await using bridge = await startTestBridge();
  await create(bridge, { class: "CSVDataSource", key: "bare" });
  const bare = await bridge.json<ApiError>(path("CSVDataSource:bare", "/fetch"), {
    method: "POST",
  });
  assertEquals([bare.status, bare.body.error.code], [409, "no-torrent"]);

  await create(bridge, {
    class: "CSVDataSource",
    key: "lost",
    fields: { torrentFileName: "0123456789abcdef0123456789abcdef.torrent" },
  });
  const lost = await bridge.json<ApiError>(path("CSVDataSource:lost", "/fetch"), {
    method: "POST",
  });
  assertEquals([lost.status, lost.body.error.code], [404, "not-found"], "no index has the torrent");

  const hash = "0123456789abcdef0123456789abcdef01234567";
  await create(bridge, { class: "CSVDataSource", key: "hashed", fields: { infoHash: hash } });
  for (
    const [body, code] of [
      ["{", "bad-json"],
      [JSON.stringify({ peers: "127.0.0.1:1" }), "bad-request"],
      [JSON.stringify({ peers: ["not a peer"] }), "bad-peer"],
    ]
  ) {
    const bad = await bridge.json<ApiError>(path("CSVDataSource:hashed", "/fetch"), {
      method: "POST",
      body: body!,
    });
    assertEquals([bad.status, bad.body.error.code], [400, code], body);
  }
  assertEquals((await bridge.json("/api/torrents")).body, [], "no refused fetch started");

  const verify = await bridge.json<ApiError>(path("CSVDataSource:hashed", "/verify"), {
    method: "POST",
  });
  assertEquals([verify.status, verify.body.error.code], [409, "not-present"]);

  // An infohash alone is enough to start (the metadata would come from peers).
  const started = await bridge.json<FetchAccepted>(path("CSVDataSource:hashed", "/fetch"), {
    method: "POST",
  });
  assertEquals(started.status, 202);
  assertEquals(started.body, {
    id: "CSVDataSource:hashed",
    infoHash: hash,
    status: `/api/torrents/${hash}`,
    state: "started",
  });
  const again = await bridge.json<FetchAccepted>(path("CSVDataSource:hashed", "/fetch"), {
    method: "POST",
  });
  assertEquals([again.status, again.body.state], [202, "running"], "a second call starts nothing");
  const status = await bridge.json<{ status: string }>(started.body.status);
  assertEquals([status.status, status.body.status], [200, "metadata"]);
});
