/**
 * A bridge seeding many datasets with no peers does no work per torrent
 * (#15 point 5): neither the torrents' own tick nor the bridge's progress
 * tick computes the status of a seed whose revision has not moved, while a
 * torrent that changes is still reported at once.
 */
import { join } from "node:path";
import type { BridgeEvent } from "../../lib/bridge/api_types.ts";
import type { TorrentHandle } from "../../lib/torrent/handle.ts";
import { assertEquals } from "../_assert.ts";
import { bytes, tempDir, torrentOf } from "../torrent/_fixtures.ts";
import { startTestBridge } from "./_bridge.ts";

const N = 8;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test(`a bridge seeding ${N} idle datasets computes no status until one changes`, async () => {
  const tmp = await tempDir();
  await using bridge = await startTestBridge();
  const state = bridge.bridge.state;
  const events = state.events.subscribe();
  const seen: BridgeEvent[] = [];
  const reading = (async () => {
    for await (const event of events) seen.push(event);
  })();
  const handles: TorrentHandle[] = [];
  for (let i = 0; i < N; i++) {
    const path = join(tmp, `ds-${i}.bin`);
    await Deno.writeFile(path, bytes(90_000 + i, i + 7));
    handles.push(await state.session.seed(path, (await torrentOf(path)).bytes));
  }
  const seeding = (h: TorrentHandle) =>
    seen.some((e) =>
      e.type === "progress" && e.torrent.hashString === h.infoHash && e.torrent.status === "seeding"
    );
  while (!handles.every(seeding)) await sleep(50);
  await sleep(1000); // a few ticks: each torrent's first idle tick, the bridge catching up

  const calls = new Map<TorrentHandle, number>(handles.map((h) => [h, 0]));
  for (const h of handles) {
    const status = h.status.bind(h);
    h.status = () => {
      calls.set(h, calls.get(h)! + 1);
      return status();
    };
  }
  const revisions = handles.map((h) => h.revision);
  await handles[0]!.pause();
  const paused = () =>
    seen.some((e) =>
      e.type === "progress" && e.torrent.hashString === handles[0]!.infoHash &&
      e.torrent.status === "paused"
    );
  while (!paused()) await sleep(50); // the bridge's tick ran, and reported the change
  await sleep(600); // and ran again

  assertEquals(
    handles.slice(1).map((h) => calls.get(h)),
    handles.slice(1).map(() => 0),
    "no status computed for an idle seed",
  );
  assertEquals(handles.slice(1).map((h) => h.revision), revisions.slice(1), "idle revisions stay");
  assertEquals(handles[0]!.revision > revisions[0]!, true, "a pause moves the revision");
  events.close();
  await reading;
});
