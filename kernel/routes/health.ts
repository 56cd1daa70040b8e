/**
 * `GET /api/health`: whether the bridge answers (with the token), and how
 * many torrents it has.
 *
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import type { Health } from "../../lib/bridge/api_types.ts";
import * as wire from "../../lib/wire/health.ts";
import { apiRouter, declareRoute } from "../api_route.ts";
import type { BridgeState } from "../bridge_state.ts";
import { answer, ERROR_ANSWERS } from "../openapi.ts";

/** The route, as declared (and documented in /openapi.json). */
export const HEALTH_ROUTE = createRoute({
  method: "get",
  path: "/",
  summary: "Whether the bridge answers, and how many torrents it has",
  responses: { 200: answer("Alive", wire.Health), ...ERROR_ANSWERS },
});

/** The health route over `state` (mount at `/api/health`). */
export function healthRoutes(state: BridgeState) {
  const app = apiRouter();
  declareRoute(app, HEALTH_ROUTE, (c) => {
    const health: Health = { ok: true, torrents: state.session.torrents.length };
    return c.json(health);
  });
  return app;
}
