/**
 * `GET /api/kinds`: the DataSource classes this bridge knows (built in,
 * registered, or recorded in the store), and which of them can record a
 * published torrent (what the upload page offers).
 *
 * @module
 */
import { Hono } from "hono";
import { canPublish } from "../../lib/publish/publish.ts";
import type { BridgeState } from "../bridge_state.ts";

/** One DataSource class. */
export interface KindItem {
  /** The class name, e.g. `CSVDataSource`. */
  name: string;
  /** Its RDF type IRI. */
  iri: string;
  /** The parent class's name, or null for the root. */
  parent: string | null;
  /** Whether uploads and publishing can use it (a LocalFileDataSource subclass). */
  publishable: boolean;
}

/** The kinds route over `state` (mount at `/api/kinds`). */
export function kindRoutes(state: BridgeState) {
  return new Hono().get("/", async (c) => {
    const items: KindItem[] = [];
    for (const kind of await state.repo.kinds()) {
      let publishable = false;
      try {
        publishable = canPublish(await state.repo.classFor(kind.iri));
      } catch {
        // A class recorded in the store that cannot be revived: not offered.
      }
      items.push({ name: kind.name, iri: kind.iri, parent: kind.parent ?? null, publishable });
    }
    items.sort((a, b) => a.name.localeCompare(b.name));
    return c.json(items);
  });
}
