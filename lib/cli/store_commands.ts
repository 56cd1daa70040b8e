/**
 * `owm init` and `owm save` (and the options every command shares).
 *
 * @module
 */
import { graphBackendExists, openGraphBackend } from "../graph/backend.ts";
import { runDataModule } from "../datasource/data_module.ts";
import { toCurie } from "../datasource/identifier.ts";
import { DEFAULT_DATA_GRAPH } from "../datasource/namespaces.ts";
import { DataSourceRepository } from "../datasource/repository.ts";
import { type CliIo, printJson, UsageError } from "./io.ts";
import { userPath } from "./user_path.ts";

/** Options shared by every command. */
export interface GlobalOptions {
  /** The store directory, if given. */
  home: string | undefined;
  /** Machine-readable output. */
  json: boolean;
  /** The graph backend (`--graph`: `file` or `sparql:<query-url>[,<update-url>]`), if given. */
  graph?: string | undefined;
}

function storeOptions(global: GlobalOptions, io: CliIo, create = false) {
  return {
    ...(global.home === undefined ? {} : { home: global.home }),
    ...(global.graph === undefined ? {} : { graph: global.graph }),
    create,
    onLockWait: (holder: string | undefined) =>
      io.err(
        `owm: waiting for the store lock held by ${holder ? `pid ${holder}` : "another process"}`,
      ),
  };
}

/** Opens the repository for a command (creating the store if `create`). */
export async function openRepository(
  global: GlobalOptions,
  io: CliIo,
  create = false,
): Promise<DataSourceRepository> {
  return await DataSourceRepository.open(storeOptions(global, io, create));
}

/** `owm init`: creates the store if needed. */
export async function initCommand(
  args: string[],
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  if (args.length > 0) throw new UsageError(`init takes no arguments, got '${args[0]}'`);
  const existed = await graphBackendExists(global);
  const store = await openGraphBackend(storeOptions(global, io, true));
  if (existed) await store.readAll(); // an existing store must be whole, not just present
  if (global.json) printJson(io, { home: store.home, created: !existed });
  else {io.out(
      `${existed ? "Graph store already exists at" : "Initialised graph store at"} ${store.home}`,
    );}
  return 0;
}

/** `owm save <module.ts> [--context IRI]`. */
export async function saveCommand(
  args: string[],
  options: { context?: string | undefined },
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  if (args.length !== 1) throw new UsageError("save takes one module path: owm save <module.ts>");
  const context = options.context ?? DEFAULT_DATA_GRAPH;
  const sources = await runDataModule(userPath(args[0]!), context);
  const repo = await openRepository(global, io, true);
  const summary = await repo.save(sources, { context, count: global.json });
  const prefixes = await repo.store.prefixes();
  const ids = sources.map((ds) => toCurie(ds.identifier, prefixes));
  if (global.json) printJson(io, { saved: ids, context, quads: summary.quads });
  else {
    for (const id of ids) io.out(id);
    io.err(
      `owm: saved ${ids.length} data source${ids.length === 1 ? "" : "s"} to ${repo.store.home}`,
    );
  }
  return 0;
}
