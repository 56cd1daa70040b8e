/**
 * A registry of loaders that picks the first one able to load a DataSource and
 * remembers where each DataSource was loaded, in a JSON index file.
 *
 * @module
 */
import { dirname } from "node:path";
import type { DataSource } from "../datasource/data_source.ts";
import { atomicWriteFile } from "../fs/atomic_write.ts";
import { withFileLock } from "../fs/file_lock.ts";
import type { DataSourceDirLoader, LoadOptions, LoadResult } from "./dir_loader.ts";
import { NoLoaderError } from "./errors.ts";
import { InvalidInputError } from "../errors/invalid_input.ts";

/** One remembered load. */
export interface LoadedEntry {
  /** The loader's directory key. */
  loader: string;
  /** The loaded directory. */
  directory: string;
  /** When it was loaded (ISO 8601). */
  loadedAt: string;
}

/** Options of {@linkcode LoaderRegistry}. */
export interface LoaderRegistryOptions {
  /**
   * Records where a load (or a publish) put the content of a DataSource, in
   * the graph (the stack passes `recordContentLocation` over its store).
   */
  recordLocation?: (iri: string, contentPath: string) => Promise<void>;
}

/**
 * Loaders in order of preference, and the index of loaded directories.
 *
 * @example
 * ```ts ignore
 * const registry = new LoaderRegistry("/tmp/owm/data_source_data/index.json");
 * registry.add(myLoader);
 * const { directory, origin } = await registry.load(ds);
 * ```
 */
export class LoaderRegistry {
  /** The JSON file remembering loaded directories. */
  readonly indexPath: string;
  #loaders: DataSourceDirLoader[] = [];
  #recordLocation: LoaderRegistryOptions["recordLocation"];

  /** Creates a registry that remembers loads in `indexPath` (and, given how, records where content is). */
  constructor(indexPath: string, options: LoaderRegistryOptions = {}) {
    this.indexPath = indexPath;
    this.#recordLocation = options.recordLocation;
  }

  /** Adds a loader; earlier loaders are preferred. */
  add(loader: DataSourceDirLoader): this {
    this.#loaders.push(loader);
    return this;
  }

  /** The loaders, in order. */
  get loaders(): readonly DataSourceDirLoader[] {
    return this.#loaders;
  }

  /** The first loader that can load `ds`, if any. */
  loaderFor(ds: DataSource): DataSourceDirLoader | undefined {
    return this.#loaders.find((loader) => loader.canLoad(ds));
  }

  /**
   * Loads `ds` with the first loader that can, and remembers the directory.
   * The result is this call's own (directory, origin, report, notes), also
   * when other loads run at the same time.
   *
   * @throws {NoLoaderError} when no loader can load it.
   * @throws {LoadFailedError} when the chosen loader fails.
   */
  async load(ds: DataSource, options: LoadOptions = {}): Promise<LoadResult> {
    const loader = this.loaderFor(ds);
    if (!loader) throw new NoLoaderError(ds.identifier, this.#loaders.map((l) => l.directoryKey));
    const result = await loader.load(ds, options);
    await this.#update((index) => {
      index[ds.identifier] = {
        loader: loader.directoryKey,
        directory: result.directory,
        loadedAt: new Date().toISOString(),
      };
    });
    if (result.contentPath) await this.#recordLocation?.(ds.identifier, result.contentPath);
    return result;
  }

  /**
   * Remembers that `ds`'s content is in `directory` without loading it (e.g.
   * content just published from there), under the loader key `loader`; and,
   * given `contentPath`, records where the content itself is.
   */
  async remember(
    ds: DataSource | string,
    loader: string,
    directory: string,
    contentPath?: string,
  ): Promise<void> {
    const id = typeof ds === "string" ? ds : ds.identifier;
    await this.#update((index) => {
      index[id] = { loader, directory, loadedAt: new Date().toISOString() };
    });
    if (contentPath !== undefined) await this.#recordLocation?.(id, contentPath);
  }

  /** The remembered directory of `ds`, if it was loaded and still exists. */
  async loaded(ds: DataSource | string): Promise<LoadedEntry | undefined> {
    const id = typeof ds === "string" ? ds : ds.identifier;
    const entry = (await this.#read())[id];
    if (!entry) return undefined;
    try {
      return (await Deno.stat(entry.directory)).isDirectory ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  /** Forgets the remembered directory of `ds` (the directory itself is left alone). */
  async forget(ds: DataSource | string): Promise<void> {
    const id = typeof ds === "string" ? ds : ds.identifier;
    await this.#update((index) => {
      delete index[id];
    });
  }

  async #read(): Promise<Record<string, LoadedEntry>> {
    try {
      const parsed = JSON.parse(await Deno.readTextFile(this.indexPath));
      return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : {};
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return {};
      if (error instanceof SyntaxError) {
        throw new InvalidInputError(
          `The loaded-directories index ${this.indexPath} is not valid JSON: delete it (loads will be remembered again)`,
          { cause: error, status: 409, code: "bad-state-file" },
        );
      }
      throw error;
    }
  }

  async #update(change: (index: Record<string, LoadedEntry>) => void): Promise<void> {
    await Deno.mkdir(dirname(this.indexPath), { recursive: true });
    await withFileLock(`${this.indexPath}.lock`, async () => {
      const index = await this.#read();
      change(index);
      const sorted = Object.fromEntries(Object.keys(index).sort().map((k) => [k, index[k]]));
      const text = JSON.stringify(sorted, null, 2);
      await atomicWriteFile(this.indexPath, [new TextEncoder().encode(text + "\n")]);
    });
  }
}
