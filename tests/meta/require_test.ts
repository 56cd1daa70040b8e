/**
 * The detection of optional programs (tests/_require.ts) that `deno task
 * test` relies on to pass on a fresh machine: with Chromium, Jupyter and the
 * BitTorrent clients hidden from PATH (an empty PATH), the tests that need
 * them are ignored, each program's absence said in one line naming the Debian
 * packages; with OWM_TEST_REQUIRE_ALL=1 (as .ci/run sets) the same tests fail.
 * Real `deno test` processes on the real test files.
 */
import { join } from "node:path";
import { shellEnv } from "../_env.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertStringIncludes,
  assertThrows,
} from "../_assert.ts";
import {
  findProgram,
  MissingRequirementError,
  requireAll,
  requireProgram,
  requirePrograms,
} from "../_require.ts";
import { withTempDir } from "../torrent/_fixtures.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const OPTIONAL = [
  "tests/e2e/notebooks_test.ts",
  "tests/e2e/upload_page_test.ts",
  "tests/interop/aria2_test.ts",
  "tests/interop/qbittorrent_test.ts",
  "tests/interop/transmission_test.ts",
];
/** The tests that run the programs (the notebooks' static checks need none). */
const FILTER = "/ipynb: |upload page: |interop: /";

async function denoTest(path: string, requireAll: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "test",
      "--allow-all",
      "--no-check",
      `--config=${join(ROOT, "deno.json")}`,
      `--filter=${FILTER}`,
      ...OPTIONAL.map((f) => join(ROOT, f)),
    ],
    cwd: ROOT,
    clearEnv: true,
    env: shellEnv({ NO_COLOR: "1", PATH: path, OWM_TEST_REQUIRE_ALL: requireAll }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  const summary = /^(ok|FAILED) \| (\d+) passed.*?\| (\d+) failed(?: \| (\d+) ignored)?/m.exec(
    text,
  );
  assert(summary, `no summary line in:\n${text}`);
  return {
    code: out.code,
    text,
    passed: Number(summary[2]),
    failed: Number(summary[3]),
    ignored: Number(summary[4] ?? 0),
  };
}

Deno.test("with Chromium, Jupyter and the BitTorrent clients off PATH, their tests are skipped, saying what to install; with OWM_TEST_REQUIRE_ALL=1 they fail", async () => {
  await withTempDir(async (empty) => {
    for (const program of ["chromium", "jupyter", "aria2c", "qbittorrent-nox"]) {
      assertEquals(findProgram(program, empty), undefined, `${program} is hidden`);
    }
    const skipped = await denoTest(empty, "");
    assertEquals(skipped.code, 0, skipped.text);
    assertEquals([skipped.passed, skipped.failed], [0, 0], skipped.text);
    assert(skipped.ignored >= 16, `${skipped.ignored} ignored:\n${skipped.text}`);
    const lines = skipped.text.split("\n").filter((l) => l.startsWith("SKIPPING "));
    assertEquals(lines.length, 5, `one line per program:\n${lines.join("\n")}`);
    for (
      const expected of [
        /the notebook tests needs 'jupyter' on PATH.*apt-get install .*jupyter-core jupyter-client jupyter-nbconvert python3-nbclient python3-nbformat/,
        /the upload page test needs 'chromium' on PATH.*apt-get install .*chromium/,
        /the aria2 interop tests needs 'aria2c' on PATH.*apt-get install .*aria2\b/,
        /the qBittorrent interop tests needs 'qbittorrent-nox' on PATH.*qbittorrent-nox/,
        /the Transmission interop tests needs 'transmission-daemon' and 'transmission-show' on PATH.*transmission-daemon transmission-cli/,
      ]
    ) {
      assert(lines.some((l) => expected.test(l)), `no line matching ${expected}:\n${lines}`);
    }

    const strict = await denoTest(empty, "1");
    assertEquals(strict.code, 1, strict.text);
    assertEquals([strict.passed, strict.ignored], [0, 0], strict.text);
    assertEquals(strict.failed, skipped.ignored, "every skipped test fails instead");
    assertStringIncludes(strict.text, "MissingRequirementError");
    assertMatch(strict.text, /needs 'chromium' on PATH.*OWM_TEST_REQUIRE_ALL is set: not skipped/);
    assertEquals(strict.text.includes("SKIPPING "), false, "nothing is skipped in CI");
  });
});

Deno.test("requireProgram() finds executables on the PATH it is given, and fails only under OWM_TEST_REQUIRE_ALL", async () => {
  await withTempDir(async (dir) => {
    const tool = join(dir, "owm-test-tool");
    await Deno.writeTextFile(tool, "#!/bin/sh\n");
    await Deno.chmod(tool, 0o644);
    assertEquals(findProgram("owm-test-tool", dir), undefined, "not executable: not a program");
    await Deno.chmod(tool, 0o755);
    assertEquals(findProgram("owm-test-tool", `/nonexistent:${dir}`), tool);
    assertEquals(findProgram(tool, ""), tool, "an absolute path is taken as it is");

    const found = requireProgram("owm-test-tool", { env: { PATH: dir } });
    assertEquals([found.ignore, found.missing, found.reason, found.path], [false, false, "", tool]);
    found.check();

    const env = { PATH: join(dir, "none") };
    const missing = requireProgram("owm-test-tool", { env, debian: ["a", "b"], what: "x" });
    assertEquals([missing.ignore, missing.missing, missing.path], [true, true, undefined]);
    assertEquals(
      missing.reason,
      "x needs 'owm-test-tool' on PATH, which is missing: install the Debian packages " +
        "(apt-get install -y --no-install-recommends a b)",
    );
    const strict = requirePrograms(["owm-test-tool", "sh"], {
      env: { ...env, OWM_TEST_REQUIRE_ALL: "1" },
    });
    assertEquals([strict.ignore, strict.missing], [false, true]);
    assertStringIncludes(strict.reason, "'owm-test-tool' and 'sh' on PATH");
    assertThrows(() => strict.check(), MissingRequirementError, "OWM_TEST_REQUIRE_ALL is set");
    assertEquals([requireAll({ OWM_TEST_REQUIRE_ALL: "1" }), requireAll({})], [true, false]);
  });
});
