/**
 * RDF terms and quads, and the one place the rest of the code meets npm:n3.
 *
 * Terms are n3's RDF/JS-compatible objects; this module re-exports the factory
 * functions so that no other file imports n3 directly.
 *
 * @module
 */
// @ts-types="npm:@types/n3@1.26.4"
import { DataFactory, Parser } from "n3";
// @ts-types="npm:@types/n3@1.26.4"
import type * as N3 from "n3";

/** An RDF term (IRI, blank node, literal, variable or the default graph). */
export type Term = N3.Term;
/** An IRI term. */
export type NamedNode = N3.NamedNode;
/** A literal term. */
export type Literal = N3.Literal;
/** A blank node term. */
export type BlankNode = N3.BlankNode;
/** A quad: subject, predicate, object and graph (the default graph when unnamed). */
export type Quad = N3.Quad;
/** A term allowed as a quad's graph. */
export type GraphTerm = N3.Quad_Graph;

/** Creates an IRI term. */
export const namedNode: (iri: string) => NamedNode = DataFactory.namedNode;
/** Creates a blank node term. */
export const blankNode: (label?: string) => BlankNode = DataFactory.blankNode;
/** Creates a literal with an optional language tag or datatype. */
export const literal: (value: string | number, languageOrDatatype?: string | NamedNode) => Literal =
  DataFactory.literal;
/** The default graph term. */
export const defaultGraph: () => N3.DefaultGraph = DataFactory.defaultGraph;
/** Creates a quad. */
export const quad: (
  subject: N3.Quad_Subject,
  predicate: N3.Quad_Predicate,
  object: N3.Quad_Object,
  graph?: N3.Quad_Graph,
) => Quad = DataFactory.quad;

/** Well-known vocabulary IRIs used across the project. */
export const vocab = {
  rdfType: "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
  rdfJson: "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON",
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

/**
 * Parses N-Quads text into quads, keeping blank node labels as written.
 *
 * @throws {SyntaxError} with the 1-based line number when the text is not valid N-Quads.
 */
export function parseNQuads(text: string): Quad[] {
  try {
    return new Parser({ format: "N-Quads", blankNodePrefix: "" }).parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const line = /on line (\d+)/.exec(message)?.[1];
    throw new NQuadsSyntaxError(message, line === undefined ? undefined : Number(line));
  }
}

/** N-Quads text that does not parse; `line` is 1-based within the parsed text. */
export class NQuadsSyntaxError extends SyntaxError {
  /** The 1-based line of the error within the parsed text, when known. */
  readonly line: number | undefined;
  /** Creates the error. */
  constructor(message: string, line: number | undefined) {
    super(message);
    this.name = "NQuadsSyntaxError";
    this.line = line;
  }
}
