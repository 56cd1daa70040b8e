/**
 * SPARQL over a repository's graph, whatever holds it: the graph file (an
 * in-memory engine kept in step with it, {@linkcode FileGraphSparql}) or a
 * backend that answers SPARQL itself (it offers `sparqlService()`).
 *
 * @module
 */
import type { UpdateSummary } from "../graph/store.ts";
import type { QueryOptions, SparqlResults } from "./engine.ts";

/**
 * Queries and updates over one graph.
 *
 * @example
 * ```ts ignore
 * const sparql = sparqlServiceFor(repo.store);
 * const answer = await sparql.query("ASK { ?s ?p ?o }");
 * ```
 */
export interface SparqlService {
  /** Runs a query; typed results. @throws {SparqlSyntaxError} when it does not parse. */
  query(sparql: string, options?: QueryOptions): Promise<SparqlResults>;
  /** Runs a query; its answer serialised in `mediaType` (see `SparqlEngine.queryText`). */
  queryText(sparql: string, mediaType: string, options?: QueryOptions): Promise<string>;
  /** Applies a SPARQL 1.1 Update as one atomic write. */
  update(sparql: string): Promise<UpdateSummary>;
  /** Releases what it holds (a worker); optional. */
  close?(): void;
}

/** A graph backend that answers SPARQL itself (e.g. one kept in a SPARQL server). */
export interface SparqlCapable {
  /** Its SPARQL service. */
  sparqlService(): SparqlService;
}

/** Whether `backend` answers SPARQL itself. */
export function isSparqlCapable(backend: unknown): backend is SparqlCapable {
  return typeof (backend as Partial<SparqlCapable> | null)?.sparqlService === "function";
}
