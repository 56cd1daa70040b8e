/**
 * Requests the route schemas (lib/wire/) refuse are answered with the
 * bridge's 400 error body naming the field, never the schema library's own
 * dump; and a route declared with other media types than JSON (as the
 * SPARQL endpoint is) is validated, negotiated and documented the same way.
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { ApiError } from "../../lib/bridge/api_types.ts";
import { apiRouter, declareRoute, preferredMediaType } from "../../kernel/api_route.ts";
import { onError } from "../../kernel/http_errors.ts";
import { answer, ERROR_ANSWERS, jsonContent, openApiDocument } from "../../kernel/openapi.ts";
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { startTestBridge } from "./_bridge.ts";

/** No trace of the schema library's issue list in an answer. */
function assertPlain(message: string): void {
  for (const dump of ["invalid_type", '"path"', '"code"', "[", "ZodError"]) {
    assert(!message.includes(dump), `a plain message, not a dump: ${message}`);
  }
}

Deno.test("the live bridge answers schema refusals with its 400 body, naming the field", async () => {
  await using bridge = await startTestBridge();
  const post = (path: string, body: unknown) =>
    bridge.json<ApiError>(path, { method: "POST", body: JSON.stringify(body) });

  const cls = await post("/api/datasources", { class: 1, key: "k" });
  assertEquals([cls.status, cls.body.error.code], [400, "bad-request"]);
  assertStringIncludes(cls.body.error.message, "'class'");
  assertPlain(cls.body.error.message);

  const fields = await post("/api/datasources", { class: "CSVDataSource", key: "k", fields: 3 });
  assertEquals([fields.status, fields.body.error.code], [400, "bad-request"]);
  assertStringIncludes(fields.body.error.message, "'fields'");

  // Lengths stay kernel/request_limits.ts's, worded as before.
  const long = await post("/api/datasources", { class: "CSVDataSource", key: "k".repeat(3000) });
  assertEquals([long.status, long.body.error.code], [400, "too-long"]);
  assertStringIncludes(long.body.error.message, "'key' is 3000 characters long");

  await post("/api/datasources", { class: "CSVDataSource", key: "w" });
  const lock = await post("/api/datasources/CSVDataSource:w/fetch", { lock: { iri: "x" } });
  assertEquals([lock.status, lock.body.error.code], [400, "bad-lock"]);
  assertStringIncludes(lock.body.error.message, "'lock.");
  assertPlain(lock.body.error.message);

  const peers = await post("/api/datasources/CSVDataSource:w/fetch", { peers: [1] });
  assertEquals([peers.status, peers.body.error.code], [400, "bad-request"]);
  assertStringIncludes(peers.body.error.message, "'peers'");

  // The body is read after the id is looked up, as before: an unknown id is 404 first.
  const unknown = await post("/api/datasources/CSVDataSource:nope/fetch", { peers: [1] });
  assertEquals([unknown.status, unknown.body.error.code], [404, "not-found"]);

  const hash = await bridge.json<ApiError>("/api/torrents/xyz");
  assertEquals([hash.status, hash.body.error.code], [400, "bad-infohash"]);
  assertEquals(hash.body.error.message, "'xyz' is not an infohash (40 hex digits)");

  const inputs = await post("/api/translations", { translator: "zip-to-directory", inputs: "x" });
  assertEquals([inputs.status, inputs.body.error.code], [400, "bad-request"]);
  assertStringIncludes(inputs.body.error.message, "'inputs' must be a non-empty list");

  // A JSON body sent without a JSON content type is read as JSON, as it always was.
  const res = await bridge.api("/api/datasources", {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: JSON.stringify({ class: "CSVDataSource", key: "plain" }),
  });
  assertEquals(res.status, 201);
  await res.body?.cancel();
});

const Query = z.object({ limit: z.string().max(3).optional() });
const Item = z.object({ name: z.string(), tags: z.object({ main: z.string() }).optional() });
const SPARQL = createRoute({
  method: "post",
  path: "/sparql",
  summary: "A query",
  request: {
    query: Query,
    body: {
      required: true,
      content: {
        "application/sparql-query": { schema: z.string().min(1) },
        "application/json": { schema: Item },
      },
    },
  },
  responses: {
    200: {
      description: "The results",
      content: {
        "application/sparql-results+json": { schema: z.unknown() },
        "text/csv": { schema: z.string() },
      },
    },
    201: answer("Saved", Item),
    ...ERROR_ANSWERS,
  },
});

