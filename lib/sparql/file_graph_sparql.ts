/**
 * SPARQL over the graph file: an in-memory engine loaded from the file and
 * kept in step with it. Before each query the file's identity (device, inode,
 * size, modification time) is compared with the one loaded; a write by any
 * process (the file is only ever replaced by an atomic rename) makes the next
 * query reload it. An update is evaluated on a copy of the content, then
 * applied under the store's lock (if the file is still that content) and
 * written by the store's own atomic write path.
 *
 * @module
 */
import { fileIdentity } from "../fs/file_identity.ts";
import { lineToQuad, quadToLine } from "../graph/nquads.ts";
import type { Quad } from "../graph/rdf.ts";
import type { GraphStore, UpdateSummary } from "../graph/store.ts";
import { describedBody, readStoreFile } from "../graph/store_file.ts";
import type { QueryOptions, SparqlEngine, SparqlResults } from "./engine.ts";
import { SparqlEvaluationError } from "./errors.ts";
import { OxigraphEngine } from "./oxigraph_engine.ts";
import { parseResultsJson } from "./results_json.ts";
import type { SparqlService } from "./service.ts";
import { SubjectScopedSparql } from "./subject_scoped.ts";

/** The graph file as the engine needs it: a path, and the store's locked update. */
export type GraphFile = Pick<GraphStore, "path" | "update">;

/** Whether `bytes` is a store file as its header describes (the store's own output). */
function trustedFile(path: string, bytes: Uint8Array): boolean {
  try {
    const head = new TextDecoder().decode(bytes.subarray(0, Math.min(bytes.length, 65536)));
    return describedBody(path, head, bytes.length) !== undefined;
  } catch {
    return false;
  }
}

/**
 * A {@linkcode SparqlService} over a store's graph file.
 *
 * @example
 * ```ts ignore
 * const store = await GraphStore.open({ home: ".owm" });
 * const sparql = new FileGraphSparql(store);
 * const answer = await sparql.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }");
 * ```
 */
export class FileGraphSparql implements SparqlService {
  readonly #file: GraphFile;
  readonly #engine: SparqlEngine;
  readonly #scoped: SubjectScopedSparql | undefined;
  #loaded: string | undefined;
  #loading: Promise<void> | undefined;

  /**
   * Over `file`; `engine` defaults to a new {@linkcode OxigraphEngine}.
   * Unless `options.scoped` is false, a subject-anchored query (a lookup by
   * id) asked while the graph is not loaded, or changed since, is answered
   * from its subjects' statements (lib/sparql/subject_scoped.ts) instead of
   * loading the whole graph first.
   */
  constructor(
    file: GraphFile,
    engine: SparqlEngine = new OxigraphEngine(),
    options: { scoped?: boolean } = {},
  ) {
    this.#file = file;
    this.#engine = engine;
    this.#scoped = options.scoped === false ? undefined : new SubjectScopedSparql(file.path);
  }

  /** Statements in the engine (as last loaded). */
  get size(): number {
    return this.#engine.size;
  }

