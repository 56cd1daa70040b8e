/**
 * The `zip-to-directory` translator called directly with real DataSources,
 * real zips (good ones made by createZip, hostile ones written byte by byte)
 * and a repository on a temporary store. Every refusal is a TranslationError
 * naming the entry, with the ZipRefusedError as its cause, and leaves the
 * output directory empty.
 */
import { join } from "node:path";
import { createZip } from "../../lib/archive/zip_create.ts";
import { ZipRefusedError } from "../../lib/archive/zip_extract.ts";
import { LocalFileDataSource } from "../../lib/datasource/local_file_data_source.ts";
import { DataSourceRepository } from "../../lib/datasource/repository.ts";
import { digestContent } from "../../lib/integrity/content_digest.ts";
import type { TranslationContext, TranslationInput } from "../../lib/translate/translator.ts";
import { TranslationError } from "../../lib/translate/translator.ts";
import { zipFolderName, zipToDirectory } from "../../lib/translate/zip_to_directory.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_assert.ts";
import { list, makeTree, withTempDir } from "../archive/_fixtures.ts";
import { makeZip, type ZipEntrySpec } from "../archive/_zip_writer.ts";

const MIB = 1024 * 1024;

/** A zip DataSource loaded in `<root>/in/`, a fresh empty output folder, and a context. */
async function setUp(root: string, fileName: string, bytes?: Uint8Array) {
  const directory = join(root, "in");
  await Deno.mkdir(directory, { recursive: true });
  if (bytes) await Deno.writeFile(join(directory, fileName), bytes);
  const source = new LocalFileDataSource({ key: "raw", fileName });
  const input: TranslationInput = { source, directory, contentPath: join(directory, fileName) };
  const outputDir = await Deno.makeTempDir({ dir: root, prefix: "out-" });
  const repository = await DataSourceRepository.open({ home: join(root, "store"), create: true });
  const context = (options: Record<string, string> = {}): TranslationContext => ({
    repository,
    outputKey: "raw-unzipped",
    outputIdentifier: new LocalFileDataSource({ key: "raw-unzipped" }).identifier,
    options,
  });
  return { input, outputDir, context };
}

async function refused(
  entries: ZipEntrySpec[] | Uint8Array,
  includes: string,
  code: ZipRefusedError["code"],
  options: Record<string, string> = {},
): Promise<void> {
  await withTempDir(async (root) => {
    const bytes = entries instanceof Uint8Array ? entries : makeZip(entries);
    const { input, outputDir, context } = await setUp(root, "hostile.zip", bytes);
    const error = await assertRejects(
      () => zipToDirectory.translate([input], outputDir, context(options)),
      TranslationError,
    );
    assertEquals(error.translator, "zip-to-directory");
    assertStringIncludes(error.message, "hostile.zip");
    assertStringIncludes(error.message, includes);
    assert(error.cause instanceof ZipRefusedError, "the ZipRefusedError is the cause");
    assertEquals(error.cause.code, code, error.message);
    assertEquals(await list(outputDir), [], "nothing is left in the output directory");
  });
}

Deno.test("zip-to-directory extracts a good zip into <name>/ with the source folder's digest", async () => {
  await withTempDir(async (root) => {
    await makeTree(join(root, "tree"));
    await createZip(join(root, "tree"), join(root, "connectome.zip"));
    const { input, outputDir, context } = await setUp(
      root,
      "connectome.zip",
      await Deno.readFile(join(root, "connectome.zip")),
    );
    const result = await zipToDirectory.translate([input], outputDir, context());
    assertEquals(result.fields, { fileName: "connectome" });
    assertEquals(await list(outputDir), ["connectome"]);
    const out = join(outputDir, "connectome");
    assertEquals(
      (await digestContent(out, ["sha256"])).digests,
      (await digestContent(join(root, "tree"), ["sha256"])).digests,
    );
    assertEquals(await list(join(out, "empty")), ["inner"], "the empty folder is kept");
    assertEquals((await Deno.stat(join(out, "zero.bin"))).size, 0);
    assertEquals(await Deno.readTextFile(join(out, "名前.txt")), "name");
  });
});

Deno.test("zip-to-directory declares its name, version and kinds", () => {
  assertEquals(zipToDirectory.name, "zip-to-directory");
  assertEquals(zipToDirectory.version, "1");
  assertEquals(zipToDirectory.inputKinds, ["LocalFileDataSource"]);
  assertEquals(zipToDirectory.outputKind, LocalFileDataSource);
  assertEquals(zipFolderName("Data.ZIP"), "Data");
  assertEquals(zipFolderName("bundle"), "bundle.unzipped");
});

