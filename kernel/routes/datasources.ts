/**
 * `/api/datasources`: list, create, show, delete, fetch and verify DataSources,
 * and the chains of translations around one (`provenance`: what it was made
 * from; `derivs`: what was made from it), as the JSON of
 * `owm source provenance|derivs --json`.
 *
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type {
  DataSourceDetail,
  DataSourceItem,
  SavedDataSource,
} from "../../lib/bridge/api_types.ts";
import type { DataSource } from "../../lib/datasource/data_source.ts";
import { formatDataSource } from "../../lib/datasource/format.ts";
import { type LockEntry, parseLockEntry } from "../../lib/lock/lock_format.ts";
import { type ChainNode, derivationTree, provenanceTree } from "../../lib/translate/chain.ts";
import * as wire from "../../lib/wire/datasources.ts";
import { apiRouter, declareRoute } from "../api_route.ts";
import type { BridgeState } from "../bridge_state.ts";
import { identityChanges, identityConflict, reverifyReplaced } from "../datasource_identity.ts";
import { dataSourceOrRecord } from "../../lib/stack/record_lookup.ts";
import { ApiHttpError } from "../http_errors.ts";
import { answer, ERROR_ANSWERS, errorAnswer, jsonContent } from "../openapi.ts";
import { checkIdLength } from "../request_limits.ts";

export { jsonBody } from "../json_body.ts";

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
 * The `lock` of a fetch request: one `owm.lock` entry with its `iri`. A
 * malformed one is a `LockFileError`, answered 400 `bad-lock`.
 */
function lockOf(value: unknown): LockEntry | undefined {
  if (value === undefined || value === null) return undefined;
  return parseLockEntry(value, undefined, "the request's 'lock'");
}

/** The `{id}` of a route, refused (400 `too-long`) when longer than any id could be. */
function idOf(params: { id: string }): string {
  checkIdLength(params.id, "id");
  return params.id;
}

const byId = { params: wire.DataSourceIdParams };

/** The routes, as declared (and documented in /openapi.json). */
export const DATASOURCE_ROUTES = {
  list: createRoute({
    method: "get",
    path: "/",
    summary: "List DataSources",
    request: { query: wire.ListDataSourcesQuery },
    responses: { 200: answer("DataSources", z.array(wire.DataSourceItem)), ...ERROR_ANSWERS },
  }),
  create: createRoute({
    method: "post",
    path: "/",
    summary: "Create a DataSource",
    request: { body: { required: true, content: jsonContent(wire.CreateDataSourceBody) } },
    responses: {
      201: answer(
        "Created (or saved again; `replaced` says what a replace did)",
        wire.SavedDataSource,
      ),
      ...ERROR_ANSWERS,
      408: errorAnswer("The body did not arrive in time (request-timeout)"),
      409: errorAnswer(
        "identity-conflict: the id exists with other identity fields (each named, old → new); send replace: true. fetch-running: a fetch of it is under way",
      ),
      413: errorAnswer("The body is larger than --max-json (default 1 MiB)"),
    },
  }),
  show: createRoute({
    method: "get",
    path: "/{id}",
    summary: "Show a DataSource",
    request: byId,
    responses: { 200: answer("The DataSource", wire.DataSourceDetail), ...ERROR_ANSWERS },
  }),
  remove: createRoute({
    method: "delete",
    path: "/{id}",
    summary: "Delete a DataSource",
    request: byId,
    responses: { 204: answer("Deleted"), ...ERROR_ANSWERS },
  }),
  fetch: createRoute({
    method: "post",
    path: "/{id}/fetch",
    summary: "Start fetching (idempotent)",
    request: { ...byId, body: { required: false, content: jsonContent(wire.FetchBody) } },
    responses: {
      202: answer("Accepted", wire.FetchAccepted),
      409: errorAnswer(
        "no-torrent: nothing to fetch it by; offline: the bridge runs with OWM_OFFLINE=1 and the content is neither here nor in the shared cache; lock-mismatch: with 'lock', the DataSource, its torrent or the content here differs from the lock (a mismatch found after the download fails the job: an 'error' event with code lock-mismatch)",
      ),
      ...ERROR_ANSWERS,
    },
  }),
  verify: createRoute({
    method: "post",
    path: "/{id}/verify",
    summary: "Verify fetched or published content",
    request: byId,
    responses: { 200: answer("The report", wire.VerifyReportJson), ...ERROR_ANSWERS },
  }),
  provenance: createRoute({
    method: "get",
    path: "/{id}/provenance",
    summary: "What a DataSource was made from: the chain of Translations down to untranslated data",
    request: byId,
    responses: { 200: answer("The chain", wire.ChainNode), ...ERROR_ANSWERS },
  }),
  derivs: createRoute({
    method: "get",
    path: "/{id}/derivs",
    summary: "What was made from a DataSource: the tree of Translations using it",
    request: byId,
    responses: { 200: answer("The tree", wire.ChainNode), ...ERROR_ANSWERS },
  }),
};

/** The DataSource routes over `state` (mount at `/api/datasources`). */
export function dataSourceRoutes(state: BridgeState) {
  const app = apiRouter();
  const routes = DATASOURCE_ROUTES;
  declareRoute(app, routes.list, async (c, { query }) => {
    const items: DataSourceItem[] = await state.repo.list(query.kind ? { kind: query.kind } : {});
    return c.json(items);
  });
  declareRoute(app, routes.create, async (c, input) => {
    const body = await input.body();
    checkIdLength(body.class, "class");
    checkIdLength(body.key, "key");
    if (body.context !== undefined) checkIdLength(body.context, "context");
    const fields = body.fields ?? {};
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
    await state.repo.save([ds], body.context !== undefined ? { context: body.context } : {});
    const saved: SavedDataSource = await detail(state, ds);
    if (changed.length > 0) {
      saved.replaced = { changed, ...await reverifyReplaced(state, ds) };
    }
    return c.json(saved, 201);
  });
  declareRoute(
    app,
    routes.show,
    async (c, { params }) => c.json(await detail(state, await state.repo.get(idOf(params)))),
  );
  declareRoute(app, routes.remove, async (c, { params }) => {
    await state.repo.remove(idOf(params));
    return c.body(null, 204);
  });
  declareRoute(app, routes.fetch, async (c, input) => {
    // An id the store does not have is taken from the record beside its torrent in an index.
    const { dataSource: ds } = await dataSourceOrRecord(
      state.repo,
      state.stack.reachable,
      idOf(input.params),
    );
    const body = await input.body();
    const lock = lockOf(body.lock);
    const accepted = await state.fetch(ds, {
      ...(body.peers ? { peers: body.peers } : {}),
      ...(lock ? { lock } : {}),
      repair: body.repair === true,
    });
    return c.json(accepted, 202);
  });
  declareRoute(app, routes.verify, async (c, { params }) => {
    const ds = await state.repo.get(idOf(params));
    return c.json(await state.verify(ds));
  });
  declareRoute(app, routes.provenance, async (c, { params }) => {
    const tree: ChainNode = await provenanceTree(state.repo, idOf(params));
    return c.json(tree);
  });
  declareRoute(app, routes.derivs, async (c, { params }) => {
    const tree: ChainNode = await derivationTree(state.repo, idOf(params));
    return c.json(tree);
  });
  return app;
}
