/**
 * The arguments of `deno` that run a program as users run it, through the
 * permission launcher (`deno task owm|start` → scripts/launch.ts → the
 * program with its computed permissions), for benchmarks that measure whole
 * process trees.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** `deno` arguments for `launch.ts <program> …args` (`owm` or `bridge`). */
export function launcherArgs(program: "owm" | "bridge", ...args: string[]): string[] {
  return [
    "run",
    "--no-prompt",
    "--allow-run",
    "--allow-read",
    "--allow-env",
    `--config=${root}deno.json`,
    `${root}scripts/launch.ts`,
    program,
    ...args,
  ];
}
