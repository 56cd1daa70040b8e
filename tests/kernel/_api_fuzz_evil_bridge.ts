/**
 * A deliberately broken bridge for the API fuzzer's self-test: it serves an
 * `/openapi.json` of the bridge's shape and answers the seeding calls plausibly, but
 * `GET /api/torrents` is a 500, `POST /api/datasources/{id}/fetch` never
 * answers, and any request naming the canary (a path with `canary` in it, in
 * the URL or the body) has that path read (relative ones from a content
 * folder inside the store, as a careless join would) and echoed back. A fuzzer
 * that passes against this bridge detects nothing.
 *
 * Usage: `deno run --allow-all _api_fuzz_evil_bridge.ts --home DIR`
 *
 * @module
 */
import { join, resolve } from "node:path";

const id = { name: "id", in: "path", required: true, schema: { type: "string" } };
const jsonBody = (schema: unknown) => ({ content: { "application/json": { schema } } });
/** A small OpenAPI document of the routes it serves (the real bridge's shape). */
const OPENAPI = {
  openapi: "3.1.0",
  info: { title: "a deliberately broken bridge", version: "1" },
  paths: {
    "/api/health": { get: {} },
    "/api/kinds": { get: {} },
    "/api/translators": { get: {} },
    "/api/torrents": { get: {} },
    "/api/datasources": {
      get: {},
      post: {
        requestBody: jsonBody({
          type: "object",
          required: ["class", "key"],
          properties: {
            class: { type: "string" },
            key: { type: "string" },
            fields: { type: "object" },
          },
        }),
      },
    },
    "/api/datasources/{id}": { parameters: [id], get: {} },
    "/api/datasources/{id}/verify": { parameters: [id], post: {} },
    "/api/datasources/{id}/fetch": {
      parameters: [id],
      post: {
        requestBody: jsonBody({ type: "object", properties: { peers: { type: "array" } } }),
      },
    },
    "/api/publish": {
      post: {
        requestBody: jsonBody({
          type: "object",
          required: ["path", "class", "key"],
          properties: {
            path: { type: "string" },
            class: { type: "string" },
            key: { type: "string" },
          },
        }),
      },
    },
  },
};

const home = Deno.args[Deno.args.indexOf("--home") + 1]!;
const token = "e".repeat(43);
const contentDir = join(home, "uploads", "fuzz-upload");

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** Reads every path with `canary` in it that `text` names; what it read, joined. */
async function follow(text: string): Promise<string> {
  let out = "";
  const stop = /[\s"'<>?&=]/;
  for (let at = text.indexOf("canary"); at !== -1; at = text.indexOf("canary", at + 1)) {
    let start = at;
    while (start > 0 && !stop.test(text[start - 1]!)) start--;
    let end = at;
    while (end < text.length && !stop.test(text[end]!)) end++;
    const path = resolve(contentDir, text.slice(start, end).replace(/^file:\/\//, ""));
    try {
      out += await Deno.readTextFile(path);
    } catch {
      // not there: a careless bridge goes on
    }
  }
  return out;
}

const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
  const url = new URL(req.url);
  const path = url.pathname;
  if (path === "/openapi.json") return json(OPENAPI);
  if (req.headers.get("authorization") !== `Bearer ${token}`) return json({}, 401);
  let body = "";
  try {
    body = await req.text();
  } catch {
    // a broken body
  }
  let raw = path;
  try {
    raw = decodeURIComponent(req.url);
  } catch {
    raw = req.url;
  }
  const leaked = await follow(`${raw} ${body}`);
  if (leaked) return json({ ok: true, echoed: leaked });
  if (path === "/api/torrents" && req.method === "GET") {
    return json({ error: { code: "internal", message: "Unexpected error" } }, 500);
  }
  if (/^\/api\/datasources\/[^/]+\/fetch$/.test(path)) return await new Promise(() => {});
  if (path === "/api/health") return json({ ok: true, torrents: 0 });
  if (path === "/api/kinds") {
    return json([{ name: "CSVDataSource", iri: "urn:x", parent: null, publishable: true }]);
  }
  if (path === "/api/translators") return json([]);
  if (req.method === "POST" && /^\/api\/(datasources|uploads|publish)$/.test(path)) {
    return json({ id: "CSVDataSource:fuzz", infoHash: "0".repeat(40) }, 201);
  }
  return json({ id: "CSVDataSource:fuzz", kind: "CSVDataSource", key: "fuzz", fields: {} });
});

await Deno.writeTextFile(
  join(home, "bridge.json"),
  JSON.stringify({ url: `http://127.0.0.1:${server.addr.port}`, token }),
);
console.log(`listening on http://127.0.0.1:${server.addr.port}`);
