/**
 * The SPARQL service of a graph backend: the backend's own when it answers
 * SPARQL (a SPARQL server), else an in-memory engine over the graph file.
 *
 * @module
 */
import type { GraphStore } from "../graph/store.ts";
import { isSparqlCapable, type SparqlService } from "./service.ts";
import { SparqlGraphBackend } from "../graph/sparql_backend.ts";

/**
 * The {@linkcode SparqlService} for `backend`. The engine's code (WebAssembly)
 * is loaded only here, on first use.
 *
 * @example
 * ```ts ignore
 * const sparql = await sparqlServiceFor(repo.store);
 * console.log(await sparql.query("ASK { ?s ?p ?o }"));
 * ```
 *
 * @throws {TypeError} for a backend that neither answers SPARQL nor has a graph file.
 */
export async function sparqlServiceFor(backend: unknown): Promise<SparqlService> {
  if (isSparqlCapable(backend)) return backend.sparqlService();
  if (backend instanceof SparqlGraphBackend) {
    const { RemoteSparqlService } = await import("./remote_engine.ts");
    return new RemoteSparqlService(backend); // the server answers: nothing is loaded here
  }
  const file = backend as Partial<Pick<GraphStore, "path" | "update">>;
  if (typeof file.path !== "string" || typeof file.update !== "function") {
    throw new TypeError("This graph backend answers no SPARQL: it has neither a file nor a server");
  }
  const { FileGraphSparql } = await import("./file_graph_sparql.ts");
  return new FileGraphSparql(file as Pick<GraphStore, "path" | "update">);
}
