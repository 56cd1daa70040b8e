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
import {
  blankNode,
  defaultGraph,
  literal,
  namedNode,
  NQuadsSyntaxError,
  type Quad,
  quad,
  type QuadGraph,
  type QuadObject,
  type QuadPredicate,
  type QuadSubject,
  type Term,
  vocab,
} from "./rdf.ts";
import { InvalidInputError } from "../errors/invalid_input.ts";

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

// deno-lint-ignore no-control-regex
const IRI_FORBIDDEN = /[\u0000-\u0020<>"{}|^`\\]/;
// An absolute IRI begins with a scheme (RFC 3987): N-Quads readers refuse relative ones.
const IRI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const PN_CHARS_BASE = "A-Za-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D" +
  "\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF" +
  "\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}";
const PN_CHARS = PN_CHARS_BASE + "_0-9\\-\\u00B7\\u0300-\\u036F\\u203F\\u2040";
const BLANK_LABEL = new RegExp(
  `^[${PN_CHARS_BASE}_0-9](?:[${PN_CHARS}.]*[${PN_CHARS}])?$`,
  "u",
);

/**
 * Throws unless `term` can be written so that N-Quads parsers (among them n3,
 * which reads hand-edited store files) read it back: an IRI must not contain
 * spaces, control characters or the characters IRIs forbid, not even escaped,
 * and a blank node label must follow the N-Quads grammar.
 */
function checkWritable(term: Term): void {
  if (term.termType === "NamedNode" && !IRI_SCHEME.test(term.value)) {
    throw new InvalidInputError(
      `Cannot store the IRI ${JSON.stringify(term.value)}: it is not absolute; ` +
        "an IRI starts with a scheme, e.g. http://example.org/x or urn:x",
    );
  }
  if (term.termType === "NamedNode" && IRI_FORBIDDEN.test(term.value)) {
    throw new InvalidInputError(
      `Cannot store the IRI ${JSON.stringify(term.value)}: IRIs may not contain spaces, ` +
        'control characters or any of <>"{}|^`\\',
    );
  }
  if (term.termType === "BlankNode" && !BLANK_LABEL.test(term.value)) {
    throw new InvalidInputError(
      `Cannot store the blank node label ${JSON.stringify(term.value)}: use letters, digits, ` +
        "'_', '-' and inner '.'",
    );
  }
  if (term.termType === "Literal") checkWritable(term.datatype);
}

/**
 * Serialises one quad as a canonical N-Quads line, without the trailing newline.
 *
 * @throws {TypeError} for an IRI or blank node label that N-Quads cannot carry.
 */
export function quadToLine(q: Quad): string {
  checkWritable(q.subject);
  checkWritable(q.predicate);
  checkWritable(q.object);
  checkWritable(q.graph);
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

const UNESCAPE = /\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|([tbnrf"'\\]))/g;
const ECHARS: Record<string, string> = {
  t: "\t",
  b: "\b",
  n: "\n",
  r: "\r",
  f: "\f",
  '"': '"',
  "'": "'",
  "\\": "\\",
};

function unescape(text: string): string {
  if (!text.includes("\\")) return text;
  return text.replace(UNESCAPE, (_, u4?: string, u8?: string, e?: string) => {
    if (u4 || u8) return String.fromCodePoint(parseInt((u4 ?? u8)!, 16));
    return ECHARS[e!]!;
  });
}

/**
 * Parses one line of N-Quads in the canonical form {@linkcode quadToLine}
 * writes, without loading a general parser. Lines of other provenance go to
 * n3 (`n3_parse.ts`).
 *
 * @throws {NQuadsSyntaxError} when the line is not in that form.
 */
export function lineToQuad(line: string): Quad {
  let pos = 0;
  const fail = (what: string): never => {
    throw new NQuadsSyntaxError(
      `Expected ${what} at column ${pos + 1} of '${line.slice(0, 200)}'`,
      1,
    );
  };
  const term = (): Term | undefined => {
    const c = line[pos];
    if (c === "<") {
      const end = line.indexOf(">", pos);
      if (end === -1) fail("'>'");
      const iri = unescape(line.slice(pos + 1, end));
      pos = end + 1;
      return namedNode(iri);
    }
    if (c === "_" && line[pos + 1] === ":") {
      let end = line.indexOf(" ", pos);
      if (end === -1) end = line.length;
      const label = line.slice(pos + 2, end);
      pos = end;
      return blankNode(label);
    }
    if (c === '"') {
      let end = pos + 1;
      while (end < line.length && line[end] !== '"') end += line[end] === "\\" ? 2 : 1;
      if (end >= line.length) fail("a closing '\"'");
      const value = unescape(line.slice(pos + 1, end));
      pos = end + 1;
      if (line[pos] === "@") {
        let stop = line.indexOf(" ", pos);
        if (stop === -1) stop = line.length;
        const language = line.slice(pos + 1, stop);
        pos = stop;
        return literal(value, language);
      }
      if (line[pos] === "^" && line[pos + 1] === "^") {
        pos += 2;
        const datatype = term();
        if (datatype?.termType !== "NamedNode") fail("a datatype IRI");
        return literal(value, datatype as ReturnType<typeof namedNode>);
      }
      return literal(value);
    }
    return undefined;
  };
  const space = () => {
    if (line[pos] !== " ") fail("a space");
    pos++;
  };
  const subject = term();
  if (subject?.termType !== "NamedNode" && subject?.termType !== "BlankNode") fail("a subject");
  space();
  const predicate = term();
  if (predicate?.termType !== "NamedNode") fail("a predicate IRI");
  space();
  const object = term();
  if (!object) fail("an object");
  space();
  let graph: Term | undefined = defaultGraph();
  if (line[pos] !== ".") {
    graph = term();
    if (graph?.termType !== "NamedNode" && graph?.termType !== "BlankNode") fail("a graph or '.'");
    space();
  }
  if (line[pos] !== "." || pos !== line.length - 1) fail("'.' at the end of the line");
  return quad(
    subject as QuadSubject,
    predicate as QuadPredicate,
    object as QuadObject,
    graph as QuadGraph,
  );
}
