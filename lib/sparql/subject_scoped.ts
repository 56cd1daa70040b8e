/**
 * Answers a subject-anchored query (lib/sparql/anchored_query.ts) from the
 * statements of its subjects alone: found by binary search in the sorted
 * graph file (lib/graph/sorted_lines.ts), loaded into a small engine of
 * their own, and the query's own text evaluated there, so the answer is the
 * one the whole graph gives, in the same serialisation, without loading the
 * graph. A lookup by id in a store of 100,000 DataSources reads a few KiB.
 *
 * Its cost is bounded before it runs: at most {@linkcode MAX_SCOPED_LINES}
 * statements read, and at most {@linkcode MAX_SCOPED_ROWS} combinations of
 * them joined; past either, or when the file's order cannot be trusted
 * without reading it whole, or a statement holds a blank node (whose labels
 * the whole graph's engine may give differently), it declines and the query
 * goes to the whole graph. So it needs no deadline and the bridge answers it
 * on its own thread.
 *
 * @module
 */
import { fileIdentityNow } from "../fs/file_identity.ts";
import { openSortedSync, type SortedSnapshot } from "../graph/store_file.ts";
import { ImplausibleLineError } from "../graph/sorted_lines.ts";
import { anchoredQuery } from "./anchored_query.ts";
import type { QueryOptions } from "./engine.ts";
import { SparqlEngineFailedError } from "./errors.ts";
import type { OxigraphEngine } from "./oxigraph_engine.ts";

/** The most statements read for one query. */
export const MAX_SCOPED_LINES = 4096;
/** The most combinations of statements one query may join (product over its patterns). */
export const MAX_SCOPED_ROWS = 65536;

/** An answer and the version of the file that gave it. */
export interface ScopedAnswer {
  /** The answer, serialised. */
  text: string;
  /** The identity of the graph file read (lib/fs/file_identity.ts). */
  identity: string;
}

/**
 * Subject-anchored queries over one graph file.
 *
 * @example
 * ```ts ignore
 * const scoped = new SubjectScopedSparql(store.path);
 * const answer = await scoped.queryText(
 *   "SELECT ?p ?o WHERE { <http://example.org/ds1> ?p ?o }",
 *   "application/sparql-results+json",
 * ); // undefined: not anchored, or declined (ask the whole graph)
 * scoped.close();
 * ```
 */
export class SubjectScopedSparql {
  readonly #path: string;
  #snapshot: SortedSnapshot | undefined;
  /** A version found untrustworthy, and when (checked again a second later: a reader may vouch for it meanwhile). */
  #untrusted: { identity: string; at: number } | undefined;
  #engine: OxigraphEngine | undefined;
  #failed = false;
  readonly #keepOpen: boolean;

  /**
   * Over the graph file at `path`. With `keepOpen`, the file stays open
   * between queries (until it changes or {@linkcode close}), with the first
   * steps of its searches: for a server; otherwise each query opens it.
   */
  constructor(path: string, options: { keepOpen?: boolean } = {}) {
    this.#path = path;
    this.#keepOpen = options.keepOpen ?? false;
  }

  /** The current version of the file, opened for search; `undefined` when it cannot be trusted. */
  #current(): SortedSnapshot | undefined {
    const now = fileIdentityNow(this.#path);
    if (now === undefined) return undefined;
    if (this.#snapshot?.identity === now) return this.#snapshot;
    if (now === this.#untrusted?.identity && performance.now() - this.#untrusted.at < 1000) {
      return undefined;
    }
    this.#release();
    const snapshot = openSortedSync(this.#path);
    this.#untrusted = snapshot ? undefined : { identity: now, at: performance.now() };
    this.#snapshot = snapshot;
    return snapshot;
  }

  #release(): void {
    this.#snapshot?.file.close();
    this.#snapshot = undefined;
  }

  /** The statements the query needs, or `undefined` to decline. */
  #statements(
    subjects: string[],
    patterns: number[],
  ): { text: string; identity: string } | undefined {
    const snapshot = this.#current();
    if (!snapshot) return undefined;
    const counts: number[] = [];
    const lines: string[] = [];
    try {
      for (const subject of subjects) {
        const found = snapshot.lines.subjectLines(subject, MAX_SCOPED_LINES - lines.length);
        if (found === undefined) return undefined;
        counts.push(found.length);
        for (const line of found) {
          if (line.includes(" _:")) return undefined; // a blank node
          lines.push(line);
        }
      }
    } catch (error) {
      if (!(error instanceof ImplausibleLineError)) throw error;
      this.#untrusted = { identity: snapshot.identity, at: performance.now() };
      this.#release();
      return undefined;
    }
    let rows = 1;
    for (const index of patterns) {
      rows *= counts[index]!;
      if (rows > MAX_SCOPED_ROWS) return undefined;
    }
    return { text: lines.length ? lines.join("\n") + "\n" : "", identity: snapshot.identity };
  }

  /**
   * The answer to `sparql` in `mediaType`, when it is subject-anchored and
   * within bounds; `undefined` when the whole graph must answer it. The
   * statements are read in one synchronous step (one version of the file).
   *
   * @throws {SparqlSyntaxError | SparqlEvaluationError} as the whole graph's engine would.
   */
  async queryText(
    sparql: string,
    mediaType: string,
    options: QueryOptions = {},
  ): Promise<ScopedAnswer | undefined> {
    if (this.#failed) return undefined;
    const anchored = anchoredQuery(sparql);
    if (!anchored) return undefined;
    let statements;
    try {
      statements = this.#statements(anchored.subjects, anchored.patterns);
    } finally {
      if (!this.#keepOpen) this.#release();
    }
    if (!statements) return undefined;
    try {
      // Loaded on the first lookup (26 MB, ~40 ms): a bridge asked only other queries never does.
      this.#engine ??= new (await import("./oxigraph_engine.ts")).OxigraphEngine();
      this.#engine.load(statements.text, { trusted: true });
      return {
        text: this.#engine.queryText(sparql, mediaType, options),
        identity: statements.identity,
      };
    } catch (error) {
      if (!(error instanceof SparqlEngineFailedError)) throw error;
      this.#failed = true; // this thread's engine is unusable: the whole graph's answers
      return undefined;
    }
  }

  /** Closes the open file. */
  close(): void {
    this.#release();
    this.#untrusted = undefined;
  }
}
