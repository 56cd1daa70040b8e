/**
 * The one place where errors become HTTP answers: `{error: {code, message}}`
 * with the status that fits, and the request id every answer carries.
 *
 * The rule: what a caller or the environment can cause has its own status
 * and a plain one-line message (4xx for the caller; 503 or 507 for the
 * machine: permissions, a full disk); an error from our own bug (`TypeError`,
 * `RangeError`, `ReferenceError`, a `SyntaxError` we did not name, anything
 * unknown) is a 500 with a generic message and the request id, logged once
 * with that id and its stack. Callers' mistakes are thrown as
 * {@linkcode InvalidInputError} (or another {@linkcode OwmError} whose code
 * {@linkcode HTTP_STATUS_BY_CODE} lists), never as a bare `TypeError`.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ApiError } from "../lib/bridge/api_types.ts";
import { InvalidInputError } from "../lib/errors/invalid_input.ts";
import { OwmError } from "../lib/errors/owm_error.ts";

/** An answer with a status, a code and a message. */
export class ApiHttpError extends OwmError {
  /** The HTTP status. */
  readonly status: ContentfulStatusCode;
  /** The error code in the body. */
  declare readonly code: string;
  /** Creates the error. */
  constructor(status: ContentfulStatusCode, code: string, message: string) {
    super(message);
    this.name = "ApiHttpError";
    this.status = status;
    this.code = code;
  }
}

/**
 * The bridge's answer for each error code ({@linkcode OwmError.code}) that a
 * caller or the environment causes: the HTTP status, and the code in the
 * answer's body when it is not the error's own. An error whose code is not
 * listed here is answered 500 (and logged once with the request id); an
 * {@linkcode InvalidInputError} (a caller's bad argument, option or field)
 * is answered with the 4xx status and the code it carries.
 */
export const HTTP_STATUS_BY_CODE: Readonly<
  Record<string, readonly [ContentfulStatusCode, string?]>
> = {
  // DataSources and the graph
  "not-found": [404],
  "unknown-kind": [400],
  "bad-id": [400],
  "bad-field": [400],
  "bad-class": [400],
  "store-write": [507],
  "store-corrupt": [500],
  // .torrent files and magnets (MetainfoError's codes, BencodeError's)
  ...Object.fromEntries(
    [
      "bencode",
      "too-large",
      "not-a-dictionary",
      "missing-info",
      "unsupported-version",
      "v2-only-unsupported",
      "bad-piece-length",
      "bad-name",
      "bad-file",
      "bad-file-size",
      "bad-path",
      "no-files",
      "empty-torrent",
      "too-many-pieces",
      "bad-pieces",
      "bad-file-tree",
      "inconsistent-files",
      "too-many-duplicates",
    ].map((code) => [code, [422, "bad-torrent"] as const]),
  ),
  "bad-magnet": [400],
  // loading, the lockfile
  "load-failed": [502],
  offline: [409],
  "no-loader": [409],
  "lock-mismatch": [409],
  "bad-lock": [400],
  "not-lockable": [409],
  // torrent indexes
  "torrent-not-found": [404, "not-found"],
  "index-auth": [502],
  "index-error": [502],
  "torrent-lookup": [502, "index-error"],
  "torrent-exists": [409, "already-published"],
  "bad-index": [400],
  // content, publishing
  integrity: [409],
  "content-changed": [409],
  "bad-content": [422],
  "unsupported-file": [422],
  "name-collision": [409],
  "already-published": [409],
  "record-exists": [409, "already-published"],
  "record-conflict": [409],
  "bad-record": [502],
  "records-unsupported": [502],
  "refused-url": [422],
  // paths and archives (ZipRefusedError's codes)
  "path-escape": [422],
  "link-escape": [422],
  "unsafe-path": [422],
  "bad-zip": [422, "zip-refused"],
  "zip-unsafe": [422, "zip-refused"],
  "zip-too-large": [422, "zip-refused"],
  // the torrent engine (TorrentError's codes); `timeout` is also a DOMException's
  refused: [422, "torrent-refused"],
  "content-mismatch": [409],
  io: [503, "torrent-io"],
  closed: [409, "torrent-closed"],
  timeout: [504],
  aborted: [409],
  // SPARQL (the caller's query errors are InvalidInputErrors with their own status)
  // a query's own cost (the route answers these itself; the same statuses here)
  "sparql-timeout": [422],
  "sparql-engine-failed": [422],
};

/**
 * The code an error is looked up by: an {@linkcode OwmError}'s own, `timeout`
 * for a `DOMException` named `TimeoutError` (from `AbortSignal.timeout`).
 */
function codeOf(error: Error): string | undefined {
  if (error instanceof OwmError) return error.code;
  if (error instanceof DOMException && error.name === "TimeoutError") return "timeout";
  return undefined;
}

