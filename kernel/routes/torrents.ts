/**
 * `/api/torrents`: the session's torrents by infohash (Transmission-like status).
 *
 * @module
 */
import { Hono } from "hono";
import { realpath } from "node:fs/promises";
import { isAbsolute, relative, sep } from "node:path";
import type { TorrentHandle } from "../../lib/torrent/handle.ts";
import type { BridgeState } from "../bridge_state.ts";
import { ApiHttpError } from "../http_errors.ts";
import { torrentJson } from "../torrent_json.ts";

function handleOf(state: BridgeState, infoHash: string): TorrentHandle {
  if (!/^[0-9a-fA-F]{40}$/.test(infoHash)) {
    throw new ApiHttpError(400, "bad-infohash", `'${infoHash}' is not an infohash (40 hex digits)`);
  }
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

/** The torrent routes over `state`. */
export function torrentRoutes(state: BridgeState) {
  return new Hono()
    .get("/", (c) => c.json(state.session.torrents.map((h) => torrentJson(h.status(), h.dir))))
    .get("/:infoHash", (c) => {
      const handle = handleOf(state, c.req.param("infoHash"));
      return c.json(torrentJson(handle.status(), handle.dir));
    })
    .post("/:infoHash/pause", async (c) => {
      const handle = handleOf(state, c.req.param("infoHash"));
      await handle.pause();
      return c.json(torrentJson(handle.status(), handle.dir));
    })
    .post("/:infoHash/resume", async (c) => {
      const handle = handleOf(state, c.req.param("infoHash"));
      await handle.resume();
      return c.json(torrentJson(handle.status(), handle.dir));
    })
    .delete("/:infoHash", async (c) => {
      const handle = handleOf(state, c.req.param("infoHash"));
      const deleteData = c.req.query("deleteData") === "true";
      if (deleteData) await checkDeletable(state, handle);
      await handle.remove({ deleteData });
      await state.forget(handle.infoHash);
      return c.body(null, 204);
    });
}
