/**
 * The project's own assert helpers refuse what would let a test pass
 * without proving anything: a Promise given to `assert()`, an
 * assertThrows/assertRejects without the expected error class, and an
 * AssertionError from inside the checked function taken as the expected error.
 */
import { assert, AssertionError, assertRejects, assertThrows } from "../_assert.ts";

/** The message of what `fn` throws (without the helpers under test). */
async function thrown(fn: () => unknown): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-Error: ${String(error)}`);
  }
  throw new Error("did not throw");
}

function same(actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(`got ${String(actual)}, expected ${String(expected)}`);
}

Deno.test("assert() refuses a Promise, resolved or not, with 'await it'", async () => {
  for (const value of [Promise.resolve(true), { then: () => {} }, new Promise(() => {})]) {
    const error = await thrown(() => assert(value as never));
    same(error instanceof AssertionError, true);
    same(error.message, "assert() got a Promise: await it");
  }
  assert(true);
  assert({ then: 1 }, "an object whose then is no function is a plain value");
  same((await thrown(() => assert(0, "zero"))).message, "zero");
});

Deno.test("assertThrows/assertRejects need the expected error class", async () => {
  const sync = await thrown(() =>
    assertThrows(
      (() => {
        throw new TypeError("x");
      }) as never,
      undefined as never,
    )
  );
  same(sync instanceof AssertionError, true);
  same(sync.message, "assertThrows/assertRejects need the expected error class");
  const async = await thrown(() =>
    assertRejects(() => Promise.reject(new TypeError("x")), undefined as never)
  );
  same(async.message, "assertThrows/assertRejects need the expected error class");
});

Deno.test("an AssertionError inside the checked function is the test's failure, not the expected error", async () => {
  const inner = new AssertionError("inner check failed");
  const sync = await thrown(() =>
    assertThrows(() => {
      throw inner;
    }, Error)
  );
  same(sync, inner);
  const async = await thrown(() => assertRejects(() => Promise.reject(inner), Error));
  same(async, inner);
  // Asked for explicitly, it is accepted.
  same(
    assertThrows(() => {
      throw inner;
    }, AssertionError),
    inner,
  );
  // The wrong class is reported, naming what was thrown.
  const wrong = await thrown(() =>
    assertRejects(() => Promise.reject(new TypeError("t")), RangeError)
  );
  assert(wrong.message.includes("Expected an error of class RangeError"), wrong.message);
});
