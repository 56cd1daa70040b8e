/**
 * Where the graph lives. A repository reads and writes its statements through
 * a {@linkcode GraphBackend}: the N-Quads file in the store directory
 * ({@linkcode GraphStore}, the default), or an existing SPARQL 1.1 server
 * ({@linkcode SparqlGraphBackend}), chosen by `OWM_GRAPH` or `--graph`:
 *
 * - unset, empty or `file`: the file `graph.nq` in the store directory;
 * - `sparql:<query-url>[,<update-url>]`: the server answering SPARQL 1.1
 *   Query at `query-url` and Update at `update-url` (default: the same URL).
 *   Credentials come from `OWM_GRAPH_USER`/`OWM_GRAPH_PASSWORD` (HTTP basic)
 *   or `OWM_GRAPH_TOKEN` (bearer), never from the setting or the graph.
 *
 * Either way the store directory (`OWM_HOME`) keeps everything else: torrents,
 * sessions, jobs, the bridge's file.
 *
 * @module
 */
import { InvalidInputError } from "../errors/invalid_input.ts";
import type { Quad } from "./rdf.ts";
import {
  GraphStore,
  type GraphStoreOptions,
  type GraphTransaction,
  type QuadPattern,
  type UpdateSummary,
} from "./store.ts";
import { SparqlGraphBackend } from "./sparql_backend.ts";
import { credentialsFromEnv } from "./sparql_http.ts";
import { processEnv } from "../settings/env.ts";

/** The environment variable naming the graph backend. */
export const GRAPH_ENV = "OWM_GRAPH";

/** Options of {@linkcode GraphBackend.update}. */
export interface UpdateOptions {
  /** Write even when nothing changed (creates the file of a new file store). */
  force?: boolean;
  /**
   * The patterns the update's function reads with `tx.match`. The file store
   * reads the whole graph anyway; a backend that reads over the network
   * fetches these before calling the function, and `tx.match` of anything
   * else throws.
   */
  read?: readonly QuadPattern[];
  /**
   * Count the store's statements for the summary's `quads`. The file store
   * always does (it has them in hand); a SPARQL server backend does only when
   * asked (one more query), else reports -1.
   */
  count?: boolean;
}

/**
 * The operations a repository needs from the place its graph lives.
 *
 * @example Read a DataSource's statements, whatever the backend
 * ```ts ignore
 * import { openGraphBackend } from "./backend.ts";
 * import { namedNode } from "./rdf.ts";
 * const graph = await openGraphBackend({ home: ".owm" });
 * console.log(await graph.match({ subject: namedNode("http://example.org/ds") }));
 * ```
 */
export interface GraphBackend {
  /** The store directory (torrents, sessions, jobs; and the graph file for the file backend). */
  readonly home: string;
  /** Where the graph is, for messages: the graph file, or the SPARQL query URL. */
  readonly location: string;
  /** The prefix bindings, name to namespace IRI. */
  prefixes(): Promise<Map<string, string>>;
  /** The statements matching `pattern` (every given term equal). */
  match(pattern?: QuadPattern): Promise<Quad[]>;
  /** Every statement of the graph. */
  readAll(): Promise<Quad[]>;
  /**
   * Applies the change `fn` records as one atomic write. Throwing in `fn`
   * changes nothing.
   */
  update(
    fn: (tx: GraphTransaction) => void | Promise<void>,
    options?: UpdateOptions,
  ): Promise<UpdateSummary>;
}

/** Which backend a setting names. */
export type GraphSetting =
  | { kind: "file" }
  | { kind: "sparql"; queryUrl: string; updateUrl: string };

/** An `OWM_GRAPH` or `--graph` value that names no backend. */
export class GraphSettingError extends InvalidInputError {
  /** The value as given. */
  readonly value: string;
  /** Creates the error. */
  constructor(value: string, detail: string) {
    super(
      `The graph setting ${JSON.stringify(value)} (OWM_GRAPH or --graph) ${detail}; ` +
        "use file, or sparql:<query-url>[,<update-url>] with http or https URLs",
      { code: "bad-graph-setting" },
    );
    this.name = "GraphSettingError";
    this.value = value;
  }
}

