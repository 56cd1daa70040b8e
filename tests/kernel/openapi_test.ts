/**
 * `GET /openapi.json` on the real bridge: readable without the token, and
 * documenting every API route the app serves (the core routes and those the
 * extensions mount), each with its method.
 */
import { createApp } from "../../kernel/app.ts";
import { extend } from "../../kernel/extensions.ts";
import { assert, assertEquals } from "../_assert.ts";
import { startTestBridge } from "./_bridge.ts";

Deno.test("GET /openapi.json documents every /api route with its method", async () => {
  await using bridge = await startTestBridge();
  const res = await fetch(bridge.bridge.url + "/openapi.json");
  assertEquals(res.status, 200, "no token needed");
  assertEquals(res.headers.get("content-type")?.split(";")[0], "application/json");
  const doc = await res.json() as {
    openapi: string;
    paths: Record<string, Record<string, unknown>>;
    components: { securitySchemes: Record<string, unknown> };
  };
  assert(doc.openapi.startsWith("3."), doc.openapi);
  assert("bearer" in doc.components.securitySchemes);

  // The routes of the same app startBridge() serves, extensions included.
  const app = createApp(bridge.bridge.state, { token: bridge.bridge.token });
  extend(app, bridge.bridge.state, bridge.bridge.token);
  const routes = app.routes
    .filter((r) => r.method !== "ALL" && r.path.startsWith("/api/"))
    .map((r) => [r.method.toLowerCase(), r.path.replace(/:(\w+)/g, "{$1}")] as const);
  assert(routes.length >= 14, `found ${routes.length} routes`);
  const missing = routes.filter(([method, path]) => !doc.paths[path]?.[method]);
  assertEquals(missing, [], "routes missing from /openapi.json");
  for (const [method, path] of routes) {
    const operation = doc.paths[path]![method] as { responses?: Record<string, unknown> };
    assert(operation.responses?.["401"], `${method} ${path} documents the 401 answer`);
  }
  const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).filter((k) => k !== "parameters").map((method) => [method, path])
  );
  const extra = documented.filter(([m, p]) => !routes.some(([rm, rp]) => rm === m && rp === p));
  assertEquals(extra, [], "documented operations the app does not serve");
});
