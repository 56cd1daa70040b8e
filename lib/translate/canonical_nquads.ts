/**
 * Writing many statements as a canonical N-Quads file (the store's line form,
 * sorted, without duplicates) without building and sorting one string per
 * statement at once: statements come in groups that share a subject (e.g. one
 * group per CSV row), the groups are sorted by their subject's token, and only
 * one subject's lines are sorted at a time. Because a subject token is always
 * followed by a space and no token is a prefix of another, this gives exactly
 * the order of sorting all the lines.
 *
 * @module
 */
import { termToken } from "../graph/nquads.ts";
import type { Quad, Term } from "../graph/rdf.ts";

/** Options of {@linkcode writeCanonicalNQuads}. */
export interface WriteCanonicalNQuadsOptions {
  /** Cancels the write (checked every few thousand subjects). */
  signal?: AbortSignal | undefined;
  /**
   * Given every byte written, in order (e.g. a `MultiHash`, for the file's
   * SHA-256 without reading it again).
   */
  hash?: { update(bytes: Uint8Array): void } | undefined;
}

/**
 * Writes `quads` to `path` as sorted, unique canonical N-Quads lines (what
 * `quadToLine` gives, each ending in `\n`) and returns the statements in that
 * order, without duplicates. `groupStarts` lists, in ascending order starting
 * at 0, the index where each group of statements sharing one subject begins;
 * several groups may share a subject. Only terms the store can write may occur
 * (IRIs without spaces or `<>"{}|^\`\\`).
 *
 * @example
 * ```ts ignore
 * import { literal, namedNode, quad } from "../graph/rdf.ts";
 * const g = namedNode("urn:g");
 * const quads = [
 *   quad(namedNode("urn:b"), namedNode("urn:p"), literal("1"), g),
 *   quad(namedNode("urn:a"), namedNode("urn:p"), literal("2"), g),
 * ];
 * const sorted = await writeCanonicalNQuads("/tmp/out.nq", quads, [0, 1]);
 * console.log(sorted[0]!.subject.value); // "urn:a"
 * ```
 */
export async function writeCanonicalNQuads(
  path: string,
  quads: readonly Quad[],
  groupStarts: readonly number[],
  options: WriteCanonicalNQuadsOptions = {},
): Promise<Quad[]> {
  const groups = groupStarts.length;
  const subjects = new Array<string>(groups);
  for (let g = 0; g < groups; g++) subjects[g] = termToken(quads[groupStarts[g]!]!.subject);
  const order = new Uint32Array(groups);
  for (let g = 0; g < groups; g++) order[g] = g;
  order.sort((a, b) => {
    const x = subjects[a]!;
    const y = subjects[b]!;
    return x < y ? -1 : x > y ? 1 : a - b;
  });

  // Terms are mostly shared objects (predicates, the graph, repeated values), so
  // their tokens are worth remembering; a bounded cache, so unique values do not pile up.
  const tokens = new Map<Term, string>();
  const tokenOf = (term: Term): string => {
    let token = tokens.get(term);
    if (token === undefined) {
      token = termToken(term);
      if (tokens.size < 65_536) tokens.set(term, token);
    }
    return token;
  };
  const out: Quad[] = [];
  const encoder = new TextEncoder();
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  let pending: string[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const bytes = encoder.encode(pending.join(""));
    pending = [];
    for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
    options.hash?.update(bytes);
  };
  // One subject's statements at a time: their predicate, object and graph
  // tokens, sorted in that order (which is the order of their lines).
  const run: Statement[] = [];
  let used = 0;
  for (let at = 0; at < groups;) {
    if ((at & 4095) === 0) options.signal?.throwIfAborted();
    const subject = subjects[order[at]!]!;
    used = 0;
    // Every group with this subject (they are adjacent in `order`).
    for (; at < groups && subjects[order[at]!] === subject; at++) {
      const g = order[at]!;
      const end = g + 1 < groups ? groupStarts[g + 1]! : quads.length;
      for (let k = groupStarts[g]!; k < end; k++) {
        const q = quads[k]!;
        const graph = tokenOf(q.graph);
        const statement: Statement = run[used] ?? (run[used] = { p: "", o: "", g: "", quad: q });
        statement.p = tokenOf(q.predicate);
        statement.o = tokenOf(q.object);
        statement.g = graph === "" ? " .\n" : " " + graph + " .\n";
        statement.quad = q;
        used++;
      }
    }
    sortStatements(run, used);
    let previous: Statement | undefined;
    for (let i = 0; i < used; i++) {
      const st = run[i]!;
      if (previous && compareStatements(previous, st) === 0) continue;
      previous = st;
      pending.push(subject, " ", st.p, " ", st.o, st.g);
      out.push(st.quad);
    }
    if (pending.length >= 65_536) await flush();
  }
  await flush();
  return out;
}

/** A statement's tokens after its subject (`g` is its graph with the line's end). */
interface Statement {
  p: string;
  o: string;
  g: string;
  quad: Quad;
}

/**
 * Orders statements of one subject as their lines order: by predicate token,
 * then object token, then graph. Tokens are compared whole, which is the
 * lines' order because no token is a prefix of another but one followed by a
 * space (and a space sorts before every character a token continues with).
 */
function compareStatements(a: Statement, b: Statement): number {
  if (a.p !== b.p) return a.p < b.p ? -1 : 1;
  if (a.o !== b.o) return a.o < b.o ? -1 : 1;
  if (a.g !== b.g) return a.g < b.g ? -1 : 1;
  return 0;
}

/** Sorts `run[0, n)` in place (insertion sort for the usual handful). */
function sortStatements(run: Statement[], n: number): void {
  if (n > 32) {
    const sorted = run.slice(0, n).sort(compareStatements);
    for (let i = 0; i < n; i++) run[i] = sorted[i]!;
    return;
  }
  for (let i = 1; i < n; i++) {
    const st = run[i]!;
    let j = i;
    while (j > 0 && compareStatements(run[j - 1]!, st) > 0) {
      run[j] = run[j - 1]!;
      j--;
    }
    run[j] = st;
  }
}
