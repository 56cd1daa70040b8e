/**
 * `POST /api/publish`: publishes a file or folder that is already on this
 * machine, inside the folder the bridge was started with (`--publish-root`);
 * off otherwise. Uploads from elsewhere go through `/api/uploads`.
 *
 * @module
 */
import { Hono } from "hono";
import { realpath } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import type { BridgeState } from "../bridge_state.ts";
import { ApiHttpError } from "../http_errors.ts";
import { jsonBody } from "./datasources.ts";

/** Resolves `path` inside `root` (symlinks followed), or refuses it. */
export async function confinedRealPath(root: string, path: string): Promise<string> {
  const realRoot = await realpath(root);
  const refuse = (candidate: string) => {
    const rel = relative(realRoot, candidate);
    if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new ApiHttpError(403, "outside-root", `'${path}' is not inside the publish root`);
    }
  };
  // Checked before touching the file system, so that nothing outside is even looked at.
  const lexical = resolve(realRoot, path);
  refuse(lexical);
  let real: string;
  try {
    real = await realpath(lexical);
  } catch {
    throw new ApiHttpError(404, "not-found", `Nothing at '${path}' under the publish root`);
  }
  refuse(real);
  return real;
}

/** The publish route over `state`. */
export function publishRoutes(state: BridgeState) {
  return new Hono().post("/", async (c) => {
    const root = state.options.publishRoot;
    if (!root) {
      throw new ApiHttpError(
        403,
        "publish-off",
        "Publishing local paths is off: start the bridge with --publish-root DIR, or upload with POST /api/uploads",
      );
    }
    const body = await jsonBody(c.req);
    for (const name of ["path", "class", "key"] as const) {
      if (typeof body[name] !== "string" || body[name] === "") {
        throw new ApiHttpError(400, "bad-request", `Give 'path', 'class' and 'key' (strings)`);
      }
    }
    const content = await confinedRealPath(root, body.path as string);
    const answer = await state.publish(content, {
      class: body.class as string,
      key: body.key as string,
      ...(typeof body.description === "string" ? { description: body.description } : {}),
    });
    return c.json(answer, 201);
  });
}
