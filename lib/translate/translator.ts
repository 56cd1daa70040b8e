/**
 * The DataTranslator contract, as in the original: a translator turns one or
 * more loaded DataSources of given kinds into a new DataSource of its output
 * kind ("from one form to another"): a `.zip` into a directory of files, a CSV
 * into graph statements, a directory into a `.zip`. The runner
 * ({@linkcode runTranslation}) loads the inputs, gives the translator an empty
 * output directory, saves the output DataSource and records the `Translation`
 * in the graph; a translator only reads its inputs and writes its output.
 *
 * @module
 */
import { resolve } from "node:path";
import { assertInside } from "../fs/confine.ts";
import type { DataSource, DataSourceClass } from "../datasource/data_source.ts";
import type { DataSourceRepository } from "../datasource/repository.ts";
import type { Quad } from "../graph/rdf.ts";
import { OwmError } from "../errors/owm_error.ts";

/** One loaded input of a translation. */
export interface TranslationInput {
  /** The input DataSource. */
  source: DataSource;
  /** The directory its content was loaded into. */
  directory: string;
  /**
   * Its content: `<directory>/<fileName>` when the DataSource names a file
   * (or folder) and it exists, else the directory itself.
   */
  contentPath: string;
}

/**
 * The content path of `input`, checked: when it is not the directory itself
 * it must lie inside it, and neither be nor pass through a symbolic link
 * leading out of it. Translators read only what this returns.
 *
 * @param input A translator's input.
 * @returns `input.contentPath`, resolved.
 * @throws {PathEscapeError} When the content is outside its directory
 * (a `LinkEscapeError` when a link leads out); both from lib/fs/confine.ts.
 *
 * @example
 * ```ts ignore
 * const path = await confinedContent(inputs[0]!);
 * ```
 */
export async function confinedContent(input: TranslationInput): Promise<string> {
  if (resolve(input.contentPath) === resolve(input.directory)) return input.contentPath;
  return await assertInside(input.directory, input.contentPath);
}

/** What a translator is given besides its inputs and output directory. */
export interface TranslationContext {
  /** The repository the output will be saved into (read-only use). */
  repository: DataSourceRepository;
  /** The output DataSource's key. */
  outputKey: string;
  /** The output DataSource's identifier (IRI). */
  outputIdentifier: string;
  /** Translator-specific options (`owm translate --option name=value`). */
  options: Readonly<Record<string, string>>;
  /** Cancels the translation. */
  signal?: AbortSignal;
}

/** What a translator produced. */
export interface TranslationResult {
  /**
   * Field values of the output DataSource (by TypeScript name), e.g.
   * `fileName`. The runner adds `source`, `translation` and, when the output
   * kind has it and the translator left it unset, `sha256` of the output.
   */
  fields: Record<string, unknown>;
  /**
   * Statements to store with the output, all in named graphs the translator
   * owns (e.g. the CSV → RDF translator's graph). They are written in the same
   * atomic update as the output DataSource.
   */
  quads?: readonly Quad[];
  /** Named graphs (IRIs) whose earlier statements are replaced by `quads`. */
  replaceGraphs?: readonly string[];
  /**
   * The SHA-256 (lower-case hex) of the output content, when the translator
   * hashed it as it wrote it: the runner then uses it for the output's
   * `sha256` instead of reading the content again. It must be what
   * `digestContent` gives for the content `fields.fileName` names.
   */
  contentSha256?: string;
}

/**
 * A translator from input DataSources of certain kinds to a DataSource of its
 * output kind. Names are stable identifiers (`zip-to-directory`); bump
 * `version` whenever the same inputs would give different output, so the
 * provenance recorded in the graph stays true.
 *
 * @example A translator that copies a file
 * ```ts
 * import { type DataTranslator, LocalFileDataSource } from "../../mod.ts";
 * const copy: DataTranslator = {
 *   name: "copy",
 *   version: "1",
 *   description: "Copies a file",
 *   inputKinds: ["LocalFileDataSource"],
 *   outputKind: LocalFileDataSource,
 *   async translate([input], outputDir) {
 *     await Deno.copyFile(input!.contentPath, `${outputDir}/copy`);
 *     return { fields: { fileName: "copy" } };
 *   },
 * };
 * console.log(copy.name); // "copy"
 * ```
 */
export interface DataTranslator {
  /** A stable name of letters, digits and '-', e.g. `csv-to-rdf`. */
  readonly name: string;
  /** The translator's version; recorded in every Translation it makes. */
  readonly version: string;
  /** One line for people. */
  readonly description: string;
  /**
   * The DataSource kinds (class names) it accepts, one per input position; the
   * last one repeats when {@linkcode DataTranslator.inputCount} allows more.
   * Subclasses of a kind are accepted.
   */
  readonly inputKinds: readonly string[];
  /** How many inputs it takes. @default { min: inputKinds.length, max: inputKinds.length } */
  readonly inputCount?: { readonly min: number; readonly max: number };
  /** The output DataSource class. */
  readonly outputKind: DataSourceClass;
  /**
   * Translates `inputs` into `outputDir` (an empty directory the runner made).
   * Throw a {@linkcode TranslationError} naming the row or entry at fault; the
   * runner then removes everything written and leaves the graph unchanged.
   */
  translate(
    inputs: readonly TranslationInput[],
    outputDir: string,
    context: TranslationContext,
  ): Promise<TranslationResult>;
}

/**
 * A translation failed: bad input (with the row or entry at fault), an input
 * of the wrong kind, or an unknown translator. Nothing was written.
 */
export class TranslationError extends OwmError {
  /** The error's code: `translation`. */
  override readonly code: string = "translation";
  /** The translator's name, when known. */
  readonly translator: string | undefined;

  /** Creates the error. */
  constructor(translator: string | undefined, message: string, options?: ErrorOptions) {
    super(translator ? `${translator}: ${message}` : message, options);
    this.name = "TranslationError";
    this.translator = translator;
  }
}

/** Why an input of a translation cannot be used as it is. */
export type TranslationInputProblem = "not-present" | "missing" | "corrupt";

/**
 * An input of a translation is not usable here: not loaded or published on
 * this machine (`not-present`), recorded as loaded but its content is gone
 * (`missing`), or its content does not match what it records (`corrupt`).
 * Fetch or repair the input, then translate again. Nothing was written.
 *
 * @example
 * ```ts
 * import { TranslationInputError } from "../../mod.ts";
 * const error = new TranslationInputError("csv-to-rdf", "urn:x", "not-present", "input urn:x is not here");
 * console.log(error.problem, error instanceof Error); // "not-present" true
 * ```
 */
export class TranslationInputError extends TranslationError {
  /** The error's code: `translation-input`. */
  override readonly code: string = "translation-input";
  /** The input DataSource's IRI. */
  readonly input: string;
  /** What is wrong with it. */
  readonly problem: TranslationInputProblem;

  /** Creates the error. */
  constructor(
    translator: string | undefined,
    input: string,
    problem: TranslationInputProblem,
    message: string,
    options?: ErrorOptions,
  ) {
    super(translator, message, options);
    this.name = "TranslationInputError";
    this.input = input;
    this.problem = problem;
  }
}
