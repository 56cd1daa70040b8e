/**
 * Translating content as it is loaded: a DataSource whose `contentTranslator`
 * names a translator (e.g. `zip-to-directory`) is loaded as that translator's
 * output. The output goes beside the loaded content, in
 * `<base>/<leaf>@<translator>/`, written to a temporary directory and renamed
 * into place; a record `<base>/<leaf>@<translator>.json` keeps the
 * translator's version, the input's infohash and hashes, and the output's
 * folder digest, so a later load returns the output at once when all still
 * match and translates again otherwise.
 *
 * No Translation resource is recorded for this: the output is the same
 * DataSource's content in another form, not a new DataSource. Use
 * {@linkcode runTranslation} to make a new, described DataSource.
 *
 * @module
 */
import { assertInside, confinedJoin } from "../fs/confine.ts";
import { basename, dirname, resolve } from "node:path";
import type { DataSource } from "../datasource/data_source.ts";
import type { DataSourceRepository } from "../datasource/repository.ts";
import { atomicWriteFile } from "../fs/atomic_write.ts";
import { digestContent } from "../integrity/content_digest.ts";
import type { TranslatorRegistry } from "./registry.ts";
import { checkInputs } from "./run.ts";
import { contentTranslatorOf } from "../datasource/content_translator.ts";
import { TranslationError } from "./translator.ts";

/** The record kept beside a content translation's output. */
export interface ContentTranslationRecord {
  /** The translator's name. */
  translator: string;
  /** Its version. */
  translatorVersion: string;
  /** The input DataSource's IRI. */
  input: string;
  /** The SHA-256 folder digest (or file SHA-256) of the input content. */
  inputSha256: string;
  /** The SHA-256 folder digest of the output directory. */
  outputSha256: string;
  /** When it was made (ISO 8601). */
  translatedAt: string;
}

/** Options of {@linkcode translateLoadedContent}. */
export interface ContentTranslationOptions {
  /** The translators to choose from. */
  translators: TranslatorRegistry;
  /** The repository (handed to the translator). */
  repository: DataSourceRepository;
  /** Cancels it. */
  signal?: AbortSignal;
}

async function readRecord(path: string): Promise<ContentTranslationRecord | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as ContentTranslationRecord;
  } catch {
    return undefined;
  }
}

async function sha256Of(path: string, signal?: AbortSignal): Promise<string> {
  return (await digestContent(path, ["sha256"], signal ? { signal } : {})).digests.sha256;
}

/**
 * Applies `ds`'s `contentTranslator` to content loaded at `contentPath` in
 * `directory`, returning the output directory (or `directory` itself when
 * `ds` names no translator).
 *
 * @example
 * ```ts ignore
 * const dir = await translateLoadedContent(ds, "/store/data/k", "/store/data/k/data.zip", {
 *   translators: builtinTranslators(),
 *   repository: repo,
 * }); // "/store/data/k@zip-to-directory"
 * ```
 *
 * @throws {TranslationError} for an unknown translator, input of the wrong
 * kind, or whatever the translator refuses (nothing is left behind).
 */
export async function translateLoadedContent(
  ds: DataSource,
  directory: string,
  contentPath: string,
  options: ContentTranslationOptions,
): Promise<string> {
  const name = contentTranslatorOf(ds);
  if (name === undefined) return directory;
  const translator = options.translators.get(name);
  checkInputs(translator, [ds]);
  const base = dirname(directory);
  const leaf = `${basename(directory)}@${name}`;
  // The translator's name comes from the graph: the output stays beside the content.
  const out = confinedJoin(base, leaf);
  if (resolve(contentPath) !== resolve(directory)) await assertInside(directory, contentPath);
  const recordPath = `${out}.json`;
  const signal = options.signal;
  const inputSha256 = await sha256Of(contentPath, signal);
  const record = await readRecord(recordPath);
  if (
    record && record.translator === name && record.translatorVersion === translator.version &&
    record.input === ds.identifier && record.inputSha256 === inputSha256
  ) {
    try {
      if (await sha256Of(out, signal) === record.outputSha256) return out;
    } catch {
      // missing or unreadable output: translate again
    }
  }
  const tmp = await Deno.makeTempDir({ dir: base, prefix: `.tmp-${leaf}-` });
  let outputSha256: string;
  try {
    try {
      await translator.translate([{ source: ds, directory, contentPath }], tmp, {
        repository: options.repository,
        outputKey: ds.key ?? basename(directory),
        outputIdentifier: ds.identifier,
        options: {},
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (error instanceof TranslationError) throw error;
      throw new TranslationError(name, error instanceof Error ? error.message : String(error), {
        cause: error,
      });
    }
    outputSha256 = await sha256Of(tmp, signal);
  } catch (error) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw error;
  }
  await Deno.remove(recordPath).catch(() => {});
  await Deno.remove(out, { recursive: true }).catch(() => {});
  await Deno.rename(tmp, out);
  const written: ContentTranslationRecord = {
    translator: name,
    translatorVersion: translator.version,
    input: ds.identifier,
    inputSha256,
    outputSha256,
    translatedAt: new Date().toISOString(),
  };
  await atomicWriteFile(recordPath, [
    new TextEncoder().encode(JSON.stringify(written, null, 2) + "\n"),
  ]);
  return out;
}

/**
 * A loader's `afterLoad` hook applying each DataSource's `contentTranslator`
 * with `translators` (by default the built-in ones, imported only when a
 * DataSource names a translator).
 *
 * @example
 * ```ts ignore
 * const loader = new BitTorrentDataSourceDirLoader(base, {
 *   session,
 *   repository: repo,
 *   afterLoad: contentTranslatorHook(repo),
 * });
 * ```
 */
export function contentTranslatorHook(
  repository: DataSourceRepository,
  translators?: TranslatorRegistry,
): (ds: DataSource, directory: string, contentPath: string) => Promise<string> {
  return async (ds, directory, contentPath) => {
    if (contentTranslatorOf(ds) === undefined) return directory;
    const registry = translators ?? (await import("./builtins.ts")).builtinTranslators();
    return await translateLoadedContent(ds, directory, contentPath, {
      translators: registry,
      repository,
    });
  };
}
