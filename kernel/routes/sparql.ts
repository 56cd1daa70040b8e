/**
 * The SPARQL 1.1 Protocol at `/sparql`, and the Graph Store Protocol's read
 * of one graph (`GET /sparql?graph=<iri>`, `GET /rdf-graph-store?graph=<iri>`,
 * `?default` for the default graph):
 *
 * - a query by `GET ?query=`, by `POST` with `application/sparql-query`, or by
 *   `POST` of a form (`application/x-www-form-urlencoded`, `query=`), with
 *   `default-graph-uri` and `named-graph-uri`; the answer in the media type
 *   `Accept` prefers (406 when none fits);
 * - an update (`POST` with `application/sparql-update`, or a form with
 *   `update=`) only when the bridge was started with `--sparql-update` (403
 *   otherwise), applied through the store's locked, atomic write.
 *
 * The default graph of a query is the union of the store's named graphs.
 * The engine stays loaded in its worker (each query with a deadline); a
 * write by any process is seen by the next query. A lookup by id is answered
 * on the bridge's thread from its subject's statements (bounded work, see
 * lib/sparql/subject_scoped.ts); the body is bounded like every JSON body
 * (`--max-json`).
 *
 * @module
 */
import type { Context } from "hono";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { apiRouter } from "../api_route.ts";
import { ERROR_ANSWERS, errorAnswer } from "../openapi.ts";
import type { BridgeState } from "../bridge_state.ts";
import { ApiHttpError } from "../http_errors.ts";
import { type InflightBodies, requestBounds, type RequestLimits } from "../request_limits.ts";
import { bearerGuard, type SecurityOptions } from "../security.ts";
import type { QueryDataset } from "../../lib/sparql/engine.ts";
import {
  SparqlEngineFailedError,
  SparqlTimeoutError,
  SparqlUpdateDisabledError,
} from "../../lib/sparql/errors.ts";
import {
  contentTypeOf,
  GRAPH_MEDIA_TYPES,
  negotiate,
  RESULTS_MEDIA_TYPES,
} from "../../lib/sparql/formats.ts";
import { queryForm } from "../../lib/sparql/query_form.ts";
import type { SparqlService } from "../../lib/sparql/service.ts";
import { sparqlServiceFor } from "../../lib/sparql/open.ts";

/** Options of {@linkcode sparqlRoutes}. */
export interface SparqlRouteOptions extends SecurityOptions {
  /** Accept SPARQL 1.1 Update (`--sparql-update`). @default false */
  sparqlUpdate?: boolean;
  /** Bounds on request bodies. */
  limits?: Partial<RequestLimits>;
  /** Where bodies still arriving are registered. */
  inflight?: InflightBodies;
  /** The deadline of one query or update, in ms (`--sparql-timeout`). @default 5 s */
  sparqlTimeoutMs?: number;
}

/** One SPARQL service per bridge: its engine runs in a worker, loaded once. */
const SERVICES = new WeakMap<BridgeState, Promise<SparqlService>>();

function serviceOf(state: BridgeState, options: SparqlRouteOptions): Promise<SparqlService> {
  let service = SERVICES.get(state);
  if (!service) {
    service = sparqlServiceFor(state.repo.store, {
      worker: { timeoutMs: options.sparqlTimeoutMs },
    });
    SERVICES.set(state, service);
  }
  return service;
}

/**
 * Stops the bridge's SPARQL engine (its worker), if it started one.
 *
 * @example
 * ```ts ignore
 * await closeSparql(state); // when the bridge stops
 * ```
 */
export async function closeSparql(state: BridgeState): Promise<void> {
  const service = SERVICES.get(state);
  SERVICES.delete(state);
  (await service?.catch(() => undefined))?.close?.();
}

/** The request parameters of the protocol, from the URL's query and a form body. */
interface ProtocolRequest {
  query?: string;
  update?: string;
  dataset: QueryDataset;
  graph?: string | "default";
}

