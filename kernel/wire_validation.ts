/**
 * How a request that its route's schema refuses is answered: 400 with the
 * bridge's error body, `{error: {code, message}}`, whose message names the
 * field and what it must be (never the schema library's own dump).
 *
 * The code is `bad-request`, or `too-long` for a string longer than its
 * schema allows (worded as kernel/request_limits.ts words it), or the code
 * a top-level field's schema declares with the metadata `x-error-code`
 * (e.g. `bad-infohash`, `bad-lock`). A schema's own error message (set
 * with zod's `error`) is used as it is: lib/wire/ words them as whole
 * sentences that name the field.
 *
 * @module
 */
import type { Context } from "hono";
import { z } from "zod";
import { ApiHttpError } from "./http_errors.ts";

/** `a.b[0].c`: the path of an issue as the message names it. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out || "the body";
}

const KINDS: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "an object",
  array: "a list",
  record: "an object",
  null: "null",
};

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return "a string";
  if (typeof value === "number") return Number.isInteger(value) ? "a whole number" : "a number";
  if (typeof value === "boolean") return value ? "true" : "false";
  return typeof value;
}

/** The kind an `invalid_type` message says was received (`undefined` when none was). */
function receivedKind(message: string): string | undefined {
  const word = / received (\w+)$/.exec(message)?.[1];
  if (word === undefined || word === "undefined") return undefined;
  return KINDS[word] ?? word;
}

/** How the schema library's own (English) messages begin. */
const ZOD_DEFAULT = /^(Invalid|Too (big|small)|Unrecognized)/;

/** The message for one issue. */
export function issueMessage(issue: z.core.$ZodIssue): string {
  const path = fieldPath(issue.path);
  const own = issue.message;
  // A schema's own message (lib/wire/ words them as whole sentences naming the field).
  if (!ZOD_DEFAULT.test(own)) return own;
  switch (issue.code) {
    case "invalid_type": {
      const want = KINDS[issue.expected] ?? issue.expected;
      // The input is in the issue when parsed with `reportInput`; else the message names its type.
      const received = "input" in issue
        ? (issue.input === undefined ? undefined : kindOf(issue.input))
        : receivedKind(own);
      if (received === undefined) return `Give '${path}' (${want})`;
      return `'${path}' must be ${want}, not ${received}`;
    }
    case "too_small":
      if (issue.origin === "string" && Number(issue.minimum) === 1) {
        return `'${path}' must not be empty`;
      }
      if (issue.origin === "array" || issue.origin === "set") {
        return `'${path}' must hold at least ${issue.minimum} item${
          Number(issue.minimum) === 1 ? "" : "s"
        }`;
      }
      if (issue.origin === "string") {
        return `'${path}' must be at least ${issue.minimum} characters long`;
      }
      return `'${path}' must be at least ${issue.minimum}`;
    case "too_big":
      if (issue.origin === "string" && typeof issue.input === "string") {
        return `'${path}' is ${issue.input.length} characters long: at most ${issue.maximum} are accepted`;
      }
      if (issue.origin === "array") return `'${path}' must hold at most ${issue.maximum} items`;
      return `'${path}' must be at most ${issue.maximum}`;
    case "invalid_value":
      return `'${path}' must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_format":
      return `'${path}' is not in the expected form${
        "pattern" in issue && issue.pattern ? ` (${issue.pattern})` : ""
      }`;
    default:
      return `'${path}': ${own}`;
  }
}

/** The `x-error-code` a schema (or the wrappers around it) declares, if any. */
function declaredCode(schema: z.ZodType | undefined): string | undefined {
  for (let s = schema, depth = 0; s && depth < 8; depth++) {
    const code = z.globalRegistry.get(s)?.["x-error-code"];
    if (typeof code === "string") return code;
    const inner = (s as { unwrap?: () => z.ZodType }).unwrap;
    s = typeof inner === "function" ? inner.call(s) : undefined;
  }
  return undefined;
}

/**
 * The 400 answer for a value `schema` refused: the first issue, with the
 * code the field declares, `too-long`, or `bad-request`.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { validationError } from "./wire_validation.ts";
 * const schema = z.object({ key: z.string() });
 * const result = schema.safeParse({ key: 1 });
 * if (!result.success) console.log(validationError(result.error, schema).message);
 * // 'key' must be a string, not a whole number
 * ```
 */
export function validationError(error: z.ZodError, schema?: z.ZodType): ApiHttpError {
  const issue = error.issues[0];
  if (!issue) return new ApiHttpError(400, "bad-request", "The request is not valid");
  const top = issue.path[0];
  const shape = schema && "shape" in schema ? (schema.shape as Record<string, z.ZodType>) : {};
  const code = (typeof top === "string" ? declaredCode(shape[top]) : undefined) ??
    (issue.code === "too_big" && issue.origin === "string" ? "too-long" : "bad-request");
  return new ApiHttpError(400, code, issueMessage(issue));
}

/**
 * A `defaultHook` for `@hono/zod-openapi`'s `OpenAPIHono`: a refused request
 * is thrown as {@linkcode validationError}, which the app's `onError`
 * answers as the bridge's 400 error body.
 */
export function validationHook(
  result: { success: true } | { success: false; error: z.ZodError },
  _c: Context,
): void {
  if (!result.success) throw validationError(result.error);
}
