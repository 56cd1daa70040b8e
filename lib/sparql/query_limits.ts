/**
 * Bounds a query must keep before the engine sees it. The engine's parser
 * recurses once per level of `{}`, `()` and `[]`: about a thousand levels
 * overflow its stack and leave the engine unusable, so a query nested more
 * deeply than {@linkcode MAX_NESTING} is refused up front.
 *
 * @module
 */
import { SparqlSyntaxError } from "./errors.ts";

/** The deepest nesting of `{}`, `()` and `[]` accepted. */
export const MAX_NESTING = 256;

const SKIP =
  /#[^\n]*|"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>/y;

/**
 * The deepest nesting of brackets in `sparql`, outside comments, strings and IRIs.
 *
 * @example
 * ```ts
 * import { nestingDepth } from "./query_limits.ts";
 * nestingDepth("SELECT * WHERE { { ?s ?p ?o FILTER(?o > 1) } }"); // 3
 * ```
 */
export function nestingDepth(sparql: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < sparql.length;) {
    const c = sparql[i]!;
    if (c === "#" || c === '"' || c === "'" || c === "<") {
      SKIP.lastIndex = i;
      const m = SKIP.exec(sparql);
      if (m) {
        i += m[0].length;
        continue;
      }
    }
    if (c === "{" || c === "(" || c === "[") max = Math.max(max, ++depth);
    else if (c === "}" || c === ")" || c === "]") depth--;
    i++;
  }
  return max;
}

/**
 * Refuses a query or update nested more deeply than {@linkcode MAX_NESTING}.
 *
 * @throws {SparqlSyntaxError} naming the depth and the limit.
 */
export function checkQueryBounds(sparql: string, kind: "query" | "update"): void {
  const depth = nestingDepth(sparql);
  if (depth > MAX_NESTING) {
    throw new SparqlSyntaxError(
      kind,
      `it is nested ${depth} levels deep; at most ${MAX_NESTING} levels of {}, () and [] are accepted`,
    );
  }
}