// deno-lint-ignore no-control-regex
const IRI = /^[a-z][a-z0-9+.-]*:[^\u0000-\u0020<>"{}|^`\\]*$/i;

function checkIri(value: string, name: string): string {
  if (!IRI.test(value)) {
    throw new ApiHttpError(
      400,
      "bad-iri",
      `'${name}' must be an absolute IRI without spaces or any of <>"{}|^\`\\, got ${
        JSON.stringify(value.slice(0, 200))
      }`,
    );
  }
  return value;
}

function single(params: URLSearchParams, name: string): string | undefined {
  const all = params.getAll(name);
  if (all.length > 1) {
    throw new ApiHttpError(400, "bad-request", `'${name}' may be given once, got ${all.length}`);
  }
  return all[0];
}

function protocolRequest(params: URLSearchParams): ProtocolRequest {
  const defaultGraphs = params.getAll("default-graph-uri").map((g) =>
    checkIri(g, "default-graph-uri")
  );
  const namedGraphs = params.getAll("named-graph-uri").map((g) => checkIri(g, "named-graph-uri"));
  if (params.has("using-graph-uri") || params.has("using-named-graph-uri")) {
    throw new ApiHttpError(
      400,
      "bad-request",
      "using-graph-uri and using-named-graph-uri are not supported: name the graphs in the update (USING, GRAPH)",
    );
  }
  const out: ProtocolRequest = { dataset: { defaultGraphs, namedGraphs } };
  const query = single(params, "query");
  const update = single(params, "update");
  if (query !== undefined) out.query = query;
  if (update !== undefined) out.update = update;
  const graph = single(params, "graph");
  if (graph !== undefined) out.graph = checkIri(graph, "graph");
  else if (params.has("default")) out.graph = "default";
  return out;
}

function notAcceptable(graph: boolean): ApiHttpError {
  const offered = graph ? GRAPH_MEDIA_TYPES : RESULTS_MEDIA_TYPES;
  return new ApiHttpError(
    406,
    "not-acceptable",
    `None of the media types in Accept fits this answer: ask for one of ${offered.join(", ")}`,
  );
}

/**
 * A query past its deadline, or one that made the engine fail (out of its
 * memory): 422, the query's own cost, naming what happened and what to do.
 */
async function deadline<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof SparqlTimeoutError || error instanceof SparqlEngineFailedError) {
      throw new ApiHttpError(422, error.code, error.message);
    }
    throw error;
  }
}

async function answerQuery(
  c: Context,
  service: SparqlService,
  sparql: string,
  dataset: QueryDataset,
): Promise<Response> {
  const form = queryForm(sparql);
  if (form === undefined) {
    await deadline(service.query(sparql, { dataset })); // throws the engine's parse error
    throw new ApiHttpError(
      400,
      "sparql-syntax",
      "The SPARQL query is not a SELECT, ASK, CONSTRUCT or DESCRIBE query",
    );
  }
  const type = negotiate(c.req.header("accept"), form);
  if (type === undefined) throw notAcceptable(form === "CONSTRUCT" || form === "DESCRIBE");
  const text = await deadline(service.queryText(sparql, type, { dataset }));
  return c.body(text, 200, { "content-type": contentTypeOf(type), vary: "Accept" });
}

async function answerGraph(
  c: Context,
  service: SparqlService,
  graph: string | "default",
): Promise<Response> {
  const type = negotiate(c.req.header("accept"), "CONSTRUCT");
  if (type === undefined) throw notAcceptable(true);
  // The IRI was checked (checkIri): nothing in it can end the IRI token.
  if (graph !== "default") {
    const exists = await deadline(service.query(`ASK { GRAPH <${graph}> { ?s ?p ?o } }`));
    if (exists.type === "boolean" && !exists.value) {
      throw new ApiHttpError(404, "not-found", `The store has no graph <${graph}>`);
    }
  }
  const sparql = graph === "default"
    ? "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    : `CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <${graph}> { ?s ?p ?o } }`;
  const text = await deadline(service.queryText(sparql, type));
  return c.body(text, 200, { "content-type": contentTypeOf(type), vary: "Accept" });
}

async function formParams(c: Context): Promise<URLSearchParams> {
  const body = new URLSearchParams(await c.req.text());
  const url = new URL(c.req.url).searchParams;
  for (const [k, v] of body) url.append(k, v);
  return url;
}

