/**
 * `GET /api/index[?kind=K][&q=TEXT]`: the catalogue of the bridge's torrent
 * indexes (lib/index/catalogue.ts), as `owm index list` and `owm index
 * search` show it.
 *
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { listCatalogue } from "../../lib/index/catalogue.ts";
import * as wire from "../../lib/wire/catalogue.ts";
import { apiRouter, declareRoute } from "../api_route.ts";
import type { BridgeState } from "../bridge_state.ts";
import { answer, ERROR_ANSWERS } from "../openapi.ts";

/** The route, as declared (and documented in /openapi.json). */
export const CATALOGUE_ROUTE = createRoute({
  method: "get",
  path: "/",
  summary: "The catalogue: every dataset in the bridge's torrent indexes",
  request: { query: wire.CatalogueQuery },
  responses: { 200: answer("The catalogue", wire.CatalogueJson), ...ERROR_ANSWERS },
});

/** The catalogue route over `state` (mount at `/api/index`). */
export function catalogueRoutes(state: BridgeState) {
  const app = apiRouter();
  declareRoute(app, CATALOGUE_ROUTE, async (c, { query }) => {
    const { kind, q } = query;
    const text = q?.trim();
    const catalogue = await listCatalogue(state.indexes, {
      optionalFolders: [state.stack.layout.torrents],
      ...(kind ? { kind } : {}),
      ...(text ? { text } : {}),
    });
    return c.json(catalogue);
  });
  return app;
}
