/**
 * Runs one of the browser drivers (`_upload_page_driver.ts`,
 * `_bridge_page_driver.ts`, `_notebook_tables_driver.ts`) in its own Deno
 * process, with the Chromium to use, and returns the report it prints last.
 *
 * @module
 */
import { join } from "node:path";
import { shellEnv } from "../_env.ts";
import { assertEquals } from "../_assert.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const decoder = new TextDecoder();

/** Runs `tests/e2e/<driver>` with `input` plus `chromium`; its last stdout line, parsed. */
export async function runBrowserDriver<R>(
  driver: string,
  input: object,
  chromium: string | undefined,
): Promise<R> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-all",
      `--config=${join(ROOT, "deno.json")}`,
      join(ROOT, "tests/e2e", driver),
      JSON.stringify({ ...input, chromium }),
    ],
    clearEnv: true,
    env: shellEnv({ NO_COLOR: "1" }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = decoder.decode(out.stdout);
  assertEquals(out.code, 0, `the browser driver failed:\n${decoder.decode(out.stderr)}${stdout}`);
  return JSON.parse(stdout.trim().split("\n").pop()!);
}
