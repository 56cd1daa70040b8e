/**
 * The client side of scripts/bench/bridge_speed.ts, run in a Worker so that
 * its event loop is not the bridge's: an open-loop poller (requests sent on a
 * fixed schedule, not after the previous answer), a closed-loop poller (as
 * fast as N connections go), and SSE listeners that timestamp each event.
 *
 * Messages in: `{ op: "clock" }`, `{ op: "open", … }`, `{ op: "closed", … }`,
 * `{ op: "listen", url, token, count }`, `{ op: "report" }`, `{ op: "stop" }`.
 * Every answer is `{ op, … }` posted back.
 *
 * @module
 */

/// <reference lib="deno.worker" />

/** Absolute milliseconds, comparable across the threads of one process. */
const clock = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface PollStats {
  latencies: number[];
  errors: number;
  seconds: number;
}

async function get(url: string, headers: HeadersInit): Promise<boolean> {
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  return res.ok;
}

/** Sends `rate` requests per second for `seconds`, on schedule; latency from each send. */
async function openLoop(
  urls: string[],
  headers: HeadersInit,
  rate: number,
  seconds: number,
): Promise<PollStats> {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  const pending = new Set<Promise<void>>();
  const start = performance.now();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    for (; sent < due; sent++) {
      const t0 = performance.now();
      const request: Promise<void> = get(urls[sent % urls.length]!, headers).then(
        (ok) => {
          if (!ok) errors++;
          latencies.push(performance.now() - t0);
        },
        () => void errors++,
      ).finally(() => pending.delete(request));
      pending.add(request);
    }
    await sleep(1);
  }
  await Promise.all(pending);
  return { latencies, errors, seconds: (performance.now() - start) / 1000 };
}

/** `connections` loops, each sending its next request when the last is answered. */
async function closedLoop(
  urls: string[],
  headers: HeadersInit,
  connections: number,
  seconds: number,
): Promise<PollStats> {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let next = 0;
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        if (!(await get(urls[next++ % urls.length]!, headers))) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  }));
  return { latencies, errors, seconds: (performance.now() - start) / 1000 };
}

/** Receipt times per listener: `received[listener].get(seq)`. */
let received: Map<number, number>[] = [];
const readers: ReadableStreamDefaultReader<string>[] = [];

async function listen(url: string, token: string, count: number): Promise<void> {
  received = [];
  const ready: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const times = new Map<number, number>();
    received.push(times);
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`GET /api/events: ${res.status}`);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    readers.push(reader);
    const hello = Promise.withResolvers<void>();
    ready.push(hello.promise);
    (async () => {
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const now = clock();
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.includes("event: hello")) hello.resolve();
          const match = /"name":"bench-(\d+)"/.exec(block);
          if (match) times.set(Number(match[1]), now);
        }
      }
    })().catch(() => {});
  }
  await Promise.all(ready);
}

self.onmessage = async (message: MessageEvent) => {
  const m = message.data;
  try {
    if (m.op === "clock") self.postMessage({ op: "clock", now: clock() });
    else if (m.op === "open") {
      self.postMessage({
        op: "open",
        stats: await openLoop(m.urls, m.headers, m.rate, m.seconds),
      });
    } else if (m.op === "closed") {
      self.postMessage({
        op: "closed",
        stats: await closedLoop(m.urls, m.headers, m.connections, m.seconds),
      });
    } else if (m.op === "listen") {
      await listen(m.url, m.token, m.count);
      self.postMessage({ op: "listen" });
    } else if (m.op === "report") {
      self.postMessage({ op: "report", received: received.map((t) => [...t]) });
    } else if (m.op === "stop") {
      await Promise.all(readers.splice(0).map((r) => r.cancel().catch(() => {})));
      self.postMessage({ op: "stop" });
    }
  } catch (error) {
    self.postMessage({ op: "error", message: String(error) });
  }
};
