/**
 * The `zip-to-directory` translator: a DataSource whose content is a `.zip`
 * becomes a DataSource whose content is the folder of its files, extracted
 * with the safe extractor ({@linkcode extractZip}): every entry is checked
 * before anything is written (no absolute or `..` paths, no symlinks or special
 * files, no duplicates, limits on entries, expanded size and ratio), and a
 * refused or damaged zip leaves nothing in the output directory.
 *
 * @module
 */
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { LocalFileDataSource } from "../datasource/local_file_data_source.ts";
import { extractZip, type ZipLimits, ZipRefusedError } from "../archive/zip_extract.ts";
import { sanitizePathComponent } from "../torrent/paths.ts";
import { confinedContent, type DataTranslator, TranslationError } from "./translator.ts";

const NAME = "zip-to-directory";

/** The limits {@linkcode zipToDirectory} applies unless its options say otherwise. */
export const ZIP_TO_DIRECTORY_LIMITS: Readonly<ZipLimits> = Object.freeze({
  maxEntries: 100_000,
  maxExpandedBytes: 64 * 1024 ** 3,
  maxRatio: 200,
});

/** The options of {@linkcode zipToDirectory}: each a limit of {@linkcode ZipLimits}. */
const OPTIONS = ["maxEntries", "maxExpandedBytes", "maxRatio"] as const;

/** The limits from `options` (positive integers), refusing unknown options. */
function limitsFrom(options: Readonly<Record<string, string>>): ZipLimits {
  const limits: ZipLimits = { ...ZIP_TO_DIRECTORY_LIMITS };
  for (const [name, text] of Object.entries(options)) {
    if (!(OPTIONS as readonly string[]).includes(name)) {
      throw new TranslationError(
        NAME,
        `unknown option '${name}': the options are ${OPTIONS.join(", ")}`,
      );
    }
    const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new TranslationError(
        NAME,
        `option ${name}=${text} is not a positive whole number${
          name === "maxExpandedBytes" ? " of bytes" : ""
        }`,
      );
    }
    limits[name as keyof ZipLimits] = value;
  }
  return limits;
}

/** The folder a zip named `fileName` is extracted to: its name without `.zip`. */
export function zipFolderName(fileName: string): string {
  const stem = fileName.replace(/\.zip$/i, "");
  const name = sanitizePathComponent(stem === fileName ? `${fileName}.unzipped` : stem);
  return name === "" ? "_" : name;
}

/** Whether the file starts like a zip (a local file header, or the end record of an empty zip). */
async function looksLikeZip(path: string): Promise<boolean> {
  using file = await Deno.open(path, { read: true });
  const head = new Uint8Array(4);
  let got = 0;
  while (got < 4) {
    const n = await file.read(head.subarray(got));
    if (n === null) break;
    got += n;
  }
  return got === 4 && head[0] === 0x50 && head[1] === 0x4b &&
    ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

/**
 * Extracts a `.zip` DataSource into a folder (`zip-to-directory`, version 1).
 *
 * - Input: one `LocalFileDataSource` (or subclass) whose content is a `.zip`
 *   file; a folder, or a file that is not a zip, is refused naming it.
 * - Output: a `LocalFileDataSource` whose `fileName` is the folder, the zip's
 *   name without `.zip` (`connectome.zip` → `connectome`), holding the zip's
 *   files and folders (empty ones too). File times and permissions in the zip
 *   are not applied, so the output's digest depends only on names and bytes.
 * - Options (`owm translate zip-to-directory … --option name=value`):
 *   `maxEntries` (default 100000), `maxExpandedBytes` (default 64 GiB, in
 *   bytes), `maxRatio` (default 200; for entries over 1 MiB).
 * - Errors: a {@linkcode TranslationError} naming the entry at fault, with the
 *   {@linkcode ZipRefusedError} as its `cause`; nothing is written to the
 *   output directory unless every entry was read and CRC-checked.
 *
 * @example Extract a zip DataSource into a folder
 * ```ts ignore
 * import { DataSourceRepository, LocalFileDataSource, zipToDirectory } from "owmeta-torrent";
 * const repository = await DataSourceRepository.open({ home: "/tmp/owm", create: true });
 * const source = new LocalFileDataSource({ key: "raw", fileName: "connectome.zip" });
 * const result = await zipToDirectory.translate(
 *   [{ source, directory: "downloads", contentPath: "downloads/connectome.zip" }],
 *   "out",
 *   { repository, outputKey: "raw-unzipped", outputIdentifier: "urn:x", options: {} },
 * );
 * console.log(result.fields.fileName); // "connectome" (the folder out/connectome)
 * ```
 */
export const zipToDirectory: DataTranslator = {
  name: NAME,
  version: "1",
  description: "Extracts a .zip safely into a folder (no '..', absolute paths, links or zip bombs)",
  inputKinds: ["LocalFileDataSource"],
  outputKind: LocalFileDataSource,
  async translate(inputs, outputDir, context) {
    const limits = limitsFrom(context.options);
    if (inputs.length !== 1) {
      throw new TranslationError(NAME, `takes one input, a .zip; ${inputs.length} were given`);
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
    if (info.isDirectory()) {
      throw new TranslationError(
        NAME,
        `the content of ${what} is a folder, not a .zip file${
          input.contentPath === input.directory ? ": set the DataSource's fileName to the zip" : ""
        }`,
      );
    }
    if (!info.isFile() || !(await looksLikeZip(input.contentPath))) {
      throw new TranslationError(NAME, `the content of ${what} is not a .zip file`);
    }
    const folder = zipFolderName(basename(input.contentPath));
    try {
      await extractZip(input.contentPath, `${outputDir}/${folder}`, limits, {
        emptyFolders: true,
        allowEmpty: true,
        ...(context.signal ? { signal: context.signal } : {}),
      });
    } catch (error) {
      if (!(error instanceof ZipRefusedError)) throw error;
      throw new TranslationError(
        NAME,
        `${basename(input.contentPath)} of ${input.source.identifier} is refused: ${error.message}`,
        { cause: error },
      );
    }
    return { fields: { fileName: folder } };
  },
};
