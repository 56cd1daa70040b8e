/**
 * Help where people look, and errors in owm's own words (issue #13 points 3
 * and 5), through the real `owm` process: `owm <command> --help` for every
 * command (usage, each option explained with its default), did-you-mean for
 * commands, subcommands, options, ids and kinds, option errors that are not
 * Node's parser text, every cause of a multi-cause failure printed, and never
 * a stack on stderr.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";
import { owm, type Run } from "../_owm.ts";
import { commandNames } from "../../lib/cli/main.ts";

const SEED_ID = "ConnectomeCSVDataSource:2000_connections";

/** No stack trace line on stderr. */
function assertNoStack(run: Run): void {
  assert(!/^\s{4}at /m.test(run.stderr), `a stack trace on stderr:\n${run.stderr}`);
  assert(!run.stderr.includes("To specify a positional argument"), run.stderr);
}

async function withStore(fn: (home: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "owm-help-" });
  try {
    const home = join(dir, "s");
    const demo = await owm(["--home", home, "demo"]);
    assertEquals(demo.code, 0, demo.stderr);
    await fn(home);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("owm <command> --help explains every option of every command, with its default", async () => {
  const names = commandNames();
  assert(names.includes("fetch") && names.includes("source list"), names.join(", "));
  for (let i = 0; i < names.length; i += 4) {
    await Promise.all(
      names.slice(i, i + 4).map(async (name) => {
        const run = await owm([...name.split(" "), "--help"]);
        assertEquals(run.code, 0, `${name}: ${run.stderr}`);
        assertNoStack(run);
        assertStringIncludes(run.stdout, `Usage: deno task owm ${name}`, name);
        // Not the whole 70-line help.
        assert(!run.stdout.includes("Private swarms:"), `${name} printed the whole help`);
        // Every option line is followed by its explanation, which names a default
        // (or says the option is required).
        const lines = run.stdout.split("\n");
        for (let j = 0; j < lines.length; j++) {
          if (!/^ {2}--/.test(lines[j]!)) continue;
          const text = [];
          for (let k = j + 1; k < lines.length && /^ {6}\S/.test(lines[k]!); k++) {
            text.push(lines[k]);
          }
          assert(text.length > 0, `${name}: ${lines[j]} is not explained:\n${run.stdout}`);
          if (!/--help|--version/.test(lines[j]!)) {
            assertMatch(text.join(" "), /default|required/, `${name}: ${lines[j]}`);
          }
        }
      }),
    );
  }
  const fetch = await owm(["fetch", "--help"]);
  assertMatch(fetch.stdout, /--timeout S\n\s+give up when the whole download/);
  assertMatch(fetch.stdout, /--stall-timeout S\n\s+give up after S seconds without any progress/);
  // `owm help fetch` is the same text.
  assertEquals((await owm(["help", "fetch"])).stdout, fetch.stdout);
  const top = await owm(["--help"]);
  assertEquals(top.code, 0);
  assertStringIncludes(top.stdout, "Usage: deno task owm");
  assertStringIncludes(top.stdout, "Private swarms:");
});

Deno.test("did-you-mean for a command, a subcommand and an option, exit 2, no stack", async () => {
  const command = await owm(["fecth", "X:y"]);
  assertEquals(command.code, 2);
  assertNoStack(command);
  assertStringIncludes(command.stderr, "owm: unknown command 'fecth'; did you mean 'fetch'?");
  const sub = await owm(["source", "lsit"]);
  assertEquals(sub.code, 2);
  assertStringIncludes(sub.stderr, "did you mean 'source list'?");
  const option = await owm(["fetch", "X:y", "--timout", "3"]);
  assertEquals(option.code, 2);
  assertNoStack(option);
  assertStringIncludes(option.stderr, "owm: unknown option '--timout'; did you mean '--timeout'?");
  assertStringIncludes(option.stderr, "Run `deno task owm help` for usage.");
  const misplaced = await owm(["publish", "x", "--class", "C", "--key", "k", "--timeout", "3"]);
  assertEquals(misplaced.code, 2);
  assertStringIncludes(misplaced.stderr, "--timeout does not apply to 'publish'");
  assertStringIncludes(misplaced.stderr, "Run `deno task owm publish --help` for its options.");
});

Deno.test("option errors are told in owm's words, not Node's parser text", async () => {
  const missing = await owm(["fetch", "X:y", "--timeout"]);
  assertEquals(missing.code, 2);
  assertStringIncludes(missing.stderr, "owm: --timeout needs a value: --timeout VALUE");
  const dash = await owm(["fetch", "X:y", "--dir", "-x"]);
  assertEquals(dash.code, 2);
  assertStringIncludes(dash.stderr, "write --dir=-x");
  const flag = await owm(["fetch", "X:y", "--repair=yes"]);
  assertEquals(flag.code, 2);
  assertStringIncludes(flag.stderr, "owm: --repair takes no value");
  for (const run of [missing, dash, flag]) {
    assertNoStack(run);
    assert(!/Option '--/.test(run.stderr), run.stderr);
  }
});

Deno.test("did-you-mean for an id and a kind in the store", async () => {
  await withStore(async (home) => {
    const id = await owm(["--home", home, "source", "show", SEED_ID.toLowerCase()]);
    assertEquals(id.code, 1);
    assertNoStack(id);
    assertStringIncludes(id.stderr, `did you mean '${SEED_ID}'?`);
    const typo = await owm(["--home", home, "fetch", SEED_ID.replace("2000", "200"), "--offline"]);
    assertNoStack(typo);
    assertStringIncludes(typo.stderr, `did you mean '${SEED_ID}'?`);
    const kind = await owm(["--home", home, "source", "list", "--kind", "csvdatasource"]);
    assertEquals(kind.code, 1);
    assertNoStack(kind);
    assertStringIncludes(kind.stderr, "did you mean 'CSVDataSource'?");
  });
});

Deno.test("a failure with several causes prints every cause, one line each", async () => {
  await withStore(async (home) => {
    const run = await owm([
      "--home",
      home,
      "fetch",
      SEED_ID,
      "--index",
      join(home, "no-such-index").replace(/^/, "dir:"),
      "--index",
      join(home, "nor-this").replace(/^/, "dir:"),
    ]);
    assertEquals(run.code, 1, run.stderr);
    assertNoStack(run);
    const lines = run.stderr.trim().split("\n");
    assertMatch(lines[0]!, /^owm: .*2 of 2 torrent indexes failed/);
    assert(lines.some((l) => /^owm: +- .*no-such-index/.test(l)), run.stderr);
    assert(lines.some((l) => /^owm: +- .*nor-this/.test(l)), run.stderr);
  });
});

Deno.test("a store that is a file: one line saying the store must be a folder, no stack", async () => {
  const dir = await Deno.makeTempDir({ prefix: "owm-help-" });
  try {
    await Deno.writeTextFile(join(dir, "file"), "x");
    const run = await owm(["--home", join(dir, "file"), "source", "list"]);
    assertEquals(run.code, 1);
    assertNoStack(run);
    assertEquals(run.stderr.trim().split("\n").length, 1, run.stderr);
    assertStringIncludes(run.stderr, "owm: a path that should be a folder is a file");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
