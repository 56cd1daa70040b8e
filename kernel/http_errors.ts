/**
 * The one place where errors become HTTP answers: `{error: {code, message}}`
 * with the status that fits.
 *
 * @module
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ApiError } from "../lib/bridge/api_types.ts";

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

const BY_NAME: Record<string, [ContentfulStatusCode, string]> = {
  DataSourceNotFoundError: [404, "not-found"],
  TorrentNotFoundError: [404, "not-found"],
  UnknownKindError: [400, "unknown-kind"],
  IdentifierSyntaxError: [400, "bad-id"],
  FieldError: [400, "bad-field"],
  DataSourceClassError: [400, "bad-class"],
  MetainfoError: [422, "bad-torrent"],
  MagnetError: [400, "bad-magnet"],
  LoadFailedError: [502, "load-failed"],
  OfflineError: [409, "offline"],
  LockMismatchError: [409, "lock-mismatch"],
  LockFileError: [400, "bad-lock"],
  NoLoaderError: [409, "no-loader"],
  IndexAuthError: [502, "index-auth"],
  IndexError: [502, "index-error"],
  TorrentLookupError: [502, "index-error"],
  StoreWriteError: [507, "store-write"],
  StoreCorruptError: [500, "store-corrupt"],
  IntegrityError: [409, "integrity"],
  TypeError: [400, "bad-request"],
  SyntaxError: [400, "bad-request"],
};

/** The JSON error body. */
export function errorBody(code: string, message: string): ApiError {
  return { error: { code, message } };
}

/** Hono's `onError`: maps known errors to statuses, anything else to 500. */
export function onError(error: Error, c: Context): Response {
  if (error instanceof ApiHttpError) {
    return c.json(errorBody(error.code, error.message), error.status);
  }
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    return c.json(errorBody(status === 413 ? "too-large" : "http", error.message), status);
  }
  const mapped = BY_NAME[error.name];
  if (mapped) return c.json(errorBody(mapped[1], error.message), mapped[0]);
  console.error(`bridge: unexpected error: ${error.stack ?? error.message}`);
  return c.json(errorBody("internal", `Unexpected error: ${error.message}`), 500);
}
