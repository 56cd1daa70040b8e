/**
 * Many torrents in one session (#15 point 5): seeding N datasets costs one
 * timer, not N; the ticker behind it stops with its last torrent.
 */
import { join } from "node:path";
import { HANDLE_TICK_MS, type TorrentHandle } from "../../lib/torrent/handle.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import { Ticker } from "../../lib/torrent/ticker.ts";
import { assertEquals } from "../_assert.ts";
import { bytes, tempDir, testSessionOptions, torrentOf } from "./_fixtures.ts";

const N = 12;

/** N single-file datasets under `dir`, each with its torrent. */
async function datasets(dir: string, n: number): Promise<{ path: string; torrent: Uint8Array }[]> {
  await Deno.mkdir(dir, { recursive: true });
  const out = [];
  for (let i = 0; i < n; i++) {
    const path = join(dir, `ds-${i}.bin`);
    await Deno.writeFile(path, bytes(100_000 + i, i + 1));
    out.push({ path, torrent: (await torrentOf(path)).bytes });
  }
  return out;
}

Deno.test("Ticker: one timer for every listener, stopped with the last one", () => {
  const ticker = new Ticker(1000);
  assertEquals(ticker.running, false, "no timer before the first listener");
  const stops = [ticker.add(() => {}), ticker.add(() => {}), ticker.add(() => {})];
  assertEquals([ticker.size, ticker.running], [3, true]);
  stops[0]!();
  stops[1]!();
  assertEquals([ticker.size, ticker.running], [1, true]);
  stops[2]!();
  stops[2]!(); // removing twice is harmless
  assertEquals([ticker.size, ticker.running], [0, false], "the timer stops with the last listener");
});

Deno.test(`a session seeding ${N} torrents starts one progress timer, not ${N}`, async () => {
  const tmp = await tempDir();
  const data = await datasets(join(tmp, "data"), N);
  const real = globalThis.setInterval;
  let progressTimers = 0;
  globalThis.setInterval = ((fn: () => void, ms?: number) => {
    if (ms === HANDLE_TICK_MS) progressTimers++;
    return real(fn, ms);
  }) as typeof setInterval;
  try {
    await using session = await TorrentSession.open(testSessionOptions(join(tmp, "state")));
    const handles: TorrentHandle[] = [];
    for (const { path, torrent } of data) handles.push(await session.seed(path, torrent));
    assertEquals(handles.filter((h) => h.status().state === "seeding").length, N);
    assertEquals(progressTimers, 1, `one ${HANDLE_TICK_MS} ms timer for ${N} torrents`);
  } finally {
    globalThis.setInterval = real;
  }
});

Deno.test("an idle seed's revision stays; pausing and resuming it moves the revision", async () => {
  const tmp = await tempDir();
  const [{ path, torrent }] = await datasets(join(tmp, "data"), 1) as [
    { path: string; torrent: Uint8Array },
  ];
  await using session = await TorrentSession.open(testSessionOptions(join(tmp, "state")));
  const handle = await session.seed(path, torrent);
  let ticks = 0;
  const counter = setInterval(() => ticks++, HANDLE_TICK_MS);
  const afterTicks = async (n: number) => {
    const from = ticks;
    while (ticks < from + n) await new Promise((r) => setTimeout(r, HANDLE_TICK_MS / 2));
  };
  try {
    await afterTicks(3); // the first idle tick has seen rates at 0
    const idle = handle.revision;
    await afterTicks(4);
    assertEquals(handle.revision, idle, "no change, no new revision");
    await handle.pause();
    const paused = handle.revision;
    assertEquals(paused > idle, true, "pause moves it");
    assertEquals(handle.status().state, "paused");
    await handle.resume();
    assertEquals(handle.revision > paused, true, "resume moves it");
    await afterTicks(4);
    assertEquals(handle.status().state, "seeding", "the resumed torrent seeds again");
  } finally {
    clearInterval(counter);
  }
});
