/**
 * `/api/datasources`: list, create, show, delete, fetch and verify DataSources,
 * and the chains of translations around one (`provenance`: what it was made
 * from; `derivs`: what was made from it), as the JSON of
 * `owm source provenance|derivs --json`.
 *
 * @module
 */
import { Hono } from "hono";
import type {
  CreateDataSourceBody,
  DataSourceDetail,
  DataSourceItem,
  SavedDataSource,
} from "../../lib/bridge/api_types.ts";
import type { DataSource } from "../../lib/datasource/data_source.ts";
import { formatDataSource } from "../../lib/datasource/format.ts";
import { type LockEntry, parseLockEntry } from "../../lib/lock/lock_format.ts";
import { type ChainNode, derivationTree, provenanceTree } from "../../lib/translate/chain.ts";
import type { BridgeState } from "../bridge_state.ts";
import { identityChanges, identityConflict, reverifyReplaced } from "../datasource_identity.ts";
import { ApiHttpError } from "../http_errors.ts";
import { checkIdLength, checkJsonBounds } from "../request_limits.ts";

async function detail(state: BridgeState, ds: DataSource): Promise<DataSourceDetail> {
  const json = ds.toJSON();
  return {
    id: await state.curie(ds),
    iri: ds.identifier,
    kind: ds.className,
    key: ds.key ?? null,
    fields: json.fields,
    text: formatDataSource(ds, await state.repo.store.prefixes()),
  };
}

/**
 * The request body as a JSON object (an empty body is `{}` when `emptyOk`),
 * with no string longer than 64 KiB and no nesting deeper than 32 levels
 * (400 naming the field otherwise; the body's size is bounded before, see
 * kernel/request_limits.ts).
 */
export async function jsonBody(
  req: { text(): Promise<string> },
  emptyOk = false,
): Promise<Record<string, unknown>> {
  const text = await req.text();
  if (emptyOk && text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiHttpError(400, "bad-json", "The request body is not JSON: send a JSON object");
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new ApiHttpError(400, "bad-json", "The request body must be a JSON object");
  }
  checkJsonBounds(body);
  return body as Record<string, unknown>;
}

function stringList(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new ApiHttpError(400, "bad-request", `'${name}' must be a list of strings`);
  }
  return value;
}

/**
 * The `lock` of a fetch request: one `owm.lock` entry with its `iri`. A
 * malformed one is a `LockFileError`, answered 400 `bad-lock`.
 */
function lockOf(value: unknown): LockEntry | undefined {
  if (value === undefined || value === null) return undefined;
  return parseLockEntry(value, undefined, "the request's 'lock'");
}

/** The `:id` of a route, refused (400 `too-long`) when longer than any id could be. */
function idOf(c: { req: { param(name: "id"): string } }): string {
  const id = c.req.param("id");
  checkIdLength(id, "id");
  return id;
}

/** The DataSource routes over `state`. */
export function dataSourceRoutes(state: BridgeState) {
  return new Hono()
    .get("/", async (c) => {
      const kind = c.req.query("kind");
      const items: DataSourceItem[] = await state.repo.list(kind ? { kind } : {});
      return c.json(items);
    })
    .post("/", async (c) => {
      const body = await jsonBody(c.req) as Partial<CreateDataSourceBody>;
      if (typeof body.class !== "string" || typeof body.key !== "string" || body.key === "") {
        throw new ApiHttpError(
          400,
          "bad-request",
          "Give 'class' and 'key' (strings), and optional 'fields'",
        );
      }
      checkIdLength(body.class, "class");
      checkIdLength(body.key, "key");
      if (body.context !== undefined) {
        if (typeof body.context !== "string") {
          throw new ApiHttpError(400, "bad-request", "'context' must be a string (a graph IRI)");
        }
        checkIdLength(body.context, "context");
      }
      if (body.replace !== undefined && typeof body.replace !== "boolean") {
        throw new ApiHttpError(400, "bad-request", "'replace' must be true or false");
      }
      const fields = body.fields ?? {};
      if (typeof fields !== "object" || fields === null || Array.isArray(fields)) {
        throw new ApiHttpError(400, "bad-request", "'fields' must be an object of field values");
      }
      const cls = await state.repo.classNamed(body.class);
      const ds = new cls({ ...fields, key: body.key } as never);
      const existing = await state.repo.find(`<${ds.identifier}>`);
      const changed = existing ? identityChanges(existing, ds) : [];
      if (changed.length > 0) {
        const id = await state.curie(ds);
        if (body.replace !== true) throw identityConflict(id, changed);
        if (state.isFetching(ds.identifier)) {
          throw new ApiHttpError(
            409,
            "fetch-running",
            `${id} is being fetched: wait for the fetch to end (or remove its torrent) before replacing it`,
          );
        }
      }
      await state.repo.save(
        [ds],
        typeof body.context === "string" ? { context: body.context } : {},
      );
      const saved: SavedDataSource = await detail(state, ds);
      if (changed.length > 0) {
        saved.replaced = { changed, ...await reverifyReplaced(state, ds) };
      }
      return c.json(saved, 201);
    })
    .get("/:id", async (c) => c.json(await detail(state, await state.repo.get(idOf(c)))))
    .delete("/:id", async (c) => {
      await state.repo.remove(idOf(c));
      return c.body(null, 204);
    })
    .post("/:id/fetch", async (c) => {
      const ds = await state.repo.get(idOf(c));
      const body = await jsonBody(c.req, true);
      const peers = stringList(body.peers, "peers");
      const lock = lockOf(body.lock);
      const accepted = await state.fetch(ds, {
        ...(peers ? { peers } : {}),
        ...(lock ? { lock } : {}),
        repair: body.repair === true,
      });
      return c.json(accepted, 202);
    })
    .post("/:id/verify", async (c) => {
      const ds = await state.repo.get(idOf(c));
      return c.json(await state.verify(ds));
    })
    .get("/:id/provenance", async (c) => {
      const tree: ChainNode = await provenanceTree(state.repo, idOf(c));
      return c.json(tree);
    })
    .get("/:id/derivs", async (c) => {
      const tree: ChainNode = await derivationTree(state.repo, idOf(c));
      return c.json(tree);
    });
}
