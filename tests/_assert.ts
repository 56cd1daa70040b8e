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

/** Asserts that `condition` is truthy. */
export function assert(condition: unknown, message = "Expected a truthy value"): asserts condition {
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
  ErrorClass: ErrorClass<E> | undefined,
  msgIncludes: string | undefined,
): E {
  if (ErrorClass && !(error instanceof ErrorClass)) {
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

/** Asserts that `fn` throws (an instance of `ErrorClass`, whose message includes `msgIncludes`). */
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  ErrorClass?: ErrorClass<E>,
  msgIncludes?: string,
): E {
  try {
    fn();
  } catch (error) {
    return checkError(error, ErrorClass, msgIncludes);
  }
  throw new AssertionError("Expected the function to throw");
}

/** Asserts that `fn` rejects (an instance of `ErrorClass`, whose message includes `msgIncludes`). */
export async function assertRejects<E extends Error = Error>(
  fn: () => PromiseLike<unknown>,
  ErrorClass?: ErrorClass<E>,
  msgIncludes?: string,
): Promise<E> {
  try {
    await fn();
  } catch (error) {
    return checkError(error, ErrorClass, msgIncludes);
  }
  throw new AssertionError("Expected the promise to reject");
}
