/**
 * `GET /api/events`: Server-Sent Events pushing progress, completion,
 * verification, publishing and errors (the SSE event name is the event's
 * `type`; the data is the event as JSON).
 *
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import { BridgeEvent } from "../../lib/wire/events.ts";
import { apiRouter, declareRoute } from "../api_route.ts";
import type { BridgeState } from "../bridge_state.ts";
import { ERROR_ANSWERS } from "../openapi.ts";

/** The route, as declared (and documented in /openapi.json). */
export const EVENTS_ROUTE = createRoute({
  method: "get",
  path: "/",
  summary:
    "Server-Sent Events: progress, done, verified, published, translated ({id, translation}), error (with a 'code' such as lock-mismatch for known failures)",
  responses: {
    200: {
      description: "text/event-stream",
      content: { "text/event-stream": { schema: BridgeEvent } },
    },
    ...ERROR_ANSWERS,
  },
});

/** The events route over `state` (mount at `/api/events`). */
export function eventRoutes(state: BridgeState) {
  const app = apiRouter();
  declareRoute(app, EVENTS_ROUTE, (c) =>
    streamSSE(c, async (stream) => {
      const subscription = state.events.subscribe();
      stream.onAbort(() => subscription.close());
      await stream.writeSSE({ event: "hello", data: JSON.stringify({ type: "hello" }) });
      let id = 0;
      for await (const event of subscription) {
        await stream.writeSSE({ event: event.type, data: JSON.stringify(event), id: String(++id) });
      }
    }));
  return app;
}
