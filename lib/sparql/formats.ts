/**
 * Result formats of SPARQL queries: the names `owm query --format` takes, the
 * media types the `/sparql` endpoint negotiates with `Accept`, and which fit
 * which query form.
 *
 * @module
 */
import type { QueryForm } from "./engine.ts";
import { SparqlFormatError } from "./errors.ts";

/** Media types of SELECT and ASK answers, the endpoint's preference first. */
export const RESULTS_MEDIA_TYPES = [
  "application/sparql-results+json",
  "application/sparql-results+xml",
  "text/csv",
  "text/tab-separated-values",
] as const;

/** Media types of CONSTRUCT and DESCRIBE answers, the endpoint's preference first. */
export const GRAPH_MEDIA_TYPES = [
  "text/turtle",
  "application/n-quads",
  "application/ld+json",
  "application/n-triples",
  "application/rdf+xml",
] as const;

/** Other names clients send for these types (SPARQLWrapper asks for `application/json`). */
const ALIASES: Record<string, { results?: string; graph?: string }> = {
  "application/json": { results: "application/sparql-results+json", graph: "application/ld+json" },
  "application/xml": { results: "application/sparql-results+xml", graph: "application/rdf+xml" },
  "text/xml": { results: "application/sparql-results+xml", graph: "application/rdf+xml" },
  "application/x-turtle": { graph: "text/turtle" },
  "text/plain": { graph: "application/n-triples" },
};

/** `--format` names: for SELECT/ASK and for CONSTRUCT/DESCRIBE. */
const NAMES: Record<string, { results?: string; graph?: string }> = {
  json: { results: "application/sparql-results+json", graph: "application/ld+json" },
  xml: { results: "application/sparql-results+xml", graph: "application/rdf+xml" },
  csv: { results: "text/csv" },
  tsv: { results: "text/tab-separated-values" },
  nq: { graph: "application/n-quads" },
  nt: { graph: "application/n-triples" },
  ttl: { graph: "text/turtle" },
  jsonld: { graph: "application/ld+json" },
};

/** The names `owm query --format` takes. */
export const FORMAT_NAMES = ["table", ...Object.keys(NAMES)] as const;

/** Whether a form answers with a graph (CONSTRUCT, DESCRIBE). */
export function isGraphForm(form: QueryForm): boolean {
  return form === "CONSTRUCT" || form === "DESCRIBE";
}

/**
 * The media type of `--format name` for a query of `form`.
 *
 * @throws {SparqlFormatError} for an unknown name or one that does not fit the form.
 * @example
 * ```ts
 * import { mediaTypeOfFormat } from "./formats.ts";
 * mediaTypeOfFormat("ttl", "CONSTRUCT"); // "text/turtle"
 * ```
 */
export function mediaTypeOfFormat(name: string, form: QueryForm): string {
  const entry = NAMES[name];
  if (!entry) {
    throw new SparqlFormatError(
      `Unknown format '${name}': use one of ${FORMAT_NAMES.join(", ")}`,
    );
  }
  const type = isGraphForm(form) ? entry.graph : entry.results;
  if (!type) {
    const fits = Object.entries(NAMES).filter(([, e]) => isGraphForm(form) ? e.graph : e.results)
      .map(([n]) => n);
    throw new SparqlFormatError(
      `The format '${name}' does not fit a ${form} query: use table, ${fits.join(", ")}`,
    );
  }
  return type;
}

interface AcceptRange {
  type: string;
  q: number;
  index: number;
}

function parseAccept(header: string): AcceptRange[] {
  const out: AcceptRange[] = [];
  header.split(",").forEach((part, index) => {
    const [type, ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    if (!type) return;
    let q = 1;
    for (const p of params) {
      const m = /^q\s*=\s*([0-9.]+)$/.exec(p);
      if (m) q = Number(m[1]);
    }
    if (Number.isFinite(q)) out.push({ type, q, index });
  });
  return out;
}

/**
 * The media type to answer a query of `form` with, chosen by the `Accept`
 * header (the highest `q`, then the client's order, then ours); the
 * endpoint's preference when `accept` is absent or `*\/*`; `undefined` when
 * nothing the client accepts fits (a 406).
 *
 * @example
 * ```ts
 * import { negotiate } from "./formats.ts";
 * negotiate("text/csv, text/plain;q=0.1", "SELECT"); // "text/csv"
 * negotiate("image/png", "SELECT"); // undefined
 * ```
 */
export function negotiate(accept: string | undefined, form: QueryForm): string | undefined {
  const graph = isGraphForm(form);
  const offered: readonly string[] = graph ? GRAPH_MEDIA_TYPES : RESULTS_MEDIA_TYPES;
  if (accept === undefined || accept.trim() === "") return offered[0];
  let best:
    | { type: string; q: number; specificity: number; index: number; rank: number }
    | undefined;
  for (const range of parseAccept(accept)) {
    if (range.q <= 0) continue;
    const candidates: [string, number][] = [];
    const alias = ALIASES[range.type];
    const aliased = alias ? (graph ? alias.graph : alias.results) : undefined;
    if (offered.includes(range.type)) candidates.push([range.type, 2]);
    else if (aliased) candidates.push([aliased, 2]);
    else if (range.type === "*/*") offered.forEach((t) => candidates.push([t, 0]));
    else if (range.type.endsWith("/*")) {
      const major = range.type.slice(0, -1);
      offered.filter((t) => t.startsWith(major)).forEach((t) => candidates.push([t, 1]));
    }
    for (const [type, specificity] of candidates) {
      const rank = offered.indexOf(type);
      const better = !best || range.q > best.q ||
        (range.q === best.q && (specificity > best.specificity ||
          (specificity === best.specificity &&
            (range.index < best.index || (range.index === best.index && rank < best.rank)))));
      if (better) best = { type, q: range.q, specificity, index: range.index, rank };
    }
  }
  return best?.type;
}

/** The `Content-Type` header value for an answer in `mediaType`. */
export function contentTypeOf(mediaType: string): string {
  return mediaType.startsWith("text/") || mediaType.includes("json") || mediaType.includes("xml") ||
      mediaType.startsWith("application/n-")
    ? `${mediaType}; charset=utf-8`
    : mediaType;
}
