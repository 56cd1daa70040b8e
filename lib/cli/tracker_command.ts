/**
 * `owm tracker`: runs a private-swarm tracker until interrupted.
 *
 * @module
 */
import { graphAllowlist } from "../tracker/graph_allowlist.ts";
import { startTracker } from "../tracker/tracker.ts";
import { type CliIo, UsageError } from "./io.ts";
import { type GlobalOptions, openRepository } from "./store_commands.ts";
import { intOption } from "./transfer_context.ts";

/** Options of `owm tracker`. */
export interface TrackerCommandOptions {
  /** `--hostname H`. */
  hostname?: string | undefined;
  /** `--port N` (HTTP; also UDP unless `--udp-port`). */
  port?: string | undefined;
  /** `--udp-port N`. */
  "udp-port"?: string | undefined;
  /** `--allow-graph`: serve only the infohashes of the store's DataSources. */
  "allow-graph"?: boolean | undefined;
}

/**
 * `owm tracker [--hostname H] [--port N] [--udp-port N] [--allow-graph]
 * [--json]`: prints the announce URLs (or a JSON object) and runs until
 * SIGINT or SIGTERM.
 */
export async function trackerCommand(
  args: string[],
  options: TrackerCommandOptions,
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  if (args.length > 0) throw new UsageError(`tracker takes no arguments, got '${args[0]}'`);
  const httpPort = intOption("port", options.port) ?? 6969;
  const udpPort = intOption("udp-port", options["udp-port"]) ?? httpPort;
  const repo = options["allow-graph"] ? await openRepository(global, io) : undefined;
  const tracker = await startTracker({
    hostname: options.hostname ?? "127.0.0.1",
    httpPort,
    udpPort,
    ...(repo ? { allowlist: graphAllowlist(repo) } : {}),
  });
  let stop!: (name: string) => void;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const onInt = () => stop("SIGINT");
  const onTerm = () => stop("SIGTERM");
  Deno.addSignalListener("SIGINT", onInt);
  Deno.addSignalListener("SIGTERM", onTerm);
  try {
    if (global.json) {
      io.out(JSON.stringify({
        http: tracker.httpUrl,
        udp: tracker.udpUrl,
        allowlist: repo ? "graph" : null,
      }));
    } else {
      io.out(tracker.httpUrl);
      io.out(tracker.udpUrl);
      io.err(
        `owm: tracker running${
          repo ? " for the DataSources in the graph" : ""
        }; press Ctrl-C to stop`,
      );
    }
    const signal = await stopped;
    io.err(`owm: ${signal}: stopping the tracker`);
    return 0;
  } finally {
    Deno.removeSignalListener("SIGINT", onInt);
    Deno.removeSignalListener("SIGTERM", onTerm);
    await tracker.close();
  }
}
