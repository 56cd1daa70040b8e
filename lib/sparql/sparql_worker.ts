/**
 * The worker that holds the SPARQL engine for {@linkcode WorkerGraphSparql}:
 * it loads the graph file, answers queries (serialised) and applies updates
 * through the store's locked write, one request at a time. Running here, a
 * long query or a reload of a large graph never blocks the bridge's event
 * loop, and a query past its deadline is ended by terminating the worker.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { InvalidInputError } from "../errors/invalid_input.ts";
import { GraphStore } from "../graph/store.ts";
import { SparqlEvaluationError, SparqlSyntaxError } from "./errors.ts";
import { FileGraphSparql } from "./file_graph_sparql.ts";
import type { WorkerReply, WorkerRequest } from "./worker_protocol.ts";

let sparql: FileGraphSparql | undefined;

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.op) {
    case "open": {
      const store = await GraphStore.open({ home: request.home });
      // Anchored queries were offered to the bridge's own scoped answerer before they came here.
      sparql = new FileGraphSparql(store, undefined, { scoped: false });
      await sparql.refresh(); // load now: the first query finds the graph ready
      return sparql.size;
    }
    case "queryText": {
      if (sparql!.stale()) {
        // Loading (after a write) is not part of the query's deadline.
        self.postMessage({ id: request.id, loading: true } satisfies WorkerReply);
        await sparql!.refresh();
        self.postMessage({ id: request.id, running: true } satisfies WorkerReply);
      }
      // The identity of the content that answered: the bridge keeps the answer for it.
      return await sparql!.queryTextWithIdentity(
        request.sparql,
        request.mediaType,
        request.options,
      );
    }
    case "update":
      return await sparql!.update(request.sparql);
  }
}

self.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  let reply: WorkerReply;
  try {
    reply = { id: request.id, ok: true, value: await handle(request) };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    reply = {
      id: request.id,
      ok: false,
      error: {
        name: e.name,
        message: e.message,
        ...(e instanceof SparqlSyntaxError || e instanceof SparqlEvaluationError
          ? { detail: e.detail, kind: request.op === "update" ? "update" : "query" }
          : {}),
        ...(e instanceof InvalidInputError ? { status: e.status, code: e.code } : {}),
      },
    };
  }
  self.postMessage(reply);
};
