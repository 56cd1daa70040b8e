/**
 * Terms of SPARQL JSON results (`application/sparql-results+json`) read as
 * this project's RDF/JS terms: the one reader of the engine's answers
 * (lib/sparql/results_json.ts) and of a SPARQL server's (the external
 * store's client, lib/graph/sparql_http.ts).
 *
 * @module
 */
import { SparqlEvaluationError } from "../errors/sparql_evaluation.ts";
import { blankNode, literal, namedNode, type Term, vocab } from "./rdf.ts";

/** A term of a SPARQL JSON result. */
export interface JsonTerm {
  /** `uri`, `literal`, `typed-literal` (SPARQL 1.0), `bnode`, `triple` (RDF 1.2). */
  type: "uri" | "literal" | "typed-literal" | "bnode" | "triple";
  /** The IRI, the lexical form or the blank node label. */
  value: string;
  /** A literal's language tag. */
  "xml:lang"?: string;
  /** A literal's datatype IRI. */
  datatype?: string;
}

/** How {@linkcode termFromJson} reads a term. */
export interface TermFromJsonOptions {
  /**
   * Read `"1"` and `"0"` typed `xsd:boolean` as the canonical `"true"` and
   * `"false"` (a SPARQL server's own spellings, e.g. Virtuoso's). Off for
   * this project's engine, which answers the lexical form stored.
   * @default false
   */
  canonicalBooleans?: boolean;
}

/**
 * Our RDF/JS term for a term of SPARQL JSON results (1.1, and 1.0's
 * `typed-literal`).
 *
 * @throws {SparqlEvaluationError} for a term this project does not read (an
 * RDF 1.2 triple term, or an unknown type).
 * @example
 * ```ts
 * import { termFromJson } from "./sparql_json_term.ts";
 * console.log(termFromJson({ type: "uri", value: "http://ex.org/a" }).termType); // "NamedNode"
 * ```
 */
export function termFromJson(term: JsonTerm, options: TermFromJsonOptions = {}): Term {
  switch (term.type) {
    case "uri":
      return namedNode(term.value);
    case "bnode":
      return blankNode(term.value);
    case "literal":
    case "typed-literal": {
      if (term["xml:lang"]) return literal(term.value, term["xml:lang"]);
      const datatype = term.datatype;
      if (
        options.canonicalBooleans && datatype === vocab.xsdBoolean &&
        (term.value === "1" || term.value === "0")
      ) {
        return literal(term.value === "1" ? "true" : "false", namedNode(datatype));
      }
      return literal(term.value, datatype ? namedNode(datatype) : undefined);
    }
    default:
      throw new SparqlEvaluationError(
        "query",
        `an answer holds a ${
          JSON.stringify(String((term as { type?: unknown }).type))
        } term, which owmeta-torrent does not read` +
          ((term as { type?: unknown }).type === "triple"
            ? ": select its parts instead (SUBJECT(?t), PREDICATE(?t), OBJECT(?t))"
            : ""),
      );
  }
}
