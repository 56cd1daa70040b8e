/**
 * Authorizing this app for Google Drive: the OAuth "installed app" flow with a
 * loopback redirect and PKCE, as Google recommends for desktop programs. It
 * writes `<store>/drive-token.json`, which {@linkcode DriveIndex} then uses.
 *
 * @module
 */
// The Google auth library is loaded on first use, not at import.
import type { auth } from "@googleapis/drive";
import { join } from "node:path";
import { resolveStoreHome } from "../graph/store.ts";
import {
  DRIVE_CREDENTIALS_FILE,
  DRIVE_TOKEN_FILE,
  type DriveAccess,
  driveScopes,
  type DriveToken,
  readDriveClientSecrets,
  writeDriveToken,
} from "./drive_credentials.ts";
import { mapDriveError } from "./drive_errors.ts";
import { IndexAuthError, type IndexRef } from "./torrent_index.ts";

type AuthUrlOptions = NonNullable<
  Parameters<InstanceType<typeof auth.OAuth2>["generateAuthUrl"]>[0]
>;
// The library's CodeChallengeMethod enum is not re-exported by @googleapis/drive.
const S256 = "S256" as NonNullable<AuthUrlOptions["code_challenge_method"]>;

/** Options for {@linkcode authorizeDrive}. */
export interface AuthorizeDriveOptions {
  /** Shows or opens the consent page URL (print it, or launch a browser). */
  openUrl: (url: string) => void | Promise<void>;
  /** The store directory. @default the `OWM_HOME` environment variable, else `./.owm` */
  storeHome?: string;
  /** What the token is for; decides the scopes (see `driveScopes`). @default "read" */
  access?: DriveAccess;
  /** The consent page. @default the client JSON's `auth_uri`, else Google's */
  authUrl?: string;
  /** The token endpoint. @default the client JSON's `token_uri`, else Google's */
  tokenUrl?: string;
  /** Give up waiting for the browser after this many ms. @default 300000 (5 minutes) */
  timeoutMs?: number;
  /** Cancels the wait. */
  signal?: AbortSignal;
}

/**
 * Runs the consent flow: starts a one-shot server on 127.0.0.1, asks the user
 * (through `openUrl`) to approve on Google's page, exchanges the code (with
 * PKCE) for tokens, and writes them to `<store>/drive-token.json` (mode 0600).
 *
 * @returns the token written
 * @throws {IndexAuthError} when the client JSON is missing or malformed, consent is refused,
 *   or the code exchange fails
 *
 * @example Authorize from a terminal
 * ```ts ignore
 * import { authorizeDrive } from "./drive_auth.ts";
 * await authorizeDrive({
 *   access: "read-publish",
 *   openUrl: (url) => console.log(`Open this page and approve: ${url}`),
 * });
 * ```
 */
export async function authorizeDrive(options: AuthorizeDriveOptions): Promise<DriveToken> {
  const home = resolveStoreHome(options.storeHome);
  const ref: IndexRef = { kind: "drive", location: "drive:" };
  const secrets = await readDriveClientSecrets(join(home, DRIVE_CREDENTIALS_FILE), ref);
  const scopes = driveScopes(options.access ?? "read");
  const state = crypto.randomUUID();
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 300_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;

  const answer = Promise.withResolvers<URLSearchParams>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, signal, onListen() {} }, (req) => {
    const params = new URL(req.url).searchParams;
    if (params.get("state") !== state || !(params.has("code") || params.has("error"))) {
      return new Response("Not found", { status: 404 });
    }
    answer.resolve(params);
    const ok = params.has("code");
    return new Response(
      `<!doctype html><title>owmeta-torrent</title><p>${
        ok
          ? "Authorized. You can close this tab."
          : "Authorization was refused. You can close this tab."
      }</p>`,
      { headers: { "content-type": "text/html; charset=utf-8" } },
    );
  });
  const onAbort = () => answer.reject(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  answer.promise.catch(() => {}); // handled where awaited; never an unhandled rejection
  try {
    const redirectUri = `http://127.0.0.1:${server.addr.port}/`;
    const authUrl = options.authUrl ?? secrets.authUri;
    const tokenUrl = options.tokenUrl ?? secrets.tokenUri;
    const { auth: googleAuth } = await import("@googleapis/drive");
    const client = new googleAuth.OAuth2({
      clientId: secrets.clientId,
      ...(secrets.clientSecret === undefined ? {} : { clientSecret: secrets.clientSecret }),
      redirectUri,
      endpoints: {
        ...(authUrl === undefined ? {} : { oauth2AuthBaseUrl: authUrl }),
        ...(tokenUrl === undefined ? {} : { oauth2TokenUrl: tokenUrl }),
      },
    });
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    const url = client.generateAuthUrl({
      access_type: "offline",
      prompt: "consent",
      scope: scopes,
      state,
      code_challenge_method: S256,
      ...(codeChallenge === undefined ? {} : { code_challenge: codeChallenge }),
    });
    await options.openUrl(url);
    let params: URLSearchParams;
    try {
      params = await answer.promise;
    } catch (error) {
      throw new IndexAuthError(
        "missing-credentials",
        ref,
        `no answer from the Google consent page (${
          error instanceof Error ? error.message : error
        }): ` +
          `open the printed URL in a browser on this machine and approve, within the time limit`,
        { cause: error },
      );
    }
    const code = params.get("code");
    if (!code) {
      throw new IndexAuthError(
        "forbidden",
        ref,
        `the Google consent page answered ${JSON.stringify(params.get("error"))}: ` +
          `approve the access asked for (and be listed as a test user of the OAuth app), then try again`,
      );
    }
    let tokens;
    try {
      tokens = (await client.getToken({ code, ...(codeVerifier ? { codeVerifier } : {}) })).tokens;
    } catch (error) {
      throw mapDriveError(error, ref);
    }
    const token: DriveToken = {};
    if (tokens.access_token) token.access_token = tokens.access_token;
    if (tokens.refresh_token) token.refresh_token = tokens.refresh_token;
    if (typeof tokens.expiry_date === "number") token.expiry_date = tokens.expiry_date;
    token.scope = tokens.scope ?? scopes.join(" ");
    token.token_type = tokens.token_type ?? "Bearer";
    await writeDriveToken(join(home, DRIVE_TOKEN_FILE), token);
    return token;
  } finally {
    signal.removeEventListener("abort", onAbort);
    if (!signal.aborted) await server.shutdown();
    await server.finished;
  }
}
