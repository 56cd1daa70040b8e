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

/** The host name of a Host header value, lower case, without the port. */
export function hostName(host: string): string {
  const lower = host.trim().toLowerCase();
  if (lower.startsWith("[")) return lower.slice(0, lower.indexOf("]") + 1);
  const colon = lower.lastIndexOf(":");
  return colon === -1 ? lower : lower.slice(0, colon);
}

/** Refuses requests whose Host is not a loopback name or an allowed one (403). */
export function hostGuard(options: SecurityOptions): MiddlewareHandler {
  const allowed = new Set([
    ...LOOPBACK,
    ...(options.allowedHosts ?? []).map((h) => h.toLowerCase()),
  ]);
  return async (c, next) => {
    const host = c.req.header("host");
    if (!host || !allowed.has(hostName(host))) {
      throw new ApiHttpError(
        403,
        "bad-host",
        `Host '${
          host ?? ""
        }' is not allowed: use http://127.0.0.1:PORT, or start the bridge with --allow-host NAME`,
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
      const self = new URL(c.req.url).origin;
      const host = c.req.header("host");
      const sameOrigin = origin === self || (host !== undefined && origin === `http://${host}`);
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
