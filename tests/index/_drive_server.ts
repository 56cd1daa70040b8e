/**
 * A Google Drive v3 compatible test server on loopback, implementing what
 * `@googleapis/drive` sends for the Drive torrent index:
 *
 * - `GET /drive/v3/files` with `q` (`name = '…'` with `\'` and `\\` escapes,
 *   `trashed = false|true`, `'<id>' in parents`, joined by `and`), `pageSize`,
 *   `pageToken`, `fields`. Like Drive, pages may be partial or empty before the
 *   end: the server pages over all files and filters within each page.
 * - `GET /drive/v3/files/:id` (metadata) and `?alt=media` (bytes).
 * - `POST /upload/drive/v3/files?uploadType=multipart` (multipart/related: JSON
 *   metadata part + media part) and `uploadType=media`; `PATCH
 *   /upload/drive/v3/files/:id?uploadType=multipart` (new content).
 * - Bearer-token auth with Drive's JSON error shapes for 401, 403, 404.
 * - An OAuth token endpoint (`POST /token`: `refresh_token` and
 *   `authorization_code` grants, PKCE S256) and a consent endpoint
 *   (`GET /o/oauth2/v2/auth`, redirecting at once with a code).
 *
 * Every request is logged for assertions.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** A file held by the server. */
export interface DriveFile {
  id: string;
  name: string;
  description?: string;
  mimeType: string;
  parents: string[];
  trashed: boolean;
  bytes: Uint8Array;
}

/** One logged request. */
export interface LoggedRequest {
  method: string;
  path: string;
  params: URLSearchParams;
  authorization: string | null;
  contentType: string | null;
}

/** Options for {@linkcode startDriveServer}. */
export interface DriveServerOptions {
  /** Access tokens accepted for the Drive API. */
  validTokens?: string[];
  /** Access tokens answered with 403 (authenticated but not allowed). */
  forbiddenTokens?: string[];
  /** Refresh tokens the token endpoint accepts, with the scope it grants. */
  refreshTokens?: Record<string, string>;
  /** Refresh tokens answered with `invalid_grant: Token has been expired or revoked.` */
  revokedRefreshTokens?: string[];
  /** The OAuth client id the token endpoint accepts. @default "test-client" */
  clientId?: string;
  /** Answer the consent page with `error=access_denied`. */
  denyConsent?: boolean;
  /** Answer a request before the normal handling (e.g. to inject failures). */
  intercept?: (req: Request, url: URL) => Response | undefined;
}

/** A running test server. */
export interface DriveServer extends AsyncDisposable {
  /** The API root to give as `rootUrl`, ending in `/`. */
  url: string;
  /** The OAuth token endpoint. */
  tokenUrl: string;
  /** The OAuth consent endpoint. */
  authUrl: string;
  /** Every request, in order. */
  log: LoggedRequest[];
  /** The files, in creation order. */
  files: DriveFile[];
  /** Access tokens accepted right now (the token endpoint adds to it). */
  validTokens: Set<string>;
  /** Adds a file; returns its id. */
  addFile(
    name: string,
    bytes: Uint8Array,
    init?: Partial<Omit<DriveFile, "name" | "bytes">>,
  ): string;
  /** Stops the server. */
  shutdown(): Promise<void>;
}

const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");
const sha256b64url = (s: string) => createHash("sha256").update(s).digest("base64url");

function driveError(code: number, message: string, reason: string, status?: string): Response {
  const error: Record<string, unknown> = {
    code,
    message,
    errors: [{ message, domain: "global", reason }],
  };
  if (status) error.status = status;
  return Response.json({ error }, { status: code });
}

