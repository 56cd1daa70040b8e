/**
 * SPARQL over the graph file in a worker (lib/sparql/sparql_worker.ts), for
 * the bridge: loading the graph, queries and updates run off the event loop,
 * so the API stays responsive while a large graph loads, and every request
 * has a deadline: past it the worker is terminated (the request fails with
 * {@linkcode SparqlTimeoutError}), and a new one loads the graph and answers
 * the requests that were waiting behind it. The worker keeps the graph loaded and in step with the file like
 * {@linkcode FileGraphSparql}.
 *
 * @module
 */
import { InvalidInputError } from "../errors/invalid_input.ts";
import { fileIdentityNow } from "../fs/file_identity.ts";
import type { UpdateSummary } from "../graph/store.ts";
import { AnswerCache } from "./answer_cache.ts";
import type { QueryOptions, SparqlResults } from "./engine.ts";
import {
  SparqlEngineFailedError,
  SparqlEvaluationError,
  SparqlSyntaxError,
  SparqlTimeoutError,
} from "./errors.ts";
import { queryForm } from "./query_form.ts";
import { parseResultsJson } from "./results_json.ts";
import type { SparqlService } from "./service.ts";
import { SubjectScopedSparql } from "./subject_scoped.ts";
import type { WorkerError, WorkerReply, WorkerRequest } from "./worker_protocol.ts";

/** The default deadline of one request, in ms. */
export const DEFAULT_SPARQL_TIMEOUT_MS = 5_000;

/** Options of {@linkcode WorkerGraphSparql}. */
export interface WorkerGraphSparqlOptions {
  /** The store directory. */
  home: string;
  /** The graph file. */
  path: string;
  /**
   * The deadline of each query (from when its graph is loaded and it starts)
   * and update (from when it is sent), in ms. @default 5 s
   */
  timeoutMs?: number;
  /**
   * Keep answers for the content that gave them (see
   * lib/sparql/answer_cache.ts): a query asked again before any write is
   * answered without the worker. @default true
   */
  answerCache?: boolean;
  /**
   * Answer subject-anchored queries (a lookup by id) on this thread from the
   * statements of their subjects (lib/sparql/subject_scoped.ts): bounded
   * work, no trip to the worker. @default true
   */
  scoped?: boolean;
}

/** A request without its id (each member of the union). */
type RequestBody = WorkerRequest extends infer R ? R extends WorkerRequest ? Omit<R, "id"> : never
  : never;

type Pending = {
  /** What was asked (to ask a new worker again). */
  request: RequestBody;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Starts the deadline. */
  arm: () => void;
};

/** The error a worker reported, as the class it was thrown as (by name for the rest). */
function revive(error: WorkerError): Error {
  if (error.name === "SparqlEngineFailedError") {
    const revived = new SparqlEngineFailedError("in its worker");
    revived.message = error.message;
    return revived;
  }
  if (error.name === "SparqlSyntaxError") {
    return new SparqlSyntaxError(error.kind ?? "query", error.detail ?? error.message);
  }
  if (error.name === "SparqlEvaluationError") {
    return new SparqlEvaluationError(error.kind ?? "query", error.detail ?? error.message);
  }
  if (error.status !== undefined && error.code !== undefined) {
    const revived = new InvalidInputError(error.message, {
      status: error.status as InvalidInputError["status"],
      code: error.code,
    });
    revived.name = error.name;
    return revived;
  }
  const revived = new Error(error.message);
  revived.name = error.name; // the bridge answers store errors by their name
  return revived;
}

/**
 * A {@linkcode SparqlService} whose engine runs in a worker.
 *
 * @example
 * ```ts ignore
 * const sparql = new WorkerGraphSparql({ home: store.home, path: store.path, timeoutMs: 10_000 });
 * console.log(await sparql.queryText("ASK { ?s ?p ?o }", "application/sparql-results+json"));
 * sparql.close();
 * ```
 */
export class WorkerGraphSparql implements SparqlService {
  readonly #options: WorkerGraphSparqlOptions;
  readonly #timeoutMs: number;
  #worker: Worker | undefined;
  #opened: Promise<unknown> | undefined;
  #next = 0;
  #pending = new Map<number, Pending>();
  /** Requests whose graph the worker is loading: no deadline ends the worker meanwhile. */
  #loading = new Set<number>();
  readonly #answers: AnswerCache | undefined;
  readonly #scoped: SubjectScopedSparql | undefined;

  /** Over the graph file of the store in `options.home`. */
  constructor(options: WorkerGraphSparqlOptions) {
    this.#options = options;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_SPARQL_TIMEOUT_MS;
    this.#answers = options.answerCache === false ? undefined : new AnswerCache();
    this.#scoped = options.scoped === false
      ? undefined
      : new SubjectScopedSparql(options.path, { keepOpen: true });
  }

