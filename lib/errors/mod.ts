/**
 * The errors' base classes: `OwmError` (a stable kebab-case `code`), its
 * built-in families, and `InvalidInputError` for a caller's bad value.
 *
 * @example
 * ```ts ignore
 * import { errorCode, OwmError } from "owmeta-torrent/errors";
 * console.log(errorCode(new OwmError("x", { code: "demo" }))); // "demo"
 * ```
 *
 * @module
 */
export { InvalidInputError } from "./invalid_input.ts";
export {
  errorCode,
  OwmError,
  type OwmErrorOptions,
  OwmRangeError,
  OwmSyntaxError,
  OwmTypeError,
} from "./owm_error.ts";
