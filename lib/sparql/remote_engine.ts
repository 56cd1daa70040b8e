/**
 * SPARQL over a graph kept in a SPARQL 1.1 server (`OWM_GRAPH=sparql:…`):
 * `repo.query`, `owm query` and the bridge's `/sparql` send the query to the
 * server itself instead of loading the graph into an in-memory engine.
 *
 * The dataset is the store's, as with the file: unless the query or the
 * options name graphs (`FROM`, `FROM NAMED`, `default-graph-uri`,
 * `named-graph-uri`), its default graph is the union of the graphs the
 * store's catalogue lists and `GRAPH` sees those graphs, so other data on the
 * same server stays out of the answers.
 *
 * @module
 */
import { parseNQuads } from "../graph/n3_parse.ts";
import { iriToken, quadToLine } from "../graph/nquads.ts";
import {
  CATALOGUE_GRAPH,
  NAMED_GRAPH_CLASS,
  type SparqlGraphBackend,
} from "../graph/sparql_backend.ts";
import { type SparqlDataset, SparqlServerError } from "../graph/sparql_http.ts";
import type { UpdateSummary } from "../graph/store.ts";
import type { Term } from "../graph/rdf.ts";
import type { BooleanResult, QueryOptions, SelectResults, SparqlResults } from "./engine.ts";
import { SparqlSyntaxError } from "./errors.ts";
import { isGraphForm } from "./formats.ts";
import { queryForm } from "./query_form.ts";
import { parseResultsJson } from "./results_json.ts";
import type { SparqlService } from "./service.ts";

/** Graph answers are fetched as N-Triples and serialised here in these types. */
const LINE_TYPES = new Set(["application/n-quads", "application/n-triples"]);

/**
 * The {@linkcode SparqlService} of a SPARQL server backend.
 *
 * @example
 * ```ts ignore
 * import { RemoteSparqlService } from "./remote_engine.ts";
 * const sparql = new RemoteSparqlService(repo.store as SparqlGraphBackend);
 * console.log(await sparql.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"));
 * ```
 */
export class RemoteSparqlService implements SparqlService {
  readonly #backend: SparqlGraphBackend;

  /** Over the server of `backend`. */
  constructor(backend: SparqlGraphBackend) {
    this.#backend = backend;
  }

  /**
   * Runs a query on the server; typed results (RDF/JS terms).
   *
   * @throws {SparqlSyntaxError} when the server refuses it as malformed (400).
   * @throws {SparqlServerError} when the server cannot be reached or fails.
   */
  async query(sparql: string, options: QueryOptions = {}): Promise<SparqlResults> {
    const form = queryForm(sparql);
    if (form && isGraphForm(form)) {
      const text = await this.#ask(sparql, "application/n-triples", options);
      return { type: "quads", quads: parseNQuads(text) };
    }
    const results = parseResultsJson(
      await this.#ask(sparql, "application/sparql-results+json", options),
      { canonicalBooleans: true },
    );
    if (form === "ASK" && results.type === "bindings") {
      // Virtuoso answers an ASK with a dataset as one row of `__ASK_RETVAL`.
      const value = results.bindings[0]?.values().next().value?.value;
      return { type: "boolean", value: value === "1" || value === "true" };
    }
    return results;
  }

  /**
   * Runs a query on the server; its answer in `mediaType` (the server's
   * serialisation; SPARQL JSON results and N-Quads/N-Triples are written
   * here as the in-memory engine writes them, so output does not depend on the backend).
   */
  async queryText(sparql: string, mediaType: string, options: QueryOptions = {}): Promise<string> {
    if (LINE_TYPES.has(mediaType)) {
      const answer = await this.query(sparql, options);
      if (answer.type === "quads") {
        return answer.quads.map((q) => quadToLine(q) + "\n").join("");
      }
    }
    if (mediaType === "application/sparql-results+json") {
      const results = await this.query(sparql, options);
      if (results.type !== "quads") return resultsJson(results);
    }
    if (mediaType === "application/sparql-results+xml" && queryForm(sparql) === "ASK") {
      const answer = await this.query(sparql, options);
      return '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">' +
        `<head/><boolean>${answer.type === "boolean" && answer.value}</boolean></sparql>\n`;
    }
    return await this.#ask(sparql, mediaType, options);
  }

