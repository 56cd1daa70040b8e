/**
 * `owm translate <translator> <id>… [--key K] [--option name=value]…` and
 * `owm translator list`.
 *
 * @module
 */
import { toCurie } from "../datasource/identifier.ts";
import { builtinTranslators } from "../translate/builtins.ts";
import { runTranslation } from "../translate/run.ts";
import { translationRunJson, translatorJson } from "../bridge/translation_json.ts";
import { type CliIo, printJson, UsageError } from "./io.ts";
import { type GlobalOptions, openRepository } from "./store_commands.ts";
import { commandRegistry, type TransferOptions } from "./transfer_context.ts";

/** Options of `owm translate`. */
export interface TranslateCommandOptions extends TransferOptions {
  /** `--key K`: the output DataSource's key. */
  key?: string | undefined;
  /** `--option name=value`, repeated. */
  option?: readonly string[] | undefined;
  /** `--context IRI`. */
  context?: string | undefined;
}

/** Parses `name=value` options. */
function parseTranslatorOptions(specs: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of specs) {
    const at = spec.indexOf("=");
    if (at <= 0) throw new UsageError(`--option takes name=value, got '${spec}'`);
    out[spec.slice(0, at)] = spec.slice(at + 1);
  }
  return out;
}

/**
 * `owm translate <translator> <id>…`: loads the inputs (fetching them when
 * needed), runs the translator, saves the output DataSource and its
 * Translation, and prints the output's id (or a JSON object).
 */
export async function translateCommand(
  args: string[],
  options: TranslateCommandOptions,
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  const [name, ...ids] = args;
  if (name === undefined || ids.length === 0) {
    throw new UsageError(
      "translate needs a translator and at least one id: owm translate <translator> <id>… (see owm translator list)",
    );
  }
  const translators = builtinTranslators();
  const translator = translators.get(name);
  const translatorOptions = parseTranslatorOptions(options.option);
  const repo = await openRepository(global, io);
  const loaders = commandRegistry(repo, options, undefined, translators);
  try {
    const run = await runTranslation(repo, translator, ids, {
      ...(options.key !== undefined ? { key: options.key } : {}),
      options: translatorOptions,
      loaders: loaders.registry,
      indexes: loaders.reachable,
      ...(options.context !== undefined ? { context: options.context } : {}),
    });
    const prefixes = await repo.store.prefixes();
    const id = toCurie(run.output.identifier, prefixes);
    if (global.json) {
      printJson(io, translationRunJson(run, prefixes));
    } else {
      io.err(
        `owm: ${translator.name} ${translator.version}: ${
          run.record.inputs.map((i) => toCurie(i, prefixes)).join(", ")
        } → ${id}${run.statements > 0 ? ` (${run.statements} statements)` : ""}`,
      );
      io.out(id);
    }
    return 0;
  } finally {
    await loaders.close();
  }
}

/** `owm translator list`: the translators this program has. */
export function translatorListCommand(
  args: string[],
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  if (args.length > 0) throw new UsageError(`translator list takes no arguments, got '${args[0]}'`);
  const list = builtinTranslators().list().map(translatorJson);
  if (global.json) printJson(io, list);
  else {
    for (const t of list) {
      io.out(
        `${t.name} ${t.version}\t${t.inputKinds.join(", ")} → ${t.outputKind}\t${t.description}`,
      );
    }
  }
  return Promise.resolve(0);
}
