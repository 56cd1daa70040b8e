/**
 * Reading a request's JSON body: a JSON object, within the bounds of
 * kernel/request_limits.ts.
 *
 * @module
 */
import { ApiHttpError } from "./http_errors.ts";
import { checkJsonBounds } from "./request_limits.ts";

/**
 * The request body as a JSON object (an empty body is `{}` when `emptyOk`),
 * with no string longer than 64 KiB and no nesting deeper than 32 levels
 * (400 naming the field otherwise; the body's size is bounded before, see
 * kernel/request_limits.ts). The content type is not looked at.
 *
 * @example
 * ```ts
 * import { jsonBody } from "./json_body.ts";
 * const body = await jsonBody(new Request("http://x/", { method: "POST", body: '{"a":1}' }));
 * console.log(body.a); // 1
 * ```
 */
export async function jsonBody(
  req: { text(): Promise<string> },
  emptyOk = false,
): Promise<Record<string, unknown>> {
  const text = await req.text();
  if (emptyOk && text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiHttpError(400, "bad-json", "The request body is not JSON: send a JSON object");
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new ApiHttpError(400, "bad-json", "The request body must be a JSON object");
  }
  checkJsonBounds(body);
  return body as Record<string, unknown>;
}
