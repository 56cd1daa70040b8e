/**
 * Serialised answers of queries, kept for the content that gave them: an
 * answer is found again only for the same query text, media type and options
 * over content of the same identity (lib/fs/file_identity.ts: the graph file
 * gets a new one on every write, by any process), so a write makes every
 * answer kept before it unreachable, and the next query is evaluated again.
 *
 * Queries whose answer is not a function of the data alone (`RAND()`,
 * `NOW()`, `UUID()`, `STRUUID()`, `BNODE()`) are never kept.
 *
 * @module
 */
import type { QueryOptions } from "./engine.ts";

/** Bounds of an {@linkcode AnswerCache}. */
export interface AnswerCacheOptions {
  /** Total characters kept (answers and query texts). @default 16 Mi (about 32 MiB) */
  maxChars?: number;
  /** The longest answer kept, in characters. @default 256 Ki */
  maxAnswerChars?: number;
}

/** `RAND()`, `NOW()`… outside comments, strings and IRIs. */
const VOLATILE = /(^|[^\w:?$])(RAND|NOW|UUID|STRUUID|BNODE)\s*\(/i;
const NOT_CODE =
  /#[^\n]*|"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>\s]*>/g;

/**
 * Whether the answer of `sparql` may differ between two evaluations over the
 * same data (it calls `RAND`, `NOW`, `UUID`, `STRUUID` or `BNODE`).
 *
 * @example
 * ```ts
 * import { isVolatileQuery } from "./answer_cache.ts";
 * console.log(isVolatileQuery("SELECT (NOW() AS ?t) WHERE {}")); // true
 * console.log(isVolatileQuery('SELECT * WHERE { ?s ?p "NOW()" }')); // false
 * ```
 */
export function isVolatileQuery(sparql: string): boolean {
  return VOLATILE.test(sparql.replace(NOT_CODE, " "));
}

/**
 * Answers kept for one content identity at a time, least recently used
 * dropped first.
 *
 * @example
 * ```ts
 * import { AnswerCache } from "./answer_cache.ts";
 * const cache = new AnswerCache();
 * cache.set("ino:1", "ASK {}", "application/sparql-results+json", {}, '{"boolean":true}');
 * console.log(cache.get("ino:1", "ASK {}", "application/sparql-results+json", {})); // '{"boolean":true}'
 * console.log(cache.get("ino:2", "ASK {}", "application/sparql-results+json", {})); // undefined
 * ```
 */
export class AnswerCache {
  readonly #maxChars: number;
  readonly #maxAnswerChars: number;
  #identity: string | undefined;
  #answers = new Map<string, string>();
  #chars = 0;

  /** An empty cache. */
  constructor(options: AnswerCacheOptions = {}) {
    this.#maxChars = options.maxChars ?? 16 * 1024 * 1024;
    this.#maxAnswerChars = options.maxAnswerChars ?? 256 * 1024;
  }

  /** Answers kept. */
  get size(): number {
    return this.#answers.size;
  }

  /** The answer kept for this query over content `identity`, if any. */
  get(
    identity: string | undefined,
    sparql: string,
    mediaType: string,
    options: QueryOptions,
  ): string | undefined {
    if (identity === undefined || identity !== this.#identity) return undefined;
    const key = keyOf(sparql, mediaType, options);
    const answer = this.#answers.get(key);
    if (answer !== undefined) {
      this.#answers.delete(key); // most recently used last
      this.#answers.set(key, answer);
    }
    return answer;
  }

  /**
   * Keeps `answer`, evaluated over content `identity` (nothing is kept for an
   * unknown identity, a volatile query or an answer over the bound). Answers
   * of any other identity are dropped: that content is gone.
   */
  set(
    identity: string | undefined,
    sparql: string,
    mediaType: string,
    options: QueryOptions,
    answer: string,
  ): void {
    if (identity === undefined || answer.length > this.#maxAnswerChars) return;
    if (isVolatileQuery(sparql)) return;
    if (identity !== this.#identity) this.clear(identity);
    const key = keyOf(sparql, mediaType, options);
    const old = this.#answers.get(key);
    if (old !== undefined) {
      this.#answers.delete(key);
      this.#chars -= key.length + old.length;
    }
    this.#answers.set(key, answer);
    this.#chars += key.length + answer.length;
    for (const [k, v] of this.#answers) {
      if (this.#chars <= this.#maxChars) break;
      this.#answers.delete(k);
      this.#chars -= k.length + v.length;
    }
  }

  /** Drops every answer; the next ones kept are for `identity`. */
  clear(identity?: string): void {
    this.#answers.clear();
    this.#chars = 0;
    this.#identity = identity;
  }
}

function keyOf(sparql: string, mediaType: string, options: QueryOptions): string {
  const { dataset, baseIri } = options;
  // No graphs named is the store's dataset, as the engine reads it.
  const named = dataset && (dataset.defaultGraphs?.length || dataset.namedGraphs?.length)
    ? [dataset.defaultGraphs ?? [], dataset.namedGraphs ?? []]
    : null;
  return JSON.stringify([mediaType, baseIri ?? null, named, sparql]);
}
