/**
 * engine.ts cacheSpeeds: a wire's speed meters are read once per job, and
 * every byte added still reaches them (webtorrent reads the download speed
 * for every piece it walks past in a request round, and each read of
 * npm:throughput is a clock op in Deno).
 */
import { cacheSpeeds, type EngineWire } from "../../lib/torrent/engine.ts";
import { assertEquals } from "../_assert.ts";

/** A meter like npm:throughput's: `meter(n)` adds n bytes, `meter()` reads; it counts its calls. */
function countingMeter() {
  let total = 0;
  const meter = (delta?: number) => {
    meter.calls++;
    if (delta) total += delta;
    return total;
  };
  meter.calls = 0;
  return meter;
}

Deno.test("cacheSpeeds: reads in one job cost one meter call; added bytes always reach it", async () => {
  const down = countingMeter();
  const up = countingMeter();
  const wire = { downloadSpeed: down, uploadSpeed: up } as unknown as EngineWire & {
    downloadSpeed(delta?: number): number;
    uploadSpeed(delta?: number): number;
  };
  cacheSpeeds(wire);
  for (let i = 0; i < 1000; i++) assertEquals(wire.downloadSpeed(), 0);
  assertEquals(down.calls, 1, "a thousand reads in one job read the meter once");
  assertEquals(wire.downloadSpeed(16384), 16384, "bytes added go to the meter");
  assertEquals(wire.downloadSpeed(), 16384, "a read after an add sees it");
  assertEquals(down.calls, 2);
  await Promise.resolve();
  wire.downloadSpeed();
  assertEquals(down.calls, 3, "the next job reads the meter again");
  wire.uploadSpeed();
  wire.uploadSpeed();
  assertEquals(up.calls, 1, "the upload meter too");
});
