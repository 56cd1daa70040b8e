/**
 * Maps the errors of Google's client (Gaxios errors from the Drive API and
 * from the OAuth token endpoint) to the index errors, each saying what to do.
 *
 * @module
 */
import {
  IndexAuthError,
  IndexError,
  type IndexRef,
  TorrentNotFoundError,
} from "./torrent_index.ts";

const AUTH_AGAIN = "authorize again with `owm drive auth` (authorizeDrive())";

/**
 * Turns an error thrown by the Drive client into an {@linkcode IndexAuthError},
 * {@linkcode TorrentNotFoundError} (a 404 while handling `fileName`) or
 * {@linkcode IndexError}. An aborted call's error is returned unchanged.
 */
export function mapDriveError(error: unknown, index: IndexRef, fileName?: string): Error {
  const e = (typeof error === "object" && error !== null ? error : {}) as GaxiosLike;
  if (e.name === "AbortError" || e.code === "AbortError" || e.cause?.name === "AbortError") {
    return error instanceof Error ? error : new Error(String(error));
  }
  const status = typeof e.status === "number" ? e.status : e.response?.status;
  const data = parseData(e.response?.data);
  const options = { cause: error };
  const message = e.message ?? String(error);

  // The OAuth token endpoint answers {error: "invalid_grant", error_description: "..."}.
  if (data && typeof data.error === "string") {
    const description = typeof data.error_description === "string" ? data.error_description : "";
    const said = description ? `${data.error}: ${description}` : data.error;
    if (data.error === "invalid_grant") {
      return /revoked/i.test(description)
        ? new IndexAuthError(
          "revoked",
          index,
          `Google refused to renew the Drive access (${said}); the authorization was revoked or has ` +
            `expired: ${AUTH_AGAIN}`,
          options,
        )
        : new IndexAuthError(
          "expired",
          index,
          `Google refused to renew the Drive access (${said}): ${AUTH_AGAIN}`,
          options,
        );
    }
    if (data.error === "invalid_client" || data.error === "unauthorized_client") {
      return new IndexAuthError(
        "malformed-credentials",
        index,
        `Google refused the OAuth client in credentials.json (${said}): download the client JSON ` +
          `again from the Google Cloud console, then ${AUTH_AGAIN}`,
        options,
      );
    }
  }
  if (/no refresh token/i.test(message)) {
    return new IndexAuthError(
      "expired",
      index,
      `the Google Drive access token has expired and there is no refresh token: ${AUTH_AGAIN}`,
      options,
    );
  }
  const apiError = data && typeof data.error === "object" && data.error !== null
    ? data.error as { message?: unknown; errors?: { reason?: unknown }[] }
    : undefined;
  const apiMessage = typeof apiError?.message === "string" ? apiError.message : message;
  const reasons = (apiError?.errors ?? []).map((x) => String(x?.reason ?? ""));
  if (status === 401) {
    return new IndexAuthError(
      "expired",
      index,
      `Google Drive refused the access token (401 ${apiMessage}); it has expired or is not valid: ${AUTH_AGAIN}`,
      options,
    );
  }
  if (status === 403 && reasons.some((r) => /rateLimit|LimitExceeded/i.test(r))) {
    return new IndexError(
      index,
      `Google Drive is rate-limiting requests (403 ${apiMessage}): wait a minute and try again`,
      { ...options, status },
    );
  }
  if (status === 403) {
    return new IndexAuthError(
      "forbidden",
      index,
      `Google Drive refused access (403 ${apiMessage}): the token's scope does not allow this, or the ` +
        `file or folder is not shared with this account; ask its owner to share it, or ${AUTH_AGAIN} ` +
        `with the access you need`,
      options,
    );
  }
  if (status === 404 && fileName !== undefined) {
    return new TorrentNotFoundError(fileName, [index.location], options);
  }
  if (status !== undefined) {
    return new IndexError(
      index,
      `Google Drive answered ${status} (${apiMessage}): try again later`,
      {
        ...options,
        status,
      },
    );
  }
  return new IndexError(
    index,
    `cannot reach Google Drive (${message}): check the network connection`,
    options,
  );
}

interface GaxiosLike {
  name?: string;
  code?: unknown;
  message?: string;
  status?: unknown;
  cause?: { name?: string };
  response?: { status?: number; data?: unknown };
}

function parseData(data: unknown): Record<string, unknown> | undefined {
  if (typeof data === "string") {
    try {
      data = JSON.parse(data);
    } catch {
      return undefined;
    }
  }
  return typeof data === "object" && data !== null ? data as Record<string, unknown> : undefined;
}
