/**
 * lib/errors/owm_error.ts: every error class of ours is an `OwmError` with a
 * kebab-case code (checked over every module under lib/ and kernel/), the
 * built-in families keep `instanceof TypeError`/`SyntaxError`/`RangeError`,
 * and the bridge's status table and the CLI's exit-code table are keyed by
 * those codes.
 */
import { join, relative } from "node:path";
import { HTTP_STATUS_BY_CODE } from "../../kernel/http_errors.ts";
import { EXIT_CODE_BY_CODE, exitCodeOf } from "../../lib/cli/exit_codes.ts";
import { UsageError } from "../../lib/cli/io.ts";
import { IdentifierSyntaxError } from "../../lib/datasource/errors.ts";
import { InvalidInputError } from "../../lib/errors/invalid_input.ts";
import {
  errorCode,
  OwmError,
  OwmRangeError,
  OwmSyntaxError,
  OwmTypeError,
} from "../../lib/errors/owm_error.ts";
import { LockFileError, NotLockableError } from "../../lib/lock/errors.ts";
import { BencodeError } from "../../lib/torrent/bencode.ts";
import { assert, assertEquals, assertMatch } from "../_assert.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Every `.ts` file under `dir` (relative to the project root). */
async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(join(ROOT, dir))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory && entry.name !== "page") out.push(...await sources(path));
    else if (entry.isFile && entry.name.endsWith(".ts")) out.push(path);
  }
  return out.sort();
}

Deno.test("every exported error class under lib/ and kernel/ is an OwmError", async () => {
  const classes: string[] = [];
  for (const file of [...await sources("lib"), ...await sources("kernel")]) {
    const module = await import(join(ROOT, file)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (typeof value !== "function" || !(value.prototype instanceof Error)) continue;
      classes.push(name);
      assert(
        Object.create(value.prototype) instanceof OwmError,
        `${relative(ROOT, join(ROOT, file))}: ${name} does not extend OwmError (or a family of it)`,
      );
    }
  }
  // The scan found the classes (it is not vacuous).
  for (const name of ["InvalidInputError", "MetainfoError", "TorrentError", "UsageError"]) {
    assert(classes.includes(name), `${name} was scanned`);
  }
});

Deno.test("every error code set in a class is kebab-case", async () => {
  const codes = new Map<string, string>();
  for (const file of [...await sources("lib"), ...await sources("kernel")]) {
    const text = await Deno.readTextFile(join(ROOT, file));
    // A class's own code, and the codes passed where an error is made.
    for (const match of text.matchAll(/readonly code(?:: string)? = "([^"]*)"/g)) {
      codes.set(match[1]!, file);
    }
    for (const match of text.matchAll(/(?:Error\(|super\()[^;]{0,400}?\bcode: "([^"]*)"/g)) {
      codes.set(match[1]!, file);
    }
  }
  assert(codes.size > 40, `found ${codes.size} codes`);
  for (const [code, file] of codes) assert(KEBAB.test(code), `${file}: code "${code}"`);
  for (const code of Object.keys(HTTP_STATUS_BY_CODE)) assertMatch(code, KEBAB);
  for (const code of Object.keys(EXIT_CODE_BY_CODE)) assertMatch(code, KEBAB);
});

Deno.test("the built-in families are both their built-in class and OwmError", () => {
  const input = new InvalidInputError("Piece count 0 is not positive", { code: "bad-pieces" });
  assert(input instanceof TypeError && input instanceof OwmError);
  assertEquals([input.code, input.status, input.name], ["bad-pieces", 400, "InvalidInputError"]);
  const bencode = new BencodeError("truncated", 3);
  assert(bencode instanceof SyntaxError && bencode instanceof OwmError);
  assertEquals(errorCode(bencode), "bencode");
  assert(
    new OwmRangeError("x") instanceof RangeError && new OwmRangeError("x") instanceof OwmError,
  );
  assert(new OwmSyntaxError("x") instanceof OwmError && new OwmTypeError("x") instanceof OwmError);
  // A bug is not an error of ours.
  for (
    const bug of [new TypeError("x"), new SyntaxError("x"), new RangeError("x"), new Error("x")]
  ) {
    assert(!(bug instanceof OwmError), bug.name);
    assertEquals(errorCode(bug), undefined);
  }
  // For subclasses, instanceof is the usual prototype test.
  const lock = new LockFileError("/x/owm.lock", "not JSON");
  assert(lock instanceof LockFileError && !(lock instanceof NotLockableError));
  assertEquals(lock.code, "bad-lock");
  assertEquals(new OwmError("x", { code: "demo" }).code, "demo");
  assertEquals(new OwmError("x").code, "error");
});

Deno.test("exit codes come from the table by code: usage, bad id and bad setting are 2, others 1", () => {
  assertEquals(exitCodeOf(new UsageError("unknown command 'x'")), 2);
  assertEquals(exitCodeOf(new IdentifierSyntaxError("x:", "empty key")), 2);
  assertEquals(exitCodeOf(new InvalidInputError("x", { code: "bad-setting" })), 2);
  assertEquals(exitCodeOf(new LockFileError("/x/owm.lock", "not JSON")), 1);
  assertEquals(exitCodeOf(new TypeError("bug")), 1);
  assertEquals(exitCodeOf("not an error"), 1);
});
