/**
 * Bounds on what one request may make the bridge read: the size of a JSON
 * body (413 past it), the time its body may take to arrive (408 past it: the
 * whole of a JSON body within a deadline, an upload with no pause longer than
 * the idle limit), and the length and nesting of what a JSON body holds (400
 * naming the field). Bodies still arriving are cut off when the bridge stops.
 *
 * Deno.serve (2.9.6, measured) has no timeout of its own for reading request
 * headers or bodies: a client sending one header byte a second was kept for
 * as long as it kept sending (70 s in the test), and `server.shutdown()` waits
 * for such a connection for ever. Headers cannot be timed from here (the app
 * first sees a request once its headers are complete); bodies are, below, and
 * the bridge's stop does not wait on either (see kernel/server.ts).
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { ApiHttpError } from "./http_errors.ts";

/** The bounds on requests. */
export interface RequestLimits {
  /** Most bytes of a JSON (non-upload) request body. @default 1 MiB */
  maxJsonBytes: number;
  /** How long a non-upload request body may take to arrive, in ms. @default 30 s */
  bodyDeadlineMs: number;
  /** Longest pause while an upload's body arrives, in ms. @default 30 s */
  uploadIdleMs: number;
}

/** The default bounds: 1 MiB JSON bodies, arriving within 30 s; uploads never idle 30 s. */
export const DEFAULT_REQUEST_LIMITS: Readonly<RequestLimits> = Object.freeze({
  maxJsonBytes: 1024 * 1024,
  bodyDeadlineMs: 30_000,
  uploadIdleMs: 30_000,
});

/** Longest string anywhere in a JSON body (characters): 64 KiB. */
export const MAX_STRING_CHARS = 64 * 1024;
/** Longest id (`ClassName:key`, `<IRI>`, a key, a class name, a context): 2048 characters. */
export const MAX_ID_CHARS = 2048;
/** Deepest nesting of arrays and objects in a JSON body. */
export const MAX_JSON_DEPTH = 32;

/**
 * Refuses (400 `too-long`) an id longer than {@linkcode MAX_ID_CHARS}, naming it.
 *
 * @example
 * ```ts
 * import { checkIdLength } from "./request_limits.ts";
 * checkIdLength("CSVDataSource:worms", "id"); // fine
 * ```
 */
export function checkIdLength(value: string, name: string): void {
  if (value.length > MAX_ID_CHARS) {
    throw new ApiHttpError(
      400,
      "too-long",
      `'${name}' is ${value.length} characters long: at most ${MAX_ID_CHARS} are accepted`,
    );
  }
}

/**
 * Refuses (400) a parsed JSON body holding a string longer than
 * {@linkcode MAX_STRING_CHARS} (`too-long`, naming the field by its path, e.g.
 * `fields.description`) or nested deeper than {@linkcode MAX_JSON_DEPTH}
 * (`too-deep`).
 *
 * @example
 * ```ts
 * import { checkJsonBounds } from "./request_limits.ts";
 * checkJsonBounds({ class: "CSVDataSource", key: "k", fields: {} }); // fine
 * ```
 */
export function checkJsonBounds(value: unknown, path = "", depth = 0): void {
  if (typeof value === "string") {
    if (value.length > MAX_STRING_CHARS) {
      throw new ApiHttpError(
        400,
        "too-long",
        `'${
          path || "the body"
        }' is ${value.length} characters long: at most ${MAX_STRING_CHARS} are accepted`,
      );
    }
    return;
  }
  if (value === null || typeof value !== "object") return;
  if (depth >= MAX_JSON_DEPTH) {
    throw new ApiHttpError(
      400,
      "too-deep",
      `'${path || "the body"}' is nested more than ${MAX_JSON_DEPTH} levels deep`,
    );
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkJsonBounds(item, `${path}[${i}]`, depth + 1));
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    checkIdLength(key, `${path ? `${path}.` : ""}${key.slice(0, 40)}…`);
    checkJsonBounds(item, path ? `${path}.${key}` : key, depth + 1);
  }
}

/** Bodies being received, so that a stopping bridge can cut them off. */
export class InflightBodies {
  readonly #cuts = new Set<(error: ApiHttpError) => void>();

  /** Registers a body's cut-off; returns the function that unregisters it. */
  add(cut: (error: ApiHttpError) => void): () => void {
    this.#cuts.add(cut);
    return () => this.#cuts.delete(cut);
  }

