/**
 * The SPARQL engine as the rest of owmeta-torrent sees it: load a graph's
 * N-Quads, run SPARQL 1.1 queries (typed results or serialised text) and
 * updates. {@linkcode OxigraphEngine} (lib/sparql/oxigraph_engine.ts, the only
 * file that imports oxigraph) implements it.
 *
 * Dataset: every statement of a store is in a named graph, so the default
 * graph of a query is the union of all the named graphs, unless the query
 * says otherwise with `FROM`/`FROM NAMED` or the protocol's
 * `default-graph-uri`/`named-graph-uri`. `GRAPH ?g { … }` names each graph.
 *
 * @module
 */
import type { Quad, Term } from "../graph/rdf.ts";

/** The four forms of a SPARQL 1.1 query. */
export type QueryForm = "SELECT" | "ASK" | "CONSTRUCT" | "DESCRIBE";

/** The dataset a query runs over, when not the union of the named graphs. */
export interface QueryDataset {
  /** IRIs of the graphs merged into the default graph (`default-graph-uri`, `FROM`). */
  defaultGraphs?: readonly string[];
  /** IRIs of the graphs `GRAPH` may see (`named-graph-uri`, `FROM NAMED`). */
  namedGraphs?: readonly string[];
}

/** Options of a query. */
export interface QueryOptions {
  /** The dataset; default: the union of all named graphs as default graph, all named graphs. */
  dataset?: QueryDataset;
  /** The base IRI relative IRIs in the query resolve against. */
  baseIri?: string;
}

/** One solution of a SELECT: variable name (no `?`) to its RDF/JS term; unbound ones absent. */
export type Bindings = ReadonlyMap<string, Term>;

/** The answer of a SELECT. */
export interface SelectResults {
  /** Always `"bindings"`. */
  type: "bindings";
  /** The projected variables, in order, without `?`. */
  variables: string[];
  /** The solutions. */
  bindings: Bindings[];
}

/** The answer of an ASK. */
export interface BooleanResult {
  /** Always `"boolean"`. */
  type: "boolean";
  /** Whether the pattern has a solution. */
  value: boolean;
}

/** The answer of a CONSTRUCT or DESCRIBE: triples (in the default graph). */
export interface GraphResult {
  /** Always `"quads"`. */
  type: "quads";
  /** The statements. */
  quads: Quad[];
}

/** What a query answers, by its form. */
export type SparqlResults = SelectResults | BooleanResult | GraphResult;

/**
 * A SPARQL 1.1 engine over one in-memory dataset.
 *
 * @example
 * ```ts ignore
 * const engine: SparqlEngine = await OxigraphEngine.create();
 * engine.load(await Deno.readFile(".owm/graph.nq"));
 * const result = engine.query("SELECT ?s WHERE { ?s a ?type } LIMIT 1");
 * ```
 */
export interface SparqlEngine {
  /** Statements held. */
  readonly size: number;
  /**
   * Replaces the content with the N-Quads in `nquads` (comment lines allowed).
   * `trusted` skips IRI and language tag validation (the store's own output).
   */
  load(nquads: Uint8Array | string, options?: { trusted?: boolean }): void;
  /**
   * Loads statements keeping their blank node labels as given (slower than
   * {@linkcode SparqlEngine.load}, which relabels blank nodes).
   */
  loadQuads(quads: Iterable<Quad>): void;
  /**
   * Runs a query and returns typed results.
   *
   * @throws {SparqlSyntaxError} when it does not parse.
   */
  query(sparql: string, options?: QueryOptions): SparqlResults;
  /**
   * Runs a query and serialises its answer in `mediaType`
   * (`application/sparql-results+json`, `…+xml`, `text/csv`,
   * `text/tab-separated-values` for SELECT and ASK; `application/n-quads`,
   * `text/turtle`, `application/n-triples`, `application/ld+json`,
   * `application/rdf+xml` for CONSTRUCT and DESCRIBE).
   *
   * @throws {SparqlSyntaxError} when it does not parse.
   */
  queryText(sparql: string, mediaType: string, options?: QueryOptions): string;
  /**
   * Applies a SPARQL 1.1 Update to the in-memory content.
   *
   * @throws {SparqlSyntaxError} when it does not parse.
   */
  update(sparql: string, options?: { baseIri?: string }): void;
  /** Every statement, as RDF/JS quads (blank nodes as labelled inside the engine). */
  quads(): Quad[];
}