/** Parses a Drive `q`; throws on anything this server does not know. */
export function parseDriveQuery(q: string): (f: DriveFile) => boolean {
  const tests: ((f: DriveFile) => boolean)[] = [];
  let i = 0;
  const skip = () => {
    while (q[i] === " ") i++;
  };
  const str = (): string => {
    if (q[i] !== "'") throw new SyntaxError(`expected a quoted string at ${i}`);
    let out = "";
    for (i++; i < q.length; i++) {
      const c = q[i]!;
      if (c === "\\") {
        const next = q[++i];
        if (next !== "'" && next !== "\\") throw new SyntaxError(`bad escape at ${i}`);
        out += next;
      } else if (c === "'") {
        i++;
        return out;
      } else out += c;
    }
    throw new SyntaxError("unterminated string");
  };
  const word = (): string => {
    const m = /^[A-Za-z]+/.exec(q.slice(i));
    if (!m) throw new SyntaxError(`expected a word at ${i}`);
    i += m[0].length;
    return m[0];
  };
  while (true) {
    skip();
    if (q[i] === "'") {
      const id = str();
      skip();
      if (word() !== "in") throw new SyntaxError("expected 'in'");
      skip();
      if (word() !== "parents") throw new SyntaxError("expected 'parents'");
      tests.push((f) => f.parents.includes(id));
    } else {
      const field = word();
      skip();
      if (q[i++] !== "=") throw new SyntaxError("expected '='");
      skip();
      if (field === "name") {
        const name = str();
        tests.push((f) => f.name === name);
      } else if (field === "trashed") {
        const value = word();
        if (value !== "true" && value !== "false") throw new SyntaxError("expected true or false");
        tests.push((f) => f.trashed === (value === "true"));
      } else if (field === "mimeType") {
        const type = str();
        tests.push((f) => f.mimeType === type);
      } else throw new SyntaxError(`unknown field ${field}`);
    }
    skip();
    if (i >= q.length) break;
    if (word() !== "and") throw new SyntaxError("expected 'and'");
  }
  return (f) => tests.every((t) => t(f));
}

/** Parses a `fields` selector like `nextPageToken, files(id, name)`. */
function parseFields(fields: string): Map<string, Set<string> | true> {
  const out = new Map<string, Set<string> | true>();
  for (const m of fields.matchAll(/\s*([A-Za-z]+)\s*(?:\(([^)]*)\))?\s*(?:,|$)/g)) {
    if (!m[1]) continue;
    out.set(m[1], m[2] === undefined ? true : new Set(m[2].split(",").map((s) => s.trim())));
  }
  return out;
}

function fileJson(f: DriveFile, pick: Set<string> | true | undefined): Record<string, unknown> {
  const all: Record<string, unknown> = {
    kind: "drive#file",
    id: f.id,
    name: f.name,
    mimeType: f.mimeType,
    size: String(f.bytes.byteLength),
    md5Checksum: md5(f.bytes),
    parents: f.parents,
    trashed: f.trashed,
    ...(f.description === undefined ? {} : { description: f.description }),
  };
  const keys = pick === undefined ? new Set(["kind", "id", "name", "mimeType"]) : pick;
  if (keys === true) return all;
  return Object.fromEntries(Object.entries(all).filter(([k]) => keys.has(k)));
}

/** Splits a multipart/related body into parts (headers + bytes). */
function parseMultipart(body: Uint8Array, boundary: string) {
  // One char per byte ("latin1" in TextDecoder is windows-1252, which remaps 0x80-0x9f).
  let text = "";
  for (let i = 0; i < body.length; i += 8192) {
    text += String.fromCharCode(...body.subarray(i, i + 8192));
  }
  const delimiter = `\r\n--${boundary}`;
  const segments = ("\r\n" + text).split(delimiter);
  const parts: { contentType: string; bytes: Uint8Array }[] = [];
  for (const segment of segments.slice(1)) {
    if (segment.startsWith("--")) break;
    const headerEnd = segment.indexOf("\r\n\r\n");
    if (headerEnd < 0) throw new SyntaxError("part without headers");
    const headers = segment.slice(2, headerEnd);
    const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? "application/octet-stream";
    const content = segment.slice(headerEnd + 4);
    parts.push({ contentType: type, bytes: Uint8Array.from(content, (c) => c.charCodeAt(0)) });
  }
  return parts;
}

