/**
 * `GET /openapi.json` on the real bridge: readable without the token, built
 * from the route declarations, and documenting every API route the app
 * serves (the core routes and those the extensions mount), each with its
 * method and the answers every route shares, and nothing it does not serve.
 */
import { createApp } from "../../kernel/app.ts";
import { extend } from "../../kernel/extensions.ts";
import { openApiDocument } from "../../kernel/openapi.ts";
import { assert, assertEquals } from "../_assert.ts";
import { startTestBridge } from "./_bridge.ts";

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
}

/** The `/api` (and `/sparql`) routes `app` serves, as `[method, "/api/x/{name}"]`, each once. */
function apiRoutes(app: { routes: { method: string; path: string }[] }): [string, string][] {
  const seen = new Set<string>();
  const out: [string, string][] = [];
  for (const r of app.routes) {
    const sparql = r.path === "/sparql" || r.path === "/rdf-graph-store"; // SPARQL 1.1 Protocol
    if (r.method === "ALL" || !(r.path.startsWith("/api/") || sparql)) continue;
    const route: [string, string] = [r.method.toLowerCase(), r.path.replace(/:(\w+)/g, "{$1}")];
    if (seen.has(route.join(" "))) continue;
    seen.add(route.join(" "));
    out.push(route);
  }
  return out;
}

function checkDocumented(doc: Doc, routes: [string, string][]): void {
  const missing = routes.filter(([method, path]) => !doc.paths[path]?.[method]);
  assertEquals(missing, [], "routes missing from /openapi.json");
  for (const [method, path] of routes) {
    const operation = doc.paths[path]![method]!;
    assert(operation.responses?.["401"], `${method} ${path} documents the 401 answer`);
    assert(operation.responses?.["400"], `${method} ${path} documents the 400 answer`);
  }
  const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).filter((k) => k !== "parameters").map((method) => [method, path])
  );
  const extra = documented.filter(([m, p]) => !routes.some(([rm, rp]) => rm === m && rp === p));
  assertEquals(extra, [], "documented operations the app does not serve");
}

Deno.test("GET /openapi.json documents every /api route with its method", async () => {
  await using bridge = await startTestBridge();
  const res = await fetch(bridge.bridge.url + "/openapi.json");
  assertEquals(res.status, 200, "no token needed");
  assertEquals(res.headers.get("content-type")?.split(";")[0], "application/json");
  const served = await res.json() as Doc;
  assert(served.openapi.startsWith("3."), served.openapi);
  assert("bearer" in served.components.securitySchemes);
  // What the running bridge serves is what it documents.
  const bare = createApp(bridge.bridge.state, { token: bridge.bridge.token });
  checkDocumented(served, apiRoutes(bare));

  // The app startBridge() serves with the extensions: they are documented too.
  const app = createApp(bridge.bridge.state, { token: bridge.bridge.token });
  extend(app, bridge.bridge.state, bridge.bridge.token);
  const routes = apiRoutes(app);
  assert(routes.length >= 20, `found ${routes.length} routes`);
  const doc = openApiDocument(app) as Doc;
  checkDocumented(doc, routes);
  for (
    const name of [
      "Error",
      "DataSourceItem",
      "DataSourceDetail",
      "FetchAccepted",
      "LockEntry",
      "TorrentStatus",
      "Translator",
      "Translation",
      "ChainNode",
      "VerifyReport",
    ]
  ) assert(name in doc.components.schemas, `the schema ${name} is a component`);
});
