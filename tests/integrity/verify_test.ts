/**
 * verify, assertVerified, IntegrityError and parseHexDigest.
 */
import { join } from "node:path";
import { folderDigest } from "../../lib/integrity/content_digest.ts";
import {
  assertVerified,
  IntegrityError,
  parseHexDigest,
  type PiecesResult,
  verify,
} from "../../lib/integrity/verify.ts";
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "../_assert.ts";
import { VECTORS, withTempDir, writeTree } from "./_fixtures.ts";

Deno.test("verify() passes when every recorded value matches, hex in any case", async () => {
  await withTempDir(async (dir) => {
    await writeTree(dir, { abc: "abc" });
    const target = join(dir, "abc");
    const report = await verify(target, {
      md5: VECTORS.abc.md5.toUpperCase(),
      sha256: VECTORS.abc.sha256,
      sha512: VECTORS.abc.sha512,
      legacyTorrentName: `${VECTORS.abc.md5.toUpperCase()}.torrent`,
    });
    assertEquals(report, {
      ok: true,
      target,
      checks: [
        { kind: "md5", expected: VECTORS.abc.md5, actual: VECTORS.abc.md5, ok: true },
        { kind: "sha256", expected: VECTORS.abc.sha256, actual: VECTORS.abc.sha256, ok: true },
        { kind: "sha512", expected: VECTORS.abc.sha512, actual: VECTORS.abc.sha512, ok: true },
        { kind: "legacy-md5", expected: VECTORS.abc.md5, actual: VECTORS.abc.md5, ok: true },
      ],
    });
    assertVerified(report);
  });
});

Deno.test("verify() checks only what is recorded, and reports a mismatch", async () => {
  await withTempDir(async (dir) => {
    await writeTree(dir, { abc: "abc" });
    const target = join(dir, "abc");
    const report = await verify(target, {
      sha256: VECTORS.empty.sha256,
      legacyTorrentName: `${VECTORS.abc.md5}.torrent`,
    });
    assertEquals(report.ok, false);
    assertEquals(report.checks.map((c) => [c.kind, c.ok]), [["sha256", false], [
      "legacy-md5",
      true,
    ]]);
    assertEquals(report.checks[0]!.expected, VECTORS.empty.sha256);
    assertEquals(report.checks[0]!.actual, VECTORS.abc.sha256);
    const error = assertThrows(() => assertVerified(report), IntegrityError, "failed 1 of 2");
    assertEquals([error.kind, error.expected, error.actual, error.target], [
      "sha256",
      VECTORS.empty.sha256,
      VECTORS.abc.sha256,
      target,
    ]);
    assertEquals(error.report, report);
    assertStringIncludes(error.message, "fetch it again");
  });
});

Deno.test("verify() with nothing recorded gives a report that is not ok", async () => {
  await withTempDir(async (dir) => {
    await writeTree(dir, { abc: "abc" });
    const report = await verify(join(dir, "abc"), { md5: undefined });
    assertEquals(report, { ok: false, target: join(dir, "abc"), checks: [] });
    const error = assertThrows(() => assertVerified(report), IntegrityError, "Nothing recorded");
    assertEquals([error.kind, error.expected, error.actual], [undefined, undefined, undefined]);
  });
});

Deno.test("verify() refuses malformed expected values before reading anything", async () => {
  const missing = "/nonexistent/owm-verify-test";
  await assertRejects(() => verify(missing, { md5: "abc" }), TypeError, "3 characters long");
  await assertRejects(
    () => verify(missing, { sha256: "z".repeat(64) }),
    TypeError,
    "not hexadecimal",
  );
  await assertRejects(
    () => verify(missing, { sha512: VECTORS.abc.sha256 }),
    TypeError,
    "SHA-512 digest is 128 hexadecimal digits",
  );
  await assertRejects(() => verify(missing, { md5: "" }), TypeError, "0 characters long");
  await assertRejects(
    () => verify(missing, { legacyTorrentName: "dataset.torrent" }),
    TypeError,
    "not a legacy '<md5>.torrent' name",
  );
  await assertRejects(() => verify(missing, { md5: VECTORS.abc.md5 }), Deno.errors.NotFound);
});

Deno.test("verify() of a folder compares the owm folder digest and says so", async () => {
  await withTempDir(async (dir) => {
    await writeTree(dir, { "c/a": "abc", "c/b/c": "" });
    const { digests } = await folderDigest(join(dir, "c"), ["md5", "sha256"]);
    const report = await verify(join(dir, "c"), {
      sha256: digests.sha256,
      legacyTorrentName: `${digests.md5}.torrent`,
    });
    assert(report.ok);
    assertEquals(report.checks.map((c) => c.detail), [
      "folder digest of 2 files",
      "folder digest of 2 files",
    ]);
  });
});

Deno.test("verify() runs the supplied piece-hash check on the target", async () => {
  await withTempDir(async (dir) => {
    await writeTree(dir, { abc: "abc" });
    const target = join(dir, "abc");
    const seen: string[] = [];
    const pieces = (result: PiecesResult) => (path: string) => {
      seen.push(path);
      return Promise.resolve(result);
    };
    const good = await verify(target, {
      pieces: pieces({ ok: true, piecesBad: [], piecesTotal: 4 }),
    });
    assertEquals(good, {
      ok: true,
      target,
      checks: [{ kind: "pieces", expected: "4/4 pieces", actual: "4/4 pieces", ok: true }],
    });
    const bad = await verify(target, {
      md5: VECTORS.abc.md5,
      pieces: pieces({ ok: false, piecesBad: [1, 3], piecesTotal: 4 }),
    });
    assertEquals(bad.ok, false);
    assertEquals(bad.checks[1], {
      kind: "pieces",
      expected: "4/4 pieces",
      actual: "2/4 pieces",
      ok: false,
      detail: "bad pieces: 1, 3",
    });
    assertEquals(seen, [target, target]);
  });
});

Deno.test("parseHexDigest() lower-cases a valid digest", () => {
  assertEquals(parseHexDigest("md5", VECTORS.empty.md5.toUpperCase()), VECTORS.empty.md5);
  assertThrows(() => parseHexDigest("md5", VECTORS.empty.md5 + " "), TypeError, "33 characters");
});