Deno.test("zip-to-directory refuses hostile zips naming the entry, leaving nothing", async (t) => {
  await t.step("zip slip", () =>
    refused(
      [{ name: "ok.csv", data: "a" }, { name: "../escape.csv", data: "pwned" }],
      `"../escape.csv" climbs out`,
      "zip-unsafe",
    ));
  await t.step(
    "an absolute path",
    () => refused([{ name: "/tmp/owm-evil.csv", data: "x" }], `"/tmp/owm-evil.csv"`, "zip-unsafe"),
  );
  await t.step("a symlink entry", () =>
    refused(
      [{ name: "a.csv", data: "a" }, { name: "passwd", data: "/etc/passwd", mode: 0o120777 }],
      `"passwd" is a symlink`,
      "zip-unsafe",
    ));
  await t.step("a duplicate name", () =>
    refused(
      [{ name: "a.csv", data: "1" }, { name: "a.csv", data: "2" }],
      `"a.csv" appears twice`,
      "zip-unsafe",
    ));
  await t.step("zip bomb by ratio (default limit 200)", () =>
    refused(
      [{ name: "bomb.bin", data: new Uint8Array(8 * MIB), deflate: true }],
      `"bomb.bin" expands`,
      "zip-too-large",
    ));
  await t.step("zip bomb by expanded size (option maxExpandedBytes)", () =>
    refused(
      [
        { name: "a.bin", data: new Uint8Array(600_000).fill(7) },
        { name: "b.bin", data: new Uint8Array(600_000).fill(8) },
      ],
      `"b.bin" takes the zip past 1000000 expanded bytes`,
      "zip-too-large",
      { maxExpandedBytes: "1000000" },
    ));
  await t.step("a lying declared size", () =>
    refused(
      [{ name: "liar.csv", data: "a".repeat(10_000), deflate: true, declaredSize: 5 }],
      `"liar.csv" expands past its declared size`,
      "bad-zip",
    ));
  await t.step("a damaged entry after a good one", () =>
    refused(
      [
        { name: "good.csv", data: "1\n".repeat(5000), deflate: true },
        { name: "bad.csv", data: "2\n", declaredCrc: 7 },
      ],
      `"bad.csv" fails its CRC-32`,
      "bad-zip",
    ));
  await t.step("a truncated zip", () => {
    const whole = makeZip([{ name: "a.csv", data: "a,b\n".repeat(1000) }]);
    return refused(whole.subarray(0, 3000), "not a readable zip", "bad-zip");
  });
});

Deno.test("zip-to-directory refuses a folder, a non-zip, missing content and bad options", async () => {
  await withTempDir(async (root) => {
    const folder = await setUp(root, "tables");
    await Deno.mkdir(folder.input.contentPath);
    await assertRejects(
      () => zipToDirectory.translate([folder.input], folder.outputDir, folder.context()),
      TranslationError,
      "tables) is a folder, not a .zip file",
    );

    const text = await setUp(root, "notes.zip", new TextEncoder().encode("garbage, not a zip"));
    await assertRejects(
      () => zipToDirectory.translate([text.input], text.outputDir, text.context()),
      TranslationError,
      "notes.zip) is not a .zip file",
    );

    const missing = await setUp(root, "gone.zip");
    await assertRejects(
      () => zipToDirectory.translate([missing.input], missing.outputDir, missing.context()),
      TranslationError,
      "is missing",
    );

    const good = await setUp(root, "good.zip", makeZip([{ name: "a.csv", data: "1" }]));
    await assertRejects(
      () =>
        zipToDirectory.translate([good.input], good.outputDir, good.context({ maxRatio: "lots" })),
      TranslationError,
      "maxRatio=lots is not a positive whole number",
    );
    await assertRejects(
      () => zipToDirectory.translate([good.input], good.outputDir, good.context({ ratio: "5" })),
      TranslationError,
      "unknown option 'ratio'",
    );
    await assertRejects(
      () => zipToDirectory.translate([good.input, good.input], good.outputDir, good.context()),
      TranslationError,
      "takes one input",
    );
    for (const out of [folder, text, missing, good]) assertEquals(await list(out.outputDir), []);

    const limited = await zipToDirectory.translate(
      [good.input],
      good.outputDir,
      good.context({ maxEntries: "1" }),
    );
    assertEquals(limited.fields.fileName, "good");
    assertEquals(await Deno.readTextFile(join(good.outputDir, "good", "a.csv")), "1");
  });
});