  #spawn(): Worker {
    const worker = new Worker(new URL("./sparql_worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      if ("loading" in reply) {
        this.#loading.add(reply.id);
        return clearTimeout(pending.timer);
      }
      this.#loading.delete(reply.id);
      if ("running" in reply) return pending.arm();
      this.#pending.delete(reply.id);
      clearTimeout(pending.timer);
      if (reply.ok) pending.resolve(reply.value);
      else {
        pending.reject(revive(reply.error));
        // The worker's engine trapped: a new worker answers the requests that were waiting.
        if (reply.error.name === "SparqlEngineFailedError") this.#restart(revive(reply.error));
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.#reset(new Error(`The SPARQL worker failed: ${event.message}`));
    };
    return worker;
  }

  /** Ends the worker and fails what it was doing with `error`. */
  #reset(error: Error): void {
    this.#loading.clear();
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#opened = undefined;
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.#pending.clear();
  }

  /**
   * Ends the worker after the request `culprit` failed it (rejected with
   * `error`; `undefined` when it already was); the requests that were only
   * waiting behind it are asked again of a new worker.
   */
  #restart(error: Error, culprit?: number): void {
    this.#loading.clear();
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#opened = undefined;
    const waiting = [...this.#pending.entries()];
    this.#pending.clear();
    for (const [id, pending] of waiting) {
      clearTimeout(pending.timer);
      if (id === culprit || pending.request.op === "open") {
        pending.reject(error);
        continue;
      }
      this.#ready().then(() => this.#send(pending.request)).then(pending.resolve, pending.reject);
    }
  }

  /**
   * Sends a request. Its deadline starts at once, pauses while the worker
   * loads the graph for a query, and does not apply to opening.
   */
  #send(request: RequestBody): Promise<unknown> {
    this.#worker ??= this.#spawn();
    const worker = this.#worker;
    const id = ++this.#next;
    return new Promise((resolve, reject) => {
      const pending: Pending = {
        request,
        resolve,
        reject,
        timer: undefined,
        arm: () => {
          clearTimeout(pending.timer);
          pending.timer = setTimeout(() => {
            if (this.#worker !== worker) return;
            // Waiting behind a load of the graph (synchronous in the worker) is not running.
            if (this.#loading.size > 0) return pending.arm();
            this.#restart(new SparqlTimeoutError(this.#timeoutMs), id);
          }, this.#timeoutMs);
        },
      };
      this.#pending.set(id, pending);
      if (request.op !== "open") pending.arm();
      worker.postMessage({ ...request, id } as WorkerRequest);
    });
  }

  async #ready(): Promise<void> {
    this.#opened ??= this.#send({ op: "open", path: this.#options.path, home: this.#options.home });
    await this.#opened;
  }

  /**
   * Runs a query; its answer serialised in `mediaType`. An answer kept for
   * the file as it is now (same identity: no write since) is given at once;
   * a subject-anchored query is answered here from its subjects' statements.
   */
  async queryText(sparql: string, mediaType: string, options: QueryOptions = {}): Promise<string> {
    const now = this.#answers && fileIdentityNow(this.#options.path);
    const kept = this.#answers?.get(now, sparql, mediaType, options);
    if (kept !== undefined) return kept;
    const scoped = await this.#scoped?.queryText(sparql, mediaType, options);
    if (scoped) {
      this.#answers?.set(scoped.identity, sparql, mediaType, options, scoped.text);
      return scoped.text;
    }
    await this.#ready();
    const { text, identity } = await this.#send({
      op: "queryText",
      sparql,
      mediaType,
      options,
    }) as { text: string; identity: string | undefined };
    this.#answers?.set(identity, sparql, mediaType, options, text);
    return text;
  }

  /** Runs a query; typed results (read from the worker's JSON or N-Quads answer). */
  async query(sparql: string, options: QueryOptions = {}): Promise<SparqlResults> {
    const form = queryForm(sparql);
    if (form === "CONSTRUCT" || form === "DESCRIBE") {
      const text = await this.queryText(sparql, "application/n-quads", options);
      const { parseNQuads } = await import("../graph/n3_parse.ts");
      return { type: "quads", quads: parseNQuads(text) };
    }
    return parseResultsJson(
      await this.queryText(sparql, "application/sparql-results+json", options),
    );
  }

  /** Applies a SPARQL 1.1 Update through the store's locked, atomic write. */
  async update(sparql: string): Promise<UpdateSummary> {
    await this.#ready();
    return await this.#send({ op: "update", sparql }) as UpdateSummary;
  }

  /** Ends the worker (a later request starts a new one). */
  close(): void {
    this.#answers?.clear();
    this.#scoped?.close();
    this.#reset(new Error("The SPARQL service was closed"));
  }
}
