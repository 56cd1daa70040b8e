/**
 * The SPARQL service of a graph backend: the backend's own when it answers
 * SPARQL itself, the SPARQL server's for a graph kept in one
 * (`RemoteSparqlService`, lib/sparql/remote_engine.ts), else an engine over the graph file, in
 * this thread or (for the bridge) in a worker with a deadline per request.
 *
 * @module
 */
import { InvalidInputError } from "../errors/invalid_input.ts";
import type { GraphStore } from "../graph/store.ts";
import { isSparqlCapable, type SparqlService } from "./service.ts";
import { SparqlGraphBackend } from "../graph/sparql_backend.ts";

/** Options of {@linkcode sparqlServiceFor}. */
export interface SparqlServiceOptions {
  /**
   * Run the engine of a graph file in a worker, each request ended after
   * `timeoutMs` (default 5 s): for a server, whose event loop a long query
   * or the load of a large graph must not block.
   */
  worker?: { timeoutMs?: number | undefined };
}

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
 * @throws {InvalidInputError} (`sparql-unavailable`) for a backend that neither answers
 * SPARQL itself (`sparqlService()`) nor has a graph file.
 */
export async function sparqlServiceFor(
  backend: unknown,
  options: SparqlServiceOptions = {},
): Promise<SparqlService> {
  if (isSparqlCapable(backend)) return backend.sparqlService();
  if (backend instanceof SparqlGraphBackend) {
    const { RemoteSparqlService } = await import("./remote_engine.ts");
    return new RemoteSparqlService(backend); // the server answers: nothing is loaded here
  }
  const file = backend as Partial<Pick<GraphStore, "path" | "update" | "home">>;
  if (typeof file.path !== "string" || typeof file.update !== "function") {
    const where = (backend as { location?: unknown } | null)?.location;
    throw new InvalidInputError(
      `SPARQL queries run here over the store's graph file, and this graph is kept elsewhere${
        typeof where === "string" ? ` (${where})` : ""
      }: send the query to that SPARQL server directly`,
      { code: "sparql-unavailable", status: 409 },
    );
  }
  if (options.worker && typeof file.home === "string") {
    const { WorkerGraphSparql } = await import("./worker_graph_sparql.ts");
    return new WorkerGraphSparql({
      home: file.home,
      path: file.path,
      ...(options.worker.timeoutMs === undefined ? {} : { timeoutMs: options.worker.timeoutMs }),
    });
  }
  const { FileGraphSparql } = await import("./file_graph_sparql.ts");
  return new FileGraphSparql(file as Pick<GraphStore, "path" | "update">);
}
