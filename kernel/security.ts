/**
 * The bridge's guards: a Host allowlist (against DNS rebinding), an Origin
 * check on state-changing requests (against cross-site requests), and the
 * bearer token on every `/api` call.
 *
 * @module
 */
import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { ApiHttpError } from "./http_errors.ts";

/** What the guards allow. */
export interface SecurityOptions {
  /** The bearer token for `/api`. */
  token: string;
  /** Extra Host names allowed besides the loopback names (e.g. a reverse proxy's). */
  allowedHosts?: readonly string[];
  /** Origins allowed to make state-changing requests (and given CORS headers). */
  allowedOrigins?: readonly string[];
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** A Host header value taken apart: the name (lower case, IPv6 in brackets) and the port. */
export interface ParsedHost {
  /** `127.0.0.1`, `localhost`, `[::1]`, `bridge.example`: lower case. */
  name: string;
  /** The port, when the header gives one. */
  port: number | undefined;
}

// name[:port] or [ipv6][:port], nothing else: no userinfo, no path, no spaces, numeric port.
const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?)(?::([0-9]{1,5}))?$/;

/**
 * Parses a Host header value strictly: `name[:port]` with a DNS name or IPv4
 * address, or `[ipv6][:port]`, and a numeric port up to 65535. Anything else
 * (empty, spaces, userinfo such as `127.0.0.1:80@evil.example`, text after
 * the brackets such as `[::1]evil.example`, a port like `abc`) is `undefined`.
 *
 * @example
 * ```ts
 * import { parseHost } from "./security.ts";
 * parseHost("LocalHost:8484"); // { name: "localhost", port: 8484 }
 * parseHost("[::1]evil.example"); // undefined
 * ```
 */
export function parseHost(host: string): ParsedHost | undefined {
  const match = HOST.exec(host.toLowerCase());
  if (!match) return undefined;
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && port > 65535) return undefined;
  return { name: match[1]!, port };
}

/** The host name of a Host header value, lower case, without the port ("" when malformed). */
export function hostName(host: string): string {
  return parseHost(host)?.name ?? "";
}

/** The origin a request to the bridge has, from its Host header alone (never from its URL). */
export function originOfHost(host: string): string | undefined {
  const parsed = parseHost(host);
  if (!parsed) return undefined;
  return `http://${parsed.name}${parsed.port === undefined ? "" : `:${parsed.port}`}`;
}

/**
 * Refuses requests whose Host is malformed, or not a loopback name or an
 * allowed one (403).
 */
export function hostGuard(options: SecurityOptions): MiddlewareHandler {
  const allowed = new Set([
    ...LOOPBACK,
    ...(options.allowedHosts ?? []).map((h) => hostName(h) || h.toLowerCase()),
  ]);
  return async (c, next) => {
    const host = c.req.header("host");
    const name = host === undefined ? undefined : parseHost(host)?.name;
    if (name === undefined || !allowed.has(name)) {
      throw new ApiHttpError(
        403,
        "bad-host",
        `Host ${
          JSON.stringify(host ?? "")
        } is not allowed: use http://127.0.0.1:PORT, or start the bridge with --allow-host NAME`,
      );
    }
    await next();
  };
}

/**
 * Refuses state-changing requests (not GET, HEAD or OPTIONS) from another
 * origin: a browser page elsewhere cannot drive the bridge. Requests without
 * an Origin header (scripts, other languages) pass to the token check.
 */
export function originGuard(options: SecurityOptions): MiddlewareHandler {
  const allowed = new Set(options.allowedOrigins ?? []);
  return async (c, next) => {
    const method = c.req.method;
    const origin = c.req.header("origin");
    if (origin && !["GET", "HEAD", "OPTIONS"].includes(method)) {
      // The bridge's own origin comes from the Host header (checked by hostGuard), never
      // from the request line: `POST http://evil.example/api/…` must not make
      // `Origin: http://evil.example` look like our own.
      const host = c.req.header("host");
      const self = host === undefined ? undefined : originOfHost(host);
      const sameOrigin = self !== undefined && origin.toLowerCase() === self;
      if (!sameOrigin && !allowed.has(origin)) {
        throw new ApiHttpError(
          403,
          "cross-origin",
          `Requests from origin '${origin}' may not change anything here: use the bridge's own page, or start it with --cors-origin ${origin}`,
        );
      }
    }
    await next();
  };
}

/** CORS headers for the configured origins only; none at all by default. */
export function corsHeaders(options: SecurityOptions): MiddlewareHandler {
  const allowed = new Set(options.allowedOrigins ?? []);
  return async (c, next) => {
    const origin = c.req.header("origin");
    const ok = origin !== undefined && allowed.has(origin);
    if (ok && c.req.method === "OPTIONS") {
      return new Response(null, {
        status: 204,
        headers: {
          "access-control-allow-origin": origin,
          "access-control-allow-methods": "GET, POST, PUT, DELETE",
          "access-control-allow-headers": "authorization, content-type",
          "vary": "Origin",
        },
      });
    }
    await next();
    if (ok) {
      c.header("access-control-allow-origin", origin);
      c.header("vary", "Origin");
    }
  };
}

/** Requires `Authorization: Bearer <token>` (compared in constant time; 401 otherwise). */
export function bearerGuard(options: SecurityOptions): MiddlewareHandler {
  const expected = new TextEncoder().encode(options.token);
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const given = new TextEncoder().encode(match?.[1] ?? "");
    if (!match || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      c.header("www-authenticate", 'Bearer realm="owmeta-torrent"');
      throw new ApiHttpError(
        401,
        "unauthorized",
        match
          ? "The bearer token is wrong: read it from <store>/bridge.json"
          : "This API needs 'Authorization: Bearer <token>': the token is in <store>/bridge.json",
      );
    }
    await next();
  };
}

/** The methods the bridge answers; anything else (TRACE, CONNECT, TRACK, …) is 405. */
export const ALLOWED_METHODS: readonly string[] = [
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "OPTIONS",
];

/**
 * Refuses methods the bridge does not serve (405 with `Allow`) before anything
 * else looks at the request: TRACE and CONNECT, which a `Request` cannot even
 * be built with, and methods no route declares.
 *
 * @example
 * ```ts ignore
 * app.use("*", methodGuard());
 * ```
 */
export function methodGuard(): MiddlewareHandler {
  const allowed = new Set(ALLOWED_METHODS);
  return async (c, next) => {
    if (!allowed.has(c.req.method.toUpperCase())) {
      c.header("allow", ALLOWED_METHODS.join(", "));
      throw new ApiHttpError(
        405,
        "method-not-allowed",
        `Method '${c.req.method}' is not served here: use one of ${ALLOWED_METHODS.join(", ")}`,
      );
    }
    await next();
  };
}
