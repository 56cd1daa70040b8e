/**
 * The `directory-to-zip` translator: a DataSource whose content is a folder
 * becomes a DataSource whose content is a `.zip` of it, written
 * deterministically ({@linkcode createZip}) so a rerun gives the same sha256.
 *
 * @module
 */
import { stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { LocalFileDataSource } from "../datasource/local_file_data_source.ts";
import { createZip, ZipSourceError } from "../archive/zip_create.ts";
import { sanitizePathComponent } from "../torrent/paths.ts";
import { confinedContent, type DataTranslator, TranslationError } from "./translator.ts";

const NAME = "directory-to-zip";

const OPTIONS = ["mtime", "compressionLevel"] as const;

/** The createZip options from the translator options, refusing unknown ones. */
function zipOptions(options: Readonly<Record<string, string>>) {
  let mtime: Date | undefined;
  let compressionLevel: number | undefined;
  for (const [name, text] of Object.entries(options)) {
    if (name === "mtime") {
      mtime = new Date(text);
      const year = mtime.getUTCFullYear();
      if (
        !/^\d{4}-\d\d-\d\d/.test(text) || Number.isNaN(mtime.getTime()) || year < 1980 ||
        year > 2107
      ) {
        throw new TranslationError(
          NAME,
          `option mtime=${text} is not a date from 1980 to 2107: write e.g. 2024-05-01T00:00:00Z`,
        );
      }
    } else if (name === "compressionLevel") {
      compressionLevel = /^[1-9]$/.test(text.trim()) ? Number(text.trim()) : NaN;
      if (Number.isNaN(compressionLevel)) {
        throw new TranslationError(NAME, `option compressionLevel=${text} is not 1 to 9`);
      }
    } else {
      throw new TranslationError(
        NAME,
        `unknown option '${name}': the options are ${OPTIONS.join(", ")}`,
      );
    }
  }
  return {
    ...(mtime ? { mtime } : {}),
    ...(compressionLevel ? { compressionLevel } : {}),
  };
}

/**
 * Zips a folder DataSource deterministically (`directory-to-zip`, version 1).
 *
 * - Input: one `LocalFileDataSource` (or subclass) whose content is a folder;
 *   a file is refused naming it.
 * - Output: a `LocalFileDataSource` whose `fileName` is `<folder name>.zip`
 *   (the DataSource's key when its content has no name of its own). Paths in
 *   the zip are relative to the folder, sorted by their UTF-8 bytes; every
 *   entry has the time 1980-01-01 00:00:00 and mode 0644 (folders 0755); empty
 *   folders are kept. The same tree always gives the same bytes.
 * - Options: `mtime` (an ISO 8601 date recorded for every entry instead of
 *   1980-01-01), `compressionLevel` (1 to 9, default 6).
 * - Errors: a {@linkcode TranslationError} naming the symlink or special file
 *   that cannot be zipped (a {@linkcode ZipSourceError} as its `cause`); the
 *   zip appears in the output directory only when complete.
 *
 * @example Zip a folder DataSource
 * ```ts ignore
 * import { DataSourceRepository, directoryToZip, LocalFileDataSource } from "owmeta-torrent";
 * const repository = await DataSourceRepository.open({ home: "/tmp/owm", create: true });
 * const source = new LocalFileDataSource({ key: "tables", fileName: "tables" });
 * const result = await directoryToZip.translate(
 *   [{ source, directory: "downloads", contentPath: "downloads/tables" }],
 *   "out",
 *   { repository, outputKey: "tables-zip", outputIdentifier: "urn:x", options: {} },
 * );
 * console.log(result.fields.fileName); // "tables.zip"
 * ```
 */
export const directoryToZip: DataTranslator = {
  name: NAME,
  version: "1",
  description: "Zips a folder deterministically (sorted names, fixed times and permissions)",
  inputKinds: ["LocalFileDataSource"],
  outputKind: LocalFileDataSource,
  async translate(inputs, outputDir, context) {
    const options = zipOptions(context.options);
    if (inputs.length !== 1) {
      throw new TranslationError(NAME, `takes one input, a folder; ${inputs.length} were given`);
    }
    const given = inputs[0]!;
    // The content may not be (or pass through) a link out of its folder: nothing outside is read.
    const input = { ...given, contentPath: await confinedContent(given) };
    const what = `${input.source.identifier} (${input.contentPath})`;
    let info;
    try {
      info = await stat(input.contentPath);
    } catch {
      throw new TranslationError(NAME, `the content of ${what} is missing: fetch it first`);
    }
    if (!info.isDirectory()) {
      throw new TranslationError(NAME, `the content of ${what} is a file, not a folder`);
    }
    const stem = input.contentPath === input.directory
      ? (input.source.key ? sanitizePathComponent(input.source.key) : "content")
      : basename(input.contentPath);
    const fileName = `${stem}.zip`;
    let made;
    try {
      made = await createZip(input.contentPath, join(outputDir, fileName), {
        ...options,
        ...(context.signal ? { signal: context.signal } : {}),
      });
    } catch (error) {
      if (!(error instanceof ZipSourceError)) throw error;
      throw new TranslationError(
        NAME,
        `the content of ${input.source.identifier} cannot be zipped: ${error.message}`,
        { cause: error },
      );
    }
    // Hashed as it was written: the runner need not read the zip again.
    return { fields: { fileName }, contentSha256: made.sha256 };
  },
};
