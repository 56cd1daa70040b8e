/**
 * `GET /api/events`: Server-Sent Events pushing progress, completion,
 * verification, publishing and errors (the SSE event name is the event's
 * `type`; the data is the event as JSON).
 *
 * @module
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { BridgeState } from "../bridge_state.ts";

/** The events route over `state`. */
export function eventRoutes(state: BridgeState) {
  return new Hono().get("/", (c) =>
    streamSSE(c, async (stream) => {
      const subscription = state.events.subscribe();
      stream.onAbort(() => subscription.close());
      await stream.writeSSE({ event: "hello", data: JSON.stringify({ type: "hello" }) });
      let id = 0;
      for await (const event of subscription) {
        await stream.writeSSE({ event: event.type, data: JSON.stringify(event), id: String(++id) });
      }
    }));
}
