/**
 * The base class of every error owmeta-torrent throws on purpose.
 *
 * Each error has a stable, kebab-case {@linkcode OwmError.code} that programs
 * may test (`error.code === "not-found"`) instead of the class or the
 * message; the bridge's HTTP status (kernel/http_errors.ts) and the `owm`
 * command's exit code (lib/cli/exit_codes.ts) are looked up by that code,
 * each in one table. An error that is not an `OwmError` (a bare `TypeError`,
 * `RangeError`, …) is a bug in owmeta-torrent: the bridge answers it 500 with
 * a request id and logs it once.
 *
 * Errors that were a `TypeError`, `SyntaxError` or `RangeError` before there
 * was a base class (e.g. `InvalidInputError`, `BencodeError`) still are, so
 * that `catch` blocks testing for those keep working: they extend
 * {@linkcode OwmTypeError}, {@linkcode OwmSyntaxError} or
 * {@linkcode OwmRangeError}, which `instanceof OwmError` also recognises.
 *
 * @module
 */

/** Options of {@linkcode OwmError}: the `cause`, and a `code` other than the class's. */
export interface OwmErrorOptions extends ErrorOptions {
  /** The error's code (kebab-case); defaults to the class's {@linkcode OwmError.code}. */
  code?: string;
}

/**
 * An error owmeta-torrent throws on purpose, with a stable kebab-case `code`.
 * Subclasses set their code with a field (`override readonly code = "shelf-full"`)
 * or pass one in the options.
 *
 * @example Tell errors apart by code
 * ```ts
 * import { OwmError } from "./owm_error.ts";
 *
 * class ShelfFullError extends OwmError {
 *   override readonly code: string = "shelf-full";
 * }
 * try {
 *   throw new ShelfFullError("The shelf is full: take a book off first");
 * } catch (error) {
 *   if (error instanceof OwmError) console.log(error.code); // "shelf-full"
 * }
 * ```
 */
export class OwmError extends Error {
  /** The stable, kebab-case code of this error (e.g. `not-found`, `bad-torrent`). */
  readonly code: string;

  /**
   * Creates the error.
   *
   * @param message What went wrong and what to do, in one sentence.
   * @param options The `cause`, and a `code` (default `"error"`, or the subclass's).
   */
  constructor(message?: string, options: OwmErrorOptions = {}) {
    super(message, causeOnly(options));
    this.name = new.target.name;
    this.code = options.code ?? "error";
  }

  /**
   * `value instanceof OwmError` holds for every error of ours, including the
   * {@linkcode OwmTypeError}, {@linkcode OwmSyntaxError} and
   * {@linkcode OwmRangeError} families; for a subclass, `instanceof` is the
   * usual prototype test.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    return this === OwmError && typeof value === "object" && value !== null &&
      (value as Record<symbol, unknown>)[OWM_ERROR] === true;
  }
}

/** Marks the prototypes of the built-in-based families as errors of ours. */
const OWM_ERROR = Symbol("OwmError");

function causeOnly(options: OwmErrorOptions): ErrorOptions | undefined {
  return options.cause === undefined ? undefined : { cause: options.cause };
}

/**
 * An {@linkcode OwmError} that is also a `TypeError` (a caller's bad value:
 * `InvalidInputError`, `FieldError`, …).
 *
 * @example
 * ```ts
 * import { OwmError, OwmTypeError } from "./owm_error.ts";
 * const error = new OwmTypeError("Not a number: 'x'", { code: "bad-number" });
 * console.log(error instanceof TypeError, error instanceof OwmError, error.code); // true true "bad-number"
 * ```
 */
export class OwmTypeError extends TypeError {
  /** The stable, kebab-case code of this error. */
  readonly code: string;
  /**
   * Creates the error.
   *
   * @param message What is wrong and what to do, in one sentence.
   * @param options The `cause`, and a `code` (default `"error"`, or the subclass's).
   */
  constructor(message?: string, options: OwmErrorOptions = {}) {
    super(message, causeOnly(options));
    this.name = new.target.name;
    this.code = options.code ?? "error";
  }
}

/**
 * An {@linkcode OwmError} that is also a `SyntaxError` (text that does not
 * parse: an id, bencode, a magnet link, CSV, N-Quads).
 *
 * @example
 * ```ts
 * import { OwmError, OwmSyntaxError } from "./owm_error.ts";
 * const error = new OwmSyntaxError("Unclosed quote", { code: "bad-quote" });
 * console.log(error instanceof SyntaxError, error instanceof OwmError); // true true
 * ```
 */
export class OwmSyntaxError extends SyntaxError {
  /** The stable, kebab-case code of this error. */
  readonly code: string;
  /**
   * Creates the error.
   *
   * @param message What does not parse, where, and what to do.
   * @param options The `cause`, and a `code` (default `"error"`, or the subclass's).
   */
  constructor(message?: string, options: OwmErrorOptions = {}) {
    super(message, causeOnly(options));
    this.name = new.target.name;
    this.code = options.code ?? "error";
  }
}

/**
 * An {@linkcode OwmError} that is also a `RangeError` (a value past a limit).
 *
 * @example
 * ```ts
 * import { OwmError, OwmRangeError } from "./owm_error.ts";
 * const error = new OwmRangeError("More than 10 bytes", { code: "too-big" });
 * console.log(error instanceof RangeError, error instanceof OwmError); // true true
 * ```
 */
export class OwmRangeError extends RangeError {
  /** The stable, kebab-case code of this error. */
  readonly code: string;
  /**
   * Creates the error.
   *
   * @param message What is past which limit, and what to do.
   * @param options The `cause`, and a `code` (default `"error"`, or the subclass's).
   */
  constructor(message?: string, options: OwmErrorOptions = {}) {
    super(message, causeOnly(options));
    this.name = new.target.name;
    this.code = options.code ?? "error";
  }
}

for (const family of [OwmError, OwmTypeError, OwmSyntaxError, OwmRangeError]) {
  Object.defineProperty(family.prototype, OWM_ERROR, { value: true });
}

/**
 * The code of `error` when it is an {@linkcode OwmError}, otherwise undefined.
 *
 * @example
 * ```ts
 * import { errorCode, OwmError } from "./owm_error.ts";
 * console.log(errorCode(new OwmError("x", { code: "demo" }))); // "demo"
 * console.log(errorCode(new TypeError("x"))); // undefined
 * ```
 */
export function errorCode(error: unknown): string | undefined {
  return error instanceof OwmError ? error.code : undefined;
}
