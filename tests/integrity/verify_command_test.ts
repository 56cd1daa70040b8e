/**
 * verifyCommand: `owm verify <id|path>` exit codes and output.
 */
import { join } from "node:path";
import { verifyCommand, type VerifyCommandOptions } from "../../lib/cli/verify_command.ts";
import { UsageError } from "../../lib/cli/io.ts";
import { DataSourceNotFoundError, DataSourceRepository, LocalFileDataSource } from "../../mod.ts";
import { folderDigest } from "../../lib/integrity/content_digest.ts";
import { assertEquals, assertMatch, assertRejects, assertStringIncludes } from "../_assert.ts";
import {
  digestOf,
  makeTorrent,
  pseudoRandomBytes,
  VECTORS,
  withTempDir,
  writeTree,
} from "./_fixtures.ts";

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(
  args: string[],
  options: VerifyCommandOptions,
  global: { home?: string; json?: boolean } = {},
): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await verifyCommand(
    args,
    options,
    { home: global.home, json: global.json ?? false },
    { out: (text) => out.push(text), err: (text) => err.push(text) },
  );
  return { code, out: out.join("\n"), err: err.join("\n") };
}

Deno.test("verifyCommand() on a path passes with matching hashes: exit 0, a line per check", async () => {
  await withTempDir(async (dir) => {
    await writeTree(dir, { abc: "abc" });
    const path = join(dir, "abc");
    const result = await run([path], {
      md5: VECTORS.abc.md5.toUpperCase(),
      sha256: VECTORS.abc.sha256,
    });
    assertEquals(result, {
      code: 0,
      out: [
        `ok   md5        ${VECTORS.abc.md5}`,
        `ok   sha256     ${VECTORS.abc.sha256}`,
        `verified '${path}': 2 of 2 checks passed`,
      ].join("\n"),
      err: "",
    });
  });
});

Deno.test("verifyCommand() on a path reports a mismatch: exit 1, expected and got", async () => {
  await withTempDir(async (dir) => {
    await writeTree(dir, { abc: "abc" });
    const result = await run([join(dir, "abc")], {
      md5: VECTORS.abc.md5,
      sha256: VECTORS.empty.sha256,
    });
    assertEquals(result.code, 1);
    const lines = result.out.split("\n");
    assertEquals(
      lines[1],
      `FAIL sha256     expected ${VECTORS.empty.sha256} got ${VECTORS.abc.sha256}`,
    );
    assertMatch(lines[2]!, /^NOT VERIFIED '.*': 1 of 2 checks failed; .*fetch it again$/);
  });
});

Deno.test("verifyCommand() --json prints the report", async () => {
  await withTempDir(async (dir) => {
    await writeTree(dir, { "folder/a": "abc" });
    const target = join(dir, "folder");
    const { digests } = await folderDigest(target, ["sha512"]);
    const result = await run([target], { sha512: digests.sha512 }, { json: true });
    assertEquals(result.code, 0);
    assertEquals(JSON.parse(result.out), {
      ok: true,
      target,
      checks: [{
        kind: "sha512",
        expected: digests.sha512,
        actual: digests.sha512,
        ok: true,
        detail: "folder digest of 1 file",
      }],
    });
  });
});

Deno.test("verifyCommand() --torrent checks the legacy name and the piece hashes", async () => {
  await withTempDir(async (dir) => {
    const bytes = pseudoRandomBytes(50_000, 5);
    await writeTree(dir, { "content/worm.zip": bytes });
    const md5 = (await folderDigest(join(dir, "content"), ["md5"])).digests.md5; // wrong on purpose
    const torrent = join(dir, `${md5}.torrent`);
    await Deno.writeFile(torrent, makeTorrent("worm.zip", { "worm.zip": bytes }));
    const path = join(dir, "content", "worm.zip");
    const result = await run([path], { torrent });
    assertEquals(result.code, 1);
    const lines = result.out.split("\n");
    assertMatch(lines[0]!, new RegExp(`^FAIL legacy-md5 expected ${md5} got [0-9a-f]{32}$`));
    assertEquals(lines[1], "ok   pieces     4/4 pieces");

    // Named after the file's own MD5, the torrent passes both checks.
    const fileMd5 = digestOf("md5", bytes);
    await Deno.rename(torrent, join(dir, `${fileMd5}.torrent`));
    const pass = await run([path], { torrent: join(dir, `${fileMd5}.torrent`) });
    assertEquals(pass.code, 0, pass.out);
    assertEquals(pass.out.split("\n").at(-1), `verified '${path}': 2 of 2 checks passed`);

    const corrupt = bytes.slice();
    corrupt[40_000] = corrupt[40_000]! ^ 1;
    await Deno.writeFile(path, corrupt);
    const fail = await run([path], { torrent: join(dir, `${fileMd5}.torrent`) });
    assertEquals(fail.code, 1);
    assertStringIncludes(
      fail.out,
      "FAIL pieces     expected 4/4 pieces got 3/4 pieces (bad pieces: 2)",
    );
  });
});

