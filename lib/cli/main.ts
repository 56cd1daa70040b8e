/**
 * The `owm` command line: argument parsing, dispatch and exit codes.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ALLOW_LINK_LOCAL_ENV } from "../torrent/url_policy.ts";
import { processEnv } from "../settings/env.ts";
import { envSwitch } from "../settings/settings.ts";
import { exitCodeOf } from "./exit_codes.ts";
import { type CliIo, ExitCode, processIo, UsageError } from "./io.ts";
import { listCommand, listKindsCommand, removeCommand, showCommand } from "./source_commands.ts";
import { demoCommand } from "./demo_command.ts";
import { type GlobalOptions, initCommand, saveCommand } from "./store_commands.ts";
import { commandHelpText, USAGE } from "./usage.ts";
import { didYouMean } from "./did_you_mean.ts";
import { DataSourceNotFoundError } from "../datasource/errors.ts";
import { UnknownKindError } from "../datasource/repository.ts";
import { openRepository } from "./store_commands.ts";

/** The version printed by `owm --version`. */
export const VERSION = "0.1.0";

const OPTIONS = {
  home: { type: "string" },
  graph: { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
  version: { type: "boolean", default: false },
  kind: { type: "string" },
  context: { type: "string" },
  out: { type: "string" },
  tracker: { type: "string", multiple: true },
  "web-seed": { type: "string", multiple: true },
  md5: { type: "string" },
  sha256: { type: "string" },
  sha512: { type: "string" },
  torrent: { type: "string" },
  content: { type: "string" },
  index: { type: "string", multiple: true },
  peer: { type: "string", multiple: true },
  port: { type: "string" },
  "no-dht": { type: "boolean" },
  "no-lsd": { type: "boolean" },
  timeout: { type: "string" },
  "stall-timeout": { type: "string" },
  "delete-data": { type: "boolean" },
  repair: { type: "boolean" },
  dir: { type: "string" },
  class: { type: "string" },
  key: { type: "string" },
  description: { type: "string" },
  "no-seed": { type: "boolean" },
  title: { type: "string" },
  license: { type: "string" },
  citation: { type: "string" },
  field: { type: "string", multiple: true },
  replace: { type: "boolean" },
  access: { type: "string" },
  hostname: { type: "string" },
  "udp-port": { type: "string" },
  "allow-graph": { type: "boolean" },
  lock: { type: "string" },
  locked: { type: "boolean" },
  option: { type: "string", multiple: true },
  offline: { type: "boolean" },
  "max-size": { type: "string" },
  "older-than": { type: "string" },
  all: { type: "boolean" },
  "dry-run": { type: "boolean" },
  "allow-link-local": { type: "boolean" },
  file: { type: "string" },
  format: { type: "string" },
} as const;

const TRANSFER = ["index", "peer", "port", "no-dht", "no-lsd", "web-seed"] as const;

// Commands beyond the graph load their modules when run, so that `source show`
// stays fast (it loads no torrent or integrity code).
const transfers = () => import("./transfer_commands.ts");
const torrents = () => import("./torrent_commands.ts");
const verifying = () => import("./verify_command.ts");
const drive = () => import("./drive_command.ts");
const tracking = () => import("./tracker_command.ts");
const locking = () => import("./lock_command.ts");
const translating = () => import("./translate_commands.ts");
const provenance = () => import("./provenance_commands.ts");
const caching = () => import("./cache_command.ts");
const querying = () => import("./query_command.ts");
const bridging = () => import("./bridge_command.ts");
const cataloguing = () => import("./index_command.ts");

const GLOBAL_OPTIONS = new Set(["home", "graph", "json", "help", "version", "allow-link-local"]);

/**
 * The built-in classes an error of ours has when it is a bug in owm, not
 * something the user or the machine caused (those are thrown as named
 * classes: `InvalidInputError`, `FieldError`, `UnsupportedFileError`, …).
 */
const BUG_CLASSES: readonly ErrorConstructor[] = [
  Error,
  TypeError,
  RangeError,
  ReferenceError,
  SyntaxError,
  EvalError,
  URIError,
];

/** `OWM_DEBUG` on; a value not understood counts as on here (an error is being reported). */
function debugRequested(): boolean {
  try {
    return envSwitch(processEnv, "OWM_DEBUG") ?? false;
  } catch {
    return true;
  }
}

/**
 * What `owm` prints for `error` on stderr (never a stack): one line, and one
 * more line per cause when the message lists causes on lines of their own.
 */
function errorLine(error: Error): string {
  const [first, ...more] = error.message.split("\n");
  const causes = more.map((line) => line.trim()).filter((line) => line !== "")
    .map((line) => `owm:   ${line}`);
  return [errorFirstLine(error, first!.trim()), ...causes].join("\n");
}

/** The first line `owm` prints for `error`, whose message's first line is `message`. */
function errorFirstLine(error: Error, message: string): string {
  if (error instanceof Deno.errors.NotCapable) {
    return `owm: not permitted: ${message}`;
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return `owm: the system refused access: ${message}; check the file's permissions`;
  }
  if (error instanceof Deno.errors.NotADirectory) {
    return `owm: a path that should be a folder is a file: ${message}; the store ` +
      `(--home, OWM_HOME) must be a folder`;
  }
  const code = (error as { code?: unknown }).code;
  if (code === "ENOSPC" || code === "EDQUOT" || /\(os error (28|122)\)/.test(message)) {
    return `owm: the disk is full: ${message}; free some space and try again`;
  }
  if (BUG_CLASSES.includes(error.constructor as ErrorConstructor)) {
    return `owm: unexpected error (a bug in owm; OWM_DEBUG=1 prints its stack): ${message}`;
  }
  return `owm: ${message}`;
}

type Values = ReturnType<typeof parse>["values"];

function parse(args: string[]) {
  return parseArgs({ args, allowPositionals: true, strict: true, options: OPTIONS });
}

/** One command: the options it accepts besides the global ones, and what it runs. */
interface Command {
  options: readonly (keyof typeof OPTIONS)[];
  run(args: string[], values: Values, global: GlobalOptions, io: CliIo): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  init: { options: [], run: (args, _v, g, io) => initCommand(args, g, io) },
  save: {
    options: ["context"],
    run: (args, v, g, io) => saveCommand(args, v, g, io),
  },
  demo: {
    options: [],
    run: (args, _v, g, io) => {
      if (args.length > 0) throw new UsageError(`demo takes no arguments, got '${args[0]}'`);
      return demoCommand(g, io);
    },
  },
  "source list": {
    options: ["kind"],
    run: (args, v, g, io) => listCommand(args, v, g, io),
  },
  "source show": { options: [], run: (args, _v, g, io) => showCommand(args, g, io) },
  "source rm": { options: [], run: (args, _v, g, io) => removeCommand(args, g, io) },
  "source list-kinds": { options: [], run: (args, _v, g, io) => listKindsCommand(args, g, io) },
  "source derivs": {
    options: [],
    run: async (args, _v, g, io) => (await provenance()).derivsCommand(args, g, io),
  },
  "source provenance": {
    options: [],
    run: async (args, _v, g, io) => (await provenance()).provenanceCommand(args, g, io),
  },
  // Translating may fetch inputs, so it takes the transfer options.
  translate: {
    options: [...TRANSFER, "key", "option", "context", "timeout"],
    run: async (args, v, g, io) => (await translating()).translateCommand(args, v, g, io),
  },
  "translator list": {
    options: [],
    run: async (args, _v, g, io) => (await translating()).translatorListCommand(args, g, io),
  },
  "torrent create": {
    options: ["out", "tracker", "web-seed"],
    run: async (args, v, g, io) => (await torrents()).torrentCreateCommand(args, v, g, io),
  },
  "torrent info": {
    options: [],
    run: async (args, _v, g, io) => (await torrents()).torrentInfoCommand(args, g, io),
  },
  verify: {
    options: ["md5", "sha256", "sha512", "torrent", "content", "index", "offline"],
    run: async (args, v, g, io) => (await verifying()).verifyCommand(args, v, g, io),
  },
  "drive auth": {
    options: ["access"],
    run: async (args, v, g, io) => (await drive()).driveAuthCommand(args, v, g, io),
  },
  "cache list": {
    options: [],
    run: async (args, _v, g, io) => (await caching()).cacheListCommand(args, g, io),
  },
  "cache gc": {
    options: ["max-size", "older-than", "all", "dry-run"],
    run: async (args, v, g, io) => (await caching()).cacheGcCommand(args, v, g, io),
  },
  // The transfer commands load the torrent engine (webtorrent), so only when run.
  fetch: {
    options: [
      ...TRANSFER,
      "dir",
      "timeout",
      "stall-timeout",
      "repair",
      "locked",
      "lock",
      "offline",
      "replace",
    ],
    run: async (args, v, g, io) => (await transfers()).fetchCommand(args, v, g, io),
  },
  publish: {
    options: [
      ...TRANSFER,
      "class",
      "key",
      "description",
      "context",
      "tracker",
      "no-seed",
      "title",
      "license",
      "citation",
      "field",
      "replace",
    ],
    run: async (args, v, g, io) => (await transfers()).publishCommand(args, v, g, io),
  },
  seed: {
    options: [...TRANSFER, "torrent", "dir"],
    run: async (args, v, g, io) => (await transfers()).seedCommand(args, v, g, io),
  },
  lock: {
    options: ["lock", "index"],
    run: async (args, v, g, io) => (await locking()).lockCommand(args, v, g, io),
  },
  "index list": {
    options: ["index", "kind"],
    run: async (args, v, g, io) => (await cataloguing()).indexListCommand(args, v, g, io),
  },
  "index search": {
    options: ["index", "kind"],
    run: async (args, v, g, io) => (await cataloguing()).indexSearchCommand(args, v, g, io),
  },
  // The SPARQL engine (WebAssembly) is loaded only by this command.
  query: {
    options: ["file", "format"],
    run: async (args, v, g, io) => (await querying()).queryCommand(args, v, g, io),
  },
  tracker: {
    options: ["hostname", "port", "udp-port", "allow-graph"],
    run: async (args, v, g, io) => (await tracking()).trackerCommand(args, v, g, io),
  },
};

// `owm bridge …`: a running bridge on the store, through its HTTP API.
for (const sub of ["list", "status", "pause", "resume", "rm", "verify"]) {
  COMMANDS[`bridge ${sub}`] = {
    options: sub === "rm" ? ["delete-data"] : [],
    run: async (args, v, g, io) => (await bridging()).bridgeCommand(sub, args, v, g, io),
  };
}

const GROUPS = new Set(
  Object.keys(COMMANDS).filter((n) => n.includes(" ")).map((n) => n.split(" ")[0]!),
);

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
  const state: RunState = {};
  try {
    return await run(args, io, state);
  } catch (error) {
    const exit = exitCodeOf(error);
    if (exit === ExitCode.Usage) {
      io.err(`owm: ${(error as Error).message}`);
      if (error instanceof UsageError) {
        io.err(
          state.command
            ? `Run \`deno task owm ${state.command} --help\` for its options.`
            : "Run `deno task owm help` for usage.",
        );
      }
      return exit;
    }
    if (error instanceof Error) {
      io.err(errorLine(error) + (await suggestion(error, state)));
      if (debugRequested()) io.err(String(error.stack));
      return exit;
    }
    io.err(`owm: unexpected error: ${String(error)}`);
    return ExitCode.Failed;
  }
}

