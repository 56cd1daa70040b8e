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
 * The engine stays loaded; a write by any process is seen by the next query.
 * Queries are read-only and run on the bridge's thread (see the README for
 * their cost); the body is bounded like every JSON body (`--max-json`).
 *
 * @module
 */
import { Hono } from "hono";
import type { Context } from "hono";
import type { BridgeState } from "../bridge_state.ts";
import { ApiHttpError } from "../http_errors.ts";
import { type InflightBodies, requestBounds, type RequestLimits } from "../request_limits.ts";
import { bearerGuard, type SecurityOptions } from "../security.ts";
import type { QueryDataset } from "../../lib/sparql/engine.ts";
import { SparqlUpdateDisabledError } from "../../lib/sparql/errors.ts";
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
}

/** The request parameters of the protocol, from the URL's query and a form body. */
interface ProtocolRequest {
  query?: string;
  update?: string;
  dataset: QueryDataset;
  graph?: string | "default";
}

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

async function answerQuery(
  c: Context,
  service: SparqlService,
  sparql: string,
  dataset: QueryDataset,
): Promise<Response> {
  const form = queryForm(sparql);
  if (form === undefined) {
    await service.query(sparql, { dataset }); // throws the engine's parse error
    throw new ApiHttpError(
      400,
      "sparql-syntax",
      "The SPARQL query is not a SELECT, ASK, CONSTRUCT or DESCRIBE query",
    );
  }
  const type = negotiate(c.req.header("accept"), form);
  if (type === undefined) throw notAcceptable(form === "CONSTRUCT" || form === "DESCRIBE");
  const text = await service.queryText(sparql, type, { dataset });
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
    const exists = await service.query(`ASK { GRAPH <${graph}> { ?s ?p ?o } }`);
    if (exists.type === "boolean" && !exists.value) {
      throw new ApiHttpError(404, "not-found", `The store has no graph <${graph}>`);
    }
  }
  const sparql = graph === "default"
    ? "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    : `CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <${graph}> { ?s ?p ?o } }`;
  const text = await service.queryText(sparql, type);
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

/**
 * The `/sparql` routes (mount at `/sparql`), with the bearer token and body
 * bounds of `/api`; the Host and Origin guards are the app's.
 *
 * @example
 * ```ts ignore
 * app.route("/sparql", sparqlRoutes(state, { token, sparqlUpdate: false }));
 * ```
 */
export function sparqlRoutes(state: BridgeState, options: SparqlRouteOptions): Hono {
  let service: Promise<SparqlService> | undefined;
  const sparql = () => service ??= sparqlServiceFor(state.repo.store);
  const update = async (c: Context, text: string) => {
    if (!options.sparqlUpdate) throw new SparqlUpdateDisabledError();
    const summary = await (await sparql()).update(text);
    return c.json({ ok: true, ...summary });
  };
  return new Hono()
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
}

/**
 * The Graph Store Protocol's read (mount at `/rdf-graph-store`):
 * `GET ?graph=<iri>` or `GET ?default`, read-only.
 */
export function graphStoreRoutes(state: BridgeState, options: SparqlRouteOptions): Hono {
  let service: Promise<SparqlService> | undefined;
  return new Hono()
    .use("*", bearerGuard(options))
    .get("/", async (c) => {
      const request = protocolRequest(new URL(c.req.url).searchParams);
      if (request.graph === undefined) {
        throw new ApiHttpError(400, "bad-request", "Name a graph: ?graph=<iri> or ?default");
      }
      service ??= sparqlServiceFor(state.repo.store);
      return await answerGraph(c, await service, request.graph);
    });
}
