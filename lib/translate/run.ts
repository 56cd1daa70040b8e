/**
 * Running a translation: load the inputs, give the translator an empty
 * directory, and on success move its output into place, save the output
 * DataSource with its `source` and `translation` fields and the Translation
 * record in one atomic graph update, and remember the output directory. On any
 * failure nothing is left: the temporary directory is removed, an earlier
 * output is put back, and the graph is unchanged.
 *
 * @module
 */
import {
  StoreLayout,
  TRANSLATION_LOADER_KEY as TRANSLATION_KEY,
} from "../settings/store_layout.ts";
import { join } from "node:path";
import { classChain, type DataSource } from "../datasource/data_source.ts";
import { quoteKey } from "../datasource/identifier.ts";
import { DEFAULT_DATA_GRAPH, SCHEMA_GRAPH } from "../datasource/namespaces.ts";
import type { DataSourceRepository } from "../datasource/repository.ts";
import { namedNode } from "../graph/rdf.ts";
import { InvalidInputError } from "../errors/invalid_input.ts";
import { MAX_COMPONENT_BYTES } from "../torrent/paths.ts";
import { digestContent } from "../integrity/content_digest.ts";
import type { TorrentIndex } from "../index/torrent_index.ts";
import { loadedIndexPath, locateContent, verifyLocated } from "../loader/located_content.ts";
import { LoaderRegistry } from "../loader/registry.ts";
import { withFileLock } from "../fs/file_lock.ts";
import { confinedJoin, PathEscapeError, UnsafeFieldPathError } from "../fs/confine.ts";
import { translationIri, type TranslationRecord, writeTranslation } from "./provenance.ts";
import {
  type DataTranslator,
  TranslationError,
  type TranslationInput,
  TranslationInputError,
  type TranslationResult,
} from "./translator.ts";

/** The loader key under which translation outputs are remembered. */
export const TRANSLATION_LOADER_KEY: string = TRANSLATION_KEY;

/**
 * Where translation outputs of a store go: `<store>/data_source_data/translation`.
 *
 * @example
 * ```ts
 * import { translationBase } from "./run.ts";
 * console.log(translationBase("/data/.owm")); // "/data/.owm/data_source_data/translation"
 * ```
 */
export function translationBase(storeHome: string): string {
  return new StoreLayout(storeHome).translation;
}

/** The folder of per-output lock files inside a translation base (never holds output). */
const locksDir = (base: string) => StoreLayout.translationLocks(base);

/** Options of {@linkcode runTranslation}. */
export interface RunTranslationOptions {
  /** The output DataSource's key. @default `<first input's key>-<translator name>` */
  key?: string;
  /** Translator-specific options. */
  options?: Readonly<Record<string, string>>;
  /** Loads inputs that are not present here yet (e.g. a BitTorrent loader). */
  loaders?: LoaderRegistry;
  /** Indexes to find inputs' torrents in, for their piece-hash check. @default [] */
  indexes?: readonly TorrentIndex[];
  /** Where outputs go: `<outputBase>/<quoted key>/`. @default translationBase(store) */
  outputBase?: string;
  /** The named graph the output DataSource and the record are saved in. */
  context?: string;
  /** Cancels the run. */
  signal?: AbortSignal;
  /** The clock (for tests). */
  now?: () => Date;
  /**
   * The SHA-256 the output must have (a re-translation reproducing recorded
   * content); a different output is refused before anything is replaced.
   */
  expectSha256?: string;
}

/** What a translation produced. */
export interface TranslationRun {
  /** The saved output DataSource. */
  output: DataSource;
  /** The Translation recorded. */
  record: TranslationRecord;
  /** The output directory. */
  directory: string;
  /** The output content: `<directory>/<fileName>`, or the directory. */
  contentPath: string;
  /** Statements the translator stored beside the output. */
  statements: number;
}

/**
 * Refuses (`InvalidInputError`, 400 `bad-key`) an output key too long for its
 * folder name: the output's folder is named after the quoted key, and sits
 * beside `.old-<name>-<uuid>` while it is replaced, all within one file-name
 * component (255 bytes).
 *
 * @example
 * ```ts
 * import { checkOutputKey } from "./run.ts";
 * checkOutputKey("worms-csv-to-rdf"); // fine
 * // checkOutputKey("k".repeat(300)) throws InvalidInputError
 * ```
 */
