/**
 * A raw HTTP/1.1 exchange over TCP for the API fuzzer: the request goes out
 * byte for byte as given (no URL normalisation, so `..`, `%2e%2e`, NUL and
 * invalid UTF-8 reach the server as sent), the answer is read with a deadline.
 * An answer of `text/event-stream` is cut after its headers (a stream never
 * ends). Only loopback addresses are accepted.
 *
 * @module
 */

/** What came back. */
export interface RawExchange {
  /** The status code; 0 when no status line arrived. */
  status: number;
  /** Header names in lower case. */
  headers: Map<string, string>;
  /** The body, de-chunked, at most `maxBodyBytes`. */
  body: Uint8Array;
  /** Milliseconds from connecting to the end of the answer. */
  ms: number;
  /** The deadline passed before the answer was complete. */
  timedOut: boolean;
  /** Why the exchange ended without a whole answer (a reset, a refused connection). */
  error?: string;
}

/** Options of {@linkcode exchange}. */
export interface ExchangeOptions {
  /** Milliseconds before the answer counts as a hang and the connection is closed. */
  deadlineMs: number;
  /** Closes the sending side after the request (a truncated body ends there). */
  halfClose?: boolean;
  /** The request is a HEAD: its answer has no body. */
  head?: boolean;
  /** Most body bytes kept. @default {8 MiB} */
  maxBodyBytes?: number;
}

const LOOPBACK = new Set(["127.0.0.1", "::1"]);

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function headerEnd(bytes: Uint8Array): number {
  for (let i = 3; i < bytes.length; i++) {
    if (bytes[i] === 10 && bytes[i - 1] === 13 && bytes[i - 2] === 10 && bytes[i - 3] === 13) {
      return i + 1;
    }
  }
  return -1;
}

/** Decodes a chunked body; `done` when the last chunk was seen. */
export function unchunk(bytes: Uint8Array): { body: Uint8Array; done: boolean } {
  const parts: Uint8Array[] = [];
  const latin = new TextDecoder("latin1");
  let at = 0;
  for (;;) {
    let nl = -1;
    for (let i = at; i + 1 < bytes.length; i++) {
      if (bytes[i] === 13 && bytes[i + 1] === 10) {
        nl = i;
        break;
      }
    }
    if (nl === -1) return { body: concat(parts), done: false };
    const size = parseInt(latin.decode(bytes.subarray(at, nl)).split(";")[0]!, 16);
    if (!Number.isFinite(size)) return { body: concat(parts), done: true };
    if (size === 0) return { body: concat(parts), done: true };
    const start = nl + 2;
    if (start + size > bytes.length) {
      parts.push(bytes.subarray(start));
      return { body: concat(parts), done: false };
    }
    parts.push(bytes.subarray(start, start + size));
    at = start + size + 2;
  }
}

/**
 * Sends `request` (a whole HTTP/1.1 request, with `Connection: close`) to
 * `hostname:port` and reads the answer until the server closes, the body is
 * complete, or the deadline passes. Never throws for what the server does.
 */
export async function exchange(
  hostname: string,
  port: number,
  request: Uint8Array,
  options: ExchangeOptions,
): Promise<RawExchange> {
  if (!LOOPBACK.has(hostname)) {
    throw new Error(`The fuzzer only talks to loopback, not ${hostname}`);
  }
  const max = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const start = performance.now();
  const result = (
    status: number,
    headers: Map<string, string>,
    body: Uint8Array,
    timedOut: boolean,
    error?: string,
  ): RawExchange => ({
    status,
    headers,
    body,
    ms: performance.now() - start,
    timedOut,
    ...(error ? { error } : {}),
  });
  let conn: Deno.TcpConn;
  try {
    conn = await Deno.connect({ hostname, port });
  } catch (error) {
    return result(0, new Map(), new Uint8Array(), false, `connect: ${String(error)}`);
  }
  let timedOut = false;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    try {
      conn.close();
    } catch {
      // already closed
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    close();
  }, options.deadlineMs);
  // Written while reading: a server may answer (413, 400) before the body is all sent.
  const writing = (async () => {
    try {
      for (let written = 0; written < request.length;) {
        written += await conn.write(request.subarray(written));
      }
      if (options.halfClose) await conn.closeWrite();
    } catch {
      // the server stopped reading: its answer (if any) is read below
    }
  })();
  const chunks: Uint8Array[] = [];
  let received = 0;
  let status = 0;
  const headers = new Map<string, string>();
  let bodyStart = -1;
  let error: string | undefined;
  const buffer = new Uint8Array(65536);
  try {
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      chunks.push(buffer.slice(0, n));
      received += n;
      const all = bodyStart === -1 || chunks.length > 1 ? concat(chunks) : chunks[0]!;
      if (chunks.length > 1) chunks.splice(0, chunks.length, all);
      if (bodyStart === -1) {
        const end = headerEnd(all);
        if (end === -1) {
          if (received > 1024 * 1024) break;
          continue;
        }
        bodyStart = end;
        const [statusLine, ...lines] = new TextDecoder("latin1").decode(all.subarray(0, end - 4))
          .split("\r\n");
        status = Number(statusLine?.split(" ")[1]) || 0;
        for (const line of lines) {
          const colon = line.indexOf(":");
          if (colon > 0) {
            headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
          }
        }
        if ((headers.get("content-type") ?? "").startsWith("text/event-stream")) break;
        // No body follows a 204 or 304, nor an answer to HEAD.
        if (status === 204 || status === 304 || options.head) break;
      }
      const body = all.subarray(bodyStart);
      const length = headers.get("content-length");
      if (length !== undefined && body.length >= Number(length)) break;
      if (headers.get("transfer-encoding")?.includes("chunked") && unchunk(body).done) break;
      if (body.length > max) break;
    }
  } catch (e) {
    if (!timedOut) error = `read: ${e instanceof Error ? e.name : String(e)}`;
  }
  clearTimeout(timer);
  close();
  await writing;
  const all = concat(chunks);
  let body = bodyStart === -1 ? new Uint8Array() : all.subarray(bodyStart);
  if (headers.get("transfer-encoding")?.includes("chunked")) body = unchunk(body).body;
  if (status === 0 && !timedOut && !error) error = "closed without an answer";
  return result(status, headers, body.subarray(0, max), timedOut, error);
}
