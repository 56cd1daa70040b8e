/**
 * The translation loader: loads a DataSource that a translation made. When
 * its output is present and matches what the DataSource records it is
 * returned at once; otherwise the recorded Translation is run again (same
 * translator and version, same inputs, loaded as needed, same options) and
 * the new output must reproduce the recorded SHA-256, so a derived dataset is
 * as reproducible as its inputs.
 *
 * @module
 */
import { confinedJoin, confinedPath } from "../fs/confine.ts";
import { checkContentNames } from "../datasource/content_names.ts";
import type { DataSource } from "../datasource/data_source.ts";
import type { DataSourceRepository } from "../datasource/repository.ts";
import type { TorrentIndex } from "../index/torrent_index.ts";
import { recordedIntegrity } from "../integrity/recorded.ts";
import { verify } from "../integrity/verify.ts";
import { DataSourceDirLoader, type LoadedContent, type LoadOptions } from "../loader/dir_loader.ts";
import { LoadFailedError } from "../loader/errors.ts";
import type { LoaderRegistry } from "../loader/registry.ts";
import { readTranslation } from "./provenance.ts";
import type { TranslatorRegistry } from "./registry.ts";
import { outputLeaf, runTranslation, TRANSLATION_LOADER_KEY } from "./run.ts";
import { pathExists } from "../fs/exists.ts";

/** Options of {@linkcode TranslationDataSourceDirLoader}. */
export interface TranslationLoaderOptions {
  /** The repository holding the DataSources and their Translations. */
  repository: DataSourceRepository;
  /** The translators that may be run again. */
  translators: TranslatorRegistry;
  /** Loads the inputs (usually the registry this loader is in). */
  loaders: () => LoaderRegistry;
  /** Indexes to find inputs' torrents in, for their piece-hash check. */
  indexes?: readonly TorrentIndex[];
}

/**
 * Loads DataSources that record a `translation`, into
 * `<base directory>/<quoted key>/` (the directory {@linkcode runTranslation}
 * writes to when given the same base).
 *
 * @example
 * ```ts ignore
 * const registry = new LoaderRegistry(loadedIndexPath(home));
 * registry.add(bittorrent).add(new TranslationDataSourceDirLoader(translationBase(home), {
 *   repository: repo,
 *   translators: builtinTranslators(),
 *   loaders: () => registry,
 * }));
 * const dir = await registry.load(await repo.get("GraphDataSource:conn-graph"));
 * ```
 */
export class TranslationDataSourceDirLoader extends DataSourceDirLoader {
  #options: TranslationLoaderOptions;

  /** Creates the loader with its base directory. */
  constructor(baseDirectory: string, options: TranslationLoaderOptions) {
    super(baseDirectory, TRANSLATION_LOADER_KEY);
    this.#options = options;
  }

  /** True when `ds` records the translation that made it. */
  override canLoad(ds: DataSource): boolean {
    return ds.fields.has("translation") && ds.getAll("translation").length > 0;
  }

  /** Returns the present, verified output, or translates again and checks it reproduces. */
  protected override async loadDirectory(
    ds: DataSource,
    options: LoadOptions,
  ): Promise<LoadedContent> {
    if (ds.key === undefined) {
      throw new LoadFailedError(ds.identifier, "a translated DataSource needs a key");
    }
    checkContentNames(ds); // fileName is data: never joined unchecked
    const dir = confinedJoin(this.baseDirectory, outputLeaf(ds.key));
    const fileName = ds.fields.has("fileName") ? ds.get("fileName") : undefined;
    const content = typeof fileName === "string" ? await confinedPath(dir, fileName) : dir;
    const expected = recordedIntegrity(ds);
    if (await pathExists(content)) {
      const report = await verify(
        content,
        expected,
        options.signal ? { signal: options.signal } : {},
      );
      if (report.ok) return { directory: dir, origin: "translation", report };
    }
    const iri = String(ds.get("translation"));
    const record = await readTranslation(this.#options.repository.store, iri);
    if (!record) {
      throw new LoadFailedError(
        ds.identifier,
        `its translation ${iri} is not recorded in the graph, so it cannot be made again`,
      );
    }
    const translator = this.#options.translators.find(record.translator);
    if (!translator) {
      throw new LoadFailedError(
        ds.identifier,
        `it was made by translator '${record.translator}', which this program does not have: register it`,
      );
    }
    if (translator.version !== record.translatorVersion) {
      throw new LoadFailedError(
        ds.identifier,
        `it was made by ${record.translator} version ${record.translatorVersion}, but this program has version ${translator.version}: its output may differ`,
      );
    }
    options.onProgress?.({ bytesDone: 0, bytesTotal: 0, phase: "translating" });
    const run = await runTranslation(this.#options.repository, translator, record.inputs, {
      key: ds.key,
      options: record.options,
      loaders: this.#options.loaders(),
      outputBase: this.baseDirectory,
      ...(this.#options.indexes ? { indexes: this.#options.indexes } : {}),
      ...(expected.sha256 ? { expectSha256: expected.sha256 } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { directory: run.directory, origin: "translation" };
  }
}
