/**
 * The messages between {@linkcode WorkerGraphSparql} and its worker
 * (lib/sparql/sparql_worker.ts).
 *
 * @module
 */
import type { QueryOptions } from "./engine.ts";

/** A request to the worker. */
export type WorkerRequest =
  | { id: number; op: "open"; path: string; home: string }
  | { id: number; op: "queryText"; sparql: string; mediaType: string; options: QueryOptions }
  | { id: number; op: "update"; sparql: string };

/** An error as it crosses to the main thread: enough to throw the same class again. */
export interface WorkerError {
  /** The class name, e.g. `SparqlSyntaxError`. */
  name: string;
  /** The message. */
  message: string;
  /** What the engine said, for SPARQL errors. */
  detail?: string;
  /** A query's or an update's, for SPARQL errors. */
  kind?: "query" | "update";
  /** The status and code of an `InvalidInputError`. */
  status?: number;
  /** The error code of an `InvalidInputError`. */
  code?: string;
}

/**
 * The worker's answer to one request; `loading` tells that a query waits for
 * its graph to load (its deadline pauses) and `running` that it starts.
 */
export type WorkerReply =
  | { id: number; loading: true }
  | { id: number; running: true }
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: WorkerError };
