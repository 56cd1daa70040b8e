/**
 * RDF terms and quads following the RDF/JS data model
 * (https://rdf.js.org/data-model-spec/), so that they interoperate with npm:n3
 * and other RDF/JS libraries (`equals()` compares across implementations).
 *
 * The terms are defined here rather than taken from n3 so that the fast read
 * path (`owm source show`) loads no npm module at all: importing n3 costs about
 * 50 ms of start-up, half the budget of a `show`. n3 parses whatever text does
 * not come from our own canonical writer (see `n3_parse.ts`).
 *
 * @module
 */
import { OwmSyntaxError } from "../errors/owm_error.ts";

/** An IRI term. */
export interface NamedNode {
  /** Always `"NamedNode"`. */
  readonly termType: "NamedNode";
  /** The IRI. */
  readonly value: string;
  /** Whether `other` is the same term. */
  equals(other: Term | null | undefined): boolean;
}

/** A blank node term. */
export interface BlankNode {
  /** Always `"BlankNode"`. */
  readonly termType: "BlankNode";
  /** The label, without `_:`. */
  readonly value: string;
  /** Whether `other` is the same term. */
  equals(other: Term | null | undefined): boolean;
}

/** A literal term. */
export interface Literal {
  /** Always `"Literal"`. */
  readonly termType: "Literal";
  /** The lexical form. */
  readonly value: string;
  /** The language tag, lower case, or `""`. */
  readonly language: string;
  /** The datatype IRI (`rdf:langString` when tagged, else `xsd:string` by default). */
  readonly datatype: NamedNode;
  /** Whether `other` is the same term. */
  equals(other: Term | null | undefined): boolean;
}

/** A variable (only produced by parsers of query-like syntaxes). */
export interface Variable {
  /** Always `"Variable"`. */
  readonly termType: "Variable";
  /** The variable name. */
  readonly value: string;
  /** Whether `other` is the same term. */
  equals(other: Term | null | undefined): boolean;
}

/** The default graph. */
export interface DefaultGraph {
  /** Always `"DefaultGraph"`. */
  readonly termType: "DefaultGraph";
  /** Always `""`. */
  readonly value: "";
  /** Whether `other` is the default graph. */
  equals(other: Term | null | undefined): boolean;
}

/** A term allowed as a quad's subject. */
export type QuadSubject = NamedNode | BlankNode | Variable;
/** A term allowed as a quad's predicate. */
export type QuadPredicate = NamedNode | Variable;
/** A term allowed as a quad's object. */
export type QuadObject = NamedNode | BlankNode | Literal | Variable;
/** A term allowed as a quad's graph. */
export type QuadGraph = NamedNode | BlankNode | DefaultGraph | Variable;

/** A quad: subject, predicate, object and graph (the default graph when unnamed). */
export interface Quad {
  /** Always `"Quad"`. */
  readonly termType: "Quad";
  /** Always `""`. */
  readonly value: "";
  /** The subject. */
  readonly subject: QuadSubject;
  /** The predicate. */
  readonly predicate: QuadPredicate;
  /** The object. */
  readonly object: QuadObject;
  /** The graph. */
  readonly graph: QuadGraph;
  /** Whether `other` is the same quad. */
  equals(other: Term | null | undefined): boolean;
}

/** Any RDF term. */
export type Term = NamedNode | BlankNode | Literal | Variable | DefaultGraph | Quad;

/** Well-known vocabulary IRIs used across the project. */
export const vocab = {
  rdfType: "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
  rdfJson: "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON",
  rdfLangString: "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
  rdfsClass: "http://www.w3.org/2000/01/rdf-schema#Class",
  rdfsLabel: "http://www.w3.org/2000/01/rdf-schema#label",
  rdfsComment: "http://www.w3.org/2000/01/rdf-schema#comment",
  rdfsSubClassOf: "http://www.w3.org/2000/01/rdf-schema#subClassOf",
  rdfsDomain: "http://www.w3.org/2000/01/rdf-schema#domain",
  xsdString: "http://www.w3.org/2001/XMLSchema#string",
  xsdInteger: "http://www.w3.org/2001/XMLSchema#integer",
  xsdDouble: "http://www.w3.org/2001/XMLSchema#double",
  xsdDecimal: "http://www.w3.org/2001/XMLSchema#decimal",
  xsdBoolean: "http://www.w3.org/2001/XMLSchema#boolean",
} as const;

