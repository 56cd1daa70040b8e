/**
 * The base class of errors a caller causes: a bad argument, option, flag or
 * request field. The bridge answers them with a 4xx status and the CLI prints
 * them as one line; a plain `TypeError` or `RangeError` is left to mean a bug
 * in owmeta-torrent (a 500 with a request id).
 *
 * @module
 */
import { OwmTypeError } from "./owm_error.ts";

/**
 * A value given by a caller (an argument, a flag, a request field) that is
 * not acceptable. It is an `OwmError` (with a `code`) and, so that code
 * catching a `TypeError` for bad arguments still catches it, a `TypeError`;
 * its class and code tell it apart from a bug (a bare `TypeError`). The
 * bridge answers it with the 4xx `status` it carries.
 *
 * @example
 * ```ts
 * import { InvalidInputError } from "./invalid_input.ts";
 *
 * function pieces(n: number): number {
 *   if (!Number.isInteger(n) || n < 1) {
 *     throw new InvalidInputError(`Piece count ${n} is not a positive whole number`);
 *   }
 *   return n;
 * }
 * try {
 *   pieces(0);
 * } catch (error) {
 *   console.log(error instanceof InvalidInputError && error.status); // 400
 * }
 * ```
 */
export class InvalidInputError extends OwmTypeError {
  /** The HTTP status the bridge answers with. */
  readonly status: 400 | 403 | 404 | 409 | 413 | 422;
  /** The error's code, also the code in the bridge's answer. */
  declare readonly code: string;
  /**
   * Creates the error.
   *
   * @param message What is wrong and what to do, in one sentence.
   * @param options `status` (default 400), `code` (default `"bad-request"`) and `cause`.
   */
  constructor(
    message: string,
    options: ErrorOptions & { status?: InvalidInputError["status"]; code?: string } = {},
  ) {
    super(message, {
      code: options.code ?? "bad-request",
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.name = "InvalidInputError";
    this.status = options.status ?? 400;
  }
}
