/**
 * The `directory-to-zip` translator called directly with real DataSources and
 * real folders: byte-identical zips across runs and file times, a round trip
 * through `zip-to-directory` with the same folder digest, and refusals that
 * name the path and leave the output directory empty.
 */
import { join } from "node:path";
import { ZipSourceError } from "../../lib/archive/zip_create.ts";
import { LocalFileDataSource } from "../../lib/datasource/local_file_data_source.ts";
import { DataSourceRepository } from "../../lib/datasource/repository.ts";
import { digestContent } from "../../lib/integrity/content_digest.ts";
import { directoryToZip } from "../../lib/translate/directory_to_zip.ts";
import type { TranslationContext, TranslationInput } from "../../lib/translate/translator.ts";
import { TranslationError } from "../../lib/translate/translator.ts";
import { zipToDirectory } from "../../lib/translate/zip_to_directory.ts";
import {
  assert,
  assertEquals,
  assertNotEquals,
  assertRejects,
  assertStringIncludes,
} from "../_assert.ts";
import { list, makeTree, withTempDir } from "../archive/_fixtures.ts";

async function contextIn(
  root: string,
  outputKey: string,
  options: Record<string, string> = {},
): Promise<TranslationContext> {
  return {
    repository: await DataSourceRepository.open({ home: join(root, "store"), create: true }),
    outputKey,
    outputIdentifier: new LocalFileDataSource({ key: outputKey }).identifier,
    options,
  };
}

/** A folder DataSource `fileName` loaded in `<root>/in/`. */
function folderInput(root: string, fileName: string | undefined, key = "tables"): TranslationInput {
  const directory = join(root, "in");
  const source = new LocalFileDataSource(fileName ? { key, fileName } : { key });
  return {
    source,
    directory,
    contentPath: fileName ? join(directory, fileName) : directory,
  };
}

async function zipOnce(
  root: string,
  input: TranslationInput,
  options: Record<string, string> = {},
): Promise<{ outputDir: string; fileName: string; bytes: Uint8Array }> {
  const outputDir = await Deno.makeTempDir({ dir: root, prefix: "out-" });
  const result = await directoryToZip.translate(
    [input],
    outputDir,
    await contextIn(root, "tables-zip", options),
  );
  const fileName = String(result.fields.fileName);
  assertEquals(await list(outputDir), [fileName], "only the zip is in the output directory");
  return { outputDir, fileName, bytes: await Deno.readFile(join(outputDir, fileName)) };
}

Deno.test("directory-to-zip → zip-to-directory round-trips with the same folder digest", async () => {
  await withTempDir(async (root) => {
    const input = folderInput(root, "tables");
    await makeTree(input.contentPath);
    const zipped = await zipOnce(root, input);
    assertEquals(zipped.fileName, "tables.zip");

    const zipSource = new LocalFileDataSource({ key: "tables-zip", fileName: zipped.fileName });
    const back = await Deno.makeTempDir({ dir: root, prefix: "back-" });
    const result = await zipToDirectory.translate(
      [{
        source: zipSource,
        directory: zipped.outputDir,
        contentPath: join(zipped.outputDir, zipped.fileName),
      }],
      back,
      await contextIn(root, "tables-again"),
    );
    assertEquals(result.fields.fileName, "tables");
    const before = await digestContent(input.contentPath, ["sha256", "md5"]);
    const after = await digestContent(join(back, "tables"), ["sha256", "md5"]);
    assertEquals(after.digests, before.digests);
    assertEquals(after.files, 6);
    assertEquals(
      await list(join(back, "tables", "empty", "inner")),
      [],
      "the empty folder is back",
    );
    assertEquals(await Deno.readTextFile(join(back, "tables", "é.txt")), "accent");
  });
});

Deno.test("directory-to-zip writes the same bytes across runs and file times", async () => {
  await withTempDir(async (root) => {
    const input = folderInput(root, "tables");
    await makeTree(input.contentPath);
    const first = await zipOnce(root, input);
    const second = await zipOnce(root, input);
    assertEquals(second.bytes, first.bytes, "a second run");

    const later = new Date("2030-01-02T03:04:05Z");
    for (const path of ["Z.txt", "a/b/deep.csv", "a", "empty/inner", "zero.bin"]) {
      await Deno.utime(join(input.contentPath, path), later, later);
    }
    const third = await zipOnce(root, input);
    assertEquals(third.bytes, first.bytes, "other file times");

    const dated = await zipOnce(root, input, { mtime: "2024-05-01T00:00:00Z" });
    assertNotEquals(dated.bytes, first.bytes, "option mtime is recorded");
    assertEquals(
      (await zipOnce(root, input, { mtime: "2024-05-01T00:00:00Z" })).bytes,
      dated.bytes,
    );
    const smallest = await zipOnce(root, input, { compressionLevel: "9" });
    assert(smallest.bytes.length <= first.bytes.length, "level 9 is no larger");
  });
});

Deno.test("directory-to-zip names the zip after the key when the content is the whole directory", async () => {
  await withTempDir(async (root) => {
    const input = folderInput(root, undefined, "my data/set");
    await makeTree(input.contentPath);
    const zipped = await zipOnce(root, input);
    assertEquals(zipped.fileName, "my data_set.zip");
  });
});

Deno.test("directory-to-zip refuses a symlink, a file and bad options, leaving nothing", async () => {
  await withTempDir(async (root) => {
    const input = folderInput(root, "tables");
    await makeTree(input.contentPath);
    await Deno.symlink("/etc/passwd", join(input.contentPath, "a", "passwd"));
    const outputDir = await Deno.makeTempDir({ dir: root, prefix: "out-" });
    const error = await assertRejects(
      async () => directoryToZip.translate([input], outputDir, await contextIn(root, "x")),
      TranslationError,
    );
    assertEquals(error.translator, "directory-to-zip");
    assertStringIncludes(error.message, "Symlink 'a/passwd'");
    assert(error.cause instanceof ZipSourceError, "the ZipSourceError is the cause");
    assertEquals(await list(outputDir), [], "no zip and no temporary file");
    await Deno.remove(join(input.contentPath, "a", "passwd"));

    const file = folderInput(root, "tables/Z.txt");
    await assertRejects(
      async () => directoryToZip.translate([file], outputDir, await contextIn(root, "x")),
      TranslationError,
      "is a file, not a folder",
    );
    for (
      const [options, message] of [
        [{ level: "9" }, "unknown option 'level'"],
        [{ compressionLevel: "0" }, "compressionLevel=0 is not 1 to 9"],
        [{ mtime: "yesterday" }, "mtime=yesterday is not a date"],
        [{ mtime: "1970-01-01T00:00:00Z" }, "is not a date from 1980"],
      ] as const
    ) {
      await assertRejects(
        async () =>
          directoryToZip.translate([input], outputDir, await contextIn(root, "x", options)),
        TranslationError,
        message,
      );
    }
    assertEquals(await list(outputDir), []);
  });
});
