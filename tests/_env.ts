/**
 * The environment of a command typed in a user's shell, for tests that spawn
 * the CLI: the test process's environment without `INIT_CWD`, which npx (that
 * may run this suite) sets to the project root and `deno task` keeps if it
 * inherits it. Use with `clearEnv: true`.
 *
 * @module
 */
import "./_cache_env.ts"; // a temporary shared cache, never the user's

/** This process's environment without INIT_CWD, plus `extra`. */
export function shellEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env = Deno.env.toObject();
  delete env.INIT_CWD;
  return { ...env, ...extra };
}
