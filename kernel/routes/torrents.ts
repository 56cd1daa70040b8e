/**
 * `/api/torrents`: the session's torrents by infohash (Transmission-like status).
 *
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { realpath } from "node:fs/promises";
import { isAbsolute, relative, sep } from "node:path";
import type { TorrentHandle } from "../../lib/torrent/handle.ts";
import * as wire from "../../lib/wire/torrents.ts";
import { apiRouter, declareRoute } from "../api_route.ts";
import type { BridgeState } from "../bridge_state.ts";
import { ApiHttpError } from "../http_errors.ts";
import { answer, ERROR_ANSWERS } from "../openapi.ts";
import { torrentJson } from "../torrent_json.ts";

/** The torrent of a validated `{infoHash}` (see lib/wire/torrents.ts), or 404. */
function handleOf(state: BridgeState, infoHash: string): TorrentHandle {
  const handle = state.session.get(infoHash.toLowerCase());
  if (!handle) {
    throw new ApiHttpError(
      404,
      "not-found",
      `No torrent ${infoHash} in this bridge: fetch or publish it first`,
    );
  }
  return handle;
}

/**
 * Refuses (409 `data-outside-store`) a `deleteData` removal of a torrent whose
 * files lie outside the bridge's store (content published from the publish
 * root is the user's own: the API deletes files only inside the store).
 */
async function checkDeletable(state: BridgeState, handle: TorrentHandle): Promise<void> {
  const real = (path: string) => realpath(path).catch(() => path);
  const rel = relative(await real(state.repo.store.home), await real(handle.dir));
  if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new ApiHttpError(
      409,
      "data-outside-store",
      `The files of torrent ${handle.infoHash} are outside the bridge's store (in ${handle.dir}): remove it without deleteData, and delete the files yourself if you mean to`,
    );
  }
}

const byHash = { params: wire.InfoHashParams };

/** The routes, as declared (and documented in /openapi.json). */
export const TORRENT_ROUTES = {
  list: createRoute({
    method: "get",
    path: "/",
    summary: "Every torrent's status",
    responses: { 200: answer("Statuses", z.array(wire.TorrentStatusJson)), ...ERROR_ANSWERS },
  }),
  status: createRoute({
    method: "get",
    path: "/{infoHash}",
    summary: "A torrent's status",
    request: byHash,
    responses: { 200: answer("Status", wire.TorrentStatusJson), ...ERROR_ANSWERS },
  }),
  pause: createRoute({
    method: "post",
    path: "/{infoHash}/pause",
    summary: "Pause",
    request: byHash,
    responses: { 200: answer("Status", wire.TorrentStatusJson), ...ERROR_ANSWERS },
  }),
  resume: createRoute({
    method: "post",
    path: "/{infoHash}/resume",
    summary: "Resume",
    request: byHash,
    responses: { 200: answer("Status", wire.TorrentStatusJson), ...ERROR_ANSWERS },
  }),
  remove: createRoute({
    method: "delete",
    path: "/{infoHash}",
    summary: "Remove a torrent (deleteData=true deletes its files)",
    request: { ...byHash, query: wire.RemoveTorrentQuery },
    responses: { 204: answer("Removed"), ...ERROR_ANSWERS },
  }),
};

/** The torrent routes over `state` (mount at `/api/torrents`). */
export function torrentRoutes(state: BridgeState) {
  const app = apiRouter();
  const routes = TORRENT_ROUTES;
  declareRoute(
    app,
    routes.list,
    (c) => c.json(state.session.torrents.map((h) => torrentJson(h.status(), h.dir))),
  );
  declareRoute(app, routes.status, (c, { params }) => {
    const handle = handleOf(state, params.infoHash);
    return c.json(torrentJson(handle.status(), handle.dir));
  });
  declareRoute(app, routes.pause, async (c, { params }) => {
    const handle = handleOf(state, params.infoHash);
    await handle.pause();
    return c.json(torrentJson(handle.status(), handle.dir));
  });
  declareRoute(app, routes.resume, async (c, { params }) => {
    const handle = handleOf(state, params.infoHash);
    await handle.resume();
    return c.json(torrentJson(handle.status(), handle.dir));
  });
  declareRoute(app, routes.remove, async (c, { params, query }) => {
    const handle = handleOf(state, params.infoHash);
    const deleteData = query.deleteData === "true";
    if (deleteData) await checkDeletable(state, handle);
    await handle.remove({ deleteData });
    await state.forget(handle.infoHash);
    return c.body(null, 204);
  });
  return app;
}
