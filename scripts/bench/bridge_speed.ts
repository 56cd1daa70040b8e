/**
 * Bridge benchmark on loopback, in one run: the real bridge (startBridge)
 * with 100 small torrents seeding in its session, and a client in a Worker
 * (its own event loop) that
 * - polls `GET /api/torrents/{infoHash}` (round robin over the 100) at a
 *   fixed rate, 1,000 requests per second by default, sent on schedule
 *   whatever the answers do: latency p50/p99/max and the rate achieved;
 * - does the same against two references: a trivial `Deno.serve` handler
 *   (the floor of the runtime and the client) and the bridge's `GET /openapi.json`;
 * - polls as fast as 8 connections go, for the most requests per second;
 * - holds 50 listeners on `GET /api/events` while the bridge publishes
 *   events: the time from `publish()` until all 50 got each one (p50/p99).
 *
 * Target: status p99 under 5 ms at 1,000 req/s.
 * `deno task bench:bridge [--seconds 10] [--rate 1000] [--torrents 100] [--listeners 50] [--events 200]`
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { TorrentStatusJson } from "../../lib/bridge/api_types.ts";
import { createTorrent } from "../../lib/torrent/create.ts";
import { startBridge } from "../../kernel/server.ts";
import { torrentJson } from "../../kernel/torrent_json.ts";

const { values } = parseArgs({
  args: Deno.args.filter((a) => a !== "--"), // `deno task x -- --flag` passes the "--"
  options: {
    seconds: { type: "string", default: "10" },
    rate: { type: "string", default: "1000" },
    torrents: { type: "string", default: "100" },
    listeners: { type: "string", default: "50" },
    events: { type: "string", default: "200" },
  },
});
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
const TORRENTS = Number(values.torrents);
const LISTENERS = Number(values.listeners);
const EVENTS = Number(values.events);

const clock = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], q: number): number {
  return sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

interface PollStats {
  latencies: number[];
  errors: number;
  seconds: number;
}

function summary(stats: PollStats) {
  const sorted = [...stats.latencies].sort((a, b) => a - b);
  return {
    requests: sorted.length,
    errors: stats.errors,
    reqPerSec: Math.round(sorted.length / stats.seconds),
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? NaN,
  };
}

const ms = (x: number) => `${x.toFixed(2)} ms`;

// --- the client, in its own thread ---
const worker = new Worker(new URL("./_bridge_client.ts", import.meta.url), { type: "module" });
function ask<T>(message: Record<string, unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent) => {
      if (event.data.op === "error") reject(new Error(event.data.message));
      else resolve(event.data as T);
    };
    worker.postMessage(message);
  });
}

/** The worker's clock minus ours, from the ping with the shortest round trip. */
async function clockOffset(): Promise<number> {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 50; i++) {
    const t1 = clock();
    const { now } = await ask<{ now: number }>({ op: "clock" });
    const t2 = clock();
    if (t2 - t1 < best.rtt) best = { rtt: t2 - t1, offset: now - (t1 + t2) / 2 };
  }
  return best.offset;
}

/** A bare `text/event-stream` server: every listener gets what is enqueued. */
function startSseReference() {
  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const hello = new TextEncoder().encode('event: hello\ndata: {"type":"hello"}\n\n');
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    let mine: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        mine = controller;
        streams.add(controller);
        controller.enqueue(hello);
      },
      cancel() {
        streams.delete(mine);
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  });
  return { server, streams, url: `http://127.0.0.1:${server.addr.port}/` };
}

/**
 * Opens LISTENERS listeners on `url` (in the worker), calls `publish(seq)`
 * EVENTS times 20 ms apart, and returns the time from each publish until all
 * listeners (and each listener) got it.
 */
async function fanOut(
  url: string,
  token: string,
  ready: () => Promise<void>,
  publish: (seq: number) => void,
  offset: number,
) {
  await ask({ op: "listen", url, token, count: LISTENERS });
  await ready();
  const sentAt: number[] = [];
  for (let seq = 0; seq < EVENTS; seq++) {
    sentAt.push(clock());
    publish(seq);
    await sleep(20);
  }
  await sleep(500);
  const { received } = await ask<{ received: [number, number][][] }>({ op: "report" });
  await ask({ op: "stop" });
  const all: number[] = [];
  const each: number[] = [];
  let lost = 0;
  const maps = received.map((listener) => new Map(listener));
  for (let seq = 0; seq < EVENTS; seq++) {
    let last = -Infinity;
    for (const times of maps) {
      const at = times.get(seq);
      if (at === undefined) {
        lost++;
        continue;
      }
      const latency = at - offset - sentAt[seq]!;
      each.push(latency);
      last = Math.max(last, latency);
    }
    if (last > -Infinity) all.push(last);
  }
  all.sort((a, b) => a - b);
  each.sort((a, b) => a - b);
  return {
    allP50: percentile(all, 0.5),
    allP99: percentile(all, 0.99),
    allMax: all.at(-1) ?? NaN,
    eachP50: percentile(each, 0.5),
    eachP99: percentile(each, 0.99),
    lost,
  };
}

