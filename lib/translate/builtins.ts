/**
 * The translators that come with owmeta-torrent: `zip-to-directory`,
 * `directory-to-zip` and `csv-to-rdf`.
 *
 * @module
 */
import { csvToRdf } from "./csv_to_rdf.ts";
import { directoryToZip } from "./directory_to_zip.ts";
import { TranslatorRegistry } from "./registry.ts";
import { zipToDirectory } from "./zip_to_directory.ts";

/**
 * A registry holding the built-in translators; register your own on it.
 *
 * @example
 * ```ts
 * import { builtinTranslators } from "../../mod.ts";
 * console.log(builtinTranslators().list().map((t) => t.name));
 * // ["csv-to-rdf", "directory-to-zip", "zip-to-directory"]
 * ```
 */
export function builtinTranslators(): TranslatorRegistry {
  return new TranslatorRegistry()
    .register(zipToDirectory)
    .register(directoryToZip)
    .register(csvToRdf);
}
