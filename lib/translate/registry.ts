/**
 * The translators known to a process: the built-in ones and any a program
 * registers, looked up by name.
 *
 * @module
 */
import { type DataTranslator, TranslationError } from "./translator.ts";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Translators by name.
 *
 * @example
 * ```ts
 * import { LocalFileDataSource, TranslatorRegistry } from "../../mod.ts";
 * const registry = new TranslatorRegistry().register({
 *   name: "noop",
 *   version: "1",
 *   description: "Does nothing",
 *   inputKinds: ["LocalFileDataSource"],
 *   outputKind: LocalFileDataSource,
 *   translate: () => Promise.resolve({ fields: {} }),
 * });
 * console.log(registry.get("noop").version); // "1"
 * ```
 */
export class TranslatorRegistry {
  #byName = new Map<string, DataTranslator>();

  /**
   * Adds `translator`, replacing one of the same name.
   *
   * @throws {TypeError} for a name that is not letters, digits, '.', '_' and '-'.
   */
  register(translator: DataTranslator): this {
    if (!NAME.test(translator.name)) {
      throw new TypeError(
        `Translator name '${translator.name}' must be letters, digits, '.', '_' and '-'`,
      );
    }
    if (translator.inputKinds.length === 0) {
      throw new TypeError(`Translator '${translator.name}' declares no input kinds`);
    }
    this.#byName.set(translator.name, translator);
    return this;
  }

  /** The translator named `name`, if registered. */
  find(name: string): DataTranslator | undefined {
    return this.#byName.get(name);
  }

  /**
   * The translator named `name`.
   *
   * @throws {TranslationError} when none is registered under that name.
   */
  get(name: string): DataTranslator {
    const found = this.#byName.get(name);
    if (!found) {
      throw new TranslationError(
        undefined,
        `Unknown translator '${name}': known translators are ${
          this.list().map((t) => t.name).join(", ") || "(none)"
        }`,
      );
    }
    return found;
  }

  /** Every registered translator, by name. */
  list(): DataTranslator[] {
    return [...this.#byName.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0
    );
  }
}
