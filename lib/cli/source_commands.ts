/**
 * `owm source list | show | rm | list-kinds`.
 *
 * @module
 */
import { formatDataSource } from "../datasource/format.ts";
import { toCurie } from "../datasource/identifier.ts";
import { type CliIo, printJson, UsageError } from "./io.ts";
import { type GlobalOptions, openRepository } from "./store_commands.ts";

/** `owm source list [--kind K]`. */
export async function listCommand(
  args: string[],
  options: { kind?: string | undefined },
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  if (args.length > 0) throw new UsageError(`source list takes no arguments, got '${args[0]}'`);
  const repo = await openRepository(global, io);
  const items = await repo.list(options.kind === undefined ? {} : { kind: options.kind });
  if (global.json) printJson(io, items);
  else if (items.length > 0) io.out(items.map((item) => item.id).join("\n"));
  return 0;
}

/** `owm source show <id>...`: one block per id, separated by blank lines. */
export async function showCommand(
  args: string[],
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  if (args.length === 0) {
    throw new UsageError("source show needs an id: owm source show ClassName:key");
  }
  const repo = await openRepository(global, io);
  const prefixes = await repo.store.prefixes();
  const sources = [];
  for (const id of args) sources.push(await repo.get(id));
  if (global.json) {
    const items = sources.map((ds) => ({
      ...ds.toJSON(),
      curie: toCurie(ds.identifier, prefixes),
    }));
    printJson(io, args.length === 1 ? items[0] : items);
  } else {
    io.out(sources.map((ds) => formatDataSource(ds, prefixes)).join("\n\n"));
  }
  return 0;
}

/** `owm source rm <id>...`. */
export async function removeCommand(
  args: string[],
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  if (args.length === 0) throw new UsageError("source rm needs an id: owm source rm ClassName:key");
  const repo = await openRepository(global, io);
  for (const id of args) {
    await repo.remove(id);
    if (global.json) printJson(io, { removed: id });
    else io.err(`owm: removed ${id}`);
  }
  return 0;
}

/** `owm source list-kinds`. */
export async function listKindsCommand(
  args: string[],
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  if (args.length > 0) {
    throw new UsageError(`source list-kinds takes no arguments, got '${args[0]}'`);
  }
  const repo = await openRepository(global, io);
  const kinds = await repo.kinds();
  if (global.json) printJson(io, kinds);
  else io.out(kinds.map((k) => k.name).join("\n"));
  return 0;
}