// --- the bridge, with TORRENTS small torrents seeding ---
const tmp = await Deno.makeTempDir({ prefix: "owm-bench-bridge-" });
const bridge = await startBridge({
  home: join(tmp, "store"),
  port: 0,
  dht: false,
  lsd: false,
  torrentPort: 0,
});
const reference = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen() {} },
  () => Response.json({ ok: true }),
);
const sseReference = startSseReference();
try {
  console.error(`seeding ${TORRENTS} torrents in the bridge's session…`);
  const hashes: string[] = [];
  for (let i = 0; i < TORRENTS; i++) {
    const dir = join(tmp, "content", `set-${i}`);
    await Deno.mkdir(dir, { recursive: true });
    const data = new Uint8Array(64 * 1024);
    crypto.getRandomValues(data);
    await Deno.writeFile(join(dir, "data.bin"), data);
    const { bytes, metainfo } = await createTorrent(dir, { pieceLength: 16384 });
    await bridge.state.session.seed(dir, bytes);
    hashes.push(metainfo.infoHash);
  }
  const auth = { authorization: `Bearer ${bridge.token}` };
  const probe = await fetch(`${bridge.url}/api/torrents/${hashes[0]}`, { headers: auth });
  const first = await probe.json() as TorrentStatusJson;
  if (first.status !== "seeding") throw new Error(`unexpected status ${JSON.stringify(first)}`);

  const statusUrls = hashes.map((h) => `${bridge.url}/api/torrents/${h}`);
  const runs: [string, string[], Record<string, string>][] = [
    [`GET /api/torrents/{infoHash} (${TORRENTS} torrents)`, statusUrls, auth],
    ["reference: trivial Deno.serve handler", [`http://127.0.0.1:${reference.addr.port}/`], {}],
    ["reference: GET /openapi.json (bridge, no token)", [`${bridge.url}/openapi.json`], {}],
  ];
  const results: Record<string, ReturnType<typeof summary>> = {};
  console.log(`\nopen loop: ${RATE} req/s for ${SECONDS} s each (latency from each send)`);
  console.log("| endpoint | requests | errors | req/s | p50 | p99 | max |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const [name, urls, headers] of runs) {
    await ask({ op: "open", urls: urls.slice(0, 1), headers, rate: 200, seconds: 0.5 }); // warm-up
    const { stats } = await ask<{ stats: PollStats }>({
      op: "open",
      urls,
      headers,
      rate: RATE,
      seconds: SECONDS,
    });
    const s = summary(stats);
    results[name] = s;
    console.log(
      `| ${name} | ${s.requests} | ${s.errors} | ${s.reqPerSec} | ${ms(s.p50)} | ${ms(s.p99)} | ${
        ms(s.max)
      } |`,
    );
  }

  console.log(`\nclosed loop: 8 connections, ${Math.min(SECONDS, 5)} s each (most req/s)`);
  console.log("| endpoint | req/s | p50 | p99 |");
  console.log("| --- | ---: | ---: | ---: |");
  const saturated: Record<string, ReturnType<typeof summary>> = {};
  for (const [name, urls, headers] of runs.slice(0, 2)) {
    const { stats } = await ask<{ stats: PollStats }>({
      op: "closed",
      urls,
      headers,
      connections: 8,
      seconds: Math.min(SECONDS, 5),
    });
    const s = summary(stats);
    saturated[name] = s;
    console.log(`| ${name} | ${s.reqPerSec} | ${ms(s.p50)} | ${ms(s.p99)} |`);
  }

  // --- SSE fan-out, and the same through a bare Deno.serve event stream ---
  const offset = await clockOffset();
  const handle = bridge.state.session.get(hashes[0]!)!;
  const bridgeFan = await fanOut(`${bridge.url}/api/events`, bridge.token, async () => {
    while (bridge.state.events.size < LISTENERS) await sleep(10);
  }, (seq) => {
    const torrent = { ...torrentJson(handle.status(), handle.dir), name: `bench-${seq}` };
    bridge.state.events.publish({ type: "progress", torrent });
  }, offset);
  const example = JSON.stringify({
    type: "progress",
    torrent: torrentJson(handle.status(), handle.dir),
  });
  const refFan = await fanOut(`${sseReference.url}`, "", async () => {
    while (sseReference.streams.size < LISTENERS) await sleep(10);
  }, (seq) => {
    const chunk = new TextEncoder().encode(
      `event: progress\ndata: ${example.replace(/"name":"[^"]*"/, `"name":"bench-${seq}"`)}\n\n`,
    );
    for (const stream of sseReference.streams) stream.enqueue(chunk);
  }, offset);
  console.log(
    `\nSSE fan-out: ${EVENTS} events to ${LISTENERS} listeners, 20 ms apart (clock offset ${
      ms(offset)
    })`,
  );
  console.log(
    "| stream | publish → all got it p50 | p99 | max | → one listener p50 | p99 | lost |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (
    const [name, f] of [["bridge GET /api/events", bridgeFan], [
      "reference: bare Deno.serve stream",
      refFan,
    ]] as const
  ) {
    console.log(
      `| ${name} | ${ms(f.allP50)} | ${ms(f.allP99)} | ${ms(f.allMax)} | ${ms(f.eachP50)} | ${
        ms(f.eachP99)
      } | ${f.lost} |`,
    );
  }

  const status = results[runs[0]![0]]!;
  const pass = status.p99 < 5 && status.errors === 0 && status.reqPerSec >= RATE * 0.95;
  console.log(
    `\ntarget (status p99 < 5 ms at ${RATE} req/s): ${pass ? "met" : "NOT met"} (p99 ${
      ms(status.p99)
    }, ${status.reqPerSec} req/s)`,
  );
  console.log(JSON.stringify({
    cpus: navigator.hardwareConcurrency,
    deno: Deno.version.deno,
    open: results,
    closed: Object.fromEntries(
      Object.entries(saturated).map((
        [k, v],
      ) => [k, { reqPerSec: v.reqPerSec, p50: v.p50, p99: v.p99 }]),
    ),
    sse: { listeners: LISTENERS, events: EVENTS, bridge: bridgeFan, reference: refFan },
  }));
} finally {
  worker.terminate();
  await reference.shutdown();
  await sseReference.server.shutdown();
  await bridge.close();
  await Deno.remove(tmp, { recursive: true });
}
