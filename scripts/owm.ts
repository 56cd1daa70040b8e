/**
 * The `owm` command: `deno task owm <command>`. See lib/cli/main.ts.
 *
 * @module
 */
import { main } from "../lib/cli/main.ts";

if (import.meta.main) Deno.exit(await main(Deno.args));
