/**
 * The graph store: named graphs of RDF statements persisted under a store
 * directory (default `./.owm/`, or `OWM_HOME`) in one sorted N-Quads file.
 *
 * Reads never lock: the file is only ever replaced by an atomic rename, so a
 * reader sees one whole version. Writes go through {@linkcode GraphStore.update},
 * which takes the cross-process lock, re-reads the current file, applies the
 * change to it and replaces the file atomically, so that a CLI and a running
 * server never overwrite each other's changes.
 *
 * @module
 */
import { join } from "node:path";
import { removeStaleTemps } from "../fs/atomic_write.ts";
import { processEnv } from "../settings/env.ts";
import { storeHomeFrom } from "../settings/settings.ts";
import { GRAPH_FILE_NAME, GRAPH_LOCK_NAME } from "../settings/store_layout.ts";
import { StoreCorruptError, StoreNotFoundError, StoreWriteError } from "./errors.ts";
import { withFileLock } from "../fs/file_lock.ts";
import { lineGraph, lineSubject, lineToQuad, quadToLine, termToken } from "./nquads.ts";
import { NQuadsSyntaxError, type Quad, type Term } from "./rdf.ts";
import type { GraphBackend, UpdateOptions } from "./backend.ts";
import {
  findSubjectLines,
  parseHeader,
  readStoreFile,
  sortUnique,
  type StoreContent,
  type StoreHeader,
  writeStoreFile,
} from "./store_file.ts";

/** Name of the graph file inside the store directory. */
export const GRAPH_FILE: string = GRAPH_FILE_NAME;
/** Name of the lock file inside the store directory. */
export const LOCK_FILE: string = GRAPH_LOCK_NAME;

/** Options for opening a {@linkcode GraphStore}. */
export interface GraphStoreOptions {
  /** The store directory. @default the `OWM_HOME` environment variable, else `./.owm` */
  home?: string;
  /** Create the store when it does not exist. @default false */
  create?: boolean;
  /** Called when a write has to wait for another process's lock, with its pid. */
  onLockWait?: ((holder: string | undefined) => void) | undefined;
}

/** A pattern for {@linkcode GraphStore.match}: each given term must be equal. */
export interface QuadPattern {
  /** The subject to match. */
  subject?: Term;
  /** The predicate to match, or a list of predicates any of which matches. */
  predicate?: Term | readonly Term[];
  /** The object to match. */
  object?: Term;
  /** The graph to match. */
  graph?: Term;
}

/** What an update changed. */
export interface UpdateSummary {
  /**
   * Statements in the store after the update; -1 when not counted (a SPARQL
   * server backend counts only when the update asks, `count: true`).
   */
  quads: number;
  /** Statements written by the update (after its removals) that were not kept from before. */
  added: number;
  /** Statements removed by the update (some may have been written again). */
  removed: number;
}

/**
 * Resolves the store directory: the explicit option, else `OWM_HOME`, else `./.owm`.
 *
 * @example
 * ```ts
 * import { resolveStoreHome } from "./store.ts";
 * console.log(resolveStoreHome("/tmp/my-store")); // "/tmp/my-store"
 * ```
 */
export function resolveStoreHome(home?: string): string {
  return storeHomeFrom(processEnv, home);
}

/**
 * A graph store on disk.
 *
 * @example Save a statement and read it back
 * ```ts ignore
 * const store = await GraphStore.open({ home: "/tmp/owm-demo", create: true });
 * await store.update((tx) => tx.add(quad(namedNode("urn:a"), namedNode("urn:p"), literal("x"))));
 * console.log(await store.match({ subject: namedNode("urn:a") }));
 * ```
 */
export class GraphStore implements GraphBackend {
  /** The store directory. */
  readonly home: string;
  /** The graph file. */
  readonly path: string;
  /** Where the graph is: the graph file. */
  get location(): string {
    return this.path;
  }
  #lockPath: string;
  #onLockWait: ((holder: string | undefined) => void) | undefined;

