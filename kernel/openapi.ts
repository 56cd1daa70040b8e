/**
 * `GET /openapi.json`: the bridge's API in OpenAPI 3.1, built from the route
 * declarations (kernel/api_route.ts) the app's registry collected, with the
 * answers every route shares.
 *
 * @module
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { z } from "zod";
import { ApiError } from "../lib/wire/error.ts";

/** `{"application/json": {schema}}`: a JSON request or answer body. */
export function jsonContent<S extends z.ZodType>(schema: S): {
  "application/json": { schema: S };
} {
  return { "application/json": { schema } };
}

/** An answer: its description, and its JSON schema when it has a body. */
export function answer<S extends z.ZodType>(
  description: string,
  schema: S,
): { description: string; content: { "application/json": { schema: S } } };
/** An answer without a body. */
export function answer(description: string): { description: string };
export function answer(description: string, schema?: z.ZodType) {
  return schema === undefined ? { description } : { description, content: jsonContent(schema) };
}

/** An error answer (`{error: {code, message}}`). */
export function errorAnswer(description: string): {
  description: string;
  content: { "application/json": { schema: typeof ApiError } };
} {
  return answer(description, ApiError);
}

/** The error answers any `/api` route may give. */
export const ERROR_ANSWERS: Readonly<
  Record<"400" | "401" | "403" | "404", ReturnType<typeof errorAnswer>>
> = {
  "400": errorAnswer("Bad request"),
  "401": errorAnswer("No or wrong bearer token"),
  "403": errorAnswer("Foreign Host, cross-origin change, or not allowed"),
  "404": errorAnswer("Not found"),
};

const DOCUMENT = {
  openapi: "3.1.0",
  info: {
    title: "owmeta-torrent bridge",
    version: "1",
    description:
      "Keeps one torrent session and the graph store open on 127.0.0.1. Every /api call needs 'Authorization: Bearer <token>' (the token is in <store>/bridge.json). Errors are {error: {code, message}}.",
  },
  security: [{ bearer: [] }],
};

const built = new WeakMap<OpenAPIHono, { count: number; document: unknown }>();

/**
 * The OpenAPI document of `app`: every route declared on it or on the
 * sub-apps mounted in it (built again only when routes were added).
 *
 * @example
 * ```ts ignore
 * app.get("/openapi.json", (c) => c.json(openApiDocument(app)));
 * ```
 */
export function openApiDocument(app: OpenAPIHono): unknown {
  const registry = app.openAPIRegistry;
  const count = registry.definitions.length;
  const cached = built.get(app);
  if (cached && cached.count === count) return cached.document;
  if (!registry.definitions.some((d) => d.type === "component" && d.name === "bearer")) {
    registry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  }
  const document = app.getOpenAPI31Document(DOCUMENT);
  built.set(app, { count: registry.definitions.length, document });
  return document;
}
