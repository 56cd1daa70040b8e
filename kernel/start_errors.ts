/**
 * What `deno task start` prints when the bridge cannot start or run: one line
 * per cause saying what is wrong and what to do, never a stack (unless
 * `OWM_DEBUG=1`, for a bug).
 *
 * @module
 */
import { closest } from "../lib/cli/did_you_mean.ts";
import { OwmError } from "../lib/errors/owm_error.ts";
import { SERVER_USAGE } from "./server_usage.ts";

/** The options `deno task start` takes, as its help lists them. */
function serverOptions(): string[] {
  return [...new Set(SERVER_USAGE.match(/--[a-z][a-z-]*/g) ?? [])];
}

/**
 * The line for a port the bridge could not bind: says whether an
 * owmeta-torrent bridge answers there (with its URL), else another program.
 *
 * @example
 * ```ts ignore
 * console.error(await portInUseLine("127.0.0.1", 8484));
 * ```
 */
export async function portInUseLine(hostname: string, port: number): Promise<string> {
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  const url = `http://${host}:${port}`;
  let bridge = false;
  try {
    const res = await fetch(`${url}/openapi.json`, { signal: AbortSignal.timeout(1500) });
    const doc = await res.json() as { info?: { title?: string } };
    bridge = doc?.info?.title === "owmeta-torrent bridge";
  } catch {
    // Not HTTP, or not ours.
  }
  const todo = `stop it, or start this one with --port N (--port 0: any free port)`;
  return bridge
    ? `bridge: port ${port} is in use by another owmeta-torrent bridge at ${url} ` +
      `(serving another store; its <store>/bridge.json names its pid): ${todo}`
    : `bridge: port ${port} on ${hostname} is in use by another program: ${todo}`;
}

/** An error node:util's parseArgs throws for a command line it does not take. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}

/**
 * The lines `deno task start` prints for `error` and the exit code: 2 for a
 * command line it does not take, else 1.
 *
 * @example
 * ```ts
 * import { startErrorReport } from "./start_errors.ts";
 * const report = startErrorReport(new Deno.errors.PermissionDenied("open '/s/graph.nq'"));
 * console.log(report.exit); // 1
 * ```
 */
export function startErrorReport(error: unknown): { lines: string[]; exit: number } {
  if (!(error instanceof Error)) {
    return { lines: [`bridge: unexpected error: ${String(error)}`], exit: 1 };
  }
  const [first = "", ...rest] = error.message.split("\n");
  const causes = rest.map((l) => l.trim()).filter((l) => l !== "").map((l) => `bridge:   ${l}`);
  if (isParseArgsError(error)) {
    const option = /^(?:Unknown option|Option) '([^' ]+)/.exec(first)?.[1];
    if (/^Unknown option/.test(first) && option) {
      const match = closest(option.split("=")[0]!, serverOptions());
      return {
        lines: [
          `bridge: unknown option '${option}'${match ? `; did you mean '${match}'?` : ""}` +
          "; `deno task start --help` lists the options",
        ],
        exit: 2,
      };
    }
    if (/argument (missing|is ambiguous)/.test(first) && option) {
      return { lines: [`bridge: ${option} needs a value: ${option} VALUE`], exit: 2 };
    }
    if (/does not take an argument/.test(first) && option) {
      return { lines: [`bridge: ${option} takes no value`], exit: 2 };
    }
    return { lines: [`bridge: the command line is not understood: ${first}`], exit: 2 };
  }
  if (error instanceof Deno.errors.NotCapable) {
    return { lines: [`bridge: not permitted: ${first}`, ...causes], exit: 1 };
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return {
      lines: [
        `bridge: the system refused access: ${first}; check the store's permissions (--home)`,
      ],
      exit: 1,
    };
  }
  const code = (error as { code?: unknown }).code;
  if (code === "ENOSPC" || code === "EDQUOT" || /\(os error (28|122)\)/.test(first)) {
    return {
      lines: [`bridge: the disk is full: ${first}; free some space and start again`],
      exit: 1,
    };
  }
  if (error instanceof Deno.errors.NotADirectory) {
    return {
      lines: [
        `bridge: a path that should be a folder is a file: ${first}; the store (--home, ` +
        `OWM_HOME) must be a folder`,
      ],
      exit: 1,
    };
  }
  if (/^Invalid port/.test(first)) {
    return { lines: [`bridge: ${first}: use --port 0 to 65535 (0: any free port)`], exit: 2 };
  }
  if (error instanceof Deno.errors.AddrNotAvailable) {
    return {
      lines: [`bridge: cannot listen there: ${first}; check --hostname (default 127.0.0.1)`],
      exit: 1,
    };
  }
  if (error instanceof OwmError) return { lines: [`bridge: ${first}`, ...causes], exit: 1 };
  return {
    lines: [`bridge: unexpected error (a bug; OWM_DEBUG=1 prints its stack): ${first}`, ...causes],
    exit: 1,
  };
}
