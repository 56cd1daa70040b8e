/**
 * kernel/http_errors.ts: a bug (TypeError, RangeError, ReferenceError, an
 * unknown error) is a 500 with a generic message and the request id, logged
 * once with the id and the stack; what a caller or the machine causes has its
 * own status and no log line.
 */
import { Hono } from "hono";
import { onError, requestId } from "../../kernel/http_errors.ts";
import { InvalidInputError } from "../../lib/errors/invalid_input.ts";
import { FieldError } from "../../lib/datasource/errors.ts";
import { RefusedUrlError } from "../../lib/torrent/url_policy.ts";
import { TorrentExistsError } from "../../lib/index/torrent_index.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";

/** An app whose one route throws what `make` makes. */
function appThrowing(make: () => unknown): Hono {
  const app = new Hono().use("*", requestId());
  app.get("/x", () => {
    throw make();
  });
  app.onError(onError);
  return app;
}

/** Runs `fn` with console.error captured; what it logged. */
async function logged<T>(fn: () => Promise<T>): Promise<{ value: T; lines: string[] }> {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  try {
    return { value: await fn(), lines };
  } finally {
    console.error = original;
  }
}

async function call(app: Hono) {
  const res = await app.request("/x");
  const body = await res.json() as { error: { code: string; message: string } };
  return { status: res.status, body, id: res.headers.get("x-request-id") };
}

Deno.test("a TypeError is a 500 with a generic message and the request id, logged once with the id and stack", async () => {
  const bugs: [string, () => Error][] = [
    ["TypeError", () => new TypeError("Cannot read properties of undefined (reading 'x')")],
    ["RangeError", () => new RangeError("Invalid array length")],
    ["ReferenceError", () => new ReferenceError("nothing is not defined")],
    ["SyntaxError", () => new SyntaxError("Unexpected token")],
    ["Error", () => new Error("something else")],
  ];
  for (const [name, make] of bugs) {
    const { value: answer, lines } = await logged(() => call(appThrowing(make)));
    assertEquals([answer.status, answer.body.error.code], [500, "internal"], name);
    assertMatch(answer.id ?? "", /^[0-9a-f-]{36}$/, name);
    assertStringIncludes(answer.body.error.message, answer.id!);
    assert(
      !answer.body.error.message.includes(make().message),
      `${name}: the detail stays in the log`,
    );
    assertEquals(lines.length, 1, `${name} is logged exactly once: ${lines.join("\n---\n")}`);
    assertStringIncludes(lines[0]!, answer.id!);
    assertStringIncludes(lines[0]!, `${name}: ${make().message}`);
    assert(lines[0]!.split("\n").some((l) => l.startsWith("    at ")), `${name}: with its stack`);
  }
});

Deno.test("a caller's or the machine's error has its own status, one line, and is not logged", async () => {
  const full = new Error("No space left on device (os error 28): write '/store/x'");
  const cases: [() => unknown, number, string][] = [
    [() => new InvalidInputError("Size 'x' is not a positive size"), 400, "bad-request"],
    [() => new FieldError("CSVDataSource has no field 'nope'"), 400, "bad-field"],
    [
      () => new RefusedUrlError("http://169.254.169.254/", "tracker", "link-local"),
      422,
      "refused-url",
    ],
    [
      () => new Deno.errors.PermissionDenied("Permission denied (os error 13)"),
      503,
      "permission-denied",
    ],
    [() => new Deno.errors.NotCapable('Requires read access to "/etc"'), 503, "not-permitted"],
    [() => full, 507, "disk-full"],
    // A body the client broke off, in both of Deno's wordings (the second found by fuzz:api).
    [
      () => new Deno.errors.BadResource("Cannot read body as underlying resource unavailable"),
      400,
      "body-incomplete",
    ],
    [
      () =>
        new Deno.errors.BadResource("Cannot read request body as underlying resource unavailable"),
      400,
      "body-incomplete",
    ],
    [
      () => new Error("wrapped", { cause: new Deno.errors.PermissionDenied("denied") }),
      503,
      "permission-denied",
    ],
  ];
  for (const [make, status, code] of cases) {
    const { value: answer, lines } = await logged(() => call(appThrowing(make)));
    assertEquals([answer.status, answer.body.error.code], [status, code], String(make()));
    assert(!answer.body.error.message.includes("\n"));
    assertMatch(answer.id ?? "", /^[0-9a-f-]{36}$/);
    assertEquals(lines, [], `${code} is not logged`);
  }
});

Deno.test("a torrent already in an index is 409 already-published, offering the replace option the API has", async () => {
  const make = () => new TorrentExistsError({ kind: "dir", location: "dir:/x" }, "a.torrent");
  const { value: answer, lines } = await logged(() => call(appThrowing(make)));
  assertEquals([answer.status, answer.body.error.code], [409, "already-published"]);
  assertStringIncludes(answer.body.error.message, '"a.torrent"');
  assertStringIncludes(answer.body.error.message, '"dir:/x"');
  assertStringIncludes(answer.body.error.message, '"replace": true');
  assertEquals(lines, []);
});
