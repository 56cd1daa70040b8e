/**
 * `POST /api/publish`: publishes a file or folder that is already on this
 * machine, inside the folder the bridge was started with (`--publish-root`);
 * off otherwise. Uploads from elsewhere go through `/api/uploads`.
 *
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { realpath } from "node:fs/promises";
import { confinedRealPath as realPathInside, PathEscapeError } from "../../lib/fs/confine.ts";
import * as wire from "../../lib/wire/publish.ts";
import { apiRouter, declareRoute } from "../api_route.ts";
import type { BridgeState } from "../bridge_state.ts";
import { ApiHttpError } from "../http_errors.ts";
import { answer, ERROR_ANSWERS, jsonContent } from "../openapi.ts";

/**
 * Resolves `path` inside `root` (symlinks followed, with lib/fs/confine.ts's
 * `confinedRealPath`), or refuses it: 403 `outside-root` for a path (or a
 * link on its way) leading out of the root, 404 when nothing is there.
 */
export async function confinedRealPath(root: string, path: string): Promise<string> {
  let real: string;
  try {
    // Checked before touching what it names, so that nothing outside is even looked at.
    real = await realPathInside(await realpath(root), path);
  } catch (error) {
    if (!(error instanceof PathEscapeError)) throw error;
    throw new ApiHttpError(403, "outside-root", `'${path}' is not inside the publish root`);
  }
  try {
    await Deno.lstat(real);
  } catch {
    throw new ApiHttpError(404, "not-found", `Nothing at '${path}' under the publish root`);
  }
  return real;
}

/** The route, as declared (and documented in /openapi.json). */
export const PUBLISH_ROUTE = createRoute({
  method: "post",
  path: "/",
  summary: "Publish a local path under --publish-root, seed it",
  request: { body: { required: true, content: jsonContent(wire.PublishBody) } },
  responses: { 201: answer("Published", wire.PublishedJson), ...ERROR_ANSWERS },
});

/** The publish route over `state` (mount at `/api/publish`). */
export function publishRoutes(state: BridgeState) {
  const app = apiRouter();
  declareRoute(app, PUBLISH_ROUTE, async (c, input) => {
    const root = state.options.publishRoot;
    if (!root) {
      throw new ApiHttpError(
        403,
        "publish-off",
        "Publishing local paths is off: start the bridge with --publish-root DIR, or upload with POST /api/uploads",
      );
    }
    const body = await input.body();
    const content = await confinedRealPath(root, body.path);
    const answer = await state.publish(content, {
      class: body.class,
      key: body.key,
      ...(typeof body.description === "string" ? { description: body.description } : {}),
      ...(body.title === undefined ? {} : { title: body.title }),
      ...(body.license === undefined ? {} : { license: body.license }),
      ...(body.citation === undefined ? {} : { citation: body.citation }),
      ...(body.fields === undefined ? {} : { fields: body.fields }),
      ...(body.replace === undefined ? {} : { replace: body.replace }),
    });
    return c.json(answer, 201);
  });
  return app;
}
