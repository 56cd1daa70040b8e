/**
 * `GET /api/kinds`: the DataSource classes this bridge knows (built in,
 * registered, or recorded in the store), and which of them can record a
 * published torrent (what the upload page offers).
 *
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { KindItem } from "../../lib/bridge/api_types.ts";
import { canPublish } from "../../lib/publish/publish.ts";
import * as wire from "../../lib/wire/kinds.ts";
import { apiRouter, declareRoute } from "../api_route.ts";
import type { BridgeState } from "../bridge_state.ts";
import { answer, ERROR_ANSWERS } from "../openapi.ts";

/** The route, as declared (and documented in /openapi.json). */
export const KINDS_ROUTE = createRoute({
  method: "get",
  path: "/",
  summary: "DataSource classes, and which can record a published torrent",
  responses: { 200: answer("Classes", z.array(wire.KindItem)), ...ERROR_ANSWERS },
});

/** The kinds route over `state` (mount at `/api/kinds`). */
export function kindRoutes(state: BridgeState) {
  const app = apiRouter();
  declareRoute(app, KINDS_ROUTE, async (c) => {
    const items: KindItem[] = [];
    for (const kind of await state.repo.kinds()) {
      let publishable = false;
      try {
        publishable = canPublish(await state.repo.classFor(kind.iri));
      } catch {
        // A class recorded in the store that cannot be revived: not offered.
      }
      items.push({ name: kind.name, iri: kind.iri, parent: kind.parent ?? null, publishable });
    }
    items.sort((a, b) => a.name.localeCompare(b.name));
    return c.json(items);
  });
  return app;
}
