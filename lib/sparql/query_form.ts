/**
 * The form of a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE), read from
 * the first keyword after its prologue, so that the right result formats can
 * be chosen before it runs.
 *
 * @module
 */
import type { QueryForm } from "./engine.ts";

const FORMS = new Set(["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]);

/**
 * The form of `sparql`, or `undefined` when its first keyword after the
 * prologue (`BASE`, `PREFIX`, `VERSION` declarations and `#` comments) is not
 * one (an update, or text that is not SPARQL: the engine then names the error).
 *
 * @example
 * ```ts
 * import { queryForm } from "./query_form.ts";
 * queryForm("PREFIX ex: <http://example.org/#>\n# hi\nask { ?s ?p ?o }"); // "ASK"
 * ```
 */
export function queryForm(sparql: string): QueryForm | undefined {
  let pos = 0;
  const text = sparql;
  for (;;) {
    // Whitespace and comments.
    for (;;) {
      const ws = /^\s+/.exec(text.slice(pos, pos + 4096));
      if (ws) pos += ws[0].length;
      if (text[pos] === "#") {
        const end = text.indexOf("\n", pos);
        pos = end === -1 ? text.length : end + 1;
        continue;
      }
      if (!ws) break;
    }
    const word = /^[A-Za-z]+/.exec(text.slice(pos, pos + 32))?.[0];
    if (word === undefined) return undefined;
    const upper = word.toUpperCase();
    if (FORMS.has(upper)) return upper as QueryForm;
    if (upper === "BASE" || upper === "PREFIX" || upper === "VERSION") {
      pos += word.length;
      // Skip to the end of the declaration: the IRI `<…>` or the version string.
      const rest = text.slice(pos);
      const decl = upper === "VERSION"
        ? /^\s*("[^"]*"|'[^']*')/.exec(rest)
        : /^[^<]*<[^>]*>/.exec(rest);
      if (!decl) return undefined;
      pos += decl[0].length;
      continue;
    }
    return undefined;
  }
}
