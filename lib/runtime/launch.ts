/**
 * The launcher: runs the bridge or `owm` in a child Deno with only the
 * permissions it needs (`permissions.ts`) and `--no-prompt`, so nothing ever
 * asks, at a terminal or not. It forwards SIGINT and SIGTERM to the child,
 * leaves it the terminal (stdio inherited), and exits with its exit code. The
 * launcher only computes flags and starts the child: it reads no data.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { childPermissions, permissionFlags, type Program } from "./permissions.ts";

/** The project's folder (where deno.json is). */
export const PROJECT_DIR: string = fileURLToPath(new URL("../../", import.meta.url)).replace(
  /[\\/]$/,
  "",
);

const ENTRIES: Record<Program, string> = {
  bridge: "kernel/server.ts",
  owm: "scripts/owm.ts",
};

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** The test-only variable naming the paths a launched program tries to read at start. */
export const PROBE_VARIABLE = "OWM_PERMISSION_PROBE";

/** Options of {@linkcode childCommand}. */
export interface ChildCommandOptions {
  /**
   * Test only: paths the child tries to read when it starts (preloaded
   * `permission_probe.ts`), printing `permission probe: denied PATH` or
   * `permission probe: readable PATH` on stderr.
   */
  probe?: readonly string[];
}

/**
 * The `deno` arguments that run `program` with `args` under least privilege.
 *
 * @example
 * ```ts
 * import { childCommand } from "./launch.ts";
 * console.log(childCommand("owm", ["source", "list"]).join(" "));
 * // run --no-prompt --allow-net --allow-read=… --allow-write=… --allow-env=… --preload … scripts/owm.ts source list
 * ```
 *
 * @param program `bridge` or `owm`.
 * @param args The program's arguments.
 * @returns The arguments after `deno`.
 */
export function childCommand(
  program: Program,
  args: readonly string[],
  options: ChildCommandOptions = {},
): string[] {
  const permissions = childPermissions(program, args, PROJECT_DIR);
  if (options.probe?.length) permissions.env.push(PROBE_VARIABLE);
  const flags = permissionFlags(permissions);
  const preload = (name: string) => ["--preload", `${PROJECT_DIR}/lib/runtime/${name}`];
  return [
    "run",
    ...flags,
    ...preload("env_view.ts"),
    ...(options.probe?.length ? preload("permission_probe.ts") : []),
    `${PROJECT_DIR}/${ENTRIES[program]}`,
    ...args,
  ];
}

/**
 * Runs `program` with `args` in a child Deno (see {@linkcode childCommand})
 * and resolves with its exit code (128 + the signal number when a signal
 * ended it).
 *
 * @example
 * ```ts ignore
 * Deno.exit(await launch("bridge", ["--port", "0"]));
 * ```
 */
export async function launch(
  program: Program,
  args: readonly string[],
  options: ChildCommandOptions = {},
): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: childCommand(program, args, options),
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
    env: {
      WS_NO_BUFFER_UTIL: "1",
      ...(options.probe?.length ? { [PROBE_VARIABLE]: JSON.stringify(options.probe) } : {}),
    },
  }).spawn();
  const forwarders = SIGNALS.map((signal) => {
    const forward = () => {
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
    };
    Deno.addSignalListener(signal, forward);
    return () => Deno.removeSignalListener(signal, forward);
  });
  const status = await child.status;
  for (const remove of forwarders) remove();
  return status.code; // 128 + the signal number when a signal ended it
}