export function checkOutputKey(key: string): void {
  const room = MAX_COMPONENT_BYTES - ".old--".length - 36;
  if (new TextEncoder().encode(outputLeaf(key)).length > room) {
    throw new InvalidInputError(
      `The output key '${
        key.slice(0, 40)
      }…' is too long for a folder name (${room} bytes at most once quoted): give a shorter key (--key)`,
      { code: "bad-key" },
    );
  }
}

/** The directory name of an output key (quoted, no `/`, never starting with a dot, so never `.`/`..`). */
export function outputLeaf(key: string): string {
  // A leading dot is quoted too: `.locks`, `.tmp-…` and `.old-…` belong to the runner.
  return quoteKey(key).replace(/\//g, "%2F").replace(/^\./, "%2E");
}

/**
 * Whether `ds` is of class `kind` (a class name) or a subclass of it.
 *
 * @example
 * ```ts
 * import { CSVDataSource } from "../../mod.ts";
 * import { isOfKind } from "./run.ts";
 * console.log(isOfKind(new CSVDataSource({ key: "k" }), "LocalFileDataSource")); // true
 * ```
 */
export function isOfKind(ds: DataSource, kind: string): boolean {
  return classChain(ds.constructor as never).some((c) => c.name === kind);
}

/**
 * Checks the number and kinds of `inputs` against what `translator` accepts.
 *
 * @example
 * ```ts ignore
 * checkInputs(csvToRdf, [await repo.get("CSVDataSource:conn")]); // throws if not a CSVDataSource
 * ```
 *
 * @throws {TranslationError} naming the input at fault.
 */
export function checkInputs(translator: DataTranslator, inputs: readonly DataSource[]): void {
  const kinds = translator.inputKinds;
  const { min, max } = translator.inputCount ?? { min: kinds.length, max: kinds.length };
  if (inputs.length < min || inputs.length > max) {
    const wanted = min === max ? `${min}` : `${min} to ${max === Infinity ? "any number" : max}`;
    throw new TranslationError(
      translator.name,
      `takes ${wanted} input${min === 1 && max === 1 ? "" : "s"} (${
        kinds.join(", ")
      }), but ${inputs.length} ${inputs.length === 1 ? "was" : "were"} given`,
    );
  }
  inputs.forEach((ds, i) => {
    const kind = kinds[Math.min(i, kinds.length - 1)]!;
    if (!isOfKind(ds, kind)) {
      throw new TranslationError(
        translator.name,
        `input ${
          i + 1
        } must be a ${kind} (or a subclass), but ${ds.identifier} is a ${ds.className}`,
      );
    }
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Finds (or loads) the content of one input and checks it against what it records. */
async function locateInput(
  repo: DataSourceRepository,
  ds: DataSource,
  options: RunTranslationOptions,
  translator: string,
): Promise<TranslationInput> {
  const home = repo.store.home;
  let located = await locateContent(home, ds, options.indexes ?? [], repo.store);
  if (!located && options.loaders?.loaderFor(ds)) {
    const { directory } = await options.loaders.load(
      ds,
      options.signal ? { signal: options.signal } : {},
    );
    located = await locateContent(home, ds, options.indexes ?? [], repo.store);
    if (!located) return { source: ds, directory, contentPath: directory };
  }
  if (!located) {
    const remembered = await new LoaderRegistry(loadedIndexPath(home)).loaded(ds);
    if (remembered) {
      return { source: ds, directory: remembered.directory, contentPath: remembered.directory };
    }
    throw new TranslationInputError(
      translator,
      ds.identifier,
      "not-present",
      `input ${ds.identifier} is not present on this machine and no loader can load it: fetch or publish it first (owm fetch)`,
    );
  }
  if (!(await exists(located.contentPath))) {
    throw new TranslationInputError(
      translator,
      ds.identifier,
      "missing",
      `input ${ds.identifier} should be at ${located.contentPath}, but nothing is there: fetch it again (owm fetch --repair)`,
    );
  }
  const report = await verifyLocated(ds, located, options.signal);
  if (report.checks.length > 0 && !report.ok) {
    const bad = report.checks.filter((c) => !c.ok).map((c) =>
      `${c.kind}: expected ${c.expected}, got ${c.actual}`
    );
    throw new TranslationInputError(
      translator,
      ds.identifier,
      "corrupt",
      `input ${ds.identifier} at ${located.contentPath} does not verify (${
        bad.join("; ")
      }): repair it first (owm fetch --repair)`,
    );
  }
  return { source: ds, directory: located.directory, contentPath: located.contentPath };
}

/**
 * Translates `inputs` (DataSources or their ids) with `translator` and records
 * the result. Rerunning with the same inputs, key and options replaces the
 * earlier output and record.
 *
 * @example Extract a fetched zip into a directory DataSource
 * ```ts ignore
 * const run = await runTranslation(repo, zipToDirectory, ["LocalFileDataSource:images"], {
 *   key: "images-extracted",
 * });
 * console.log(run.directory, run.record.iri);
 * ```
 *
 * @throws {TranslationError} for inputs of the wrong kind or number, an output
 * key taken by a DataSource that no translation made, or whatever the
 * translator refuses; a {@linkcode TranslationInputError} for inputs not
 * present or not verifying.
 */
export async function runTranslation(
  repo: DataSourceRepository,
  translator: DataTranslator,
  inputs: readonly (string | DataSource)[],
  options: RunTranslationOptions = {},
): Promise<TranslationRun> {
  const name = translator.name;
  const sources: DataSource[] = [];
  for (const input of inputs) {
    sources.push(typeof input === "string" ? await repo.get(input) : input);
  }
  checkInputs(translator, sources);
  const key = options.key ?? `${sources[0]?.key ?? "output"}-${name}`;
  if (key === "") throw new TranslationError(name, "the output key is empty: give --key");
  const probe = new translator.outputKind({ key });
  const outputId = probe.identifier;
  if (sources.some((s) => s.identifier === outputId)) {
    throw new TranslationError(
      name,
      `the output ${outputId} would replace its own input: give another --key`,
    );
  }
  const base = options.outputBase ?? translationBase(repo.store.home);
  checkOutputKey(key);
  const leaf = outputLeaf(key);
  await Deno.mkdir(base, { recursive: true });
  // One run per output at a time, across processes (the CLI and a bridge on one store).
  // The lock files live in `<base>/.locks/`, which never holds output.
  await Deno.mkdir(locksDir(base), { recursive: true });
  return await withFileLock(join(locksDir(base), `${leaf}.lock`), async () => {
    await recoverInterrupted(base, leaf);
    const earlier = await repo.find(outputId);
    const earlierTranslation = earlier?.fields.has("translation")
      ? earlier.getAll("translation").map(String)
      : [];
    if (earlier && earlierTranslation.length === 0) {
      throw new TranslationError(
        name,
        `${outputId} already exists and was not made by a translation: give another --key (nothing was changed)`,
      );
    }
    const translatorOptions = { ...(options.options ?? {}) };
    const located: TranslationInput[] = [];
    for (const ds of sources) located.push(await locateInput(repo, ds, options, name));

    const now = options.now ?? (() => new Date());
    const finalDir = confinedJoin(base, leaf);
    const tmpDir = await Deno.makeTempDir({ dir: base, prefix: `.tmp-${leaf}-` });
    const startedAt = now().toISOString();
    let result: TranslationResult;
    let contentPath: string;
    let output: DataSource;
    let record: TranslationRecord;
    try {
      try {
        result = await translator.translate(located, tmpDir, {
          repository: repo,
          outputKey: key,
          outputIdentifier: outputId,
          options: translatorOptions,
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (error) {
        // A name leading outside is refused as such (it names the field or the link).
        if (
          error instanceof TranslationError || error instanceof UnsafeFieldPathError ||
          error instanceof PathEscapeError
        ) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        throw new TranslationError(name, reason, { cause: error });
      }
      options.signal?.throwIfAborted();
      const fileName = result.fields.fileName;
      if (fileName !== undefined && typeof fileName !== "string") {
        throw new TranslationError(name, "the translator gave a fileName that is not a string");
      }
      contentPath = fileName ? confinedJoin(tmpDir, fileName) : tmpDir;
      if (!(await exists(contentPath))) {
        throw new TranslationError(
          name,
          `the translator named its output ${fileName} but wrote nothing there`,
        );
      }
      record = {
        iri: await translationIri({
          translator: name,
          inputs: sources.map((s) => s.identifier),
          output: outputId,
          options: translatorOptions,
        }),
        translator: name,
        translatorVersion: translator.version,
        inputs: sources.map((s) => s.identifier),
        output: outputId,
        options: translatorOptions,
        startedAt,
        endedAt: "",
      };
      const fields: Record<string, unknown> = { ...result.fields };
      if (probe.fields.has("sha256") && fields.sha256 === undefined) {
        fields.sha256 = result.contentSha256 ?? (await digestContent(
          contentPath,
          ["sha256"],
          options.signal ? { signal: options.signal } : {},
        )).digests.sha256;
      }
      if (
        options.expectSha256 !== undefined &&
        String(fields.sha256 ?? "").toLowerCase() !== options.expectSha256.toLowerCase()
      ) {
        throw new TranslationError(
          name,
          `translating again did not reproduce ${outputId}: sha256 expected ${options.expectSha256}, got ${
            fields.sha256 ?? "(none)"
          }; the inputs or the translator changed (nothing was replaced)`,
        );
      }
      try {
        output = new translator.outputKind({
          key,
          ...fields,
          source: sources.map((s) => s.identifier),
          translation: record.iri,
        });
      } catch (error) {
        throw new TranslationError(
          name,
          `the translator's output fields do not fit ${translator.outputKind.name}: ${
            error instanceof Error ? error.message : String(error)
          }`,
          { cause: error },
        );
      }
      for (const q of result.quads ?? []) {
        if (
          q.graph.termType !== "NamedNode" ||
          [DEFAULT_DATA_GRAPH, SCHEMA_GRAPH].includes(q.graph.value)
        ) {
          throw new TranslationError(
            name,
            `the translator wrote a statement outside a named graph of its own (${
              q.graph.value || "the default graph"
            }); translators may not change DataSources or the schema`,
          );
        }
      }
      record.endedAt = now().toISOString();
    } catch (error) {
      await Deno.remove(tmpDir, { recursive: true }).catch(() => {});
      throw error;
    }

    // Swap the output into place, then write the graph; undo the swap if the write fails.
    let previous: string | undefined;
    if (await exists(finalDir)) {
      previous = join(base, `.old-${leaf}-${crypto.randomUUID()}`);
      await Deno.rename(finalDir, previous);
    }
    await Deno.rename(tmpDir, finalDir);
    const finalContent = contentPath === tmpDir
      ? finalDir
      : join(finalDir, contentPath.slice(tmpDir.length + 1));
    const graph = options.context ?? DEFAULT_DATA_GRAPH;
    try {
      await repo.save([output], {
        context: graph,
        also: (tx) => {
          for (const old of earlierTranslation) {
            if (old !== record.iri) tx.removeSubject(namedNode(old), namedNode(graph));
          }
          writeTranslation(tx, record, graph, translator.description);
          for (const g of result.replaceGraphs ?? []) tx.removeGraph(namedNode(g));
          if (result.quads) tx.addAll(result.quads);
        },
      });
      await new LoaderRegistry(loadedIndexPath(repo.store.home)).remember(
        output,
        TRANSLATION_LOADER_KEY,
        finalDir,
      );
    } catch (error) {
      await Deno.remove(finalDir, { recursive: true }).catch(() => {});
      if (previous) await Deno.rename(previous, finalDir).catch(() => {});
      throw error;
    }
    if (previous) await Deno.remove(previous, { recursive: true }).catch(() => {});
    return {
      output,
      record,
      directory: finalDir,
      contentPath: finalContent,
      statements: result.quads?.length ?? 0,
    };
  });
}

/**
 * Cleans up after a run of the output `leaf` that was killed: its temporary
 * directories go; if it died between moving the earlier output aside and
 * moving the new one in, the earlier output (still the one the graph
 * records) is put back.
 */
async function recoverInterrupted(base: string, leaf: string): Promise<void> {
  const finalDir = join(base, leaf);
  const tmp: string[] = [];
  const old: { path: string; mtime: number }[] = [];
  for await (const entry of Deno.readDir(base)) {
    const path = join(base, entry.name);
    if (entry.name.startsWith(`.tmp-${leaf}-`)) tmp.push(path);
    if (entry.name.startsWith(`.old-${leaf}-`)) {
      old.push({ path, mtime: (await Deno.lstat(path)).mtime?.getTime() ?? 0 });
    }
  }
  old.sort((a, b) => b.mtime - a.mtime);
  if (old.length > 0 && !(await exists(finalDir))) await Deno.rename(old.shift()!.path, finalDir);
  for (const path of [...tmp, ...old.map((o) => o.path)]) {
    await Deno.remove(path, { recursive: true }).catch(() => {});
  }
}
