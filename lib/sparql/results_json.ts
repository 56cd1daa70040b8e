/**
 * SPARQL 1.1 Query Results JSON (`application/sparql-results+json`) read into
 * typed results with this project's RDF/JS terms.
 *
 * @module
 */
import { blankNode, literal, namedNode, type Term } from "../graph/rdf.ts";
import type { Bindings, BooleanResult, SelectResults } from "./engine.ts";
import { SparqlEvaluationError } from "./errors.ts";

/** A term of a SPARQL JSON result. */
export interface JsonTerm {
  /** `uri`, `literal`, `typed-literal` (SPARQL 1.0), `bnode`, `triple`. */
  type: "uri" | "literal" | "typed-literal" | "bnode" | "triple";
  /** The IRI, the lexical form or the blank node label. */
  value: string;
  /** A literal's language tag. */
  "xml:lang"?: string;
  /** A literal's datatype IRI. */
  datatype?: string;
}

/** Our term for a term of a SPARQL 1.1 JSON result. */
export function fromJsonTerm(term: JsonTerm): Term {
  switch (term.type) {
    case "uri":
      return namedNode(term.value);
    case "bnode":
      return blankNode(term.value);
    case "literal":
    case "typed-literal":
      if (term["xml:lang"]) return literal(term.value, term["xml:lang"]);
      return literal(term.value, term.datatype ? namedNode(term.datatype) : undefined);
    default:
      throw new SparqlEvaluationError(
        "query",
        `an answer holds a ${term.type} term, not supported`,
      );
  }
}

/**
 * Parses SPARQL 1.1 JSON results (a SELECT's or an ASK's).
 *
 * @example
 * ```ts
 * import { parseResultsJson } from "./results_json.ts";
 * const r = parseResultsJson('{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"1"}}]}}');
 * if (r.type === "bindings") console.log(r.bindings[0]?.get("n")?.value); // "1"
 * ```
 */
export function parseResultsJson(text: string): SelectResults | BooleanResult {
  const json = JSON.parse(text) as {
    head?: { vars?: string[] };
    boolean?: boolean;
    results?: { bindings: Record<string, JsonTerm>[] };
  };
  if (typeof json.boolean === "boolean") return { type: "boolean", value: json.boolean };
  const bindings: Bindings[] = (json.results?.bindings ?? []).map((row) =>
    new Map(Object.entries(row).map(([name, term]) => [name, fromJsonTerm(term)]))
  );
  return { type: "bindings", variables: json.head?.vars ?? [], bindings };
}
