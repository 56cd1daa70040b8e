/**
 * `owm index list [--index SPEC]… [--kind K] [--json]` and
 * `owm index search TEXT [--index SPEC]… [--kind K] [--json]`: the catalogue
 * of every configured index (lib/index/catalogue.ts). Needs no store.
 *
 * @module
 */
import { resolveStoreHome } from "../graph/store.ts";
import { type Catalogue, type CatalogueEntry, listCatalogue } from "../index/catalogue.ts";
import { type CliIo, printJson, UsageError } from "./io.ts";
import { formatBytes } from "./progress.ts";
import type { GlobalOptions } from "./store_commands.ts";
import { configuredIndexes } from "./transfer_context.ts";
import { StoreLayout } from "../settings/store_layout.ts";

/** Options of `owm index list` and `owm index search`. */
export interface IndexCommandOptions {
  /** `--index SPEC`, repeated (else `OWM_INDEXES`, else the store's own folder). */
  index?: readonly string[] | undefined;
  /** `--kind K`: only datasets of this class or its subclasses. */
  kind?: string | undefined;
}

/** `owm index list`: every dataset in the configured indexes. */
export async function indexListCommand(
  args: string[],
  options: IndexCommandOptions,
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  if (args.length > 0) {
    throw new UsageError(
      `index list takes no arguments, got '${args[0]}': to search, use owm index search TEXT`,
    );
  }
  return await show(undefined, options, global, io);
}

/** `owm index search TEXT`: the datasets matching every word of TEXT. */
export async function indexSearchCommand(
  args: string[],
  options: IndexCommandOptions,
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  const text = args.join(" ").trim();
  if (text === "") {
    throw new UsageError("index search needs TEXT: owm index search elegans");
  }
  return await show(text, options, global, io);
}

async function show(
  text: string | undefined,
  options: IndexCommandOptions,
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  const home = resolveStoreHome(global.home);
  const indexes = configuredIndexes(home, options.index ?? []);
  const catalogue = await listCatalogue(indexes, {
    optionalFolders: [new StoreLayout(home).torrents],
    ...(options.kind === undefined ? {} : { kind: options.kind }),
    ...(text === undefined ? {} : { text }),
  });
  for (const problem of catalogue.problems) {
    io.err(`owm: index ${problem.index}: ${problem.message.split("\n")[0]}`);
  }
  if (global.json) printJson(io, catalogue);
  else {
    const blocks = catalogue.entries.map(formatEntry);
    if (blocks.length > 0) io.out(blocks.join("\n\n"));
    else io.err(text === undefined ? "owm: no datasets in these indexes" : "owm: nothing matches");
  }
  return failedEverywhere(catalogue, indexes.length) ? 1 : 0;
}

function failedEverywhere(catalogue: Catalogue, indexes: number): boolean {
  return indexes > 0 && catalogue.problems.length === indexes;
}

/** The text block of one entry: its id and title, then what it is, where, and how to cite it. */
export function formatEntry(entry: CatalogueEntry): string {
  const lines = [
    entry.title ? `${entry.id ?? "(no record)"}  ${entry.title}` : entry.id ?? "(no record)",
  ];
  const facts = [
    entry.class,
    entry.fileCount === null
      ? undefined
      : `${entry.fileCount} file${entry.fileCount === 1 ? "" : "s"}`,
    entry.size === null ? undefined : formatBytes(entry.size),
    entry.license ?? undefined,
    entry.date ?? undefined,
  ].filter((f): f is string => typeof f === "string" && f !== "");
  if (facts.length > 0) lines.push(`  ${facts.join(" · ")}`);
  lines.push(`  infohash ${entry.infoHash ?? "?"} · ${entry.torrentFileName} · ${entry.index}`);
  if (entry.description) lines.push(...indent(entry.description));
  for (const citation of entry.citation) lines.push(...indent(`cite: ${citation}`));
  if (entry.problem) lines.push(`  refused: ${entry.problem}`);
  return lines.join("\n");
}

function indent(text: string): string[] {
  return text.split("\n").map((line) => `  ${line}`);
}
