/**
 * SPARQL 1.1 Query Results JSON (`application/sparql-results+json`) read into
 * typed results with this project's RDF/JS terms.
 *
 * @module
 */
import {
  type JsonTerm,
  termFromJson,
  type TermFromJsonOptions,
} from "../graph/sparql_json_term.ts";
import type { Bindings, BooleanResult, SelectResults } from "./engine.ts";

/**
 * Parses SPARQL 1.1 JSON results (a SELECT's or an ASK's).
 *
 * @throws {SparqlEvaluationError} for a term this project does not read.
 * @example
 * ```ts
 * import { parseResultsJson } from "./results_json.ts";
 * const r = parseResultsJson('{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"1"}}]}}');
 * if (r.type === "bindings") console.log(r.bindings[0]?.get("n")?.value); // "1"
 * ```
 */
export function parseResultsJson(
  text: string,
  options: TermFromJsonOptions = {},
): SelectResults | BooleanResult {
  const json = JSON.parse(text) as {
    head?: { vars?: string[] };
    boolean?: unknown;
    results?: { bindings?: Record<string, JsonTerm>[] };
  };
  if (typeof json.boolean === "boolean") return { type: "boolean", value: json.boolean };
  const bindings: Bindings[] = (json.results?.bindings ?? []).map((row) =>
    new Map(Object.entries(row).map(([name, term]) => [name, termFromJson(term, options)]))
  );
  return { type: "bindings", variables: json.head?.vars ?? [], bindings };
}