/** What `run` learnt before it failed: the command, the global options. */
interface RunState {
  command?: string;
  global?: GlobalOptions;
}

/**
 * "; did you mean …?" for an id or a kind that is not in the store but one
 * close to it is (case-insensitively, or within a few typos), else "".
 */
async function suggestion(error: Error, state: RunState): Promise<string> {
  if (!state.global) return "";
  try {
    // From the store, or from a bridge's 404 (`owm bridge …`), which names the id the same way.
    const id = error instanceof DataSourceNotFoundError
      ? error.id
      : (error as { code?: unknown }).code === "not-found"
      ? /^No data source '([^']+)'/.exec(error.message)?.[1]
      : undefined;
    if (id !== undefined) {
      const repo = await openRepository(state.global, { out: () => {}, err: () => {} });
      return didYouMean(id, (await repo.list()).map((item) => item.id));
    }
    if (error instanceof UnknownKindError) {
      const repo = await openRepository(state.global, { out: () => {}, err: () => {} });
      return didYouMean(error.kind, (await repo.kinds()).map((k) => k.name));
    }
  } catch {
    // No suggestion when the store cannot be read.
  }
  return "";
}

/** A node:util parseArgs error, told in owm's words (with a did-you-mean for options). */
function optionError(error: unknown, args: readonly string[]): UsageError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const known = Object.keys(OPTIONS).map((o) => `--${o}`);
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" || unknown) {
    const option = unknown?.[1] ?? "?";
    const name = option.split("=")[0]!;
    const hint = didYouMean(name, known) ||
      (name.startsWith("-") && !name.startsWith("--") ? "; options are spelled --name" : "");
    return new UsageError(`unknown option '${option}'${hint}`);
  }
  const missing = /^Option '(-\w, )?(--[\w-]+)(?: <value>)?' argument (?:missing|is ambiguous)/
    .exec(message);
  if (missing) {
    const value = args[args.indexOf(missing[2]!) + 1];
    return new UsageError(
      value !== undefined && value.startsWith("-")
        ? `${missing[2]} needs a value, got the option '${value}'; to pass a value ` +
          `starting with '-', write ${missing[2]}=${value}`
        : `${missing[2]} needs a value: ${missing[2]} VALUE`,
    );
  }
  const noValue = /^Option '(-\w, )?(--[\w-]+)' does not take an argument/.exec(message);
  if (noValue) return new UsageError(`${noValue[2]} takes no value; write ${noValue[2]} alone`);
  return new UsageError(`the command line is not understood: ${message.split(".")[0]}`);
}