/**
 * Parses an `OWM_GRAPH`/`--graph` value.
 *
 * @example
 * ```ts
 * import { parseGraphSetting } from "./backend.ts";
 * console.log(parseGraphSetting("sparql:http://127.0.0.1:8890/sparql"));
 * // { kind: "sparql", queryUrl: "http://127.0.0.1:8890/sparql", updateUrl: "http://127.0.0.1:8890/sparql" }
 * ```
 *
 * @throws {GraphSettingError} for anything else than `file` or `sparql:` with one or two http(s) URLs.
 */
export function parseGraphSetting(value: string): GraphSetting {
  const text = value.trim();
  if (text === "" || text === "file") return { kind: "file" };
  if (!text.startsWith("sparql:")) throw new GraphSettingError(value, "names no backend");
  const urls = text.slice("sparql:".length).split(",").map((u) => u.trim());
  if (urls.length > 2 || urls[0] === "") {
    throw new GraphSettingError(value, "needs one query URL and at most one update URL");
  }
  for (const url of urls) {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
      throw new GraphSettingError(value, `has ${JSON.stringify(url)}, not an http or https URL`);
    }
    if (parsed.username || parsed.password) {
      throw new GraphSettingError(
        value,
        "carries credentials in a URL: put them in OWM_GRAPH_USER and OWM_GRAPH_PASSWORD " +
          "(or OWM_GRAPH_TOKEN) instead",
      );
    }
  }
  return { kind: "sparql", queryUrl: urls[0]!, updateUrl: urls[1] ?? urls[0]! };
}

/**
 * The backend setting: `explicit` (`--graph`, an option), else `OWM_GRAPH`,
 * else the file.
 *
 * Note: read here, next to where `OWM_HOME` is read (`resolveStoreHome`);
 * it moves into the one `Settings` reader (lib/settings) when the graph
 * setting is added there.
 *
 * @example
 * ```ts
 * import { resolveGraphSetting } from "./backend.ts";
 * console.log(resolveGraphSetting("file").kind); // "file"
 * ```
 */
export function resolveGraphSetting(explicit?: string): GraphSetting {
  // Unset, or no --allow-env for it: the default.
  return parseGraphSetting(explicit ?? processEnv(GRAPH_ENV) ?? "");
}

/** Options of {@linkcode openGraphBackend}. */
export interface OpenGraphOptions extends GraphStoreOptions {
  /** The backend (`file` or `sparql:<query-url>[,<update-url>]`). @default the `OWM_GRAPH` variable, else `file` */
  graph?: string | undefined;
  /** Allow a SPARQL server at a link-local or metadata address. @default OWM_ALLOW_LINK_LOCAL */
  allowLinkLocal?: boolean;
}

/**
 * Opens the graph backend the options (or `OWM_GRAPH`) name, for the store
 * directory `options.home` (or `OWM_HOME`, or `./.owm`).
 *
 * @example
 * ```ts ignore
 * import { openGraphBackend } from "./backend.ts";
 * const graph = await openGraphBackend({
 *   home: "/tmp/owm",
 *   graph: "sparql:http://127.0.0.1:8890/sparql",
 *   create: true,
 * });
 * console.log(graph.location); // "http://127.0.0.1:8890/sparql"
 * ```
 *
 * @throws {GraphSettingError} for a setting that names no backend.
 * @throws {StoreNotFoundError} when there is no store and `create` is false.
 */
export async function openGraphBackend(options: OpenGraphOptions = {}): Promise<GraphBackend> {
  const setting = resolveGraphSetting(options.graph);
  if (setting.kind === "file") return await GraphStore.open(options);
  return await SparqlGraphBackend.open({
    ...(options.home === undefined ? {} : { home: options.home }),
    ...(options.create === undefined ? {} : { create: options.create }),
    ...(options.allowLinkLocal === undefined ? {} : { allowLinkLocal: options.allowLinkLocal }),
    queryUrl: setting.queryUrl,
    updateUrl: setting.updateUrl,
    headers: credentialsFromEnv(),
  });
}

/**
 * Whether a store exists in `home` for the backend `graph` names: the graph
 * file, or (for a SPARQL server) the store directory.
 */
export async function graphBackendExists(
  options: { home?: string | undefined; graph?: string | undefined } = {},
): Promise<boolean> {
  const setting = resolveGraphSetting(options.graph);
  if (setting.kind === "file") return await GraphStore.exists(options.home);
  return await SparqlGraphBackend.exists(options.home);
}
