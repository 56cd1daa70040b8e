/**
 * The error of a SPARQL query or update that parses but cannot be evaluated,
 * or whose answer holds what this project does not read. It lives here, below
 * both lib/graph (the SPARQL client of an external store) and lib/sparql
 * (the engine), which re-exports it.
 *
 * @module
 */
import { InvalidInputError } from "./invalid_input.ts";

/**
 * A query or update that parses but cannot be evaluated (e.g. a `SERVICE`
 * call: the engine reaches no other endpoint), or whose answer holds a term
 * this project does not read (an RDF 1.2 triple term). Answered 400 with
 * code `sparql-evaluation`.
 *
 * @example
 * ```ts
 * import { SparqlEvaluationError } from "./sparql_evaluation.ts";
 * console.log(new SparqlEvaluationError("query", "SERVICE is not supported").code);
 * ```
 */
export class SparqlEvaluationError extends InvalidInputError {
  /** What the engine said. */
  readonly detail: string;
  /** Creates the error for a `query` or an `update`. */
  constructor(kind: "query" | "update", detail: string, options: ErrorOptions = {}) {
    super(`The SPARQL ${kind} failed: ${detail.replace(/^Error:\s*/, "")}`, {
      ...options,
      status: 400,
      code: "sparql-evaluation",
    });
    this.name = "SparqlEvaluationError";
    this.detail = detail;
  }
}
