/**
 * Google Drive credentials for the Drive torrent index: the OAuth client JSON
 * (`<store>/credentials.json`) and the user's token (`<store>/drive-token.json`,
 * plain JSON, never pickle), and the OAuth2 client built from them.
 *
 * ## Getting credentials (README-ready)
 *
 * 1. In the Google Cloud console, create (or pick) a project and enable the
 *    **Google Drive API** (APIs & Services > Library).
 * 2. Configure the OAuth consent screen (APIs & Services > OAuth consent
 *    screen); while the app is in "Testing", add your Google account as a test
 *    user.
 * 3. Create an **OAuth client ID** of type **Desktop app** (APIs & Services >
 *    Credentials > Create credentials), download its JSON and save it as
 *    `.owm/credentials.json` (the store directory; `OWM_HOME` if set). It looks
 *    like `{"installed": {"client_id": "…", "client_secret": "…",
 *    "redirect_uris": ["http://localhost"], …}}`. Keep it out of version control
 *    (`.owm/` is git-ignored) and readable only by you (`chmod 600`).
 * 4. Authorize: `authorizeDrive()` (see `drive_auth.ts`; the CLI's
 *    `owm drive auth`) opens Google's consent page and writes
 *    `.owm/drive-token.json` (`access_token`, `refresh_token`, `expiry_date`,
 *    `scope`). The access token is refreshed automatically and the file updated.
 *
 * ## Scopes: the narrowest that works
 *
 * - **read** (`drive.readonly`): finding and fetching torrents that other people
 *   shared with you needs read access to files this app did not create, which
 *   `drive.file` does not give. Read-only cannot change or delete anything.
 * - **publish** (`drive.file`): uploading needs write access, but only to files
 *   this app creates; it cannot see or touch anything else in your Drive. With
 *   it alone, the index finds only torrents you published through this app.
 * - **read-publish** (both): read shared torrents and publish your own. The full
 *   `drive` scope is never needed.
 *
 * @module
 */
import { join } from "node:path";
import { atomicWriteFile } from "../fs/atomic_write.ts";
import { IndexAuthError, type IndexRef } from "./torrent_index.ts";
import { InvalidInputError } from "../errors/invalid_input.ts";
import { DRIVE_CREDENTIALS_NAME, DRIVE_TOKEN_NAME } from "../settings/store_layout.ts";

/**
 * What the Drive index needs of a Google auth client: any client of Google's
 * auth library fits, e.g. `new auth.OAuth2(…)` from `@googleapis/drive` with
 * `setCredentials({ access_token, refresh_token, expiry_date })`, or a service
 * account's JWT client.
 */
export interface DriveAuthClient {
  /** The credentials in use; a known `scope` (space-separated) is checked before publishing. */
  readonly credentials: { scope?: string | undefined };
  /** Sends an authorized request. */
  request(options: object): Promise<unknown>;
}

/** The file name of the OAuth client JSON inside the store directory. */
export const DRIVE_CREDENTIALS_FILE: string = DRIVE_CREDENTIALS_NAME;
/** The file name of the user's token inside the store directory. */
export const DRIVE_TOKEN_FILE: string = DRIVE_TOKEN_NAME;

/** Read any file in the user's Drive (torrents shared with them). */
export const DRIVE_READONLY_SCOPE = "https://www.googleapis.com/auth/drive.readonly";
/** Create files, and read and change only the files this app created. */
export const DRIVE_FILE_SCOPE = "https://www.googleapis.com/auth/drive.file";
/** The full Drive scope; accepted in a token, never asked for. */
export const DRIVE_FULL_SCOPE = "https://www.googleapis.com/auth/drive";

/** What a Drive token is for: reading shared torrents, publishing, or both. */
export type DriveAccess = "read" | "publish" | "read-publish";

/**
 * The scopes to ask for, for each kind of access (see the module docs for why).
 *
 * @example
 * ```ts
 * import { driveScopes } from "./drive_credentials.ts";
 * console.log(driveScopes("publish")); // ["https://www.googleapis.com/auth/drive.file"]
 * ```
 */
export function driveScopes(access: DriveAccess): string[] {
  switch (access) {
    case "read":
      return [DRIVE_READONLY_SCOPE];
    case "publish":
      return [DRIVE_FILE_SCOPE];
    case "read-publish":
      return [DRIVE_READONLY_SCOPE, DRIVE_FILE_SCOPE];
  }
  throw new InvalidInputError(
    `Unknown Drive access ${JSON.stringify(access)}: use "read", "publish" or "read-publish"`,
  );
}

