/**
 * Tiny assertion helpers for the tests (jsr:@std/assert is unreachable here).
 *
 * @module
 */
import { inspect, isDeepStrictEqual } from "node:util";

/** An assertion that did not hold. */
export class AssertionError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "AssertionError";
  }
}

function show(value: unknown): string {
  return inspect(value, { depth: 10, colors: false, sorted: true });
}

function isThenable(value: unknown): boolean {
  return (typeof value === "object" || typeof value === "function") && value !== null &&
    typeof (value as { then?: unknown }).then === "function";
}

/**
 * Asserts that `condition` is truthy. A Promise (any thenable) is refused:
 * it is always truthy, so `assert(somethingAsync())` would prove nothing.
 */
export function assert<T>(
  condition: T extends PromiseLike<unknown> ? never : T,
  message = "Expected a truthy value",
): asserts condition {
  if (isThenable(condition)) throw new AssertionError("assert() got a Promise: await it");
  if (!condition) throw new AssertionError(message);
}

/** Asserts deep strict equality (node:util isDeepStrictEqual). */
export function assertEquals<T>(actual: unknown, expected: T, message?: string): void {
  if (isDeepStrictEqual(actual, expected)) return;
  throw new AssertionError(
    `${message ? message + ": " : ""}values are not equal\n  actual:   ${
      show(actual)
    }\n  expected: ${show(expected)}`,
  );
}

/** Asserts that `actual` is not deeply equal to `expected`. */
export function assertNotEquals(actual: unknown, expected: unknown, message?: string): void {
  if (!isDeepStrictEqual(actual, expected)) return;
  throw new AssertionError(`${message ? message + ": " : ""}expected ${show(actual)} to differ`);
}

/** Asserts that `text` matches `pattern`. */
export function assertMatch(text: string, pattern: RegExp, message?: string): void {
  if (pattern.test(text)) return;
  throw new AssertionError(
    `${message ? message + ": " : ""}expected ${show(text)} to match ${pattern}`,
  );
}

/** Asserts that `text` contains `part`. */
export function assertStringIncludes(text: string, part: string, message?: string): void {
  if (text.includes(part)) return;
  throw new AssertionError(
    `${message ? message + ": " : ""}expected ${show(text)} to include ${show(part)}`,
  );
}

// deno-lint-ignore no-explicit-any
type ErrorClass<E extends Error> = abstract new (...args: any[]) => E;

function checkError<E extends Error>(
  error: unknown,
  ErrorClass: ErrorClass<E>,
  msgIncludes: string | undefined,
): E {
  if (typeof ErrorClass !== "function") {
    // Without a class, an AssertionError thrown inside would count as the expected error.
    throw new AssertionError("assertThrows/assertRejects need the expected error class");
  }
  if (error instanceof AssertionError && (ErrorClass as unknown) !== AssertionError) {
    throw error; // an assertion inside failed: that is the test's failure, not the expected error
  }
  if (!(error instanceof ErrorClass)) {
    throw new AssertionError(
      `Expected an error of class ${ErrorClass.name}, got ${show(error)}`,
    );
  }
  if (msgIncludes !== undefined) {
    const message = error instanceof Error ? error.message : String(error);
    if (!message.includes(msgIncludes)) {
      throw new AssertionError(
        `Expected the error message to include ${show(msgIncludes)}, got ${show(message)}`,
      );
    }
  }
  return error as E;
}

/**
 * Asserts that `fn` throws an instance of `ErrorClass` (required: without it
 * an AssertionError thrown inside would pass), whose message includes
 * `msgIncludes`.
 */
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  ErrorClass: ErrorClass<E>,
  msgIncludes?: string,
): E {
  try {
    fn();
  } catch (error) {
    return checkError(error, ErrorClass, msgIncludes);
  }
  throw new AssertionError("Expected the function to throw");
}

/**
 * Asserts that `fn` rejects with an instance of `ErrorClass` (required:
 * without it an AssertionError thrown inside would pass), whose message
 * includes `msgIncludes`.
 */
export async function assertRejects<E extends Error = Error>(
  fn: () => PromiseLike<unknown>,
  ErrorClass: ErrorClass<E>,
  msgIncludes?: string,
): Promise<E> {
  try {
    await fn();
  } catch (error) {
    return checkError(error, ErrorClass, msgIncludes);
  }
  throw new AssertionError("Expected the promise to reject");
}
