/**
 * scripts/integrity.ts (`deno task integrity <md5>.torrent <content>`): exit
 * codes and output, run as a separate process.
 */
import { shellEnv } from "../_env.ts";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";
import { VECTORS, withTempDir, writeTree } from "./_fixtures.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SCRIPT = join(ROOT, "scripts", "integrity.ts");

interface Run {
  code: number;
  out: string;
  err: string;
}

async function runScript(args: string[], cwd = ROOT): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", `--config=${join(ROOT, "deno.json")}`, SCRIPT, ...args],
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trim();
  return { code: out.code, out: text(out.stdout), err: text(out.stderr) };
}

Deno.test("scripts/integrity.ts exits 0 with a pass line when the MD5 matches the name", async () => {
  await withTempDir(async (dir) => {
    await writeTree(dir, { "abc.txt": "abc" });
    const result = await runScript([
      `${VECTORS.abc.md5.toUpperCase()}.torrent`,
      join(dir, "abc.txt"),
    ]);
    assertEquals(result.code, 0, result.err);
    assertMatch(result.out, new RegExp(`^ok: '.*abc\\.txt' matches ${VECTORS.abc.md5}\\.torrent`));
  });
});

Deno.test("scripts/integrity.ts exits 1 with a mismatch line naming expected and actual", async () => {
  await withTempDir(async (dir) => {
    await writeTree(dir, { "abc.txt": "abc", "folder/a": "abc" });
    const result = await runScript([`/x/${VECTORS.empty.md5}.torrent`, join(dir, "abc.txt")]);
    assertEquals(result.code, 1);
    assertStringIncludes(result.out, "MISMATCH");
    assertStringIncludes(result.out, `is ${VECTORS.abc.md5}, expected ${VECTORS.empty.md5}`);
    const folder = await runScript([`${VECTORS.abc.md5}.torrent`, join(dir, "folder")]);
    assertEquals(folder.code, 1);
    assertStringIncludes(folder.out, "md5 (folder digest of 1 file)");
  });
});

Deno.test("scripts/integrity.ts exits 1 when the content cannot be read", async () => {
  await withTempDir(async (dir) => {
    const result = await runScript([`${VECTORS.abc.md5}.torrent`, join(dir, "missing")]);
    assertEquals(result.code, 1);
    assertStringIncludes(result.err, "cannot check");
    assertEquals(result.out, "");
  });
});

Deno.test("scripts/integrity.ts exits 2 for wrong arguments or a name that is not <md5>.torrent", async () => {
  for (const args of [[], ["only-one"], ["a", "b", "c"]]) {
    const result = await runScript(args);
    assertEquals(result.code, 2, args.join(" "));
    assertStringIncludes(result.err, "Usage: deno task integrity <md5>.torrent");
  }
  const badName = await runScript(["dataset.torrent", SCRIPT]);
  assertEquals(badName.code, 2);
  assertStringIncludes(badName.err, "'dataset.torrent' is not named <md5>.torrent");
  const help = await runScript(["--help"]);
  assertEquals([help.code, help.out], [
    0,
    "Usage: deno task integrity <md5>.torrent <content file or folder>",
  ]);
});

Deno.test("deno task integrity takes a relative content path from the user's directory", async () => {
  await withTempDir(async (dir) => {
    await writeTree(dir, { "abc.txt": "abc" });
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "task",
        `--config=${join(ROOT, "deno.json")}`,
        "integrity",
        `${VECTORS.abc.md5}.torrent`,
        "abc.txt",
      ],
      cwd: dir,
      clearEnv: true,
      env: shellEnv({ NO_COLOR: "1" }),
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
    assertStringIncludes(stdout, `'abc.txt' matches ${VECTORS.abc.md5}.torrent`);
  });
});