/** Whether a token granted `scope` (space-separated) may upload files. */
export function scopeAllowsPublish(scope: string): boolean {
  const granted = scope.split(/\s+/);
  return granted.includes(DRIVE_FILE_SCOPE) || granted.includes(DRIVE_FULL_SCOPE);
}

/** The OAuth client read from `credentials.json`. */
export interface DriveClientSecrets {
  /** The OAuth client id. */
  clientId: string;
  /** The OAuth client secret (a Desktop app's secret is not confidential). */
  clientSecret?: string;
  /** The registered redirect URIs. */
  redirectUris: string[];
  /** The token endpoint (`token_uri`), when given. */
  tokenUri?: string;
  /** The consent page (`auth_uri`), when given. */
  authUri?: string;
}

/** The user's token, as stored in `drive-token.json` (the fields of Google's `Credentials`). */
export interface DriveToken {
  /** The current access token. */
  access_token?: string;
  /** The long-lived refresh token. */
  refresh_token?: string;
  /** When the access token expires, in ms since the epoch. */
  expiry_date?: number;
  /** The granted scopes, space-separated. */
  scope?: string;
  /** Always `"Bearer"`. */
  token_type?: string;
}

/**
 * Reads and checks the OAuth client JSON (`"installed"` or `"web"` key).
 *
 * @throws {IndexAuthError} `missing-credentials` when absent, `malformed-credentials` when unusable
 */
export async function readDriveClientSecrets(
  path: string,
  index: IndexRef,
): Promise<DriveClientSecrets> {
  const json = await readJson(path, index, missingClientHint(path));
  const body = isObject(json) ? (json.installed ?? json.web) : undefined;
  if (!isObject(body)) {
    throw malformed(
      index,
      path,
      'it has no "installed" or "web" object; download the OAuth client JSON again',
    );
  }
  const { client_id, client_secret, redirect_uris, token_uri, auth_uri } = body;
  if (typeof client_id !== "string" || client_id === "") {
    throw malformed(index, path, '"client_id" is missing');
  }
  if (client_secret !== undefined && typeof client_secret !== "string") {
    throw malformed(index, path, '"client_secret" is not a string');
  }
  const uris = redirect_uris ?? [];
  if (!Array.isArray(uris) || !uris.every((u) => typeof u === "string")) {
    throw malformed(index, path, '"redirect_uris" is not a list of URLs');
  }
  const secrets: DriveClientSecrets = { clientId: client_id, redirectUris: uris };
  if (typeof client_secret === "string") secrets.clientSecret = client_secret;
  if (typeof token_uri === "string") secrets.tokenUri = token_uri;
  if (typeof auth_uri === "string") secrets.authUri = auth_uri;
  return secrets;
}

/**
 * Reads and checks the token JSON.
 *
 * @throws {IndexAuthError} `missing-credentials` when absent, `malformed-credentials` when
 *   unusable, `expired` when the access token has expired and there is no refresh token
 */
export async function readDriveToken(path: string, index: IndexRef): Promise<DriveToken> {
  const again = `run \`owm drive auth\` (authorizeDrive()) to write a new one`;
  const json = await readJson(
    path,
    index,
    `no Google Drive token at ${path}: authorize this app with \`owm drive auth\` (authorizeDrive()), ` +
      `which writes it`,
  );
  if (!isObject(json)) throw malformed(index, path, `it is not a JSON object; ${again}`);
  const token: DriveToken = {};
  for (const key of ["access_token", "refresh_token", "scope", "token_type"] as const) {
    const value = json[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string") {
      throw malformed(index, path, `"${key}" is not a string; ${again}`);
    }
    token[key] = value;
  }
  if (json.expiry_date !== undefined && json.expiry_date !== null) {
    if (typeof json.expiry_date !== "number" || !Number.isFinite(json.expiry_date)) {
      throw malformed(index, path, `"expiry_date" is not a number of milliseconds; ${again}`);
    }
    token.expiry_date = json.expiry_date;
  }
  if (!token.access_token && !token.refresh_token) {
    throw malformed(index, path, `it holds neither "access_token" nor "refresh_token"; ${again}`);
  }
  const expired = token.expiry_date !== undefined && token.expiry_date <= Date.now();
  if (!token.refresh_token && (expired || !token.access_token)) {
    throw new IndexAuthError(
      "expired",
      index,
      `the Google Drive access token in ${path} has expired and there is no refresh token to renew it: ${again}`,
    );
  }
  return token;
}