/** The JSON error body. */
export function errorBody(code: string, message: string): ApiError {
  return { error: { code, message } };
}

const REQUEST_IDS = new WeakMap<Request, string>();

/** The response header that carries the request id. */
export const REQUEST_ID_HEADER = "x-request-id";

/**
 * A middleware that gives each request a random id, answered in the
 * `x-request-id` header (and in the body of a 500, and in its log line).
 *
 * @example
 * ```ts ignore
 * const app = new Hono().use("*", requestId());
 * ```
 */
export function requestId(): MiddlewareHandler {
  return async (c, next) => {
    const id = crypto.randomUUID();
    REQUEST_IDS.set(c.req.raw, id);
    c.header(REQUEST_ID_HEADER, id);
    await next();
    try {
      if (!c.res.headers.has(REQUEST_ID_HEADER)) c.res.headers.set(REQUEST_ID_HEADER, id);
    } catch {
      // An immutable response (e.g. one passed through from fetch): the id is in the log only.
    }
  };
}

/** The id {@linkcode requestId} gave this request (a new one if it ran not). */
export function requestIdOf(c: Context): string {
  let id = REQUEST_IDS.get(c.req.raw);
  if (!id) {
    id = crypto.randomUUID();
    REQUEST_IDS.set(c.req.raw, id);
  }
  return id;
}

/** The first line of a message (answers and log lines are one line). */
function firstLine(message: string): string {
  return message.split("\n")[0]!.trim();
}

/** `ENOSPC`/`EDQUOT` (as Deno or Node reports them). */
function isDiskFull(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return code === "ENOSPC" || code === "EDQUOT" || /\(os error (28|122)\)/.test(error.message);
}

/** A request body that could not be read to its end: the client went away or broke it off. */
function isCutBody(error: Error): boolean {
  return (error instanceof Deno.errors.BadResource && /\bbody\b/i.test(error.message)) ||
    error instanceof Deno.errors.UnexpectedEof ||
    (error instanceof Deno.errors.Http && /body/i.test(error.message));
}

/** An answer for what the machine refused (permissions, a full disk), looking through `cause`s. */
function environmentAnswer(error: Error): [ContentfulStatusCode, string, string] | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof Deno.errors.NotCapable) {
      return [
        503,
        "not-permitted",
        `The bridge is not permitted to do this (${
          firstLine(e.message)
        }): it runs with access to its store, its publish root and temporary folders only`,
      ];
    }
    if (e instanceof Deno.errors.PermissionDenied) {
      return [
        503,
        "permission-denied",
        `The bridge was refused access by the system (${
          firstLine(e.message)
        }): check the permissions of the store and the content`,
      ];
    }
    if (isCutBody(e)) {
      return [
        400,
        "body-incomplete",
        `The request body ended before it was complete (${
          firstLine(e.message)
        }): the client closed or broke the connection; send the whole body again`,
      ];
    }
    if (isDiskFull(e)) {
      return [
        507,
        "disk-full",
        `The disk is full (${firstLine(e.message)}): free some space and try again`,
      ];
    }
  }
  return undefined;
}

/**
 * The status, code and message for `error`, or `undefined` for an error that
 * is our own bug (answered 500).
 */
export function classify(error: Error): [ContentfulStatusCode, string, string] | undefined {
  if (error instanceof ApiHttpError) return [error.status, error.code, error.message];
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    return [status, status === 413 ? "too-large" : "http", error.message];
  }
  if (error instanceof InvalidInputError) {
    return [error.status, error.code, firstLine(error.message)];
  }
  // A full disk or a refused permission underneath (e.g. an index that could not write) is
  // the machine's, whatever wraps it.
  const environment = environmentAnswer(error);
  if (environment) return environment;
  const code = codeOf(error);
  const mapped = code === undefined ? undefined : HTTP_STATUS_BY_CODE[code];
  if (mapped) return [mapped[0], mapped[1] ?? code!, firstLine(error.message)];
  return undefined;
}

/**
 * Hono's `onError`: maps what a caller or the environment caused to its
 * status; anything else is a bug, answered 500 with a generic message and the
 * request id, and logged once (with the id and the stack).
 */
export function onError(error: Error, c: Context): Response {
  const id = requestIdOf(c);
  c.header(REQUEST_ID_HEADER, id);
  const known = classify(error);
  if (known) return c.json(errorBody(known[1], known[2]), known[0]);
  console.error(`bridge: internal error in request ${id}: ${error.stack ?? error.message}`);
  return c.json(
    errorBody(
      "internal",
      `Internal error (request id ${id}): this is a bug in the bridge, not in your request; the bridge's log has the details under this id`,
    ),
    500,
  );
}
