/**
 * Helpers for the bridge tests: the real server on an ephemeral port over a
 * temporary store, an authorised `fetch`, a hand-written HTTP/1.1 request (to
 * send a Host header `fetch()` would not), and an SSE reader.
 *
 * @module
 */
import { join } from "node:path";
import { type RunningBridge, startBridge, type StartBridgeOptions } from "../../kernel/server.ts";
import { tempDir } from "../torrent/_fixtures.ts";

/** A bridge under test, with a helper to call its API. */
export interface TestBridge extends AsyncDisposable {
  /** The running bridge. */
  bridge: RunningBridge;
  /** Its store. */
  home: string;
  /** `fetch` of `bridge.url + path` with the bearer token (and JSON content type for bodies). */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** {@linkcode TestBridge.api}, then the JSON body and the status. */
  json<T = Record<string, unknown>>(
    path: string,
    init?: RequestInit,
  ): Promise<{ status: number; body: T }>;
}

/** Starts the real bridge over `home` (a new temporary store by default), loopback only. */
export async function startTestBridge(
  options: StartBridgeOptions = {},
): Promise<TestBridge> {
  const home = options.home ?? join(await tempDir(), "store");
  const bridge = await startBridge({
    port: 0,
    dht: false,
    lsd: false,
    torrentPort: 0,
    ...options,
    home,
  });
  const api = (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has("authorization")) headers.set("authorization", `Bearer ${bridge.token}`);
    if (init.body !== undefined && !headers.has("content-type")) {
      headers.set("content-type", "application/json");
    }
    return fetch(bridge.url + path, { ...init, headers });
  };
  const json = async <T>(path: string, init?: RequestInit) => {
    const res = await api(path, init);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
  return { bridge, home, api, json, [Symbol.asyncDispose]: () => bridge.close() };
}

/** A raw HTTP answer. */
export interface RawAnswer {
  /** The status code. */
  status: number;
  /** Header names in lower case. */
  headers: Map<string, string>;
  /** The body as text. */
  body: string;
}

/**
 * Sends `request` (a whole HTTP/1.1 request; add `Connection: close`) to
 * 127.0.0.1:`port` over TCP and reads the answer to the end.
 */
export async function rawRequest(port: number, request: string): Promise<RawAnswer> {
  using conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const bytes = new TextEncoder().encode(request);
  for (let written = 0; written < bytes.length;) {
    written += await conn.write(bytes.subarray(written));
  }
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(65536);
  for (;;) {
    const n = await conn.read(buffer);
    if (n === null) break;
    chunks.push(buffer.slice(0, n));
  }
  const text = new TextDecoder().decode(
    chunks.reduce((all, c) => {
      const out = new Uint8Array(all.length + c.length);
      out.set(all);
      out.set(c, all.length);
      return out;
    }, new Uint8Array()),
  );
  const end = text.indexOf("\r\n\r\n");
  const [statusLine, ...lines] = text.slice(0, end).split("\r\n");
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = text.slice(end + 4);
  if (headers.get("transfer-encoding") === "chunked") body = unchunk(body);
  return { status: Number(statusLine?.split(" ")[1]), headers, body };
}

function unchunk(text: string): string {
  let out = "";
  for (let at = 0;;) {
    const nl = text.indexOf("\r\n", at);
    const size = parseInt(text.slice(at, nl), 16);
    if (!size) return out;
    out += text.slice(nl + 2, nl + 2 + size);
    at = nl + 2 + size + 2;
  }
}

/** One Server-Sent Event. */
export interface Sse {
  /** The `event:` name. */
  event: string;
  /** The `data:` parsed as JSON. */
  data: Record<string, unknown>;
}

/** A reader of `GET /api/events`. */
export interface SseReader extends AsyncDisposable {
  /** The next event whose name is `event` and that satisfies `match` (others are skipped). */
  next(event: string, match?: (data: Record<string, unknown>) => boolean): Promise<Sse>;
  /** Like {@linkcode SseReader.next}, but an event already read counts too (any order). */
  find(event: string, match?: (data: Record<string, unknown>) => boolean): Promise<Sse>;
  /** Every event read so far. */
  seen: Sse[];
  /** Stops reading (cancels the response). */
  close(): Promise<void>;
}

/** Opens `GET /api/events` and waits for its `hello`. */
export async function openEvents(bridge: TestBridge): Promise<SseReader> {
  const res = await bridge.api("/api/events");
  if (res.status !== 200) throw new Error(`GET /api/events: ${res.status} ${await res.text()}`);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const seen: Sse[] = [];
  async function read(): Promise<Sse> {
    for (;;) {
      const end = buffer.indexOf("\n\n");
      if (end !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = "message";
        const data: string[] = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event:")) event = line.slice(6).trim();
          else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
        }
        if (data.length === 0) continue;
        const sse = { event, data: JSON.parse(data.join("\n")) };
        seen.push(sse);
        return sse;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error("The event stream ended");
      buffer += value;
    }
  }
  const hello = await read();
  if (hello.event !== "hello") throw new Error(`Expected hello first, got ${hello.event}`);
  const close = async () => {
    await reader.cancel().catch(() => {});
  };
  const next = async (event: string, match: (data: Record<string, unknown>) => boolean) => {
    for (;;) {
      const sse = await read();
      if (sse.event === event && match(sse.data)) return sse;
    }
  };
  return {
    seen,
    next: (event, match = () => true) => next(event, match),
    find(event, match = () => true) {
      const found = seen.find((sse) => sse.event === event && match(sse.data));
      return found ? Promise.resolve(found) : next(event, match);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Polls `check` every 50 ms until it returns a value other than undefined (or `timeoutMs`). */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
