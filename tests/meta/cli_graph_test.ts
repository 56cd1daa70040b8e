/**
 * The `owm` command's module graph never reaches the bridge's server
 * (kernel/): Deno resolves every literal import before a program starts,
 * dynamic ones too, and the server's graph (Hono, zod, the SPARQL engine)
 * cost each `owm` command about 110 ms when lib/bridge/start.ts imported it.
 * The SDK's entry points provide the in-process bridge instead.
 */
import { assert } from "../_assert.ts";
import { denoInfo, ROOT } from "./_deno_info.ts";

async function graphOf(entry: string): Promise<string[]> {
  return (await denoInfo(entry)).modules.map((m) => m.specifier);
}

Deno.test("the owm command's module graph (dynamic imports included) holds nothing of kernel/", async () => {
  const kernel = new URL("kernel/", ROOT).href;
  const cli = await graphOf("scripts/owm.ts");
  assert(cli.length > 20, `the graph was read (${cli.length} modules)`);
  const reached = cli.filter((s) => s.startsWith(kernel));
  assert(reached.length === 0, `owm reaches ${reached.join(", ")}`);
  // The SDK does reach it: Bridge.connect() can start a bridge in-process.
  const sdk = await graphOf("mod.ts");
  assert(sdk.some((s) => s === new URL("kernel/in_process.ts", ROOT).href));
});