/** Writes the token file atomically, readable by its owner only. */
export async function writeDriveToken(path: string, token: DriveToken): Promise<void> {
  const text = JSON.stringify(token, null, 2) + "\n";
  await atomicWriteFile(path, [new TextEncoder().encode(text)], { mode: 0o600 });
}

/** Options for {@linkcode loadDriveAuth}. */
export interface LoadDriveAuthOptions {
  /** The token endpoint. @default the client JSON's `token_uri`, else Google's */
  tokenUrl?: string | undefined;
}

/** An OAuth2 client with the user's token, and a way to wait for refreshed tokens to be saved. */
export interface LoadedDriveAuth {
  /** The client, ready for `drive({ auth })`. */
  client: DriveAuthClient;
  /** The token as read. */
  token: DriveToken;
  /** Resolves once every refreshed token has been written back to the token file. */
  saved(): Promise<void>;
}

/**
 * Builds an OAuth2 client from `<storeHome>/credentials.json` and
 * `<storeHome>/drive-token.json`. Refreshed tokens are written back (keeping
 * the refresh token), so a refresh happens once per expiry, not once per run.
 *
 * @throws {IndexAuthError} when either file is missing, malformed, or the token expired for good
 *
 * @example
 * ```ts ignore
 * import { drive } from "@googleapis/drive";
 * const { client } = await loadDriveAuth(".owm", { kind: "drive", location: "drive:" });
 * const api = drive({ version: "v3", auth: client });
 * ```
 */
export async function loadDriveAuth(
  storeHome: string,
  index: IndexRef,
  options: LoadDriveAuthOptions = {},
): Promise<LoadedDriveAuth> {
  const secrets = await readDriveClientSecrets(join(storeHome, DRIVE_CREDENTIALS_FILE), index);
  const tokenPath = join(storeHome, DRIVE_TOKEN_FILE);
  const token = await readDriveToken(tokenPath, index);
  const tokenUrl = options.tokenUrl ?? secrets.tokenUri;
  const { auth: googleAuth } = await import("@googleapis/drive");
  const client = new googleAuth.OAuth2({
    clientId: secrets.clientId,
    // A 401 from Drive renews the access token once (it may have been invalidated early).
    forceRefreshOnFailure: true,
    ...(secrets.clientSecret === undefined ? {} : { clientSecret: secrets.clientSecret }),
    ...(tokenUrl === undefined ? {} : { endpoints: { oauth2TokenUrl: tokenUrl } }),
  });
  client.setCredentials(token);
  let current: DriveToken = token;
  let pending: Promise<void> = Promise.resolve();
  client.on("tokens", (fresh) => {
    const next: DriveToken = { ...current };
    for (const key of ["access_token", "refresh_token", "scope", "token_type"] as const) {
      const value = fresh[key];
      if (typeof value === "string") next[key] = value;
    }
    if (typeof fresh.expiry_date === "number") next.expiry_date = fresh.expiry_date;
    current = next;
    pending = pending.then(() => writeDriveToken(tokenPath, next)).catch(() => {
      // Saving is an optimisation: the next run refreshes again.
    });
  });
  return { client, token, saved: () => pending };
}

function missingClientHint(path: string): string {
  return `no Google Drive OAuth client at ${path}: create an OAuth client ID of type "Desktop app" ` +
    `in the Google Cloud console (APIs & Services > Credentials, with the Google Drive API enabled), ` +
    `save its JSON as ${path}, then authorize with \`owm drive auth\` (authorizeDrive())`;
}

async function readJson(path: string, index: IndexRef, missingHint: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new IndexAuthError("missing-credentials", index, missingHint);
    }
    throw new IndexAuthError(
      "missing-credentials",
      index,
      `cannot read ${path} (${
        error instanceof Error ? error.message : error
      }): check its permissions`,
      { cause: error },
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw malformed(
      index,
      path,
      "it is not valid JSON; replace it with the file as downloaded",
      error,
    );
  }
}

function malformed(index: IndexRef, path: string, detail: string, cause?: unknown): IndexAuthError {
  return new IndexAuthError(
    "malformed-credentials",
    index,
    `${path} is malformed: ${detail}`,
    cause === undefined ? {} : { cause },
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