  /**
   * Sends a SPARQL 1.1 Update to the server as one request (atomic there).
   * Graphs it names with `GRAPH <…>` or `INTO <…>` join the store's catalogue
   * in the same request. The summary counts the store's statements after it
   * (`added` and `removed` are not counted: 0).
   *
   * @throws {SparqlSyntaxError} when the server refuses it as malformed (400).
   */
  async update(sparql: string): Promise<UpdateSummary> {
    const graphs = new Set<string>();
    for (const m of sparql.matchAll(/\b(?:GRAPH|INTO|WITH)\s*<([^>\s]*)>/gi)) graphs.add(m[1]!);
    const listed = [...graphs].map((g) => `${iriToken(g)} a ${iriToken(NAMED_GRAPH_CLASS)} .`).join(
      " ",
    );
    const register = listed === ""
      ? ""
      : ` ;\nINSERT DATA { GRAPH ${iriToken(CATALOGUE_GRAPH)} { ${listed} } }`;
    try {
      await this.#backend.client.update(sparql + register);
    } catch (error) {
      throw syntaxOr(error, "update");
    }
    return { quads: await this.#backend.count(), added: 0, removed: 0 };
  }

  async #ask(sparql: string, accept: string, options: QueryOptions): Promise<string> {
    const dataset: SparqlDataset = options.dataset
      ? options.dataset
      : namesGraphs(sparql)
      ? {}
      : await this.#storeDataset();
    try {
      const answer = await this.#backend.client.queryRaw(sparql, accept, dataset);
      return new TextDecoder().decode(answer.body);
    } catch (error) {
      throw syntaxOr(error, "query");
    }
  }

  async #storeDataset(): Promise<SparqlDataset> {
    const graphs = await this.#backend.graphs();
    // An empty list would mean "the server's default" to the server: name a graph that is empty.
    const list = graphs.length > 0 ? graphs : [CATALOGUE_GRAPH + "#none"];
    return { defaultGraphs: list, namedGraphs: list };
  }
}

/** SPARQL 1.1 JSON results, written as the in-memory engine writes them (compact, 1.1 terms). */
function resultsJson(results: SelectResults | BooleanResult): string {
  if (results.type === "boolean") return JSON.stringify({ head: {}, boolean: results.value });
  const bindings = results.bindings.map((row) =>
    Object.fromEntries([...row].map(([name, term]) => [name, jsonTerm(term)]))
  );
  return JSON.stringify({ head: { vars: results.variables }, results: { bindings } });
}

function jsonTerm(term: Term): Record<string, string> {
  if (term.termType === "NamedNode") return { type: "uri", value: term.value };
  if (term.termType === "BlankNode") return { type: "bnode", value: term.value };
  if (term.termType !== "Literal") return { type: "literal", value: term.value };
  if (term.language) return { type: "literal", value: term.value, "xml:lang": term.language };
  const datatype = term.datatype.value;
  if (datatype === XSD_STRING) return { type: "literal", value: term.value };
  return { type: "literal", value: term.value, datatype };
}

const XSD_STRING = "http://www.w3.org/2001/XMLSchema#string";

/** Whether the query text names its own dataset (`FROM <…>` or `FROM NAMED <…>`). */
function namesGraphs(sparql: string): boolean {
  return /\bFROM\s+(NAMED\s+)?<[^>]*>/i.test(sparql.replace(/"(?:[^"\\]|\\.)*"/g, '""'));
}

/** A 400 from the server is the query's fault: a {@linkcode SparqlSyntaxError}. */
function syntaxOr(error: unknown, kind: "query" | "update"): unknown {
  if (error instanceof SparqlServerError && error.status === 400) {
    return new SparqlSyntaxError(kind, error.message, { cause: error });
  }
  return error;
}
