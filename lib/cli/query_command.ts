/**
 * `owm query '<SPARQL>'` (or `--file q.rq`): a SPARQL 1.1 query over the
 * store's named graphs (their union is the default graph), printed as a table
 * on a terminal and, elsewhere, as SPARQL 1.1 JSON results (SELECT, ASK) or
 * N-Quads (CONSTRUCT, DESCRIBE); `--format` chooses.
 *
 * @module
 */
import type { QueryForm } from "../sparql/engine.ts";
import { SparqlFormatError, SparqlSyntaxError } from "../sparql/errors.ts";
import { FORMAT_NAMES, isGraphForm, mediaTypeOfFormat } from "../sparql/formats.ts";
import { queryForm } from "../sparql/query_form.ts";
import { formatTable, resultRows } from "../sparql/results_table.ts";
import { sparqlServiceFor } from "../sparql/open.ts";
import { type CliIo, ExitCode, UsageError } from "./io.ts";
import { type GlobalOptions, openRepository } from "./store_commands.ts";
import { userPath } from "./user_path.ts";

/** The options `owm query` takes. */
export interface QueryCommandOptions {
  /** A file holding the query. */
  file?: string | undefined;
  /** table, json, csv, tsv, xml, nq, nt, ttl, jsonld. */
  format?: string | undefined;
}

/**
 * The format used when none is given: `table` on a terminal, else `json` for
 * SELECT and ASK and `nq` for CONSTRUCT and DESCRIBE (`--json`: `json`).
 *
 * @example
 * ```ts
 * import { defaultFormat } from "./query_command.ts";
 * defaultFormat("CONSTRUCT", false, false); // "nq"
 * ```
 */
export function defaultFormat(form: QueryForm, terminal: boolean, json: boolean): string {
  if (json) return "json";
  if (terminal) return "table";
  return isGraphForm(form) ? "nq" : "json";
}

function stdoutIsTerminal(): boolean {
  try {
    return Deno.stdout.isTerminal();
  } catch {
    return false;
  }
}

/** `owm query`: runs the query and prints its answer. */
export async function queryCommand(
  args: string[],
  options: QueryCommandOptions,
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  let sparql: string;
  if (options.file !== undefined) {
    if (args.length > 0) {
      throw new UsageError("query takes the query as an argument or --file, not both");
    }
    try {
      sparql = await Deno.readTextFile(userPath(options.file));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new UsageError(`no query file ${options.file}`);
      }
      throw error;
    }
  } else {
    if (args.length !== 1) {
      throw new UsageError(
        args.length === 0
          ? "query needs a SPARQL query: owm query 'SELECT …' or owm query --file q.rq"
          : `query takes one argument (quote the query), got ${args.length}`,
      );
    }
    sparql = args[0]!;
  }
  if (options.format !== undefined && !FORMAT_NAMES.includes(options.format as never)) {
    throw new UsageError(
      `unknown --format '${options.format}': use ${FORMAT_NAMES.join(", ")}`,
    );
  }
  const form = queryForm(sparql);
  const repo = await openRepository(global, io);
  const service = await sparqlServiceFor(repo.store);
  try {
    if (form === undefined) {
      // Not a query: let the engine name what is wrong.
      await service.query(sparql);
      throw new SparqlSyntaxError("query", "expected SELECT, ASK, CONSTRUCT or DESCRIBE");
    }
    const format = options.format ?? defaultFormat(form, stdoutIsTerminal(), global.json);
    if (format === "table") {
      const results = await service.query(sparql);
      io.out(formatTable(resultRows(results, await repo.store.prefixes())));
      return ExitCode.Ok;
    }
    const text = await service.queryText(sparql, mediaTypeOfFormat(format, form));
    io.out(text.endsWith("\n") ? text.slice(0, -1) : text);
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof SparqlSyntaxError || error instanceof SparqlFormatError) {
      io.err(`owm: ${error.message}`);
      return ExitCode.Usage;
    }
    throw error;
  }
}
