/**
 * `owm demo`: saves the seed's example data module into the store and shows
 * one of its DataSources (`owm save` then `owm source show`).
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import type { CliIo } from "./io.ts";
import { showCommand } from "./source_commands.ts";
import { type GlobalOptions, saveCommand } from "./store_commands.ts";

/** `owm demo`: saves the seed's example module into the store and shows it. */
export async function demoCommand(global: GlobalOptions, io: CliIo): Promise<number> {
  const example = fileURLToPath(new URL("../../examples/connectome.ts", import.meta.url));
  io.err(`owm: saving the example data module ${example}`);
  await saveCommand([example], {}, { ...global, json: false }, {
    out: (text) => io.out(`saved ${text}`),
    err: io.err,
  });
  io.out("");
  return await showCommand(["ConnectomeCSVDataSource:2000_connections"], global, io);
}
