/**
 * Canonical N-Quads serialisation of single quads, one line each.
 *
 * The store keeps its file as sorted, unique canonical lines so that a subject's
 * statements are contiguous and can be found by binary search. Escaping follows
 * the canonical form of RDF 1.1 N-Triples: `"`, `\`, LF and CR as ECHARs, other
 * control characters as `\uXXXX`, everything else verbatim in UTF-8.
 *
 * @module
 */
import { type Quad, type Term, vocab } from "./rdf.ts";

// deno-lint-ignore no-control-regex
const LITERAL_ESCAPE = /["\\\u0000-\u001f\u007f]/g;
// deno-lint-ignore no-control-regex
const IRI_ESCAPE = /[\u0000-\u0020<>"{}|^`\\]/g;

function hex4(c: string): string {
  return "\\u" + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
}

function escapeLiteral(c: string): string {
  switch (c) {
    case '"':
      return '\\"';
    case "\\":
      return "\\\\";
    case "\n":
      return "\\n";
    case "\r":
      return "\\r";
    case "\t":
      return "\\t";
    case "\b":
      return "\\b";
    case "\f":
      return "\\f";
    default:
      return hex4(c);
  }
}

/** Serialises an IRI as `<iri>`, escaping characters N-Quads forbids inside IRIs. */
export function iriToken(iri: string): string {
  return "<" + iri.replace(IRI_ESCAPE, hex4) + ">";
}

/** Serialises one term in N-Quads syntax. */
export function termToken(term: Term): string {
  switch (term.termType) {
    case "NamedNode":
      return iriToken(term.value);
    case "BlankNode":
      return "_:" + term.value;
    case "Literal": {
      const body = '"' + term.value.replace(LITERAL_ESCAPE, escapeLiteral) + '"';
      if (term.language) return body + "@" + term.language.toLowerCase();
      const datatype = term.datatype?.value;
      return datatype && datatype !== vocab.xsdString ? body + "^^" + iriToken(datatype) : body;
    }
    case "DefaultGraph":
      return "";
    default:
      throw new TypeError(`Cannot serialise a ${term.termType} term in N-Quads`);
  }
}

/** Serialises one quad as a canonical N-Quads line, without the trailing newline. */
export function quadToLine(q: Quad): string {
  const graph = termToken(q.graph);
  return termToken(q.subject) + " " + termToken(q.predicate) + " " + termToken(q.object) +
    (graph ? " " + graph : "") + " .";
}

/** The first token of a canonical line: its subject, as written. */
export function lineSubject(line: string): string {
  return line.slice(0, line.indexOf(" "));
}

/**
 * The graph token of a canonical line (`""` for the default graph), found by
 * skipping the subject, predicate and object tokens without a full parse.
 */
export function lineGraph(line: string): string {
  let i = line.indexOf(" ") + 1; // after subject
  i = line.indexOf(" ", i) + 1; // after predicate
  if (line[i] === '"') {
    for (i++; i < line.length && line[i] !== '"'; i++) if (line[i] === "\\") i++;
    i++;
    if (line[i] === "@" || line[i] === "^") i = line.indexOf(" ", i);
  } else {
    i = line.indexOf(" ", i);
  }
  const rest = line.slice(i + 1, -2).trim();
  return rest;
}
