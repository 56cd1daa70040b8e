/**
 * The launcher's errors.
 *
 * @module
 */
import { OwmError } from "../errors/owm_error.ts";

/**
 * A path the launched program needs cannot be given to Deno: `--allow-read`
 * and `--allow-write` take comma-separated lists, with no way to name a path
 * that contains a comma.
 *
 * @example
 * ```ts
 * import { UnlistablePathError } from "./errors.ts";
 * const error = new UnlistablePathError("/data/a,b");
 * console.log(error.message);
 * ```
 */
export class UnlistablePathError extends OwmError {
  /** The error's code: `unlistable-path`. */
  override readonly code: string = "unlistable-path";
  /** The path. */
  readonly path: string;

  /** @param path The path with a comma. */
  constructor(path: string) {
    super(
      `The path '${path}' contains a comma, which Deno's --allow-read/--allow-write lists cannot name: rename it (or its folder), or run the program with deno run and your own permissions`,
    );
    this.name = "UnlistablePathError";
    this.path = path;
  }
}
