/**
 * The `owm` command line: argument parsing, dispatch and exit codes.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type CliIo, ExitCode, processIo, UsageError } from "./io.ts";
import { USAGE } from "./usage.ts";
import { demoCommand, type GlobalOptions, initCommand, saveCommand } from "./store_commands.ts";
import { listCommand, listKindsCommand, removeCommand, showCommand } from "./source_commands.ts";
import { IdentifierSyntaxError } from "../datasource/errors.ts";

/** The version printed by `owm --version`. */
export const VERSION = "0.1.0";

/**
 * Runs the `owm` command with `args` and returns its exit code: 0 ok, 1 not
 * found or failed, 2 usage error. Errors are printed as one line on stderr.
 *
 * @example
 * ```ts ignore
 * Deno.exit(await main(["source", "list", "--json"]));
 * ```
 */
export async function main(args: string[], io: CliIo = processIo): Promise<number> {
  try {
    return await run(args, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof IdentifierSyntaxError) {
      io.err(`owm: ${error.message}`);
      if (error instanceof UsageError) io.err("Run `deno task owm help` for usage.");
      return ExitCode.Usage;
    }
    if (error instanceof Error) {
      const known = error.constructor !== Error && error.name !== "Error";
      io.err(`owm: ${known ? "" : "unexpected error: "}${error.message.split("\n")[0]}`);
      if (!known && Deno.env.get("OWM_DEBUG")) io.err(String(error.stack));
      return ExitCode.Failed;
    }
    io.err(`owm: unexpected error: ${String(error)}`);
    return ExitCode.Failed;
  }
}

async function run(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        home: { type: "string" },
        json: { type: "boolean", default: false },
        kind: { type: "string" },
        context: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
        version: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.out(`owm ${VERSION}`);
    return ExitCode.Ok;
  }
  const global: GlobalOptions = { home: values.home, json: values.json };
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === "help") {
    io.out(USAGE);
    return command === undefined && !values.help ? ExitCode.Usage : ExitCode.Ok;
  }
  const only = (allowed: string[]) => {
    for (const option of ["kind", "context"] as const) {
      if (values[option] !== undefined && !allowed.includes(option)) {
        throw new UsageError(`--${option} does not apply to '${[command, rest[0]].join(" ")}'`);
      }
    }
  };
  switch (command) {
    case "init":
      only([]);
      return await initCommand(rest, global, io);
    case "save":
      only(["context"]);
      return await saveCommand(rest, { context: values.context }, global, io);
    case "demo":
      only([]);
      return await demoCommand(global, io);
    case "source": {
      const [sub, ...subArgs] = rest;
      switch (sub) {
        case "list":
          only(["kind"]);
          return await listCommand(subArgs, { kind: values.kind }, global, io);
        case "show":
          only([]);
          return await showCommand(subArgs, global, io);
        case "rm":
          only([]);
          return await removeCommand(subArgs, global, io);
        case "list-kinds":
          only([]);
          return await listKindsCommand(subArgs, global, io);
        default:
          throw new UsageError(
            sub === undefined
              ? "source needs a subcommand: list, show, rm or list-kinds"
              : `unknown subcommand 'source ${sub}': use list, show, rm or list-kinds`,
          );
      }
    }
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}