Deno.test("verifyCommand() refuses a torrent that names its content differently, or is malformed", async () => {
  await withTempDir(async (dir) => {
    await writeTree(dir, { "mine.bin": "abc", "bad.torrent": "not bencode" });
    await Deno.writeFile(
      join(dir, "t.torrent"),
      makeTorrent("theirs.bin", { "theirs.bin": "abc" }),
    );
    await assertRejects(
      () => run([join(dir, "mine.bin")], { torrent: join(dir, "t.torrent") }),
      UsageError,
      "give the path ending in 'theirs.bin'",
    );
    const malformed = await run([join(dir, "mine.bin")], { torrent: join(dir, "bad.torrent") });
    assertEquals(malformed.code, 1);
    assertStringIncludes(malformed.err, "cannot use --torrent");
    await assertRejects(
      () => run([join(dir, "mine.bin")], { torrent: join(dir, "missing.torrent") }),
      UsageError,
      "no such file",
    );
  });
});

Deno.test("verifyCommand() usage errors: nothing to check, bad hex, wrong arguments", async () => {
  await withTempDir(async (dir) => {
    await writeTree(dir, { abc: "abc" });
    const path = join(dir, "abc");
    await assertRejects(() => run([path], {}), UsageError, "needs something to check against");
    await assertRejects(() => run([path], { md5: "xyz" }), UsageError, "--md5: Expected md5 'xyz'");
    await assertRejects(() => run([], {}), UsageError, "needs an id or a path");
    await assertRejects(() => run([path, path], { md5: VECTORS.abc.md5 }), UsageError, "got 2");
    await assertRejects(
      () => run([path], { md5: VECTORS.abc.md5, content: path }),
      UsageError,
      "--content applies to a data source id",
    );
    await assertRejects(
      () => run([join(dir, "nope")], { md5: VECTORS.abc.md5 }),
      UsageError,
      "No file or folder",
    );
  });
});

async function withStore(fn: (home: string, dir: string) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const home = join(dir, "store");
    const repo = await DataSourceRepository.open({ home, create: true });
    await repo.save([
      new LocalFileDataSource({
        key: "worm",
        sha256: VECTORS.abc.sha256,
        torrentFileName: `${VECTORS.abc.md5}.torrent`,
      }),
      new LocalFileDataSource({ key: "bare", fileName: "x" }),
    ]);
    await fn(home, dir);
  });
}

Deno.test("verifyCommand() on an id checks the recorded hashes against --content", async () => {
  await withStore(async (home, dir) => {
    await writeTree(dir, { abc: "abc", other: "abd" });
    const pass = await run(["LocalFileDataSource:worm"], { content: join(dir, "abc") }, { home });
    assertEquals(pass.code, 0, pass.out);
    assertEquals(pass.out.split("\n"), [
      `ok   sha256     ${VECTORS.abc.sha256}`,
      `ok   legacy-md5 ${VECTORS.abc.md5}`,
      `verified '${join(dir, "abc")}': 2 of 2 checks passed`,
    ]);
    const fail = await run(["LocalFileDataSource:worm"], { content: join(dir, "other") }, { home });
    assertEquals(fail.code, 1);
    assertStringIncludes(fail.out, "2 of 2 checks failed");
  });
});

Deno.test("verifyCommand() on an id with nothing recorded fails: exit 1", async () => {
  await withStore(async (home, dir) => {
    await writeTree(dir, { abc: "abc" });
    const text = await run(["LocalFileDataSource:bare"], { content: join(dir, "abc") }, { home });
    assertEquals(text.code, 1);
    assertStringIncludes(text.out, "nothing recorded to check");
    const json = await run(["LocalFileDataSource:bare"], { content: join(dir, "abc") }, {
      home,
      json: true,
    });
    assertEquals([json.code, JSON.parse(json.out).checks], [1, []]);
    assertStringIncludes(json.err, "nothing recorded to check");
  });
});

Deno.test("verifyCommand() on an id: not fetched here, hashes refused, unknown id, missing content", async () => {
  await withStore(async (home, dir) => {
    const unfetched = await run(["LocalFileDataSource:worm"], {}, { home });
    assertEquals(unfetched.code, 1);
    assertStringIncludes(unfetched.err, "has not been fetched or published here");
    assertStringIncludes(unfetched.err, "--content PATH");
    await assertRejects(
      () => run(["LocalFileDataSource:worm"], { md5: VECTORS.abc.md5, content: dir }, { home }),
      UsageError,
      "apply to a path",
    );
    await assertRejects(
      () => run(["LocalFileDataSource:nobody"], { content: dir }, { home }),
      DataSourceNotFoundError,
    );
    const missing = await run(["LocalFileDataSource:worm"], { content: join(dir, "gone") }, {
      home,
    });
    assertEquals(missing.code, 1);
    assertStringIncludes(missing.err, "cannot verify");
  });
});

Deno.test("verifyCommand() takes a relative path from the user's directory (INIT_CWD)", async () => {
  await withTempDir(async (dir) => {
    await writeTree(dir, { "owm-init-cwd-test.txt": "abc" });
    const before = Deno.env.get("INIT_CWD");
    Deno.env.set("INIT_CWD", dir);
    try {
      const result = await run(["owm-init-cwd-test.txt"], { md5: VECTORS.abc.md5 });
      assertEquals(result.code, 0);
      assertStringIncludes(result.out, `verified '${join(dir, "owm-init-cwd-test.txt")}'`);
    } finally {
      if (before === undefined) Deno.env.delete("INIT_CWD");
      else Deno.env.set("INIT_CWD", before);
    }
  });
});
