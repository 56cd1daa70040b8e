/**
 * A client of the SPARQL 1.1 Protocol: queries (POST, form-encoded) answered
 * as SPARQL JSON results, and updates (POST `application/sparql-update`),
 * with the credentials of the environment. Used by the SPARQL graph backend
 * and the remote query engine.
 *
 * @module
 */
import type { Term } from "./rdf.ts";
import { type JsonTerm, termFromJson } from "./sparql_json_term.ts";
import { OwmError } from "../errors/owm_error.ts";
import { processEnv } from "../settings/env.ts";

/** Options of a {@linkcode SparqlClient}. */
export interface SparqlClientOptions {
  /** The query endpoint. */
  queryUrl: string;
  /** The update endpoint. @default queryUrl */
  updateUrl?: string;
  /** Headers sent with every request (e.g. `Authorization`, from {@linkcode credentialsFromEnv}). */
  headers?: Readonly<Record<string, string>>;
}

/** A SPARQL server that failed, refused or could not be reached; nothing was changed by us. */
export class SparqlServerError extends OwmError {
  /** The URL asked. */
  readonly url: string;
  /** The HTTP status, or 0 when the server could not be reached. */
  readonly status: number;
  /** The error code (`sparql-unreachable`, `sparql-auth`, `sparql-server`). */
  declare readonly code: string;
  /** Creates the error. */
  constructor(url: string, status: number, detail: string, options?: ErrorOptions) {
    const code = status === 0
      ? "sparql-unreachable"
      : status === 401 || status === 403
      ? "sparql-auth"
      : "sparql-server";
    const advice = status === 0
      ? "check OWM_GRAPH (or --graph) and that the server is running"
      : code === "sparql-auth"
      ? "set OWM_GRAPH_USER and OWM_GRAPH_PASSWORD (HTTP basic) or OWM_GRAPH_TOKEN (bearer) " +
        "to an account allowed to read and update it"
      : "see the server's log; the request was not applied";
    super(
      `The SPARQL server at ${url} ${
        status === 0 ? "cannot be reached" : `answered ${status}`
      }: ${detail}; ${advice}`,
      options,
    );
    this.name = "SparqlServerError";
    this.url = url;
    this.status = status;
    this.code = code;
  }
}

/**
 * The `Authorization` header from the environment: `OWM_GRAPH_TOKEN` as a
 * bearer token, else `OWM_GRAPH_USER` and `OWM_GRAPH_PASSWORD` as HTTP basic;
 * none when unset.
 *
 * @example
 * ```ts
 * import { credentialsFromEnv } from "./sparql_http.ts";
 * console.log(credentialsFromEnv((name) => ({ OWM_GRAPH_TOKEN: "t0k" } as Record<string, string>)[name]));
 * // { Authorization: "Bearer t0k" }
 * ```
 */
export function credentialsFromEnv(
  env: (name: string) => string | undefined = readEnv,
): Record<string, string> {
  const token = env("OWM_GRAPH_TOKEN");
  if (token) return { Authorization: `Bearer ${token}` };
  const user = env("OWM_GRAPH_USER");
  if (user) {
    const pair = new TextEncoder().encode(`${user}:${env("OWM_GRAPH_PASSWORD") ?? ""}`);
    return { Authorization: `Basic ${btoa(String.fromCharCode(...pair))}` };
  }
  return {};
}

function readEnv(name: string): string | undefined {
  return processEnv(name); // unset, empty, or no --allow-env for it: undefined
}

/** The protocol's dataset of a query (`default-graph-uri`, `named-graph-uri`). */
export interface SparqlDataset {
  /** Graphs merged into the default graph. */
  defaultGraphs?: readonly string[];
  /** Graphs `GRAPH` may name. */
  namedGraphs?: readonly string[];
}

/** One SELECT solution: variable name to term (unbound ones absent). */
export type SparqlRow = Record<string, Term>;

/**
 * Talks to one SPARQL 1.1 server.
 *
 * @example
 * ```ts ignore
 * import { SparqlClient } from "./sparql_http.ts";
 * const client = new SparqlClient({ queryUrl: "http://127.0.0.1:8890/sparql" });
 * console.log(await client.select("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"));
 * ```
 */
export class SparqlClient {
  /** The query endpoint. */
  readonly queryUrl: string;
  /** The update endpoint. */
  readonly updateUrl: string;
  #headers: Readonly<Record<string, string>>;
  #virtuoso = false;

