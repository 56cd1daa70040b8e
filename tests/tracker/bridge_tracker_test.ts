/**
 * The bridge started with a tracker (`deno task start --tracker`): it serves
 * the graph's DataSources only, is named in bridge.json, and stops with the
 * bridge.
 */
import { join } from "node:path";
import { CSVDataSource } from "../../mod.ts";
import { startTestBridge } from "../kernel/_bridge.ts";
import { assert, assertEquals } from "../_assert.ts";
import { ask } from "./_client.ts";

Deno.test("startBridge() with tracker serves the graph's infohashes and names it in bridge.json", async () => {
  const A = "c".repeat(40);
  await using test = await startTestBridge({ tracker: { port: 0 } });
  const tracker = test.bridge.tracker;
  assert(tracker, "a tracker was started");
  const file = JSON.parse(await Deno.readTextFile(join(test.home, "bridge.json")));
  assertEquals(file.trackers, [tracker.httpUrl, tracker.udpUrl]);
  assertEquals((await ask(tracker.udpUrl, A, "announce")).ok, false);
  await test.bridge.state.repo.save([new CSVDataSource({ key: "k", infoHash: A })]);
  // The graph allowlist is re-read after at most 2 s.
  let answer = await ask(tracker.httpUrl, A, "announce");
  for (let i = 0; !answer.ok && i < 30; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    answer = await ask(tracker.httpUrl, A, "announce");
  }
  assertEquals(answer.ok, true);
});
