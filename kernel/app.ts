/**
 * The bridge's Hono app: guards, the API routes, the OpenAPI document.
 *
 * @module
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { apiRouter } from "./api_route.ts";
import type { BridgeState } from "./bridge_state.ts";
import { errorBody, onError, requestId } from "./http_errors.ts";
import { openApiDocument } from "./openapi.ts";
import { dataSourceRoutes } from "./routes/datasources.ts";
import { eventRoutes } from "./routes/events.ts";
import { healthRoutes } from "./routes/health.ts";
import { catalogueRoutes } from "./routes/index_catalogue.ts";
import { publishRoutes } from "./routes/publish.ts";
import { graphStoreRoutes, sparqlRoutes } from "./routes/sparql.ts";
import { torrentRoutes } from "./routes/torrents.ts";
import { translationRoutes, translatorRoutes } from "./routes/translations.ts";
import { type InflightBodies, requestBounds, type RequestLimits } from "./request_limits.ts";
import {
  bearerGuard,
  corsHeaders,
  hostGuard,
  methodGuard,
  originGuard,
  type SecurityOptions,
} from "./security.ts";

/** Options of {@linkcode createApp}. */
export interface AppOptions extends SecurityOptions {
  /** Extra routes mounted under `/api` after the guards (e.g. uploads). */
  extraApi?: (api: OpenAPIHono) => void;
  /** Extra routes at the top level (e.g. the upload page). */
  extraPages?: (app: OpenAPIHono) => void;
  /** Bounds on request bodies (size of JSON bodies, deadlines). */
  limits?: Partial<RequestLimits>;
  /** Where bodies still arriving are registered (the bridge cuts them off when it stops). */
  inflight?: InflightBodies;
  /** Accept SPARQL 1.1 Update at `/sparql` (`--sparql-update`). @default false */
  sparqlUpdate?: boolean;
  /** The deadline of one SPARQL query or update, in ms (`--sparql-timeout`). @default 5 s */
  sparqlTimeoutMs?: number;
}

/** The bridge app over `state`. */
export function createApp(state: BridgeState, options: AppOptions): OpenAPIHono {
  const api = apiRouter();
  api
    .use("*", bearerGuard(options))
    .use("*", requestBounds(options.limits, options.inflight));
  api
    .route("/health", healthRoutes(state))
    .route("/datasources", dataSourceRoutes(state))
    .route("/torrents", torrentRoutes(state))
    .route("/events", eventRoutes(state))
    .route("/publish", publishRoutes(state))
    .route("/index", catalogueRoutes(state))
    .route("/translators", translatorRoutes(state))
    .route("/translations", translationRoutes(state));
  options.extraApi?.(api);
  const app = apiRouter();
  app
    .use("*", requestId())
    .use("*", methodGuard())
    .use("*", hostGuard(options))
    .use("*", corsHeaders(options))
    .use("*", originGuard(options))
    // Built from the routes declared on the app when first asked (extensions included).
    .get("/openapi.json", (c) => c.json(openApiDocument(app)));
  app.route("/api", api);
  // SPARQL 1.1 Protocol: the same token, Host and Origin rules as /api.
  app.route("/sparql", sparqlRoutes(state, options));
  app.route("/rdf-graph-store", graphStoreRoutes(state, options));
  options.extraPages?.(app);
  app.notFound((c) => c.json(errorBody("not-found", "No such endpoint: see /openapi.json"), 404));
  app.onError(onError);
  return app;
}

/** The app's type, for typed clients. */
export type KernelApp = ReturnType<typeof createApp>;
