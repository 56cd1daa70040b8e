/**
 * The fair token bucket behind a session's upload and download limits:
 * waiters are served in order of arrival, nobody takes tokens past a waiter,
 * and webtorrent's own per-connection throttles, given the bucket, take
 * turns instead of one connection draining the rate.
 */
import { createEngineClient, loadEngine } from "../../lib/torrent/engine.ts";
import { FairTokenBucket } from "../../lib/torrent/fair_bucket.ts";
import { assert, assertEquals } from "../_assert.ts";

function take(bucket: FairTokenBucket, count: number): Promise<number | null> {
  return new Promise((resolve, reject) =>
    bucket.removeTokens(count, (err, left) => err ? reject(err) : resolve(left))
  );
}

Deno.test("FairTokenBucket serves waiters in order of arrival, and nobody takes past them", async () => {
  const bucket = new FairTokenBucket(10_000); // 1,000 tokens in 100 ms
  const order: string[] = [];
  const waits = ["a", "b", "c", "d"].map((name) =>
    take(bucket, 1_000).then(() => order.push(name))
  );
  assertEquals(bucket.waiting, 4);
  // Enough tokens for a small take are there, but four waited first.
  bucket.content = 500;
  assertEquals(bucket.tryRemoveTokens(10), false);
  await Promise.all(waits);
  assertEquals(order, ["a", "b", "c", "d"]);
  assertEquals(bucket.waiting, 0);
  // With nobody waiting, a take that fits is immediate.
  bucket.content = 500;
  assertEquals(bucket.tryRemoveTokens(10), true);
  assertEquals(bucket.waiting, 0);
});

Deno.test("FairTokenBucket lets a slice larger than the bucket go once the bucket is full", async () => {
  const bucket = new FairTokenBucket(100_000);
  // The rate lowered under a slice cut for the old one (a full bucket in 100 ms).
  bucket.bucketSize = 1_000;
  bucket.tokensPerInterval = 10_000;
  const left = await take(bucket, 5_000);
  assert(left !== null && left <= 1_000 - 5_000 + 1, `the bucket owes the rest (left ${left})`);
  // No limit (rate 0 in npm:limiter's sense): at once.
  const open = new FairTokenBucket(0);
  assertEquals(open.tryRemoveTokens(1e9), true);
  assertEquals(open.removeTokens(1e9, () => {}), true);
});

Deno.test("FairTokenBucket.clear() forgets its waiters and stops its timer", () => {
  const bucket = new FairTokenBucket(1_000);
  let called = false;
  bucket.removeTokens(500, () => called = true);
  assertEquals(bucket.waiting, 1);
  bucket.clear();
  assertEquals(bucket.waiting, 0);
  assertEquals(called, false);
});

interface StreamLike {
  write(chunk: Uint8Array): boolean;
  on(event: "data", fn: (chunk: Uint8Array) => void): void;
  destroy(): void;
}

Deno.test("a webtorrent client's upload limit is shared round-robin between its connections' throttles", async () => {
  await loadEngine();
  // 400 KB/s: speed-limiter cuts slices of a tenth of the rate (40 KB).
  const client = createEngineClient({
    dht: false,
    lsd: false,
    port: 0,
    hostname: "127.0.0.1",
    downloadLimit: -1,
    uploadLimit: 400_000,
    tracker: false,
  });
  const group =
    (client as unknown as { throttleGroups: { up: { bucket: unknown; throttle(): StreamLike } } })
      .throttleGroups.up;
  try {
    assert(
      group.bucket instanceof FairTokenBucket,
      "the client's upload group has the fair bucket",
    );
    // Four connections, each with 160 KB (four slices) to send, written in
    // turn as a wire that has a queue of blocks would: the first connection's
    // whole queue before the next one's.
    const throttles = [0, 1, 2, 3].map(() => group.throttle());
    const order: number[] = [];
    const done = throttles.map((throttle, i) =>
      new Promise<void>((resolve) => {
        let got = 0;
        throttle.on("data", (chunk) => {
          order.push(i);
          got += chunk.length;
          if (got === 160_000) resolve();
        });
      })
    );
    for (const [i, throttle] of throttles.entries()) {
      for (let k = 0; k < 4; k++) throttle.write(new Uint8Array(40_000).fill(i));
    }
    await Promise.all(done);
    assertEquals(order.length, 16);
    // Each round of four slices goes to the four connections.
    for (let round = 0; round < 4; round++) {
      const slice = order.slice(round * 4, round * 4 + 4);
      assertEquals(new Set(slice).size, 4, `round ${round} of ${JSON.stringify(order)}`);
    }
    for (const throttle of throttles) throttle.destroy();
  } finally {
    await new Promise<void>((resolve) => client.destroy(() => resolve()));
  }
});
