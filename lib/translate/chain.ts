/**
 * Provenance chains: the tree of DataSources derived from one
 * ({@linkcode derivationTree}) and the tree of what one was derived from
 * ({@linkcode provenanceTree}), read from the Translations recorded in the
 * graph, and a plain-text rendering of either ({@linkcode formatChain}).
 *
 * @module
 */
import type { DataSource } from "../datasource/data_source.ts";
import { toCurie } from "../datasource/identifier.ts";
import type { DataSourceRepository } from "../datasource/repository.ts";
import { readTranslation, type TranslationRecord, translationsUsing } from "./provenance.ts";

/** One step of a chain: a translation and the DataSources on its far side. */
export interface ChainStep {
  /** The Translation's IRI. */
  translation: string;
  /** The translator's name. */
  translator: string;
  /** The translator's version. */
  translatorVersion: string;
  /** When the translation ended (ISO 8601). */
  endedAt: string;
  /** Translator options given. */
  options: Record<string, string>;
  /** The DataSources on the far side (outputs for derivs, inputs for provenance). */
  sources: ChainNode[];
}

/** A DataSource in a chain. */
export interface ChainNode {
  /** `ClassName:key` (or the IRI). */
  id: string;
  /** The IRI. */
  iri: string;
  /** Whether the store still has the DataSource. */
  stored: boolean;
  /** The infohash of the torrent that distributes it, when it records one. */
  infoHash?: string;
  /** The translations leading on (derivs: made from it; provenance: that made it). */
  steps: ChainStep[];
  /** True when the node was already shown higher up (a cycle in hand-edited graphs). */
  repeated?: boolean;
}

function step(record: TranslationRecord, sources: ChainNode[]): ChainStep {
  return {
    translation: record.iri,
    translator: record.translator,
    translatorVersion: record.translatorVersion,
    endedAt: record.endedAt,
    options: record.options,
    sources,
  };
}

async function node(
  repo: DataSourceRepository,
  iri: string,
  prefixes: ReadonlyMap<string, string>,
  seen: Set<string>,
  next: (ds: DataSource | undefined, iri: string) => Promise<TranslationRecord[]>,
  far: (record: TranslationRecord) => string[],
  known?: DataSource,
): Promise<ChainNode> {
  const ds = known ?? await repo.find(`<${iri}>`);
  const out: ChainNode = { id: toCurie(iri, prefixes), iri, stored: ds !== undefined, steps: [] };
  const infoHash = ds?.fields.has("infoHash") ? ds.get("infoHash") : undefined;
  if (typeof infoHash === "string" && infoHash !== "") out.infoHash = infoHash;
  if (seen.has(iri)) return { ...out, repeated: true };
  seen.add(iri);
  for (const record of await next(ds, iri)) {
    const sources: ChainNode[] = [];
    for (const other of far(record)) {
      sources.push(await node(repo, other, prefixes, seen, next, far));
    }
    out.steps.push(step(record, sources));
  }
  seen.delete(iri);
  return out;
}

/**
 * The tree of DataSources derived from `id`, through every recorded Translation.
 *
 * @example
 * ```ts ignore
 * const tree = await derivationTree(repo, "CSVDataSource:conn");
 * console.log(formatChain(tree, "→").join("\n"));
 * ```
 */
export async function derivationTree(repo: DataSourceRepository, id: string): Promise<ChainNode> {
  const ds = await repo.get(id);
  const prefixes = await repo.store.prefixes();
  return await node(
    repo,
    ds.identifier,
    prefixes,
    new Set(),
    (_ds, iri) => translationsUsing(repo.store, iri),
    (record) => [record.output],
    ds,
  );
}

/**
 * The chain of DataSources and Translations `id` was derived from, down to
 * DataSources no translation made.
 *
 * @example
 * ```ts ignore
 * const tree = await provenanceTree(repo, "GraphDataSource:conn-graph");
 * console.log(formatChain(tree, "←").join("\n"));
 * ```
 */
export async function provenanceTree(repo: DataSourceRepository, id: string): Promise<ChainNode> {
  const ds = await repo.get(id);
  const prefixes = await repo.store.prefixes();
  return await node(
    repo,
    ds.identifier,
    prefixes,
    new Set(),
    async (found) => {
      if (!found?.fields.has("translation")) return [];
      const records: TranslationRecord[] = [];
      for (const iri of found.getAll("translation")) {
        const record = await readTranslation(repo.store, String(iri));
        if (record) records.push(record);
      }
      return records;
    },
    (record) => record.inputs,
    ds,
  );
}

/**
 * The tree as indented text lines, `└─`/`├─` style, each translation shown as
 * `<arrow> <translator> <version> at <time>`.
 *
 * @example
 * ```ts
 * import { formatChain } from "./chain.ts";
 * const lines = formatChain({ id: "A:x", iri: "urn:x", stored: true, steps: [] }, "→");
 * console.log(lines); // ["A:x"]
 * ```
 */
export function formatChain(root: ChainNode, arrow: string): string[] {
  const lines = [label(root)];
  const walk = (n: ChainNode, indent: string) => {
    n.steps.forEach((s, i) => {
      const lastStep = i === n.steps.length - 1;
      lines.push(
        `${indent}${
          lastStep ? "└─" : "├─"
        } ${arrow} ${s.translator} ${s.translatorVersion} at ${s.endedAt}${
          Object.keys(s.options).length > 0
            ? ` (${Object.entries(s.options).map(([k, v]) => `${k}=${v}`).join(", ")})`
            : ""
        }`,
      );
      const inner = indent + (lastStep ? "   " : "│  ");
      s.sources.forEach((child, j) => {
        const lastChild = j === s.sources.length - 1;
        lines.push(`${inner}${lastChild ? "└─" : "├─"} ${label(child)}`);
        walk(child, inner + (lastChild ? "   " : "│  "));
      });
    });
  };
  walk(root, "");
  return lines;
}

function label(n: ChainNode): string {
  return `${n.id}${n.infoHash ? ` (torrent ${n.infoHash})` : ""}${
    n.stored ? "" : " (not in the store)"
  }${n.repeated ? " (cycle)" : ""}`;
}
