/**
 * The translators and the piece-hash check read nothing outside the content
 * they are given, whoever calls them: a csvFileName leading out, content that
 * is a link out of its folder, a folder of the content linked out.
 */
import { join } from "node:path";
import { CSVDataSource } from "../../lib/datasource/csv_data_source.ts";
import { GraphDataSource } from "../../lib/datasource/graph_data_source.ts";
import { LocalFileDataSource } from "../../lib/datasource/local_file_data_source.ts";
import { DataSourceRepository } from "../../lib/datasource/repository.ts";
import { LinkEscapeError, UnsafeFieldPathError } from "../../lib/fs/confine.ts";
import { torrentPiecesCheck } from "../../lib/integrity/torrent_pieces.ts";
import { createTorrent } from "../../lib/torrent/create.ts";
import { csvToRdf } from "../../lib/translate/csv_to_rdf.ts";
import { directoryToZip } from "../../lib/translate/directory_to_zip.ts";
import type { DataTranslator, TranslationInput } from "../../lib/translate/translator.ts";
import { zipToDirectory } from "../../lib/translate/zip_to_directory.ts";
import { assertEquals, assertRejects } from "../_assert.ts";

interface Layout {
  root: string;
  /** The loaded directory. */
  dir: string;
  /** `<dir>/set`, a folder holding a.csv. */
  set: string;
  /** `<root>/outside`, holding the canary x.csv. */
  outside: string;
  repository: DataSourceRepository;
}

async function withLayout(fn: (l: Layout) => Promise<void>): Promise<void> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "owm-translate-confine-" }));
  try {
    const dir = join(root, "loaded");
    const set = join(dir, "set");
    const outside = join(root, "outside");
    await Deno.mkdir(set, { recursive: true });
    await Deno.mkdir(outside);
    await Deno.writeTextFile(join(set, "a.csv"), "a,b\n1,2\n");
    await Deno.writeTextFile(join(outside, "x.csv"), "CANARY,secret\n1,2\n");
    const repository = await DataSourceRepository.open({ home: join(root, "store"), create: true });
    await fn({ root, dir, set, outside, repository });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

async function run(
  translator: DataTranslator,
  l: Layout,
  input: TranslationInput,
): Promise<unknown> {
  const out = await Deno.makeTempDir({ dir: l.root, prefix: "out-" });
  return await translator.translate([input], out, {
    repository: l.repository,
    outputKey: "out",
    outputIdentifier: new GraphDataSource({ key: "out" }).identifier,
    options: {},
  });
}

Deno.test("csv-to-rdf refuses a csvFileName leading out of the folder, naming the field", async () => {
  await withLayout(async (l) => {
    for (const csvFileName of ["../../outside/x.csv", "/etc/passwd", "..\\x.csv"]) {
      const source = new CSVDataSource({ key: "worms", fileName: "set" });
      source.set("csvFileName", csvFileName);
      const error = await assertRejects(
        () => run(csvToRdf, l, { source, directory: l.dir, contentPath: l.set }),
        UnsafeFieldPathError,
      );
      assertEquals([error.field, error.owner], ["csvFileName", "CSVDataSource:worms"]);
    }
  });
});

Deno.test("csv-to-rdf refuses a csvFileName that is a link out of the folder, naming the link", async () => {
  await withLayout(async (l) => {
    await Deno.symlink(join(l.outside, "x.csv"), join(l.set, "b.csv"));
    const source = new CSVDataSource({ key: "worms", fileName: "set", csvFileName: "b.csv" });
    const error = await assertRejects(
      () => run(csvToRdf, l, { source, directory: l.dir, contentPath: l.set }),
      LinkEscapeError,
    );
    assertEquals(error.link, "b.csv");
  });
});

Deno.test("csv-to-rdf, directory-to-zip and zip-to-directory refuse content that is a link out of its folder", async () => {
  await withLayout(async (l) => {
    await Deno.symlink(join(l.outside, "x.csv"), join(l.dir, "x.csv"));
    await Deno.symlink(l.outside, join(l.dir, "linked"));
    const csv = new CSVDataSource({ key: "c", csvFileName: "x.csv" });
    await assertRejects(
      () => run(csvToRdf, l, { source: csv, directory: l.dir, contentPath: join(l.dir, "x.csv") }),
      LinkEscapeError,
    );
    const folder = new LocalFileDataSource({ key: "f", fileName: "linked" });
    const zipped = await assertRejects(
      () =>
        run(directoryToZip, l, {
          source: folder,
          directory: l.dir,
          contentPath: join(l.dir, "linked"),
        }),
      LinkEscapeError,
    );
    assertEquals(zipped.link, "linked");
    const zip = new LocalFileDataSource({ key: "z", fileName: "x.csv" });
    await assertRejects(
      () =>
        run(zipToDirectory, l, {
          source: zip,
          directory: l.dir,
          contentPath: join(l.dir, "x.csv"),
        }),
      LinkEscapeError,
    );
  });
});

Deno.test("the piece-hash check refuses a folder of the content that is a link out of it", async () => {
  await withLayout(async (l) => {
    // A torrent of set/ with a sub-folder, then the sub-folder swapped for a link to an identical copy.
    await Deno.mkdir(join(l.set, "sub"));
    await Deno.writeTextFile(join(l.set, "sub", "b.csv"), "b\n");
    const { metainfo } = await createTorrent(l.set);
    await Deno.mkdir(join(l.outside, "sub"));
    await Deno.writeTextFile(join(l.outside, "sub", "b.csv"), "b\n");
    await Deno.remove(join(l.set, "sub"), { recursive: true });
    await Deno.symlink(join(l.outside, "sub"), join(l.set, "sub"));
    const error = await assertRejects(() => torrentPiecesCheck(metainfo)(l.set), LinkEscapeError);
    assertEquals(error.link, "sub");
  });
});
