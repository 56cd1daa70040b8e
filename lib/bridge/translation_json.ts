/**
 * The JSON of a translator and of a translation's result, one shape for
 * `owm translator list --json` / `owm translate --json` and the bridge's
 * `GET /api/translators` / `POST /api/translations`.
 *
 * @module
 */
import type { TranslationJson, TranslatorJson } from "./api_types.ts";
import { toCurie } from "../datasource/identifier.ts";
import type { TranslationRun } from "../translate/run.ts";
import type { DataTranslator } from "../translate/translator.ts";

/**
 * A translator as JSON: name, version, description, input kinds, output kind.
 *
 * @example
 * ```ts
 * import { builtinTranslators } from "../../mod.ts";
 * import { translatorJson } from "./translation_json.ts";
 * const zip = translatorJson(builtinTranslators().get("zip-to-directory"));
 * console.log(zip.inputKinds, zip.outputKind); // ["LocalFileDataSource"] "LocalFileDataSource"
 * ```
 */
export function translatorJson(translator: DataTranslator): TranslatorJson {
  return {
    name: translator.name,
    version: translator.version,
    inputKinds: [...translator.inputKinds],
    outputKind: translator.outputKind.name,
    description: translator.description,
  };
}

/**
 * What a translation made, as JSON, with ids written `ClassName:key` in
 * `prefixes` (the store's).
 *
 * @example
 * ```ts ignore
 * const run = await runTranslation(repo, directoryToZip, ["LocalFileDataSource:neurons"]);
 * console.log(translationRunJson(run, await repo.store.prefixes()).id);
 * // "LocalFileDataSource:neurons-directory-to-zip"
 * ```
 */
export function translationRunJson(
  run: TranslationRun,
  prefixes: ReadonlyMap<string, string>,
): TranslationJson {
  const sha256 = run.output.fields.has("sha256") ? run.output.get("sha256") : undefined;
  return {
    id: toCurie(run.output.identifier, prefixes),
    iri: run.output.identifier,
    translation: run.record.iri,
    translator: run.record.translator,
    translatorVersion: run.record.translatorVersion,
    inputs: run.record.inputs.map((i) => toCurie(i, prefixes)),
    directory: run.directory,
    contentPath: run.contentPath,
    sha256: typeof sha256 === "string" ? sha256 : null,
    statements: run.statements,
  };
}
