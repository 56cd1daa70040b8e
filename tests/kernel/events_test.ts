/**
 * `GET /api/events` on the real bridge: each listener gets every event in
 * order, a listener that leaves is dropped, and closing the bridge ends the
 * streams (rather than waiting for them).
 */
import type { BridgeEvent } from "../../lib/bridge/api_types.ts";
import { assertEquals, assertRejects } from "../_assert.ts";
import { openEvents, startTestBridge, waitFor } from "./_bridge.ts";

Deno.test("GET /api/events sends every event to every listener, in order", async () => {
  await using bridge = await startTestBridge();
  const res = await bridge.api("/api/events");
  assertEquals(res.headers.get("content-type")?.split(";")[0], "text/event-stream");
  await res.body?.cancel();
  await using one = await openEvents(bridge);
  await using two = await openEvents(bridge);
  await waitFor(() => bridge.bridge.state.events.size === 2 || undefined, "two listeners");
  const sent: BridgeEvent[] = Array.from({ length: 20 }, (_, i) => ({
    type: "error",
    id: `CSVDataSource:k${i}`,
    infoHash: null,
    message: `event ${i}`,
  }));
  for (const event of sent) bridge.bridge.state.events.publish(event);
  for (const reader of [one, two]) {
    for (const event of sent) assertEquals((await reader.next("error")).data, event);
  }
  await one.close();
  await waitFor(() => bridge.bridge.state.events.size === 1 || undefined, "one listener left");
});

Deno.test("closing the bridge ends the event streams", async () => {
  const bridge = await startTestBridge();
  const events = await openEvents(bridge);
  await bridge.bridge.close();
  await assertRejects(() => events.next("anything"), Error, "ended");
  await events.close();
});
