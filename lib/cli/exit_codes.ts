/**
 * The `owm` command's exit code for an error, looked up by the error's code
 * (`OwmError.code`, lib/errors/owm_error.ts) in one table: a wrong command line, a malformed
 * id or a setting that is not understood exits 2; every other failure 1.
 *
 * @module
 */
import { errorCode } from "../errors/owm_error.ts";
import { ExitCode } from "./io.ts";

/**
 * The exit code for each error code that is not a plain failure (exit 1):
 * `usage` (`UsageError`), `bad-id` (`IdentifierSyntaxError`), `bad-setting`
 * (`SettingError`, an environment variable or flag not understood).
 */
export const EXIT_CODE_BY_CODE: Readonly<Record<string, number>> = {
  usage: ExitCode.Usage,
  "bad-id": ExitCode.Usage,
  "bad-setting": ExitCode.Usage,
};

/**
 * The exit code for `error`: its code's in {@linkcode EXIT_CODE_BY_CODE},
 * else 1 (`ExitCode.Failed`).
 *
 * @example
 * ```ts
 * import { exitCodeOf } from "./exit_codes.ts";
 * import { UsageError } from "./io.ts";
 * console.log(exitCodeOf(new UsageError("unknown command 'x'"))); // 2
 * console.log(exitCodeOf(new Error("boom"))); // 1
 * ```
 */
export function exitCodeOf(error: unknown): number {
  const code = errorCode(error);
  return (code === undefined ? undefined : EXIT_CODE_BY_CODE[code]) ?? ExitCode.Failed;
}