function mediaTypeOf(c: Context): string {
  return (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

const QUERY_PARAMS = z.object({
  query: z.string().optional().describe("A SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE)"),
  "default-graph-uri": z.string().optional().describe(
    "A graph merged into the default graph (repeatable); default: the union of all graphs",
  ),
  "named-graph-uri": z.string().optional().describe("A graph GRAPH may see (repeatable)"),
  graph: z.string().optional().describe("Graph Store Protocol: the graph to read"),
  default: z.string().optional().describe("Graph Store Protocol: read the default graph"),
});

const text = (description: string) => ({ schema: z.string().describe(description) });

/** The answers of a query, by media type. */
const QUERY_ANSWERS = {
  200: {
    description: "The answer, in the media type Accept prefers",
    content: {
      "application/sparql-results+json": { schema: z.unknown() },
      "application/sparql-results+xml": text("SPARQL XML results"),
      "text/csv": text("SPARQL CSV results"),
      "text/tab-separated-values": text("SPARQL TSV results"),
      "text/turtle": text("A graph (CONSTRUCT, DESCRIBE, a graph read)"),
      "application/n-quads": text("A graph"),
      "application/ld+json": { schema: z.unknown() },
      "application/n-triples": text("A graph"),
      "application/rdf+xml": text("A graph"),
    },
  },
  ...ERROR_ANSWERS,
  "406": errorAnswer("No media type in Accept fits the answer"),
  "422": errorAnswer(
    "The query ran past --sparql-timeout (sparql-timeout) or made the engine fail (sparql-engine-failed)",
  ),
} as const;

/** Documents `/sparql` (and `/rdf-graph-store`) in `app`'s OpenAPI registry. */
function document(app: OpenAPIHono, graphStoreOnly: boolean): void {
  const registry = app.openAPIRegistry;
  registry.registerPath({
    method: "get",
    path: "/",
    summary: graphStoreOnly
      ? "Read one graph (Graph Store Protocol): ?graph=<iri> or ?default"
      : "Run a SPARQL 1.1 query (?query=), or read one graph (?graph=<iri> or ?default)",
    description:
      "The default graph of a query is the union of the store's named graphs. Bearer token as for /api.",
    request: { query: QUERY_PARAMS },
    responses: QUERY_ANSWERS,
  });
  if (graphStoreOnly) return;
  registry.registerPath({
    method: "post",
    path: "/",
    summary: "Run a SPARQL 1.1 query, or an update when the bridge runs with --sparql-update",
    description:
      "application/sparql-query (the query as the body), application/x-www-form-urlencoded (query= or update=, default-graph-uri, named-graph-uri) or application/sparql-update (403 sparql-update-disabled unless --sparql-update). An update answers {ok, quads, added, removed}.",
    request: {
      query: QUERY_PARAMS.pick({ "default-graph-uri": true, "named-graph-uri": true }),
      body: {
        required: true,
        content: {
          "application/sparql-query": text("A SPARQL 1.1 query"),
          "application/sparql-update": text("A SPARQL 1.1 update"),
          "application/x-www-form-urlencoded": text("query=… or update=…"),
        },
      },
    },
    responses: {
      ...QUERY_ANSWERS,
      "415": errorAnswer("Not one of the three content types"),
    },
  });
}

/**
 * The `/sparql` routes (mount at `/sparql`), with the bearer token and body
 * bounds of `/api`; the Host and Origin guards are the app's.
 *
 * @example
 * ```ts ignore
 * app.route("/sparql", sparqlRoutes(state, { token, sparqlUpdate: false }));
 * ```
 */
export function sparqlRoutes(state: BridgeState, options: SparqlRouteOptions): OpenAPIHono {
  const sparql = () => serviceOf(state, options);
  const update = async (c: Context, text: string) => {
    if (!options.sparqlUpdate) throw new SparqlUpdateDisabledError();
    const summary = await deadline((await sparql()).update(text));
    return c.json({ ok: true, ...summary });
  };
  const app = apiRouter();
  document(app, false);
  app
    .use("*", bearerGuard(options))
    .use("*", requestBounds(options.limits, options.inflight))
    .get("/", async (c) => {
      const request = protocolRequest(new URL(c.req.url).searchParams);
      if (request.update !== undefined) {
        throw new ApiHttpError(
          405,
          "method-not-allowed",
          "A SPARQL update must be sent by POST (application/sparql-update, or a form with update=)",
        );
      }
      if (request.query !== undefined) {
        return await answerQuery(c, await sparql(), request.query, request.dataset);
      }
      if (request.graph !== undefined) return await answerGraph(c, await sparql(), request.graph);
      throw new ApiHttpError(
        400,
        "bad-request",
        "Give a query (?query=…), or a graph to read (?graph=<iri> or ?default)",
      );
    })
    .post("/", async (c) => {
      const type = mediaTypeOf(c);
      if (type === "application/sparql-query") {
        const request = protocolRequest(new URL(c.req.url).searchParams);
        return await answerQuery(c, await sparql(), await c.req.text(), request.dataset);
      }
      if (type === "application/sparql-update") {
        if (!options.sparqlUpdate) throw new SparqlUpdateDisabledError();
        protocolRequest(new URL(c.req.url).searchParams); // refuses using-graph-uri
        return await update(c, await c.req.text());
      }
      if (type === "application/x-www-form-urlencoded") {
        const request = protocolRequest(await formParams(c));
        if (request.query !== undefined && request.update !== undefined) {
          throw new ApiHttpError(400, "bad-request", "Give either query= or update=, not both");
        }
        if (request.update !== undefined) return await update(c, request.update);
        if (request.query !== undefined) {
          return await answerQuery(c, await sparql(), request.query, request.dataset);
        }
        throw new ApiHttpError(400, "bad-request", "The form needs query= (or update=)");
      }
      throw new ApiHttpError(
        415,
        "unsupported-media-type",
        `POST /sparql takes application/sparql-query, application/sparql-update or application/x-www-form-urlencoded, not ${
          JSON.stringify(type || "(none)")
        }`,
      );
    });
  return app;
}

/**
 * The Graph Store Protocol's read (mount at `/rdf-graph-store`):
 * `GET ?graph=<iri>` or `GET ?default`, read-only.
 */
export function graphStoreRoutes(state: BridgeState, options: SparqlRouteOptions): OpenAPIHono {
  const app = apiRouter();
  document(app, true);
  app
    .use("*", bearerGuard(options))
    .get("/", async (c) => {
      const request = protocolRequest(new URL(c.req.url).searchParams);
      if (request.graph === undefined) {
        throw new ApiHttpError(400, "bad-request", "Name a graph: ?graph=<iri> or ?default");
      }
      return await answerGraph(c, await serviceOf(state, options), request.graph);
    });
  return app;
}
