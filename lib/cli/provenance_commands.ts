/**
 * `owm source derivs <id>` (what was derived from a DataSource, as a tree)
 * and `owm source provenance <id>` (what it was derived from, down to data
 * that no translation made). Both read the Translations recorded in the graph
 * and load no translator, archive or torrent code.
 *
 * @module
 */
import { derivationTree, formatChain, provenanceTree } from "../translate/chain.ts";
import { type CliIo, printJson, UsageError } from "./io.ts";
import { type GlobalOptions, openRepository } from "./store_commands.ts";

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
