/**
 * The safe zip extractor on real archives: hostile ones written byte by byte
 * (`_zip_writer.ts`) and ones made by the `zip` tool's format via yazl. Every
 * refusal names the entry at fault and leaves nothing beside the destination.
 */
import { join } from "node:path";
import { extractZip, type ZipLimits, ZipRefusedError } from "../../lib/archive/zip_extract.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_assert.ts";
import { list, withTempDir } from "./_fixtures.ts";
import { makeZip, type ZipEntrySpec } from "./_zip_writer.ts";

const MIB = 1024 * 1024;
const LIMITS: ZipLimits = { maxEntries: 100, maxExpandedBytes: 4 * MIB, maxRatio: 100 };

/** Writes `entries` as `in.zip` in `dir`, extracts it to `dir/out` expecting a refusal. */
async function refusedIn(
  dir: string,
  entries: ZipEntrySpec[] | Uint8Array,
  code: ZipRefusedError["code"],
  includes: string,
  limits: ZipLimits = LIMITS,
): Promise<ZipRefusedError> {
  const zip = join(dir, "in.zip");
  await Deno.writeFile(zip, entries instanceof Uint8Array ? entries : makeZip(entries));
  const error = await assertRejects(
    () => extractZip(zip, join(dir, "out"), limits, { emptyFolders: true }),
    ZipRefusedError,
  );
  assertEquals(error.code, code, error.message);
  assertStringIncludes(error.message, includes);
  assertEquals(await list(dir), ["in.zip"], "nothing is left beside the zip");
  return error;
}

Deno.test("extractZip() writes files, parent folders and (when asked) empty folders", async () => {
  await withTempDir(async (dir) => {
    const zip = join(dir, "good.zip");
    await Deno.writeFile(
      zip,
      makeZip([
        { name: "tables/" },
        { name: "tables/neurons.csv", data: "name\nAVAL\n".repeat(100), deflate: true },
        { name: "empty/" },
        { name: "deep/er/" },
        { name: "zero.txt", data: "" },
        { name: "ünïcødé/名前.txt", data: "名前" },
      ]),
    );
    const plain = await extractZip(zip, join(dir, "plain"), LIMITS);
    assertEquals(plain.files, ["tables/neurons.csv", "zero.txt", "ünïcødé/名前.txt"]);
    assertEquals(await list(join(dir, "plain")), ["tables", "zero.txt", "ünïcødé"]);
    assertEquals(plain.bytes, 1000 + 6);

    const all = await extractZip(zip, join(dir, "all"), LIMITS, { emptyFolders: true });
    assertEquals(all.folders, ["deep", "deep/er", "empty", "tables", "ünïcødé"]);
    assertEquals(await list(join(dir, "all")), ["deep", "empty", "tables", "zero.txt", "ünïcødé"]);
    assertEquals(await list(join(dir, "all", "deep", "er")), []);
    assertEquals(await Deno.readTextFile(join(dir, "all", "ünïcødé", "名前.txt")), "名前");
    assertEquals((await Deno.stat(join(dir, "all", "zero.txt"))).size, 0);
    assertEquals(
      (await list(dir)).filter((n) => n.startsWith(".")),
      [],
      "no staging folder remains",
    );
  });
});

Deno.test("extractZip() refuses a zip with no files unless allowEmpty", async () => {
  await withTempDir(async (dir) => {
    const zip = join(dir, "in.zip");
    await Deno.writeFile(zip, makeZip([{ name: "only/" }]));
    await assertRejects(() => extractZip(zip, join(dir, "a"), LIMITS), ZipRefusedError, "no files");
    const got = await extractZip(zip, join(dir, "b"), LIMITS, {
      allowEmpty: true,
      emptyFolders: true,
    });
    assertEquals(got.files, []);
    assertEquals(await list(join(dir, "b")), ["only"]);
  });
});

