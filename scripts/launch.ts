/**
 * `deno task start` and `deno task owm`: runs the bridge (`bridge`) or the
 * `owm` command (`owm`) with the permissions it needs and no prompt. See
 * lib/runtime/launch.ts.
 *
 * Usage: `deno run --no-prompt --allow-run --allow-read --allow-env scripts/launch.ts bridge|owm [args…]`
 *
 * `OWM_PERMISSION_PROBE` (test only): a JSON array of paths the launched
 * program tries to read at start, reporting `permission probe: denied PATH`
 * or `readable PATH` on stderr.
 *
 * @module
 */
import { UnlistablePathError } from "../lib/runtime/errors.ts";
import { launch, PROBE_VARIABLE } from "../lib/runtime/launch.ts";
import { processEnv } from "../lib/settings/env.ts";

if (import.meta.main) {
  const [program, ...args] = Deno.args;
  if (program !== "bridge" && program !== "owm") {
    console.error(`launch: the first argument is 'bridge' or 'owm', got '${program ?? ""}'`);
    Deno.exit(2);
  }
  let probe: string[] = [];
  try {
    const parsed: unknown = JSON.parse(processEnv(PROBE_VARIABLE) ?? "[]");
    probe = Array.isArray(parsed) ? parsed.filter((p) => typeof p === "string") : [];
  } catch {
    console.error(`launch: ${PROBE_VARIABLE} is a JSON array of paths`);
    Deno.exit(2);
  }
  try {
    Deno.exit(await launch(program, args, { probe }));
  } catch (error) {
    if (!(error instanceof UnlistablePathError)) throw error;
    console.error(`launch: ${error.message}`);
    Deno.exit(1);
  }
}
