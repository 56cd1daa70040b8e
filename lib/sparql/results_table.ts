/**
 * Query results as rows of text: for `owm query --format table` and the
 * notebook's table view. IRIs are shortened with the store's prefixes
 * (`ConnectomeCSVDataSource:2000_connections`) when one fits, else `<iri>`;
 * literals show their text (with `@lang`, or `^^<datatype>` unless a string
 * or a number); blank nodes `_:label`.
 *
 * @module
 */
import { type Term, vocab } from "../graph/rdf.ts";
import type { SparqlResults } from "./engine.ts";

const PLAIN_DATATYPES = new Set([
  vocab.xsdString,
  "http://www.w3.org/2001/XMLSchema#integer",
  "http://www.w3.org/2001/XMLSchema#decimal",
  "http://www.w3.org/2001/XMLSchema#double",
  "http://www.w3.org/2001/XMLSchema#boolean",
]);

/**
 * One term as table text.
 *
 * @example
 * ```ts
 * import { termText } from "./results_table.ts";
 * import { namedNode } from "../graph/rdf.ts";
 * termText(namedNode("http://ex.org/ns#a"), new Map([["ex", "http://ex.org/ns#"]])); // "ex:a"
 * ```
 */
export function termText(
  term: Term | undefined,
  prefixes: ReadonlyMap<string, string> = new Map(),
): string {
  if (term === undefined) return "";
  switch (term.termType) {
    case "NamedNode": {
      let best: [string, string] | undefined;
      for (const [name, iri] of prefixes) {
        if (
          term.value.startsWith(iri) && term.value.length > iri.length &&
          (!best || iri.length > best[1].length)
        ) {
          best = [name, iri];
        }
      }
      const local = best ? term.value.slice(best[1].length) : undefined;
      return best && local !== undefined && /^[A-Za-z0-9_.-]+$/.test(local)
        ? `${best[0]}:${local}`
        : `<${term.value}>`;
    }
    case "BlankNode":
      return `_:${term.value}`;
    case "Literal":
      if (term.language) return `${term.value}@${term.language}`;
      return PLAIN_DATATYPES.has(term.datatype.value)
        ? term.value
        : `${term.value}^^<${term.datatype.value}>`;
    case "DefaultGraph":
      return "";
    default:
      return term.value;
  }
}

/** Results as a header and rows of text. */
export interface ResultRows {
  /** Column names: the variables, `subject predicate object`, or `boolean`. */
  columns: string[];
  /** One array of cell texts per solution or statement. */
  rows: string[][];
}

/**
 * Results as rows of text: a SELECT's solutions, a graph's statements, or
 * one row holding an ASK's `true`/`false`.
 *
 * @example
 * ```ts
 * import { resultRows } from "./results_table.ts";
 * resultRows({ type: "boolean", value: true }); // { columns: ["boolean"], rows: [["true"]] }
 * ```
 */
export function resultRows(
  results: SparqlResults,
  prefixes: ReadonlyMap<string, string> = new Map(),
): ResultRows {
  switch (results.type) {
    case "boolean":
      return { columns: ["boolean"], rows: [[String(results.value)]] };
    case "bindings":
      return {
        columns: results.variables,
        rows: results.bindings.map((b) =>
          results.variables.map((v) => termText(b.get(v), prefixes))
        ),
      };
    case "quads":
      return {
        columns: ["subject", "predicate", "object"],
        rows: results.quads.map((q) =>
          [q.subject, q.predicate, q.object].map((t) => termText(t, prefixes))
        ),
      };
  }
}

/**
 * Rows as an aligned plain-text table (cells cut at `maxWidth` characters),
 * followed by a count line.
 *
 * @example
 * ```ts
 * import { formatTable } from "./results_table.ts";
 * console.log(formatTable({ columns: ["n"], rows: [["42"]] }));
 * ```
 */
export function formatTable(table: ResultRows, maxWidth = 80): string {
  const cut = (s: string) => {
    const flat = s.replace(/[\r\n\t]/g, " ");
    return flat.length > maxWidth ? flat.slice(0, maxWidth - 1) + "…" : flat;
  };
  const rows = table.rows.map((r) => r.map(cut));
  const widths = table.columns.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  const out = [line(table.columns), widths.map((w) => "-".repeat(w)).join("  ")];
  for (const r of rows) out.push(line(r));
  out.push(`(${rows.length} row${rows.length === 1 ? "" : "s"})`);
  return out.join("\n");
}
