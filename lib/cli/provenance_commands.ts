/**
 * `owm source derivs <id>` (what was derived from a DataSource, as a tree)
 * and `owm source provenance <id>` (what it was derived from, down to data
 * that no translation made). Both read the Translations recorded in the graph
 * and load no translator, archive or torrent code.
 *
 * @module
 */
import type { DataSource } from "../datasource/data_source.ts";
import { toCurie } from "../datasource/identifier.ts";
import type { DataSourceRepository } from "../datasource/repository.ts";
import {
  readTranslation,
  type TranslationRecord,
  translationsUsing,
} from "../translate/provenance.ts";
import { type CliIo, printJson, UsageError } from "./io.ts";
import { type GlobalOptions, openRepository } from "./store_commands.ts";

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
): Promise<ChainNode> {
  const ds = await repo.find(`<${iri}>`);
  const out: ChainNode = { id: toCurie(iri, prefixes), iri, stored: ds !== undefined, steps: [] };
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

/** The tree of DataSources derived from `id`, through every recorded Translation. */
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
  );
}

/** The chain of DataSources and Translations `id` was derived from. */
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
  );
}

/** The tree as indented text lines, `└─`/`├─` style. */
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
  return `${n.id}${n.stored ? "" : " (not in the store)"}${n.repeated ? " (cycle)" : ""}`;
}

/** `owm source derivs <id>`: the DataSources derived from `id`, as a tree. */
export async function derivsCommand(
  args: string[],
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  if (args.length !== 1) {
    throw new UsageError("source derivs takes one id: owm source derivs ClassName:key");
  }
  const repo = await openRepository(global, io);
  const tree = await derivationTree(repo, args[0]!);
  if (global.json) printJson(io, tree);
  else io.out(formatChain(tree, "→").join("\n"));
  return 0;
}

/** `owm source provenance <id>`: what `id` was derived from, as a tree. */
export async function provenanceCommand(
  args: string[],
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  if (args.length !== 1) {
    throw new UsageError("source provenance takes one id: owm source provenance ClassName:key");
  }
  const repo = await openRepository(global, io);
  const tree = await provenanceTree(repo, args[0]!);
  if (global.json) printJson(io, tree);
  else io.out(formatChain(tree, "←").join("\n"));
  return 0;
}
