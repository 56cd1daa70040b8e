/**
 * Loading a data module: a TypeScript module that exports `owmData(ctx)`
 * (or `owm_data`, the original's name), which adds DataSources to `ctx`.
 *
 * @module
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { CollectingSaveContext } from "./save_context.ts";
import type { DataSource } from "./data_source.ts";
import { OwmError } from "../errors/owm_error.ts";

/** A data module that cannot be loaded or run. */
export class DataModuleError extends OwmError {
  /** The error's code: `data-module`. */
  override readonly code: string = "data-module";
  /** The module's path as given. */
  readonly path: string;
  /** Creates the error. */
  constructor(path: string, detail: string, options?: ErrorOptions) {
    super(`Cannot load data module ${path}: ${detail}`, options);
    this.name = "DataModuleError";
    this.path = path;
  }
}

/**
 * Imports the data module at `path`, runs its `owmData(ctx)` and returns the
 * DataSources it added. Nothing is saved here.
 *
 * @throws {DataModuleError} when the module is missing, does not compile, has
 * no `owmData` function, or throws.
 *
 * @example
 * ```ts ignore
 * const sources = await runDataModule("datasets/connectome.ts", DEFAULT_DATA_GRAPH);
 * ```
 */
export async function runDataModule(path: string, contextId: string): Promise<DataSource[]> {
  const absolute = resolve(path);
  try {
    const info = await Deno.stat(absolute);
    if (!info.isFile) throw new DataModuleError(path, "it is not a file");
  } catch (error) {
    if (error instanceof DataModuleError) throw error;
    throw new DataModuleError(path, "no such file: check the path", { cause: error });
  }
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(absolute).href);
  } catch (error) {
    const lines = error instanceof Error ? error.message.split("\n") : [String(error)];
    const where = lines.find((line) => /^\s+at \S+:\d+:\d+$/.test(line))?.trim();
    const first = lines[0]!.replace(/\.$/, "");
    const reason = where ? `${first} (${where})` : first;
    throw new DataModuleError(path, `it does not import: ${reason}: fix the module`, {
      cause: error,
    });
  }
  const fn = mod.owmData ?? mod.owm_data;
  if (typeof fn !== "function") {
    throw new DataModuleError(
      path,
      "it exports no function owmData(ctx): add `export function owmData(ctx: SaveContext) { ctx.add(...) }`",
    );
  }
  const ctx = new CollectingSaveContext(contextId);
  try {
    await fn(ctx);
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new DataModuleError(path, `owmData() threw ${reason}`, { cause: error });
  }
  return ctx.sources;
}
