/** `deno info --json` of an entry point of this repository, as tests/meta read it. */
import { fileURLToPath as fromFileUrl } from "node:url";
import { assert } from "../_assert.ts";

/** The repository's root. */
export const ROOT: URL = new URL("../../", import.meta.url);

/** What `deno info --json` tells of a module graph (the parts tests/meta read). */
export interface DenoInfo {
  /** Every module of the graph, dynamic imports included. */
  modules: { specifier: string }[];
  /** Every npm package of the graph, by `name@version`. */
  npmPackages: Record<string, { name: string; dependencies: string[] }>;
}

/** The module graph of `entry` (a path relative to the root), with the repository's config. */
export async function denoInfo(entry: string): Promise<DenoInfo> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", `--config=${fromFileUrl(new URL("deno.json", ROOT))}`, entry],
    cwd: fromFileUrl(ROOT),
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout)) as DenoInfo;
}
