/**
 * Declaring a bridge route once: method, path, parameters, request body and
 * answers with the schemas of lib/wire/. One declaration gives
 *
 * - the route's entry in `/openapi.json` (the app is an `OpenAPIHono`, whose
 *   registry collects the declarations of every mounted sub-app),
 * - the validation of its path parameters and query (before the handler)
 *   and of its body (when the handler asks for it, so that checks the
 *   handler makes first, such as "does this DataSource exist", keep their
 *   order), refused as the bridge's 400 error body by
 *   kernel/wire_validation.ts,
 * - the handler's input types, inferred from the same schemas.
 *
 * JSON bodies are read by kernel/json_body.ts whatever their content type
 * (as the bridge always has), within the bounds of kernel/request_limits.ts.
 * A route that takes other media types (e.g. `application/sparql-query`)
 * declares them in `request.body.content` with a string schema and reads
 * them with `input.text()`; one that answers in several media types
 * declares each under the status and picks one with
 * {@linkcode preferredMediaType}.
 *
 * @example A JSON route
 * ```ts ignore
 * declareRoute(app, createRoute({
 *   method: "post",
 *   path: "/",
 *   summary: "Run a translator",
 *   request: { body: { required: true, content: jsonContent(TranslateBody) } },
 *   responses: { 201: answer("Translated", TranslationJson), ...ERROR_ANSWERS },
 * }), async (c, input) => c.json(await run(await input.body()), 201));
 * ```
 *
 * @example A route with its own media types (content negotiation)
 * ```ts ignore
 * const route = createRoute({
 *   method: "post",
 *   path: "/",
 *   summary: "Run a SPARQL query",
 *   request: {
 *     body: { required: true, content: { "application/sparql-query": { schema: z.string() } } },
 *   },
 *   responses: {
 *     200: {
 *       description: "The results",
 *       content: {
 *         "application/sparql-results+json": { schema: z.unknown() },
 *         "text/csv": { schema: z.string() },
 *       },
 *     },
 *     ...ERROR_ANSWERS,
 *   },
 * });
 * declareRoute(app, route, async (c, input) => {
 *   const { text } = await input.text(); // 415 for an undeclared content type
 *   const type = preferredMediaType(c, route, 200); // 406 when Accept allows none
 *   return c.body(await query(text, type), 200, { "content-type": type });
 * });
 * ```
 *
 * @module
 */
import { OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { z } from "zod";
import { ApiHttpError } from "./http_errors.ts";
import { jsonBody } from "./json_body.ts";
import { validationError, validationHook } from "./wire_validation.ts";

type Parsed<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;
type RequestPart<R extends RouteConfig, K extends string> = R["request"] extends
  { [key in K]?: infer S } ? S : undefined;
type JsonSchemaOf<R extends RouteConfig> = RequestPart<R, "body"> extends
  { content: { "application/json": { schema: infer S } } } ? S : undefined;

/** What a handler gets besides the context: the request's parts, validated. */
export interface RouteInput<R extends RouteConfig> {
  /** The path parameters, validated by `request.params`. */
  params: Parsed<RequestPart<R, "params">>;
  /** The query, validated by `request.query` (first value of each name). */
  query: Parsed<RequestPart<R, "query">>;
  /**
   * The JSON body, read and validated by the `application/json` schema of
   * `request.body` (an empty body is `{}` unless the body is `required`).
   */
  body(): Promise<Parsed<JsonSchemaOf<R>>>;
  /**
   * A body of one of the route's other declared media types: the media
   * type and the text (validated by its schema). 415 `unsupported-type`
   * when the request's content type is not declared.
   */
  text(): Promise<{ mediaType: string; text: string }>;
}

/**
 * An `OpenAPIHono` whose own validators (if a route uses `app.openapi`)
 * answer like {@linkcode declareRoute}'s.
 *
 * @example
 * ```ts ignore
 * const app = apiRouter();
 * declareRoute(app, route, handler);
 * ```
 */
export function apiRouter(): OpenAPIHono {
  return new OpenAPIHono({ defaultHook: validationHook });
}

function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) throw validationError(result.error, schema);
  return result.data;
}

