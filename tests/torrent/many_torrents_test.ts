/**
 * Many torrents in one session (#15 point 5): seeding N datasets costs one
 * timer, not N (the ticker behind it stops with its last torrent); an idle
 * seed's status does not move; the data files open at once stay within the
 * session's bound however many torrents it seeds, and a seed whose files were
 * closed serves them again.
 */
import { join } from "node:path";
import { HANDLE_TICK_MS, type TorrentHandle } from "../../lib/torrent/handle.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import { Ticker } from "../../lib/torrent/ticker.ts";
import { OpenFileLimit } from "../../lib/torrent/open_files.ts";
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { bytes, tempDir, testSessionOptions, torrentOf } from "./_fixtures.ts";
import { InvalidInputError } from "../../lib/errors/invalid_input.ts";

const N = 12;

/** N single-file datasets under `dir`, each with its torrent. */
async function datasets(
  dir: string,
  n: number,
  size = 100_000,
): Promise<{ path: string; torrent: Uint8Array }[]> {
  await Deno.mkdir(dir, { recursive: true });
  const out = [];
  for (let i = 0; i < n; i++) {
    const path = join(dir, `ds-${i}.bin`);
    await Deno.writeFile(path, bytes(size + i, i + 1));
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

/**
 * Descriptors of this process open on files under `dir`, as `ls -l` of
 * /proc/<pid>/fd lists them (Deno asks for --allow-all to read /proc/<pid>
 * itself, which the test task does not grant).
 */
async function openUnder(dir: string): Promise<number> {
  const out = await new Deno.Command("ls", { args: ["-l", `/proc/${Deno.pid}/fd`] }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).split("\n")
    .filter((line) => line.includes(` -> ${dir}/`)).length;
}

Deno.test("OpenFileLimit closes the least recently used idle files beyond its bound", () => {
  const limit = new OpenFileLimit(2);
  const closed: string[] = [];
  const busy = new Set(["b"]);
  const closer = (name: string) => () => {
    if (busy.has(name)) return false;
    closed.push(name);
    return true;
  };
  limit.touch("a", closer("a"));
  limit.touch("b", closer("b"));
  limit.touch("a", closer("a")); // a is now more recent than b
  limit.touch("c", closer("c"));
  assertEquals([closed, limit.size], [["a"], 2], "b is in use: the next oldest idle one goes");
  busy.delete("b");
  limit.touch("d", closer("d"));
  assertEquals([closed, limit.size], [["a", "b"], 2], "then b, idle now");
  limit.release("c");
  assertEquals(limit.size, 1);
});

Deno.test(`a session seeding ${N} torrents keeps at most maxOpenFiles data files open, and still serves them`, async () => {
  const tmp = await tempDir();
  const dir = join(tmp, "data");
  const data = await datasets(dir, N);
  await assertRejects(
    () => TorrentSession.open(testSessionOptions(join(tmp, "bad"), { maxOpenFiles: 0 })),
    InvalidInputError,
    "maxOpenFiles",
  );
  const bound = 4;
  await using seeder = await TorrentSession.open(
    testSessionOptions(join(tmp, "state"), { maxOpenFiles: bound }),
  );
  for (const { path, torrent } of data) await seeder.seed(path, torrent);
  let open = await openUnder(dir);
  for (let i = 0; i < 100 && open > bound; i++) {
    await new Promise((r) => setTimeout(r, 20)); // closes still under way
    open = await openUnder(dir);
  }
  assertEquals(open <= bound, true, `${open} data files open for ${N} seeds (bound ${bound})`);
  assert(open > 0, "the count sees the files the seeds keep open (checking read them)");

  // Every torrent is served, the files closed for the bound reopened on demand.
  await using leecher = await TorrentSession.open(testSessionOptions(join(tmp, "leech")));
  const got = join(tmp, "got");
  const handles = await Promise.all(
    data.map(({ torrent }) =>
      leecher.add(torrent, { dir: got, peers: [`127.0.0.1:${seeder.port}`] })
    ),
  );
  await Promise.all(handles.map((h) => h.done({ timeoutMs: 60_000 })));
  for (const [i, { path }] of data.entries()) {
    assertEquals(await Deno.readFile(join(got, `ds-${i}.bin`)), await Deno.readFile(path));
  }
  const served = await openUnder(dir);
  assert(served <= bound, `${served} data files open after serving ${N} torrents (bound ${bound})`);
});

Deno.test(`a session restarted with ${N} complete seeds checks one piece of each, not every piece`, async () => {
  const tmp = await tempDir();
  const data = await datasets(join(tmp, "data"), N, 320_000); // 10 pieces of 32 KiB each
  const state = join(tmp, "state");
  {
    await using first = await TorrentSession.open(testSessionOptions(state));
    for (const { path, torrent } of data) await first.seed(path, torrent);
  }
  await using again = await TorrentSession.open(testSessionOptions(state));
  let checked = 0;
  let total = 0;
  for (const { path, torrent } of data) {
    const status = (await again.seed(path, torrent)).status();
    assertEquals(status.state, "seeding");
    assertEquals(status.piecesHave, status.piecesTotal);
    checked += status.piecesChecked;
    total += status.piecesTotal;
  }
  assertEquals(total, N * 10);
  assert(
    checked <= N,
    `${checked} of ${total} pieces re-hashed at the restart (one per file: ${N})`,
  );
});

Deno.test("OpenFileLimit.trim() closes files kept open past the bound while they were in use", () => {
  const limit = new OpenFileLimit(1);
  const closed: string[] = [];
  let aInUse = true;
  limit.touch("a", () => !aInUse && (closed.push("a"), true));
  limit.touch("b", () => (closed.push("b"), true)); // a is in use: kept, over the bound
  assertEquals([closed, limit.size], [[], 2]);
  aInUse = false;
  limit.trim();
  assertEquals([closed, limit.size], [["a"], 1]);
});
