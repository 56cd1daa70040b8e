/**
 * `GET /api/translators` (the translators the bridge offers) and
 * `POST /api/translations` (run one over present inputs; 201 with the output
 * DataSource and its Translation, as `owm translate --json` prints it).
 *
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { TranslateBody, TranslatorJson } from "../../lib/bridge/api_types.ts";
import { translatorJson } from "../../lib/bridge/translation_json.ts";
import { checkOutputKey } from "../../lib/translate/run.ts";
import * as wire from "../../lib/wire/translations.ts";
import { apiRouter, declareRoute } from "../api_route.ts";
import type { BridgeState } from "../bridge_state.ts";
import { answer, ERROR_ANSWERS, errorAnswer, jsonContent } from "../openapi.ts";

/** The routes, as declared (and documented in /openapi.json). */
export const TRANSLATION_ROUTES = {
  translators: createRoute({
    method: "get",
    path: "/",
    summary: "The translators this bridge runs",
    responses: { 200: answer("Translators", z.array(wire.TranslatorJson)), ...ERROR_ANSWERS },
  }),
  translate: createRoute({
    method: "post",
    path: "/",
    summary:
      "Run a translator over DataSources present here; records the output DataSource and its Translation. One translation runs at a time (others wait their turn); a 'translated' event follows",
    request: { body: { required: true, content: jsonContent(wire.TranslateBody) } },
    responses: {
      201: answer("Translated", wire.TranslationJson),
      ...ERROR_ANSWERS,
      404: errorAnswer("not-found: no such input DataSource; unknown-translator"),
      409: errorAnswer(
        "not-present: an input is neither fetched nor published here, or its content is gone (fetch it first); input-corrupt: an input's content does not verify (fetch it with repair)",
      ),
      422: errorAnswer(
        "translation-failed: inputs of the wrong kind or number, a bad option, an output key taken by a DataSource no translation made, or what the translator refuses (the message names the CSV line and row or the zip entry); nothing was written",
      ),
    },
  }),
};

/** `GET /api/translators` over `state` (mount at `/api/translators`). */
export function translatorRoutes(state: BridgeState) {
  const app = apiRouter();
  declareRoute(app, TRANSLATION_ROUTES.translators, (c) => {
    const items: TranslatorJson[] = state.translations.translators.list().map(translatorJson);
    return c.json(items);
  });
  return app;
}

/** Refuses (400 `bad-key`) a key too long for the output's folder name, before any work. */
function checkKeyRoom(key: string | undefined): void {
  if (typeof key === "string") checkOutputKey(key);
}

/** `POST /api/translations` over `state` (mount at `/api/translations`). */
export function translationRoutes(state: BridgeState) {
  const app = apiRouter();
  declareRoute(app, TRANSLATION_ROUTES.translate, async (c, input) => {
    const { translator, inputs, key, options } = await input.body();
    checkKeyRoom(key);
    const body: TranslateBody = {
      translator,
      inputs,
      ...(key !== undefined ? { key } : {}),
      ...(options !== undefined ? { options } : {}),
    };
    return c.json(await state.translations.translate(body), 201);
  });
  return app;
}
