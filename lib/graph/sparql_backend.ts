/**
 * The graph kept in an existing SPARQL 1.1 server (Virtuoso, Fuseki,
 * GraphDB, Oxigraph server, …): every read is a SPARQL 1.1 Query and every
 * write one SPARQL 1.1 Update request, applied atomically by the server, so
 * that many machines and bridges share one catalogue.
 *
 * On the server, the store is:
 *
 * - its named graphs, as in the file store (the schema graph, the data
 *   graph, each context and translation output);
 * - the catalogue graph {@linkcode CATALOGUE_GRAPH}, which lists those graphs
 *   (`<g> a owmt:NamedGraph`) and holds the prefix bindings
 *   (`<namespace> owmt:prefixName "Name"`). Reads see only the graphs it
 *   lists, so other data on the same server is left out.
 *
 * Statements in the default graph are kept in the graph
 * {@linkcode DEFAULT_GRAPH_IRI}. Blank nodes cannot be stored (their labels
 * do not survive a round trip through a server): give such nodes IRIs.
 *
 * @module
 */
import { InvalidInputError } from "../errors/invalid_input.ts";
import { checkUrls } from "../torrent/url_policy.ts";
import type { GraphBackend, UpdateOptions } from "./backend.ts";
import { StoreNotFoundError } from "./errors.ts";
import { iriToken, lineToQuad, quadToLine, termToken } from "./nquads.ts";
import { defaultGraph, literal, type Quad, quad, type Term } from "./rdf.ts";
import { SparqlClient, type SparqlRow } from "./sparql_http.ts";
import {
  type GraphChanges,
  GraphTransaction,
  type QuadPattern,
  resolveStoreHome,
  type UpdateSummary,
} from "./store.ts";
import { sortUnique } from "./store_file.ts";

const OWMT = "http://schema.openworm.org/2020/07/torrent#";
/** The graph listing the store's graphs and holding its prefix bindings. */
export const CATALOGUE_GRAPH = "http://data.openworm.org/owmeta-torrent/catalogue";
/** The graph holding what the file store keeps in the default graph. */
export const DEFAULT_GRAPH_IRI = "http://data.openworm.org/owmeta-torrent/default-graph";
/** The class of the graphs the catalogue lists. */
export const NAMED_GRAPH_CLASS = OWMT + "NamedGraph";
const NAMED_GRAPH = NAMED_GRAPH_CLASS;
const PREFIX_NAME = OWMT + "prefixName";

const CAT = iriToken(CATALOGUE_GRAPH);
const LISTED = `GRAPH ${CAT} { ?g a ${iriToken(NAMED_GRAPH)} }`;

/** Options of {@linkcode SparqlGraphBackend.open}. */
export interface SparqlGraphBackendOptions {
  /** The store directory (torrents, sessions, jobs). @default OWM_HOME, else `./.owm` */
  home?: string;
  /** Create the store directory when it does not exist. @default false */
  create?: boolean;
  /** The SPARQL 1.1 Query endpoint. */
  queryUrl: string;
  /** The SPARQL 1.1 Update endpoint. @default queryUrl */
  updateUrl?: string;
  /** Headers for every request (credentials). */
  headers?: Readonly<Record<string, string>>;
  /** Allow a server at a link-local or metadata address. @default OWM_ALLOW_LINK_LOCAL */
  allowLinkLocal?: boolean;
}

/** A statement the SPARQL backend cannot store. */
export class UnstorableTermError extends InvalidInputError {
  /** Creates the error. */
  constructor(detail: string) {
    super(
      `Cannot store ${detail} in a SPARQL graph store: blank node labels do not survive a ` +
        "round trip through a SPARQL server; give the node an IRI",
      { code: "unstorable-term" },
    );
    this.name = "UnstorableTermError";
  }
}

/**
 * The graph in a SPARQL 1.1 server.
 *
 * @example Share one catalogue
 * ```ts ignore
 * import { SparqlGraphBackend } from "./sparql_backend.ts";
 * import { DataSourceRepository } from "../datasource/repository.ts";
 * const graph = await SparqlGraphBackend.open({
 *   home: "/tmp/owm",
 *   create: true,
 *   queryUrl: "http://127.0.0.1:8890/sparql",
 * });
 * const repo = new DataSourceRepository(graph);
 * console.log(await repo.list());
 * ```
 */
export class SparqlGraphBackend implements GraphBackend {
  /** The store directory (everything but the graph). */
  readonly home: string;
  /** The client of the server. */
  readonly client: SparqlClient;

  private constructor(home: string, client: SparqlClient) {
    this.home = home;
    this.client = client;
  }

  /** The query URL. */
  get location(): string {
    return this.client.queryUrl;
  }

