/**
 * The `license` field of a DataSource: an SPDX licence id or expression
 * (`CC-BY-4.0`, `MIT OR Apache-2.0`, `LicenseRef-lab-terms`), or the http(s)
 * URL of the licence's text.
 *
 * @module
 */

const SPDX_ID = /^[A-Za-z0-9][A-Za-z0-9.+-]*$/;
const SPDX_OPERATORS = new Set(["AND", "OR", "WITH"]);

/**
 * What is wrong with `value` as a licence, or `undefined` when it is an SPDX
 * id or expression, or an http(s) URL.
 *
 * @example
 * ```ts
 * import { licenseProblem } from "./license.ts";
 * licenseProblem("CC-BY-4.0"); // undefined
 * licenseProblem("https://example.org/terms"); // undefined
 * licenseProblem("free for all"); // "is neither an SPDX licence id … nor an http(s) URL"
 * ```
 */
export function licenseProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return "is not a string";
  const text = value.trim();
  if (text === "") return "is empty";
  if (text.length > 2048) return "is longer than 2048 characters";
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return "is not a valid URL";
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return `is a ${url.protocol} URL; only http: and https: licence URLs are accepted`;
    }
    return undefined;
  }
  if (isSpdxExpression(text)) return undefined;
  return "is neither an SPDX licence id (e.g. CC-BY-4.0, CC0-1.0, MIT, or an expression such as " +
    "'MIT OR Apache-2.0') nor an http(s) URL of the licence";
}

/** Whether `text` reads as an SPDX license expression: ids joined by AND/OR/WITH, with parentheses. */
function isSpdxExpression(text: string): boolean {
  const tokens = text.replace(/[()]/g, " $& ").split(/\s+/).filter((t) => t !== "");
  let depth = 0;
  let expectId = true;
  for (const token of tokens) {
    if (token === "(") {
      if (!expectId) return false;
      depth++;
    } else if (token === ")") {
      if (expectId || --depth < 0) return false;
    } else if (SPDX_OPERATORS.has(token)) {
      if (expectId) return false;
      expectId = true;
    } else {
      if (!expectId || !SPDX_ID.test(token.replace(/\+$/, ""))) return false;
      expectId = false;
    }
  }
  return !expectId && depth === 0;
}