class SimpleTerm {
  constructor(readonly termType: string, readonly value: string) {}
  equals(other: Term | null | undefined): boolean {
    return !!other && other.termType === this.termType && other.value === this.value;
  }
}

class LiteralTerm {
  readonly termType = "Literal" as const;
  constructor(readonly value: string, readonly language: string, readonly datatype: NamedNode) {}
  equals(other: Term | null | undefined): boolean {
    return !!other && other.termType === "Literal" && other.value === this.value &&
      other.language === this.language && other.datatype.value === this.datatype.value;
  }
}

class QuadTerm {
  readonly termType = "Quad" as const;
  readonly value = "" as const;
  constructor(
    readonly subject: QuadSubject,
    readonly predicate: QuadPredicate,
    readonly object: QuadObject,
    readonly graph: QuadGraph,
  ) {}
  equals(other: Term | null | undefined): boolean {
    return !!other && other.termType === "Quad" && this.subject.equals(other.subject) &&
      this.predicate.equals(other.predicate) && this.object.equals(other.object) &&
      this.graph.equals(other.graph);
  }
}

const XSD_STRING = new SimpleTerm("NamedNode", vocab.xsdString) as NamedNode;
const LANG_STRING = new SimpleTerm("NamedNode", vocab.rdfLangString) as NamedNode;
const DEFAULT_GRAPH = new SimpleTerm("DefaultGraph", "") as DefaultGraph;
let blankCounter = 0;

/** Creates an IRI term. */
export function namedNode(iri: string): NamedNode {
  return new SimpleTerm("NamedNode", iri) as NamedNode;
}

/** Creates a blank node term (a fresh label when none is given). */
export function blankNode(label?: string): BlankNode {
  return new SimpleTerm("BlankNode", label ?? `b${++blankCounter}`) as BlankNode;
}

/** Creates a variable term. */
export function variable(name: string): Variable {
  return new SimpleTerm("Variable", name) as Variable;
}

/**
 * Creates a literal: a language tag (string), a datatype (NamedNode), or an
 * RDF/JS `{ language }` object may follow the value.
 */
export function literal(
  value: string | number,
  languageOrDatatype?: string | NamedNode | { language: string },
): Literal {
  const text = String(value);
  if (typeof languageOrDatatype === "string") {
    return new LiteralTerm(text, languageOrDatatype.toLowerCase(), LANG_STRING);
  }
  if (languageOrDatatype && "language" in languageOrDatatype) {
    return new LiteralTerm(text, languageOrDatatype.language.toLowerCase(), LANG_STRING);
  }
  return new LiteralTerm(text, "", languageOrDatatype ?? XSD_STRING);
}

/** The default graph term. */
export function defaultGraph(): DefaultGraph {
  return DEFAULT_GRAPH;
}

/** Creates a quad (in the default graph when `graph` is omitted). */
export function quad(
  subject: QuadSubject,
  predicate: QuadPredicate,
  object: QuadObject,
  graph?: QuadGraph,
): Quad {
  return new QuadTerm(subject, predicate, object, graph ?? DEFAULT_GRAPH);
}

/** The RDF/JS DataFactory of these terms, e.g. for n3's `Parser({ factory })`. */
export const dataFactory = {
  namedNode,
  blankNode,
  literal,
  variable,
  defaultGraph,
  quad,
  triple: quad,
} as const;

/** N-Quads text that does not parse; `line` is 1-based within the parsed text. */
export class NQuadsSyntaxError extends OwmSyntaxError {
  /** The error's code: `nquads-syntax`. */
  override readonly code: string = "nquads-syntax";
  /** The 1-based line of the error within the parsed text, when known. */
  readonly line: number | undefined;
  /** Creates the error. */
  constructor(message: string, line: number | undefined) {
    super(message);
    this.name = "NQuadsSyntaxError";
    this.line = line;
  }
}
