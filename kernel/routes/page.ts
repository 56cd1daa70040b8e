/**
 * `GET /`: the upload page, with headers that keep it to itself: its CSP,
 * no framing, no sniffing, no referrer, not cached.
 *
 * @module
 */
import { Hono } from "hono";
import { UPLOAD_PAGE_CSP, UPLOAD_PAGE_HTML } from "../page/upload_page.ts";

/** The page route (mount at `/`). */
export function pageRoutes() {
  return new Hono().get("/", (c) => {
    c.header("content-security-policy", UPLOAD_PAGE_CSP);
    c.header("x-content-type-options", "nosniff");
    c.header("x-frame-options", "DENY");
    c.header("referrer-policy", "no-referrer");
    c.header("cross-origin-opener-policy", "same-origin");
    c.header("cross-origin-resource-policy", "same-origin");
    c.header("cache-control", "no-store");
    return c.html(UPLOAD_PAGE_HTML);
  });
}
