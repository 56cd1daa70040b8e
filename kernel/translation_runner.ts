/**
 * Translations run by the bridge (`POST /api/translations`): the built-in
 * translators, run one at a time in the bridge's process over its store,
 * with the errors that become HTTP answers and a `translated` event on
 * success.
 *
 * Inputs must be present here (fetched or published; a fetch is
 * `POST /api/datasources/{id}/fetch`): a translation never starts a download,
 * so a request answers in the time the translation takes. Translations are
 * serialized globally, not per output key: one runs at a time and the others
 * wait their turn, so two requests for the same key never interleave their
 * output swaps and graph writes, and large ones (a CSV of a million rows)
 * do not compete for memory. Closing the bridge cancels a running one.
 *
 * @module
 */
import type { BridgeEvent, TranslateBody, TranslationJson } from "../lib/bridge/api_types.ts";
import type { DataSourceRepository } from "../lib/datasource/repository.ts";
import type { TorrentIndex } from "../lib/index/torrent_index.ts";
import { builtinTranslators } from "../lib/translate/builtins.ts";
import type { TranslatorRegistry } from "../lib/translate/registry.ts";
import { runTranslation } from "../lib/translate/run.ts";
import { translationRunJson } from "../lib/bridge/translation_json.ts";
import { TranslationError, TranslationInputError } from "../lib/translate/translator.ts";
import { ApiHttpError } from "./http_errors.ts";

/** What the runner needs of the bridge. */
export interface TranslationRunnerOptions {
  /** The store. */
  repo: DataSourceRepository;
  /** Indexes to find inputs' torrents in (for their names and piece hashes). */
  indexes: readonly TorrentIndex[];
  /** Where `translated` events go. */
  publish: (event: BridgeEvent) => void;
  /** The translators. @default builtinTranslators() */
  translators?: TranslatorRegistry;
}

/** Runs the bridge's translations, one at a time. */
export class TranslationRunner {
  /** The translators this bridge offers. */
  readonly translators: TranslatorRegistry;
  readonly #options: TranslationRunnerOptions;
  readonly #closing = new AbortController();
  /** The end of the queue: the last translation started or waiting. */
  #tail: Promise<unknown> = Promise.resolve();

  /** Creates the runner. */
  constructor(options: TranslationRunnerOptions) {
    this.#options = options;
    this.translators = options.translators ?? builtinTranslators();
  }

  /**
   * Runs `body.translator` over `body.inputs` after the translations already
   * queued, and publishes a `translated` event.
   *
   * @throws {ApiHttpError} 404 `unknown-translator`; 409 `not-present` (an
   * input neither fetched nor published here, or its content gone) or
   * `input-corrupt` (it does not verify); 422 `translation-failed` for inputs
   * of the wrong kind or number, a bad option, or what the translator refuses
   * (the message names the row or entry).
   */
  async translate(body: TranslateBody): Promise<TranslationJson> {
    const translator = this.translators.find(body.translator);
    if (!translator) {
      throw new ApiHttpError(
        404,
        "unknown-translator",
        `Unknown translator '${body.translator}': known translators are ${
          this.translators.list().map((t) => t.name).join(", ") || "(none)"
        } (GET /api/translators)`,
      );
    }
    const turn = this.#tail.then(() => this.#run(body, translator.name));
    this.#tail = turn.catch(() => {});
    return await turn;
  }

  async #run(body: TranslateBody, name: string): Promise<TranslationJson> {
    const { repo } = this.#options;
    this.#closing.signal.throwIfAborted();
    let json: TranslationJson;
    try {
      const run = await runTranslation(repo, this.translators.get(name), body.inputs, {
        ...(body.key !== undefined ? { key: body.key } : {}),
        options: body.options ?? {},
        indexes: this.#options.indexes,
        signal: this.#closing.signal,
      });
      json = translationRunJson(run, await repo.store.prefixes());
    } catch (error) {
      if (error instanceof TranslationInputError) {
        const code = error.problem === "corrupt" ? "input-corrupt" : "not-present";
        throw new ApiHttpError(409, code, error.message);
      }
      if (error instanceof TranslationError) {
        throw new ApiHttpError(422, "translation-failed", error.message);
      }
      throw error;
    }
    this.#options.publish({ type: "translated", id: json.id, translation: json.translation });
    return json;
  }

  /** Cancels the running translation and refuses those waiting. */
  close(): void {
    this.#closing.abort(
      new ApiHttpError(503, "closing", "The bridge is closing: translate again once it runs"),
    );
  }
}