  /** Whether the next query loads the file (it changed since it was loaded, or is loading). */
  stale(): boolean {
    return this.#loading !== undefined ||
      fileIdentity(Deno.statSync(this.#file.path)) !== this.#loaded;
  }

  /** Loads the file again when it changed since it was loaded (by any process). */
  async refresh(): Promise<void> {
    while (this.#loading) await this.#loading;
    // A synchronous stat: a few µs, where the thread pool's round trip adds jitter to every query.
    const info = Deno.statSync(this.#file.path);
    if (fileIdentity(info) === this.#loaded) return;
    this.#loading = this.#load();
    try {
      await this.#loading;
    } finally {
      this.#loading = undefined;
    }
  }

  async #load(): Promise<void> {
    // The identity of the bytes read: an open file keeps its inode through a rename.
    using file = await Deno.open(this.#file.path, { read: true });
    const info = await file.stat();
    const bytes = new Uint8Array(info.size);
    let got = 0;
    while (got < bytes.length) {
      const n = await file.read(bytes.subarray(got));
      if (n === null) break;
      got += n;
    }
    const body = got === bytes.length ? bytes : bytes.subarray(0, got);
    this.#loaded = undefined;
    this.#engine.load(body, { trusted: trustedFile(this.#file.path, body) });
    this.#loaded = fileIdentity(info);
  }

  /** Runs a query over the current content; typed results. */
  async query(sparql: string, options: QueryOptions = {}): Promise<SparqlResults> {
    if (this.stale()) {
      // A lookup by id needs no load: answered from its subjects' statements.
      const scoped = await this.#scoped?.queryText(
        sparql,
        "application/sparql-results+json",
        options,
      );
      if (scoped) return parseResultsJson(scoped.text);
      await this.refresh();
    }
    return this.#engine.query(sparql, options);
  }

  /** Runs a query over the current content; serialised in `mediaType`. */
  async queryText(sparql: string, mediaType: string, options: QueryOptions = {}): Promise<string> {
    return (await this.queryTextWithIdentity(sparql, mediaType, options)).text;
  }

  /**
   * Runs a query like {@linkcode FileGraphSparql.queryText} and tells which
   * content answered it: the identity of the file as loaded (`fileIdentity`),
   * read in the same synchronous step as the query; `undefined` while the
   * engine may be behind the file (after an update, before the next load).
   */
  async queryTextWithIdentity(
    sparql: string,
    mediaType: string,
    options: QueryOptions = {},
  ): Promise<{ text: string; identity: string | undefined }> {
    if (this.stale()) {
      const scoped = await this.#scoped?.queryText(sparql, mediaType, options);
      if (scoped) return scoped;
      await this.refresh();
    }
    return { text: this.#engine.queryText(sparql, mediaType, options), identity: this.#loaded };
  }

  /**
   * Applies a SPARQL 1.1 Update and writes the result with the store's
   * locked, atomic write. The update is evaluated on a copy of the graph
   * before the lock is taken (a long update never holds it, and one stopped
   * midway changes nothing); under the lock the changes are applied only if
   * the file is still the one evaluated, else the update is evaluated again
   * on the new content. Blank nodes keep their labels. The next query sees it.
   *
   * @throws {SparqlSyntaxError} when it does not parse (the store is unchanged).
   * @throws {SparqlEvaluationError} when other writers kept changing the file.
   */
  async update(sparql: string): Promise<UpdateSummary> {
    const path = this.#file.path;
    for (let attempt = 1;; attempt++) {
      const read = fileIdentity(Deno.statSync(path));
      const { lines } = await readStoreFile(path);
      const { added, removed } = evaluateUpdate(lines, sparql);
      let moved = false;
      const summary = await this.#file.update((tx) => {
        if (fileIdentity(Deno.statSync(path)) !== read) {
          moved = true; // written by another process meanwhile: evaluate again
          return;
        }
        for (const line of removed) tx.remove(lineToQuad(line));
        tx.addAll(added);
      });
      if (!moved) {
        this.#loaded = undefined; // reload on the next query
        return summary;
      }
      if (attempt === 5) {
        throw new SparqlEvaluationError(
          "update",
          "the store kept changing while it was evaluated (5 times): try again",
        );
      }
    }
  }
}

/** The statements an update removes (as lines) and adds, evaluated on a copy of `lines`. */
function evaluateUpdate(
  lines: readonly string[],
  sparql: string,
): { added: Quad[]; removed: string[] } {
  const before = new Set(lines);
  const work = new OxigraphEngine();
  if (lines.some((line) => line.includes("_:"))) {
    work.loadQuads(lines.map(lineToQuad)); // keeps blank node labels
  } else {
    work.load(lines.join("\n") + "\n", { trusted: true });
  }
  work.update(sparql);
  const after = new Set<string>();
  const added: Quad[] = [];
  for (const text of work.dump().split("\n")) {
    if (text === "") continue;
    let line = text;
    if (!before.has(line)) {
      const q = lineToQuad(text);
      line = quadToLine(q);
      if (!before.has(line)) added.push(q);
    }
    after.add(line);
  }
  return { added, removed: lines.filter((line) => !after.has(line)) };
}
