/**
 * The `contentTranslator` field of a DataSource: the translator applied to
 * its content as it is loaded (read by the loader and by the translation
 * hook, so it lives with the DataSource, not with either).
 *
 * @module
 */
import type { DataSource } from "./data_source.ts";

/**
 * The translator `ds`'s `contentTranslator` field names, applied to its
 * content as it is loaded; `undefined` when it names none (unset or empty).
 *
 * @example
 * ```ts
 * import { DataSource } from "../../mod.ts";
 * import { contentTranslatorOf } from "./content_translator.ts";
 * console.log(contentTranslatorOf(new DataSource())); // undefined
 * ```
 */
export function contentTranslatorOf(ds: DataSource): string | undefined {
  const name = ds.fields.has("contentTranslator") ? ds.get("contentTranslator") : undefined;
  return typeof name === "string" && name !== "" ? name : undefined;
}
