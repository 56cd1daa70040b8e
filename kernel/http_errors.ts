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
 * {@linkcode InvalidInputError} (or another named class below), never as a
 * bare `TypeError`.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ApiError } from "../lib/bridge/api_types.ts";
import { InvalidInputError } from "../lib/errors/invalid_input.ts";

/** An answer with a status, a code and a message. */
export class ApiHttpError extends Error {
  /** The HTTP status. */
  readonly status: ContentfulStatusCode;
  /** The error code in the body. */
  readonly code: string;
  /** Creates the error. */
  constructor(status: ContentfulStatusCode, code: string, message: string) {
    super(message);
    this.name = "ApiHttpError";
    this.status = status;
    this.code = code;
  }
}

/** Errors a caller or the environment causes, by class name: their status and code. */
const BY_NAME: Record<string, [ContentfulStatusCode, string]> = {
  DataSourceNotFoundError: [404, "not-found"],
  TorrentNotFoundError: [404, "not-found"],
  UnknownKindError: [400, "unknown-kind"],
  IdentifierSyntaxError: [400, "bad-id"],
  FieldError: [400, "bad-field"],
  DataSourceClassError: [400, "bad-class"],
  MetainfoError: [422, "bad-torrent"],
  BencodeError: [422, "bad-torrent"],
  MagnetError: [400, "bad-magnet"],
  LoadFailedError: [502, "load-failed"],
  OfflineError: [409, "offline"],
  LockMismatchError: [409, "lock-mismatch"],
  LockFileError: [400, "bad-lock"],
  NotLockableError: [409, "not-lockable"],
  NoLoaderError: [409, "no-loader"],
  IndexAuthError: [502, "index-auth"],
  IndexError: [502, "index-error"],
  TorrentLookupError: [502, "index-error"],
  IndexSpecError: [400, "bad-index"],
  StoreWriteError: [507, "store-write"],
  StoreCorruptError: [500, "store-corrupt"],
  IntegrityError: [409, "integrity"],
  ContentChangedError: [409, "content-changed"],
  CreateTorrentError: [422, "bad-content"],
  UnsupportedFileError: [422, "unsupported-file"],
  NameCollisionError: [409, "name-collision"],
  AlreadyPublishedError: [409, "already-published"],
  RefusedUrlError: [422, "refused-url"],
  PathEscapeError: [422, "path-escape"],
  LinkEscapeError: [422, "link-escape"],
  UnsafeFieldPathError: [422, "unsafe-path"],
  ZipRefusedError: [422, "zip-refused"],
  TimeoutError: [504, "timeout"],
};

/** `TorrentError` codes a caller or the environment causes. */
const TORRENT_ERRORS: Record<string, [ContentfulStatusCode, string]> = {
  refused: [422, "torrent-refused"],
  "content-mismatch": [409, "content-mismatch"],
  io: [503, "torrent-io"],
  closed: [409, "torrent-closed"],
  timeout: [504, "timeout"],
  aborted: [409, "aborted"],
};

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
  if (error.name === "TorrentExistsError") {
    // Its message offers the library's `replace` option, which the API has not.
    const { fileName, location } = error as Error & { fileName?: string; location?: string };
    return [
      409,
      "already-published",
      `A different torrent is already published as ${JSON.stringify(fileName)} in the index ${
        JSON.stringify(location)
      }; nothing was changed: remove it from that index first, or publish other content`,
    ];
  }
  const mapped = BY_NAME[error.name];
  if (mapped) return [mapped[0], mapped[1], firstLine(error.message)];
  if (error.name === "TorrentError") {
    const byCode = TORRENT_ERRORS[(error as { code?: string }).code ?? ""];
    if (byCode) return [byCode[0], byCode[1], firstLine(error.message)];
  }
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