  /**
   * Opens the graph at `options.queryUrl` for the store directory `home`.
   * Creating checks that the server answers.
   *
   * @throws {RefusedUrlError} for a server at a link-local or metadata address (unless allowed).
   * @throws {StoreNotFoundError} when the store directory does not exist and `create` is false.
   * @throws {SparqlServerError} when creating and the server does not answer.
   */
  static async open(options: SparqlGraphBackendOptions): Promise<SparqlGraphBackend> {
    const urls = [options.queryUrl, options.updateUrl ?? options.queryUrl];
    await checkUrls(
      urls,
      "SPARQL endpoint",
      options.allowLinkLocal === undefined ? {} : { allowLinkLocal: options.allowLinkLocal },
    );
    const home = resolveStoreHome(options.home);
    const client = new SparqlClient({
      queryUrl: urls[0]!,
      updateUrl: urls[1]!,
      ...(options.headers ? { headers: options.headers } : {}),
    });
    const backend = new SparqlGraphBackend(home, client);
    if (!(await SparqlGraphBackend.exists(home))) {
      if (!options.create) throw new StoreNotFoundError(home);
      await client.ask("ASK { }");
      await Deno.mkdir(home, { recursive: true });
    }
    return backend;
  }

  /** Whether the store directory `home` (resolved like {@linkcode resolveStoreHome}) exists. */
  static async exists(home?: string): Promise<boolean> {
    try {
      return (await Deno.stat(resolveStoreHome(home))).isDirectory;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      throw error;
    }
  }

  /** The prefix bindings, name to namespace IRI. */
  async prefixes(): Promise<Map<string, string>> {
    const { rows } = await this.client.select(
      `SELECT ?ns ?name WHERE { GRAPH ${CAT} { ?ns ${iriToken(PREFIX_NAME)} ?name } }`,
    );
    const out = new Map<string, string>();
    for (const row of rows) {
      if (row.ns && row.name) out.set(row.name.value, row.ns.value);
    }
    return out;
  }

  /** The statements matching `pattern`, in the store's graphs. */
  async match(pattern: QuadPattern = {}): Promise<Quad[]> {
    return await this.#match([pattern]);
  }

  /** Every statement in the store's graphs. */
  async readAll(): Promise<Quad[]> {
    return await this.#match([{}]);
  }

  /** The IRIs of the store's graphs (those the catalogue lists). */
  async graphs(): Promise<string[]> {
    const { rows } = await this.client.select(`SELECT ?g WHERE { ${LISTED} }`);
    return rows.flatMap((row) => (row.g ? [row.g.value] : []));
  }

  /** Records graphs as the store's (a SPARQL Update written by hand may create some). */
  async register(graphs: readonly string[]): Promise<void> {
    if (graphs.length === 0) return;
    const triples = graphs.map((g) => `${iriToken(g)} a ${iriToken(NAMED_GRAPH)} .`).join(" ");
    await this.client.update(`INSERT DATA { GRAPH ${CAT} { ${triples} } }`);
  }

  /** Statements in the store's graphs (an exact count, one query). */
  async count(): Promise<number> {
    const { rows } = await this.client.select(
      `SELECT (COUNT(*) AS ?n) WHERE { ${LISTED} GRAPH ?g { ?s ?p ?o } }`,
    );
    return Number(rows[0]?.n?.value ?? 0);
  }

  /**
   * Reads what `options.read` names, runs `fn` on it and sends the recorded
   * change as one SPARQL Update request.
   *
   * The summary's `added` counts the statements sent (some may have been
   * there already) and `removed` is not counted (0); `quads` is the store's
   * statement count after the update with `options.count`, else -1.
   */
  async update(
    fn: (tx: GraphTransaction) => void | Promise<void>,
    options: UpdateOptions = {},
  ): Promise<UpdateSummary> {
    const read = options.read ?? [];
    const [prefixes, quads] = await Promise.all([
      this.prefixes(),
      read.length > 0 ? this.#match(read) : Promise.resolve([] as Quad[]),
    ]);
    const lines = sortUnique(quads.map(quadToLine));
    const tx = new GraphTransaction(
      { header: { format: 1, prefixes }, lines },
      this.location,
      read,
    );
    await fn(tx);
    const changes = tx.changes();
    const text = updateText(changes);
    if (text !== "") await this.client.update(text);
    const total = options.count ? await this.count() : -1;
    return { quads: total, added: changes.adds.length, removed: 0 };
  }

  async #match(patterns: readonly QuadPattern[]): Promise<Quad[]> {
    const out: Quad[] = [];
    const seen = new Set<string>();
    for (const pattern of patterns) {
      const query = selectFor(pattern);
      const { rows } = await this.client.select(query.text);
      for (const row of rows) {
        const q = query.quadOf(row);
        if (!q) continue;
        const line = quadToLine(q);
        if (seen.has(line)) continue;
        seen.add(line);
        out.push(q);
      }
    }
    return out;
  }
}