  /** How many bodies are still arriving. */
  get size(): number {
    return this.#cuts.size;
  }

  /** Cuts off every body still arriving (their requests fail with 503 `stopping`). */
  cutAll(): void {
    const error = new ApiHttpError(503, "stopping", "The bridge is stopping: send it again later");
    for (const cut of [...this.#cuts]) cut(error);
  }
}

function isUpload(path: string): boolean {
  return /\/api\/uploads\/?$/.test(path);
}

function tooLarge(max: number): ApiHttpError {
  return new ApiHttpError(
    413,
    "too-large",
    `The request body is larger than ${max} bytes: send less, or start the bridge with --max-json SIZE`,
  );
}

/**
 * Limits JSON bodies to `maxJsonBytes` (413 `too-large`, at once when the
 * declared length is larger, else as the bytes arrive; uploads have their own
 * limit, `--max-upload`), gives bodies a deadline (408 `request-timeout`), and
 * registers them in `inflight`.
 */
export function requestBounds(
  limits: Partial<RequestLimits> = {},
  inflight: InflightBodies = new InflightBodies(),
): MiddlewareHandler {
  const all: RequestLimits = { ...DEFAULT_REQUEST_LIMITS, ...limits };
  return async (c, next) => {
    const raw = c.req.raw;
    if (!raw.body) return await next();
    const upload = isUpload(c.req.path);
    const declared = Number(raw.headers.get("content-length") ?? "0");
    if (!upload && declared > all.maxJsonBytes) {
      await raw.body.cancel().catch(() => {});
      throw tooLarge(all.maxJsonBytes);
    }
    const timed = timedBody(
      raw.body,
      upload
        ? { idleMs: all.uploadIdleMs }
        : { deadlineMs: all.bodyDeadlineMs, maxBytes: all.maxJsonBytes },
    );
    const done = inflight.add(timed.cut);
    try {
      // A new Request with the bounded body (not `new Request(raw, …)`, which would
      // copy the request's signal and so switch on Deno's legacy-abort warning).
      c.req.raw = new Request(raw.url, {
        method: raw.method,
        headers: raw.headers,
        body: timed.body,
        duplex: "half",
      } as RequestInit);
      return await next();
    } finally {
      done();
      timed.stop();
    }
  };
}

/**
 * `body` that fails with 408 when it takes longer than `deadlineMs` or pauses
 * longer than `idleMs`, and with 413 past `maxBytes`.
 */
function timedBody(
  body: ReadableStream<Uint8Array>,
  options: { deadlineMs?: number; idleMs?: number; maxBytes?: number },
): { body: ReadableStream<Uint8Array>; cut: (error: ApiHttpError) => void; stop: () => void } {
  const reader = body.getReader();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let finished = false;
  let received = 0;
  let deadline: ReturnType<typeof setTimeout> | undefined;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    clearTimeout(deadline);
    clearTimeout(idle);
  };
  const cut = (error: ApiHttpError) => {
    if (finished) return;
    finished = true;
    stop();
    controller.error(error);
    reader.cancel(error).catch(() => {});
  };
  const late = (ms: number, what: string) => () =>
    cut(
      new ApiHttpError(
        408,
        "request-timeout",
        `The request body ${what} ${ms / 1000} s: the bridge stopped waiting for it`,
      ),
    );
  const armIdle = () => {
    if (options.idleMs === undefined) return;
    clearTimeout(idle);
    idle = setTimeout(late(options.idleMs, "paused longer than"), options.idleMs);
  };
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      if (options.deadlineMs !== undefined) {
        deadline = setTimeout(
          late(options.deadlineMs, "did not arrive within"),
          options.deadlineMs,
        );
      }
      armIdle();
    },
    async pull(c) {
      if (finished) return;
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        if (finished) return;
        finished = true;
        stop();
        c.error(error);
        return;
      }
      if (finished) return;
      if (result.done) {
        finished = true;
        stop();
        c.close();
        return;
      }
      received += result.value.length;
      if (options.maxBytes !== undefined && received > options.maxBytes) {
        return cut(tooLarge(options.maxBytes));
      }
      armIdle();
      c.enqueue(result.value);
    },
    cancel(reason) {
      finished = true;
      stop();
      return reader.cancel(reason);
    },
  });
  return { body: stream, cut, stop };
}