async function run(args: string[], io: CliIo, state: RunState): Promise<number> {
  let parsed;
  try {
    parsed = parse(args);
  } catch (error) {
    throw optionError(error, args);
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.out(`owm ${VERSION}`);
    return ExitCode.Ok;
  }
  if (values["allow-link-local"]) Deno.env.set(ALLOW_LINK_LOCAL_ENV, "1");
  const global: GlobalOptions = { home: values.home, json: values.json, graph: values.graph };
  state.global = global;
  let [first, ...rest] = positionals;
  // `owm help <command>` is `owm <command> --help`.
  const helpFor = first === "help" && rest.length > 0;
  if (helpFor) [first, ...rest] = rest;
  const help = values.help || helpFor;
  if (first === undefined || (first === "help" && !helpFor)) {
    io.out(USAGE);
    return first === undefined && !values.help ? ExitCode.Usage : ExitCode.Ok;
  }
  let name = first;
  let commandArgs = rest;
  if (GROUPS.has(first)) {
    const subs = Object.keys(COMMANDS).filter((n) => n.startsWith(first + " ")).map((n) =>
      n.slice(first.length + 1)
    );
    if (rest[0] === undefined) {
      if (help) {
        const usages = subs.map((sub) => commandHelpText(`${first} ${sub}`, []).split("\n")[0]);
        io.out(usages.join("\n"));
        return ExitCode.Ok;
      }
      throw new UsageError(`${first} needs a subcommand: ${subs.join(", ")}`);
    }
    name = `${first} ${rest[0]}`;
    commandArgs = rest.slice(1);
    if (!COMMANDS[name]) {
      throw new UsageError(
        `unknown subcommand '${name}'${didYouMean(rest[0], subs, `${first} `)}: use ${
          subs.join(", ")
        }`,
      );
    }
  }
  const command = COMMANDS[name];
  if (!command) {
    throw new UsageError(
      `unknown command '${first}'${didYouMean(first, [...GROUPS, ...Object.keys(COMMANDS)])}`,
    );
  }
  state.command = name;
  if (help) {
    io.out(commandHelpText(name, command.options));
    return ExitCode.Ok;
  }
  for (const [option, value] of Object.entries(values)) {
    if (GLOBAL_OPTIONS.has(option) || value === undefined) continue;
    if (!command.options.includes(option as keyof typeof OPTIONS)) {
      throw new UsageError(
        `--${option} does not apply to '${name}'${
          didYouMean(option, command.options, "--")
        }; its options: ${command.options.map((o) => `--${o}`).join(", ") || "none"}`,
      );
    }
  }
  return await command.run(commandArgs, values, global, io);
}

/**
 * The names of every `owm` command (`fetch`, `source list`, …), in the order
 * `owm help` lists them; `owm <name> --help` explains each.
 *
 * @example
 * ```ts ignore
 * console.log(commandNames().includes("fetch")); // true
 * ```
 */
export function commandNames(): string[] {
  return Object.keys(COMMANDS);
}