/** The SELECT for `pattern`, and how to rebuild each solution's statement. */
function selectFor(pattern: QuadPattern): { text: string; quadOf(row: SparqlRow): Quad | null } {
  const s = pattern.subject ? termToken(pattern.subject) : "?s";
  const predicates = pattern.predicate === undefined
    ? undefined
    : Array.isArray(pattern.predicate)
    ? pattern.predicate as readonly Term[]
    : [pattern.predicate as Term];
  const single = predicates?.length === 1 ? predicates[0]! : undefined;
  const p = single ? termToken(single) : "?p";
  const o = pattern.object ? termToken(pattern.object) : "?o";
  const g = pattern.graph ? graphToken(pattern.graph) : "?g";
  const values = predicates && !single
    ? `VALUES ?p { ${predicates.map(termToken).join(" ")} } `
    : "";
  const listed = pattern.graph ? "" : LISTED + " ";
  const text = `SELECT * WHERE { ${values}${listed}GRAPH ${g} { ${s} ${p} ${o} } }`;
  return {
    text,
    quadOf(row) {
      if (predicates?.length === 0) return null;
      const subject = pattern.subject ?? row.s;
      const predicate = single ?? row.p;
      const object = pattern.object ?? row.o;
      const graph = pattern.graph ?? row.g;
      if (!subject || !predicate || !object || !graph) return null;
      return quad(
        subject as never,
        predicate as never,
        object as never,
        graph.value === DEFAULT_GRAPH_IRI ? defaultGraph() : graph as never,
      );
    },
  };
}

function graphToken(graph: Term): string {
  return graph.termType === "DefaultGraph" ? iriToken(DEFAULT_GRAPH_IRI) : termToken(graph);
}

function checkNoBlank(q: Quad): void {
  for (const term of [q.subject, q.object, q.graph]) {
    if (term.termType === "BlankNode") {
      throw new UnstorableTermError(`the blank node _:${term.value} (in ${quadToLine(q)})`);
    }
  }
}

/**
 * Statements per operation: servers parse an operation's data in one go
 * (Virtuoso's parser gives up at about 4,000), so a large change is sent as
 * several operations in its one request.
 */
const CHUNK = 1500;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Statements grouped by graph, as `GRAPH <g> { s p o . … }` blocks. */
function graphBlocks(lines: Iterable<string>, graphs?: Set<string>): string {
  const byGraph = new Map<string, string[]>();
  for (const line of lines) {
    const q = lineToQuad(line);
    checkNoBlank(q);
    const g = graphToken(q.graph);
    graphs?.add(g);
    const triple = `${termToken(q.subject)} ${termToken(q.predicate)} ${termToken(q.object)} .`;
    const list = byGraph.get(g) ?? [];
    list.push(triple);
    byGraph.set(g, list);
  }
  return [...byGraph].map(([g, triples]) => `GRAPH ${g} { ${triples.join(" ")} }`).join(" ");
}

/** One SPARQL Update request for a transaction's change ("" when there is none). */
function updateText(changes: GraphChanges): string {
  const ops: string[] = [];
  const everywhere: string[] = [];
  const byGraph = new Map<string, string[]>();
  for (const [subject, rule] of changes.removedSubjects) {
    if (subject.startsWith("_:")) throw new UnstorableTermError(`the blank node ${subject}`);
    if (rule === "all") everywhere.push(subject);
    else {
      for (const g of rule) {
        const key = g === "" ? iriToken(DEFAULT_GRAPH_IRI) : g;
        byGraph.set(key, [...(byGraph.get(key) ?? []), subject]);
      }
    }
  }
  for (const part of chunks(everywhere)) {
    ops.push(
      `DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { VALUES ?s { ${part.join(" ")} } ` +
        `${LISTED} GRAPH ?g { ?s ?p ?o } }`,
    );
  }
  for (const [g, subjects] of byGraph) {
    for (const part of chunks(subjects)) {
      ops.push(
        `DELETE { GRAPH ${g} { ?s ?p ?o } } WHERE { VALUES ?s { ${part.join(" ")} } ` +
          `GRAPH ${g} { ?s ?p ?o } }`,
      );
    }
  }
  for (const g of changes.removedGraphs) {
    const token = g === "" ? iriToken(DEFAULT_GRAPH_IRI) : g;
    ops.push(`DELETE { GRAPH ${token} { ?s ?p ?o } } WHERE { GRAPH ${token} { ?s ?p ?o } }`);
  }
  for (const part of chunks([...changes.removedLines])) {
    ops.push(`DELETE DATA { ${graphBlocks(part)} }`);
  }
  const catalogue: string[] = [];
  for (const [name, iri] of changes.boundPrefixes) {
    const label = termToken(literal(name));
    ops.push(
      `DELETE { GRAPH ${CAT} { ?ns ${iriToken(PREFIX_NAME)} ${label} } } ` +
        `WHERE { GRAPH ${CAT} { ?ns ${iriToken(PREFIX_NAME)} ${label} } }`,
    );
    catalogue.push(`${iriToken(iri)} ${iriToken(PREFIX_NAME)} ${label} .`);
  }
  if (changes.adds.length > 0 || catalogue.length > 0) {
    const graphs = new Set<string>();
    const parts = chunks(changes.adds).map((part) => graphBlocks(part, graphs));
    for (const g of graphs) catalogue.push(`${g} a ${iriToken(NAMED_GRAPH)} .`);
    ops.push(`INSERT DATA { GRAPH ${CAT} { ${catalogue.join(" ")} } ${parts[0] ?? ""} }`);
    for (const part of parts.slice(1)) ops.push(`INSERT DATA { ${part} }`);
  }
  return ops.join(" ;\n");
}