/** Starts the server on 127.0.0.1 with a free port. */
export function startDriveServer(options: DriveServerOptions = {}): DriveServer {
  const files: DriveFile[] = [];
  const log: LoggedRequest[] = [];
  const validTokens = new Set(options.validTokens ?? ["test-token"]);
  const forbidden = new Set(options.forbiddenTokens ?? []);
  const refreshTokens = new Map(Object.entries(options.refreshTokens ?? {}));
  const revoked = new Set(options.revokedRefreshTokens ?? []);
  const clientId = options.clientId ?? "test-client";
  const codes = new Map<string, { challenge: string; redirectUri: string; scope: string }>();
  let counter = 0;

  function addFile(
    name: string,
    bytes: Uint8Array,
    init: Partial<Omit<DriveFile, "name" | "bytes">> = {},
  ): string {
    const id = init.id ?? `file${++counter}x${crypto.randomUUID().slice(0, 8)}`;
    files.push({
      id,
      name,
      bytes,
      mimeType: init.mimeType ?? "application/octet-stream",
      parents: init.parents ?? ["root"],
      trashed: init.trashed ?? false,
      ...(init.description === undefined ? {} : { description: init.description }),
    });
    return id;
  }

  function issue(scope: string) {
    const access = `at-${++counter}`;
    validTokens.add(access);
    return { access_token: access, expires_in: 3599, scope, token_type: "Bearer" };
  }

  async function tokenEndpoint(req: Request): Promise<Response> {
    const form = new URLSearchParams(await req.text());
    const oauthError = (status: number, error: string, description: string) =>
      Response.json({ error, error_description: description }, { status });
    if (form.get("client_id") !== clientId) {
      return oauthError(401, "invalid_client", "The OAuth client was not found.");
    }
    if (form.get("grant_type") === "refresh_token") {
      const refresh = form.get("refresh_token") ?? "";
      if (revoked.has(refresh)) {
        return oauthError(400, "invalid_grant", "Token has been expired or revoked.");
      }
      const scope = refreshTokens.get(refresh);
      if (scope === undefined) return oauthError(400, "invalid_grant", "Bad Request");
      return Response.json(issue(scope));
    }
    if (form.get("grant_type") === "authorization_code") {
      const grant = codes.get(form.get("code") ?? "");
      if (!grant) return oauthError(400, "invalid_grant", "Malformed auth code.");
      codes.delete(form.get("code") ?? "");
      if (sha256b64url(form.get("code_verifier") ?? "") !== grant.challenge) {
        return oauthError(400, "invalid_grant", "Invalid code verifier.");
      }
      if (form.get("redirect_uri") !== grant.redirectUri) {
        return oauthError(400, "redirect_uri_mismatch", "Bad Request");
      }
      const refresh = `rt-${++counter}`;
      refreshTokens.set(refresh, grant.scope);
      return Response.json({ ...issue(grant.scope), refresh_token: refresh });
    }
    return oauthError(400, "unsupported_grant_type", "Invalid grant_type");
  }

  function consent(url: URL): Response {
    const p = url.searchParams;
    const redirect = new URL(p.get("redirect_uri") ?? "");
    redirect.searchParams.set("state", p.get("state") ?? "");
    if (options.denyConsent) {
      redirect.searchParams.set("error", "access_denied");
    } else if (p.get("client_id") !== clientId || p.get("code_challenge_method") !== "S256") {
      redirect.searchParams.set("error", "invalid_request");
    } else {
      const code = `code-${++counter}`;
      codes.set(code, {
        challenge: p.get("code_challenge") ?? "",
        redirectUri: p.get("redirect_uri") ?? "",
        scope: p.get("scope") ?? "",
      });
      redirect.searchParams.set("code", code);
    }
    return Response.redirect(redirect.href, 302);
  }

  function authFailure(req: Request): Response | undefined {
    const header = req.headers.get("authorization");
    const token = /^Bearer (.+)$/.exec(header ?? "")?.[1];
    if (!token) {
      return driveError(
        401,
        "Request is missing required authentication credential.",
        "required",
        "UNAUTHENTICATED",
      );
    }
    if (forbidden.has(token)) {
      return driveError(
        403,
        "The user does not have sufficient permissions for this file.",
        "insufficientFilePermissions",
        "PERMISSION_DENIED",
      );
    }
    if (!validTokens.has(token)) {
      return driveError(401, "Invalid Credentials", "authError", "UNAUTHENTICATED");
    }
    return undefined;
  }

  function list(url: URL): Response {
    const p = url.searchParams;
    let match: (f: DriveFile) => boolean;
    try {
      match = parseDriveQuery(p.get("q") ?? "trashed = false");
    } catch (error) {
      return driveError(400, `Invalid Value: ${(error as Error).message}`, "invalid");
    }
    const pageSize = Math.min(Number(p.get("pageSize") ?? 100), 1000);
    const start = p.has("pageToken") ? Number(atob(p.get("pageToken")!)) : 0;
    if (!Number.isInteger(start) || start < 0) return driveError(400, "Invalid Value", "invalid");
    const slice = files.slice(start, start + pageSize).filter(match);
    const fields = p.has("fields") ? parseFields(p.get("fields")!) : undefined;
    const body: Record<string, unknown> = {};
    const next = start + pageSize < files.length ? btoa(String(start + pageSize)) : undefined;
    if (next && (!fields || fields.has("nextPageToken"))) body.nextPageToken = next;
    body.files = slice.map((f) =>
      fileJson(f, fields ? fields.get("files") ?? new Set() : undefined)
    );
    return Response.json(body);
  }

  async function upload(req: Request, url: URL, existing?: DriveFile): Promise<Response> {
    const type = url.searchParams.get("uploadType");
    const body = new Uint8Array(await req.arrayBuffer());
    let meta: Record<string, unknown> = {};
    let media: { contentType: string; bytes: Uint8Array };
    if (type === "multipart") {
      const boundary = /boundary=([^;]+)/.exec(req.headers.get("content-type") ?? "")?.[1];
      if (!boundary) return driveError(400, "Missing multipart boundary", "badContent");
      const parts = parseMultipart(body, boundary);
      if (parts.length !== 2 || !parts[0]!.contentType.startsWith("application/json")) {
        return driveError(400, "Expected metadata and media parts", "badContent");
      }
      meta = JSON.parse(new TextDecoder().decode(parts[0]!.bytes));
      media = parts[1]!;
    } else if (type === "media") {
      media = {
        contentType: req.headers.get("content-type") ?? "application/octet-stream",
        bytes: body,
      };
    } else {
      return driveError(400, `uploadType ${type} is not supported by this test server`, "invalid");
    }
    let file: DriveFile;
    if (existing) {
      existing.bytes = media.bytes;
      if (typeof meta.description === "string") existing.description = meta.description;
      file = existing;
    } else {
      const id = addFile(String(meta.name ?? "Untitled"), media.bytes, {
        mimeType: String(meta.mimeType ?? media.contentType),
        ...(Array.isArray(meta.parents) ? { parents: meta.parents.map(String) } : {}),
        ...(typeof meta.description === "string" ? { description: meta.description } : {}),
      });
      file = files.find((f) => f.id === id)!;
    }
    const fields = url.searchParams.get("fields");
    return Response.json(fileJson(file, fields ? pickFlat(fields) : undefined));
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    log.push({
      method: req.method,
      path: url.pathname,
      params: url.searchParams,
      authorization: req.headers.get("authorization"),
      contentType: req.headers.get("content-type"),
    });
    const injected = options.intercept?.(req, url);
    if (injected) return injected;
    if (url.pathname === "/token" && req.method === "POST") return await tokenEndpoint(req);
    if (url.pathname === "/o/oauth2/v2/auth" && req.method === "GET") return consent(url);
    const refusal = authFailure(req);
    if (refusal) return refusal;
    if (url.pathname === "/drive/v3/files" && req.method === "GET") return list(url);
    if (url.pathname === "/upload/drive/v3/files" && req.method === "POST") {
      return await upload(req, url);
    }
    const m = /^\/(upload\/)?drive\/v3\/files\/([^/]+)$/.exec(url.pathname);
    if (m) {
      const file = files.find((f) => f.id === decodeURIComponent(m[2]!));
      if (!file) return driveError(404, `File not found: ${m[2]}.`, "notFound", "NOT_FOUND");
      if (m[1] && req.method === "PATCH") return await upload(req, url, file);
      if (!m[1] && req.method === "GET") {
        if (url.searchParams.get("alt") === "media") {
          return new Response(file.bytes as Uint8Array<ArrayBuffer>, {
            headers: { "content-type": file.mimeType },
          });
        }
        const fields = url.searchParams.get("fields");
        return Response.json(fileJson(file, fields ? pickFlat(fields) : undefined));
      }
    }
    return driveError(404, "Not Found", "notFound");
  }

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handle);
  const root = `http://127.0.0.1:${server.addr.port}/`;
  return {
    url: root,
    tokenUrl: `${root}token`,
    authUrl: `${root}o/oauth2/v2/auth`,
    log,
    files,
    validTokens,
    addFile,
    shutdown: () => server.shutdown(),
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

function pickFlat(fields: string): Set<string> {
  return new Set(fields.split(",").map((s) => s.trim()));
}