  private constructor(home: string, onLockWait?: (holder: string | undefined) => void) {
    this.home = home;
    this.path = join(home, GRAPH_FILE);
    this.#lockPath = join(home, LOCK_FILE);
    this.#onLockWait = onLockWait;
  }

  /**
   * Opens the store in `options.home` (or `OWM_HOME`, or `./.owm`), creating it if asked.
   *
   * @throws {StoreNotFoundError} when there is no store and `create` is false.
   * @throws {StoreFormatError} when the store was written by a newer version.
   */
  static async open(options: GraphStoreOptions = {}): Promise<GraphStore> {
    const store = new GraphStore(resolveStoreHome(options.home), options.onLockWait);
    if (!(await exists(store.path))) {
      if (!options.create) throw new StoreNotFoundError(store.home);
      await Deno.mkdir(store.home, { recursive: true });
      await store.update(() => {}, { force: true });
    } else {
      await store.prefixes(); // validates the header and format version
    }
    return store;
  }

  /** Whether a store exists in `home` (resolved like {@linkcode GraphStore.open}). */
  static async exists(home?: string): Promise<boolean> {
    return await exists(join(resolveStoreHome(home), GRAPH_FILE));
  }

  /** The prefix bindings, name to namespace IRI. */
  async prefixes(): Promise<Map<string, string>> {
    using file = await Deno.open(this.path, { read: true });
    const buf = new Uint8Array(65536);
    const n = (await file.read(buf)) ?? 0;
    let text = new TextDecoder().decode(buf.subarray(0, n));
    if (n === buf.length && /^(#[^\n]*\n)*#[^\n]*$/.test(text)) {
      text = await Deno.readTextFile(this.path); // an unusually long header
    }
    return parseHeader(this.path, text).header.prefixes;
  }

  /**
   * Returns the statements matching `pattern`. With a subject IRI this is a
   * binary search that reads a few KiB whatever the store's size.
   */
  async match(pattern: QuadPattern = {}): Promise<Quad[]> {
    let lines: string[];
    if (pattern.subject?.termType === "NamedNode" || pattern.subject?.termType === "BlankNode") {
      lines = await findSubjectLines(this.path, termToken(pattern.subject));
    } else {
      lines = filterByPredicate((await readStoreFile(this.path)).lines, pattern.predicate);
    }
    return filterQuads(parseLines(lines, this.path), pattern);
  }

  /** Every statement in the store. */
  async readAll(): Promise<Quad[]> {
    return parseLines((await readStoreFile(this.path)).lines, this.path);
  }

  /**
   * Applies a change under the store lock to the store's current content and
   * writes the result atomically. `fn` may read the current content through
   * the transaction. Throwing in `fn` leaves the store unchanged.
   * (`options.read` is for other backends: the whole file is read here.)
   */
  async update(
    fn: (tx: GraphTransaction) => void | Promise<void>,
    options: UpdateOptions = {},
  ): Promise<UpdateSummary> {
    return await withFileLock(this.#lockPath, async () => {
      await removeStaleTemps(this.path);
      const content: StoreContent = (await exists(this.path))
        ? await readStoreFile(this.path)
        : { header: { format: 1, prefixes: new Map() }, lines: [] };
      const tx = new GraphTransaction(content, this.path);
      await fn(tx);
      const result = tx.apply();
      if (result.changed || options.force) {
        try {
          await writeStoreFile(this.path, content.header, result.lines);
        } catch (error) {
          if (error instanceof Deno.errors.NotFound) throw error;
          throw new StoreWriteError(this.path, error);
        }
      }
      return { quads: result.lines.length, added: result.added, removed: result.removed };
    }, { onWait: this.#onLockWait });
  }
}

/** A change being made to the store, read against the content found under the lock. */
export class GraphTransaction {
  #content: StoreContent;
  #adds: string[] = [];
  #removals = new Map<string, Set<string> | "all">();
  #removedLines = new Set<string>();
  #removedGraphs = new Set<string>();
  #prefixesChanged = false;
  #bound = new Map<string, string>();
  #readable: readonly QuadPattern[] | undefined;

  #path: string;

  /**
   * Wraps the store content read under the lock from `path`. With `readable`
   * (a backend that read only part of the graph, see {@linkcode UpdateOptions.read}),
   * {@linkcode match} answers only patterns within those and throws for others.
   */
  constructor(content: StoreContent, path = "(in memory)", readable?: readonly QuadPattern[]) {
    this.#content = content;
    this.#path = path;
    this.#readable = readable;
  }

  /** The prefix bindings as they will be written. */
  get prefixes(): ReadonlyMap<string, string> {
    return this.#content.header.prefixes;
  }

  /** Statements matching `pattern` in the content as read (before this transaction's changes). */
  match(pattern: QuadPattern = {}): Quad[] {
    if (this.#readable && !this.#readable.some((read) => covers(read, pattern))) {
      throw new Error(
        `GraphTransaction.match(${describePattern(pattern)}): not read before the update; ` +
          "name the pattern in the update's read option",
      );
    }
    let lines = this.#content.lines;
    if (pattern.subject) {
      const token = termToken(pattern.subject);
      lines = lines.filter((line) => lineSubject(line) === token);
    } else {
      lines = filterByPredicate(lines, pattern.predicate);
    }
    return filterQuads(parseLines(lines, this.#path), pattern);
  }

  /** Adds statements. */
  add(...quads: Quad[]): void {
    this.addAll(quads);
  }

  /** Adds any number of statements (spreading millions into {@linkcode add} would overflow the stack). */
  addAll(quads: Iterable<Quad>): void {
    for (const q of quads) this.#adds.push(quadToLine(q));
  }

  /** Removes every statement in the named graph `graph`. */
  removeGraph(graph: Term): void {
    this.#removedGraphs.add(termToken(graph));
  }

  /** Removes every statement about `subject`, or only those in `graph` when given. */
  removeSubject(subject: Term, graph?: Term): void {
    const token = termToken(subject);
    if (graph === undefined) {
      this.#removals.set(token, "all");
      return;
    }
    const current = this.#removals.get(token);
    if (current === "all") return;
    const graphs = current ?? new Set<string>();
    graphs.add(termToken(graph));
    this.#removals.set(token, graphs);
  }

  /** Removes exactly these statements (those not present are ignored). */
  remove(...quads: Quad[]): void {
    for (const q of quads) this.#removedLines.add(quadToLine(q));
  }

  /** Binds `name` to the namespace `iri` (replacing an earlier binding of `name`). */
  bindPrefix(name: string, iri: string): void {
    if (this.#content.header.prefixes.get(name) === iri) return;
    this.#content.header.prefixes.set(name, iri);
    this.#bound.set(name, iri);
    this.#prefixesChanged = true;
  }

  /**
   * The change as recorded, for a backend that sends it elsewhere (e.g. as
   * one SPARQL Update): terms and lines in N-Quads syntax.
   */
  changes(): GraphChanges {
    return {
      adds: sortUnique([...this.#adds]),
      removedSubjects: this.#removals,
      removedLines: this.#removedLines,
      removedGraphs: this.#removedGraphs,
      boundPrefixes: this.#bound,
    };
  }

  /** Computes the new sorted lines. */
  apply(): { lines: string[]; changed: boolean; added: number; removed: number } {
    const base = this.#content.lines;
    let kept = base;
    if (this.#removals.size > 0 || this.#removedLines.size > 0 || this.#removedGraphs.size > 0) {
      kept = base.filter((line) => {
        if (this.#removedLines.has(line)) return false;
        if (this.#removedGraphs.size > 0 && this.#removedGraphs.has(lineGraph(line))) return false;
        const rule = this.#removals.get(lineSubject(line));
        if (rule === undefined) return true;
        if (rule === "all") return false;
        return !rule.has(lineGraph(line));
      });
    }
    const adds = sortUnique(this.#adds);
    const merged: string[] = [];
    let added = 0;
    let i = 0;
    let j = 0;
    while (i < kept.length || j < adds.length) {
      const a = kept[i];
      const b = adds[j];
      if (b === undefined || (a !== undefined && a < b)) {
        merged.push(a!);
        i++;
      } else if (a === undefined || b < a) {
        merged.push(b);
        j++;
      } else {
        merged.push(a);
        i++;
        j++;
      }
    }
    const removed = base.length - kept.length;
    added = merged.length - kept.length;
    const changed = this.#prefixesChanged || added > 0 || removed > 0;
    // A removed-then-re-added identical line is no change at all.
    const net = changed && !this.#prefixesChanged && merged.length === base.length &&
        merged.every((line, k) => line === base[k])
      ? false
      : changed;
    return { lines: merged, changed: net, added, removed };
  }
}

/** A transaction's recorded change (see {@linkcode GraphTransaction.changes}). */
export interface GraphChanges {
  /** Statements to add, as sorted, distinct N-Quads lines. */
  adds: readonly string[];
  /** Subjects (N-Quads terms) whose statements go: in every graph, or in these graphs. */
  removedSubjects: ReadonlyMap<string, ReadonlySet<string> | "all">;
  /** Statements to remove, as N-Quads lines. */
  removedLines: ReadonlySet<string>;
  /** Graphs (N-Quads terms) whose statements all go. */
  removedGraphs: ReadonlySet<string>;
  /** Prefixes bound (or bound anew) by the transaction, name to namespace IRI. */
  boundPrefixes: ReadonlyMap<string, string>;
}

/** Whether every statement matching `inner` also matches `outer`. */
function covers(outer: QuadPattern, inner: QuadPattern): boolean {
  const same = (a: Term | undefined, b: Term | undefined) =>
    a === undefined || (b !== undefined && a.equals(b));
  if (!same(outer.subject, inner.subject) || !same(outer.object, inner.object)) return false;
  if (!same(outer.graph, inner.graph)) return false;
  if (outer.predicate === undefined) return true;
  const list = (p: QuadPattern["predicate"]) => (Array.isArray(p) ? p : [p as Term]);
  if (inner.predicate === undefined) return false;
  return list(inner.predicate).every((p) => list(outer.predicate).some((o) => o.equals(p)));
}

function describePattern(pattern: QuadPattern): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.entries(pattern).map((
        [k, v],
      ) => [k, Array.isArray(v) ? v.map((t: Term) => t.value) : (v as Term).value]),
    ),
  );
}

function parseLines(lines: readonly string[], path: string): Quad[] {
  try {
    return lines.map(lineToQuad);
  } catch (error) {
    if (!(error instanceof NQuadsSyntaxError)) throw error;
    throw new StoreCorruptError(path, undefined, error.message, { cause: error });
  }
}

/** A cheap text pre-filter: keeps lines that mention one of the predicates. */
function filterByPredicate(lines: string[], predicate: QuadPattern["predicate"]): string[] {
  if (predicate === undefined) return lines;
  const tokens = (Array.isArray(predicate) ? predicate : [predicate as Term]).map((p) =>
    " " + termToken(p) + " "
  );
  return lines.filter((line) => tokens.some((token) => line.includes(token)));
}

function filterQuads(quads: Quad[], p: QuadPattern): Quad[] {
  const predicates = p.predicate === undefined
    ? undefined
    : Array.isArray(p.predicate)
    ? p.predicate
    : [p.predicate as Term];
  return quads.filter((q) =>
    (!p.subject || q.subject.equals(p.subject)) &&
    (!predicates || predicates.some((t) => q.predicate.equals(t))) &&
    (!p.object || q.object.equals(p.object)) &&
    (!p.graph || q.graph.equals(p.graph))
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

export type { StoreHeader };
