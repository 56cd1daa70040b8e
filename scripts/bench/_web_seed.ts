/**
 * Bench code: a BEP 19 web seed for one file, for the many-sources scenario
 * of `deno task bench:download --sources N`. `GET /<name>` answers the file,
 * or the byte range a `Range: bytes=a-b` / `bytes=a-` header asks for (206,
 * streamed from disk, never the whole file in memory). It counts what it
 * serves, so the benchmark can say how much of a download came from it and
 * how many requests it took (and how many were open at once).
 *
 * @module
 */
import { basename } from "node:path";

/** What the web seed served since the last {@linkcode BenchWebSeed.reset}. */
export interface WebSeedCounts {
  /** Body bytes handed to the connection. */
  bytes: number;
  /** Requests answered. */
  requests: number;
  /** The most requests open at once. */
  maxOpen: number;
}

/** A running web seed. */
export interface BenchWebSeed extends AsyncDisposable {
  /** The file's URL, as it goes in the torrent's `url-list`. */
  readonly url: string;
  /** Counts since the start or the last reset. */
  counts(): WebSeedCounts;
  /** Zeroes the counts. */
  reset(): void;
}

const CHUNK = 256 * 1024;

/** Serves `path` at `http://127.0.0.1:PORT/<its name>` until disposed. */
export function serveWebSeed(path: string): BenchWebSeed {
  const name = basename(path);
  const size = Deno.statSync(path).size;
  let counts: WebSeedCounts = { bytes: 0, requests: 0, maxOpen: 0 };
  let open = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    if (decodeURIComponent(new URL(req.url).pathname) !== `/${name}`) {
      return new Response("not found", { status: 404 });
    }
    counts.requests++;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.get("range") ?? "");
    const start = range ? Number(range[1]) : 0;
    const end = range?.[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    if (start > end) {
      return new Response("", { status: 416, headers: { "content-range": `bytes */${size}` } });
    }
    const file = await Deno.open(path);
    await file.seek(start, Deno.SeekMode.Start);
    let left = end - start + 1;
    const tally = counts; // a reset mid-response starts a new tally
    open++;
    tally.maxOpen = Math.max(tally.maxOpen, open);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      open--;
      file.close();
    };
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const buf = new Uint8Array(Math.min(CHUNK, left));
        const n = await file.read(buf);
        if (n === null || n === 0) {
          close();
          return controller.close();
        }
        left -= n;
        tally.bytes += n;
        controller.enqueue(buf.subarray(0, n));
        if (left === 0) {
          close();
          controller.close();
        }
      },
      cancel: close,
    });
    return new Response(body, {
      status: range ? 206 : 200,
      headers: {
        "content-length": String(end - start + 1),
        "accept-ranges": "bytes",
        ...(range ? { "content-range": `bytes ${start}-${end}/${size}` } : {}),
      },
    });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/${encodeURIComponent(name)}`,
    counts: () => ({ ...counts }),
    reset: () => {
      counts = { bytes: 0, requests: 0, maxOpen: open };
    },
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}