  /** Creates a client (no request is made). */
  constructor(options: SparqlClientOptions) {
    this.queryUrl = options.queryUrl;
    this.updateUrl = options.updateUrl ?? options.queryUrl;
    this.#headers = options.headers ?? {};
  }

  /**
   * Sends a query and returns the raw answer in `accept` (the server's
   * choice of media type in `contentType`).
   *
   * @throws {SparqlServerError} when the server cannot be reached or answers an error.
   */
  async queryRaw(
    query: string,
    accept: string,
    dataset: SparqlDataset = {},
  ): Promise<{ body: Uint8Array; contentType: string; headers: Headers }> {
    const form = new URLSearchParams({ query });
    for (const g of dataset.defaultGraphs ?? []) form.append("default-graph-uri", g);
    for (const g of dataset.namedGraphs ?? []) form.append("named-graph-uri", g);
    const response = await this.#send(this.queryUrl, {
      method: "POST",
      headers: {
        ...this.#headers,
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: accept,
      },
      body: form.toString(),
    });
    return {
      body: new Uint8Array(await response.arrayBuffer()),
      contentType: response.headers.get("content-type") ?? "",
      headers: response.headers,
    };
  }

  /**
   * Runs a SELECT and returns its solutions.
   *
   * @throws {SparqlServerError} when the server fails, or cut the answer short (a row limit).
   */
  async select(
    query: string,
    dataset: SparqlDataset = {},
  ): Promise<{ variables: string[]; rows: SparqlRow[] }> {
    const answer = await this.queryRaw(query, "application/sparql-results+json", dataset);
    const maxRows = answer.headers.get("x-sparql-maxrows");
    if (maxRows !== null) {
      throw new SparqlServerError(
        this.queryUrl,
        200,
        `it cut the answer at ${maxRows} rows (its result row limit, ResultSetMaxRows in ` +
          "Virtuoso's [SPARQL] section): raise that limit above the graph's statement count",
      );
    }
    const json = parseJson(this.queryUrl, answer.body) as {
      head?: { vars?: string[] };
      results?: { bindings?: Record<string, JsonTerm>[] };
    };
    const rows = (json.results?.bindings ?? []).map((binding) => {
      const row: SparqlRow = {};
      for (const [name, term] of Object.entries(binding)) {
        row[name] = termFromJson(term, { canonicalBooleans: true });
      }
      return row;
    });
    return { variables: json.head?.vars ?? [], rows };
  }

  /**
   * Runs an ASK.
   *
   * @throws {SparqlServerError} when the server fails.
   */
  async ask(query: string): Promise<boolean> {
    const answer = await this.queryRaw(query, "application/sparql-results+json");
    const json = parseJson(this.queryUrl, answer.body) as {
      boolean?: unknown;
      results?: { bindings?: Record<string, { value?: string }>[] };
    };
    if (json.boolean !== undefined) return json.boolean === true || json.boolean === "true";
    // Virtuoso answers some ASKs as one row of one variable (`__ASK_RETVAL`: 1 or 0).
    const row = json.results?.bindings?.[0];
    const value = row ? Object.values(row)[0]?.value : undefined;
    return value === "1" || value === "true";
  }

  /**
   * Sends one SPARQL 1.1 Update request (applied atomically by the server).
   *
   * @throws {SparqlServerError} when the server cannot be reached or refuses it.
   */
  async update(update: string): Promise<void> {
    // Virtuoso compiles an update's constants into SQL text unless told otherwise:
    // with this pragma a few thousand statements take 0.5 s instead of timing out.
    const body = this.#virtuoso ? "DEFINE sql:big-data-const 1\n" + update : update;
    const response = await this.#send(this.updateUrl, {
      method: "POST",
      headers: { ...this.#headers, "Content-Type": "application/sparql-update" },
      body,
    });
    await response.body?.cancel();
  }

  async #send(url: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      throw new SparqlServerError(url, 0, detail, { cause: error });
    }
    if (/\bVirtuoso\//.test(response.headers.get("server") ?? "")) this.#virtuoso = true;
    if (!response.ok) {
      const text = (await response.text()).trim().split("\n").slice(0, 3).join(" ");
      throw new SparqlServerError(
        url,
        response.status,
        text.slice(0, 500) || response.statusText,
      );
    }
    return response;
  }
}

function parseJson(url: string, body: Uint8Array): unknown {
  const text = new TextDecoder().decode(body);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SparqlServerError(
      url,
      200,
      `its answer is not SPARQL JSON results (${text.slice(0, 80)})`,
      { cause: error },
    );
  }
}