Deno.test("extractZip() refuses hostile entries by name, writing nothing", async (t) => {
  await withTempDir(async (dir) => {
    await t.step("zip slip with '..'", async () => {
      const error = await refusedIn(
        dir,
        [{ name: "ok.csv", data: "a" }, { name: "sub/../../x", data: "pwned" }],
        "zip-unsafe",
        `"sub/../../x"`,
      );
      assertEquals(error.entry, "sub/../../x");
    });
    await t.step("an absolute path", async () => {
      await refusedIn(dir, [{ name: "/etc/owm-evil", data: "x" }], "zip-unsafe", `"/etc/owm-evil"`);
    });
    await t.step("a drive-letter path", async () => {
      await refusedIn(dir, [{ name: "C:/evil", data: "x" }], "zip-unsafe", `"C:/evil"`);
    });
    await t.step("a symlink entry", async () => {
      const error = await refusedIn(
        dir,
        [{ name: "a.txt", data: "a" }, { name: "link", data: "/etc/passwd", mode: 0o120777 }],
        "zip-unsafe",
        `"link" is a symlink`,
      );
      assertEquals(error.entry, "link");
    });
    await t.step("a FIFO entry", async () => {
      await refusedIn(dir, [{ name: "pipe", mode: 0o010644 }], "zip-unsafe", `"pipe" is a special`);
    });
    await t.step("a duplicate name (after './' and sanitising)", async () => {
      await refusedIn(
        dir,
        [{ name: "a.csv", data: "1" }, { name: "./a.csv", data: "2" }],
        "zip-unsafe",
        `"./a.csv" appears twice`,
      );
      await refusedIn(
        dir,
        [{ name: "x?y", data: "1" }, { name: "x_y", data: "2" }],
        "zip-unsafe",
        `"x_y" appears twice`,
      );
    });
    await t.step("a name that is both a file and a folder", async () => {
      await refusedIn(
        dir,
        [{ name: "x", data: "1" }, { name: "x/y", data: "2" }],
        "zip-unsafe",
        `"x" is both a file and a folder`,
      );
    });
    await t.step("an encrypted entry", async () => {
      await refusedIn(
        dir,
        [{ name: "secret.csv", data: "xxxxxxxxxxxxyy", deflate: true, encrypted: true }],
        "bad-zip",
        `"secret.csv" is encrypted`,
      );
    });
    await t.step("zip bomb by ratio", async () => {
      await refusedIn(
        dir,
        [{ name: "zeros.bin", data: new Uint8Array(2 * MIB), deflate: true }],
        "zip-too-large",
        `"zeros.bin" expands`,
      );
    });
    await t.step("zip bomb by declared size", async () => {
      await refusedIn(
        dir,
        [{ name: "small.csv", data: "a" }, {
          name: "huge.bin",
          data: "b",
          deflate: true,
          declaredSize: 2 ** 31,
        }],
        "zip-too-large",
        `"huge.bin" takes the zip past ${4 * MIB} expanded bytes`,
      );
    });
    await t.step("too many entries", async () => {
      await refusedIn(
        dir,
        Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, data: "x" })),
        "zip-too-large",
        "5 entries: at most 4",
        { ...LIMITS, maxEntries: 4 },
      );
    });
    await t.step("an entry expanding past its declared size", async () => {
      await refusedIn(
        dir,
        [{ name: "liar.csv", data: "a".repeat(5000), deflate: true, declaredSize: 10 }],
        "bad-zip",
        `"liar.csv" expands past its declared size of 10 bytes`,
      );
    });
    await t.step("a damaged entry (CRC) after a good one leaves no partial folder", async () => {
      await refusedIn(
        dir,
        [
          { name: "good.csv", data: "fine\n".repeat(1000), deflate: true },
          { name: "bad.csv", data: "damaged", declaredCrc: 12345 },
        ],
        "bad-zip",
        `"bad.csv" fails its CRC-32`,
      );
    });
    await t.step("a backslash name (yauzl's own check) is named", async () => {
      const bytes = makeZip([{ name: "..\\..\\evil", data: "x" }]);
      await refusedIn(dir, bytes, "zip-unsafe", `"../../evil"`);
    });
    await t.step("a file that is not a zip", async () => {
      await refusedIn(
        dir,
        new TextEncoder().encode("not a zip at all"),
        "bad-zip",
        "not a readable zip",
      );
    });
    await t.step("a truncated zip", async () => {
      const whole = makeZip([{ name: "a.csv", data: "a,b\n1,2\n".repeat(100) }]);
      await refusedIn(dir, whole.subarray(0, whole.length - 30), "bad-zip", "not a readable zip");
    });
  });
});

Deno.test("extractZip() stops on abort and leaves nothing", async () => {
  await withTempDir(async (dir) => {
    const zip = join(dir, "in.zip");
    await Deno.writeFile(zip, makeZip([{ name: "a.csv", data: "a" }]));
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await assertRejects(
      () => extractZip(zip, join(dir, "out"), LIMITS, { signal: controller.signal }),
      Error,
      "stop",
    );
    assertEquals(await list(dir), ["in.zip"]);
  });
});

Deno.test("extractZip() leaves an existing non-empty destination alone", async () => {
  await withTempDir(async (dir) => {
    const zip = join(dir, "in.zip");
    await Deno.writeFile(zip, makeZip([{ name: "a.csv", data: "new" }]));
    await Deno.mkdir(join(dir, "out"));
    await Deno.writeTextFile(join(dir, "out", "keep.txt"), "old");
    const error = await assertRejects(
      () => extractZip(zip, join(dir, "out"), LIMITS),
      Error, // node:fs's rename(): ENOTEMPTY
      "ENOTEMPTY",
    );
    assert(!(error instanceof ZipRefusedError), "not the zip's fault");
    assertEquals(await list(join(dir, "out")), ["keep.txt"]);
    assertEquals(await list(dir), ["in.zip", "out"]);
  });
});