/** The media type of a `content-type` header, lower case, without parameters. */
function mediaTypeOf(header: string | undefined): string {
  return (header ?? "").split(";")[0]!.trim().toLowerCase();
}

function bodyContent(route: RouteConfig): Record<string, { schema?: unknown }> {
  return (route.request?.body?.content ?? {}) as Record<string, { schema?: unknown }>;
}

/**
 * Declares `route` on `app`: documents it in the app's OpenAPI registry and
 * serves it with `handler`, given the validated request parts.
 *
 * @param app The (sub-)app; mounting it with `route()` carries the declaration along.
 * @param route The declaration, from `createRoute` (paths use `{name}` parameters).
 * @param handler Answers the request.
 */
export function declareRoute<R extends RouteConfig>(
  app: OpenAPIHono,
  route: R,
  handler: (c: Context, input: RouteInput<R>) => Response | Promise<Response>,
): void {
  app.openAPIRegistry.registerPath(route);
  const params = route.request?.params as z.ZodType | undefined;
  const query = route.request?.query as z.ZodType | undefined;
  const content = bodyContent(route);
  const json = content["application/json"]?.schema as z.ZodType | undefined;
  const emptyOk = route.request?.body?.required !== true;
  const others = Object.keys(content).filter((t) => t !== "application/json");
  const path = route.path.replaceAll(/\{(\w+)\}/g, ":$1");
  app.on(route.method.toUpperCase(), path, async (c) => {
    const input = {
      params: params ? validate(params, c.req.param()) : {},
      query: query ? validate(query, c.req.query()) : {},
      body: async () => {
        if (!json) throw new Error(`${route.method} ${route.path} declares no JSON body`);
        return validate(json, await jsonBody(c.req, emptyOk));
      },
      text: async () => {
        const mediaType = mediaTypeOf(c.req.header("content-type"));
        if (!others.includes(mediaType)) {
          throw new ApiHttpError(
            415,
            "unsupported-type",
            `Send the body as ${others.join(" or ")}${mediaType ? `, not ${mediaType}` : ""}`,
          );
        }
        const text = await c.req.text();
        const schema = content[mediaType]?.schema as z.ZodType | undefined;
        return { mediaType, text: schema ? validate(schema, text) as string : text };
      },
    };
    return await handler(c, input as RouteInput<R>);
  });
}

/**
 * The media type to answer `status` in: the first of those `route` declares
 * for it that the request's `Accept` header takes (by quality, then the
 * declared order; no `Accept` takes the first). 406 `not-acceptable` when
 * it takes none.
 *
 * @example
 * ```ts ignore
 * const type = preferredMediaType(c, route, 200);
 * ```
 */
export function preferredMediaType(c: Context, route: RouteConfig, status: number): string {
  const answer = route.responses[String(status)] as { content?: Record<string, unknown> };
  const offered = Object.keys(answer?.content ?? {});
  if (offered.length === 0) throw new Error(`${route.path} declares no content for ${status}`);
  const accept = c.req.header("accept");
  if (!accept) return offered[0]!;
  const ranges = accept.split(",").map((part) => {
    const [range, ...rest] = part.trim().toLowerCase().split(";");
    const q = rest.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return { range: range!.trim(), q: q ? Number(q.slice(2)) : 1 };
  });
  const quality = (type: string) => {
    const [main] = type.split("/");
    let best = 0;
    for (const { range, q } of ranges) {
      if (range === type || range === `${main}/*` || range === "*/*") best = Math.max(best, q);
    }
    return best;
  };
  const scored = offered.map((type, i) => ({ type, i, q: quality(type) })).filter((s) => s.q > 0);
  scored.sort((a, b) => b.q - a.q || a.i - b.i);
  if (scored.length === 0) {
    throw new ApiHttpError(
      406,
      "not-acceptable",
      `This answer comes as ${offered.join(", ")}: none is in the Accept header (${accept})`,
    );
  }
  return scored[0]!.type;
}