function toyApp() {
  const app = apiRouter();
  declareRoute(app, SPARQL, async (c, input) => {
    if ((c.req.header("content-type") ?? "").startsWith("application/json")) {
      return c.json(await input.body(), 201);
    }
    const { text, mediaType } = await input.text();
    const type = preferredMediaType(c, SPARQL, 200);
    return c.body(`${mediaType}:${text}`, 200, { "content-type": type });
  });
  app.onError(onError);
  return app;
}

Deno.test("a route declared with its own media types is validated, negotiated and documented", async () => {
  const app = toyApp();
  const send = (body: string, type: string, accept?: string, query = "") =>
    app.request(`/sparql${query}`, {
      method: "POST",
      body,
      headers: { "content-type": type, ...(accept ? { accept } : {}) },
    });

  const csv = await send("ASK {}", "application/sparql-query", "text/csv;q=0.9, */*;q=0.1");
  assertEquals([csv.status, csv.headers.get("content-type")], [200, "text/csv"]);
  assertEquals(await csv.text(), "application/sparql-query:ASK {}");
  const first = await send("ASK {}", "application/sparql-query");
  assertEquals(first.headers.get("content-type"), "application/sparql-results+json");
  await first.body?.cancel();

  const refused = await send("ASK {}", "application/sparql-query", "image/png");
  assertEquals(refused.status, 406);
  assertEquals((await refused.json() as ApiError).error.code, "not-acceptable");
  const wrongType = await send("ASK {}", "application/x-www-form-urlencoded");
  assertEquals(wrongType.status, 415);
  assertStringIncludes(
    (await wrongType.json() as ApiError).error.message,
    "application/sparql-query",
  );
  const empty = await send("", "application/sparql-query");
  assertEquals(empty.status, 400);
  await empty.body?.cancel();

  const nested = await send(JSON.stringify({ name: "n", tags: { main: 1 } }), "application/json");
  const nestedBody = await nested.json() as ApiError;
  assertEquals([nested.status, nestedBody.error.code], [400, "bad-request"]);
  assertEquals(nestedBody.error.message, "'tags.main' must be a string, not a whole number");
  const missing = await send(JSON.stringify({}), "application/json");
  assertEquals((await missing.json() as ApiError).error.message, "Give 'name' (a string)");
  const saved = await send(JSON.stringify({ name: "n", extra: 1 }), "application/json");
  assertEquals([saved.status, await saved.json()], [201, { name: "n" }]);
  const tooLong = await send("ASK {}", "application/sparql-query", undefined, "?limit=12345");
  const tooLongBody = await tooLong.json() as ApiError;
  assertEquals([tooLong.status, tooLongBody.error.code], [400, "too-long"]);
  assertStringIncludes(tooLongBody.error.message, "'limit' is 5 characters long");

  const doc = openApiDocument(app) as {
    paths: Record<string, { post: Record<string, Record<string, unknown>> }>;
  };
  const op = doc.paths["/sparql"]!.post;
  const body = op.requestBody as { content: Record<string, unknown> };
  assertEquals(Object.keys(body.content).sort(), ["application/json", "application/sparql-query"]);
  const ok = op.responses!["200"] as { content: Record<string, unknown> };
  assertEquals(Object.keys(ok.content), ["application/sparql-results+json", "text/csv"]);
  assert(op.responses!["201"] && op.responses!["401"], "201 and the shared answers documented");
  assertEquals(jsonContent(Item)["application/json"].schema, Item);
});

Deno.test("a route served by OpenAPIHono's own validators answers through the same hook", async () => {
  const app = apiRouter();
  const route = createRoute({
    method: "post",
    path: "/items",
    request: { body: { required: true, content: jsonContent(Item) } },
    responses: { 201: answer("Saved", Item), ...ERROR_ANSWERS },
  });
  app.openapi(route, (c) => c.json(c.req.valid("json"), 201));
  app.onError(onError);
  const send = (body: unknown) =>
    app.request("/items", {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });
  const bad = await send({ name: 7 });
  const body = await bad.json() as ApiError;
  assertEquals([bad.status, body.error.code], [400, "bad-request"]);
  assertEquals(body.error.message, "'name' must be a string, not a number");
  const missing = await send({});
  assertEquals((await missing.json() as ApiError).error.message, "Give 'name' (a string)");
  const good = await send({ name: "n" });
  assertEquals([good.status, await good.json()], [201, { name: "n" }]);
});
