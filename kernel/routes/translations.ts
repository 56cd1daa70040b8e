/**
 * `GET /api/translators` (the translators the bridge offers) and
 * `POST /api/translations` (run one over present inputs; 201 with the output
 * DataSource and its Translation, as `owm translate --json` prints it).
 *
 * @module
 */
import { Hono } from "hono";
import type { TranslateBody, TranslatorJson } from "../../lib/bridge/api_types.ts";
import { translatorJson } from "../../lib/bridge/translation_json.ts";
import { outputLeaf } from "../../lib/translate/run.ts";
import { MAX_COMPONENT_BYTES } from "../../lib/torrent/paths.ts";
import type { BridgeState } from "../bridge_state.ts";
import { ApiHttpError } from "../http_errors.ts";
import { jsonBody } from "./datasources.ts";

/** `GET /api/translators` over `state` (mount at `/api/translators`). */
export function translatorRoutes(state: BridgeState) {
  return new Hono().get("/", (c) => {
    const items: TranslatorJson[] = state.translations.translators.list().map(translatorJson);
    return c.json(items);
  });
}

/** Checks a `POST /api/translations` body, answering 400 for a malformed one. */
export function translateBody(body: Record<string, unknown>): TranslateBody {
  const bad = (message: string) => new ApiHttpError(400, "bad-request", message);
  const { translator, inputs, key, options } = body;
  if (typeof translator !== "string" || translator === "") {
    throw bad("Give 'translator' (a name from GET /api/translators)");
  }
  if (
    !Array.isArray(inputs) || inputs.length === 0 ||
    !inputs.every((i) => typeof i === "string" && i !== "")
  ) {
    throw bad("'inputs' must be a non-empty list of DataSource ids (ClassName:key or <IRI>)");
  }
  if (key !== undefined && (typeof key !== "string" || key === "")) {
    throw bad("'key' must be a non-empty string");
  }
  // The output's folder is named after the key, beside `.old-<name>-<uuid>` while it is replaced.
  const room = MAX_COMPONENT_BYTES - ".old--".length - 36;
  if (typeof key === "string" && new TextEncoder().encode(outputLeaf(key)).length > room) {
    throw new ApiHttpError(
      400,
      "bad-key",
      `'key' is too long for a folder name (${room} bytes at most once quoted): give a shorter key`,
    );
  }
  if (options !== undefined) {
    if (!options || typeof options !== "object" || Array.isArray(options)) {
      throw bad("'options' must be an object of option names to string values");
    }
    for (const [name, value] of Object.entries(options)) {
      if (typeof value !== "string") {
        throw bad(`Option '${name}' must be a string, got ${JSON.stringify(value)}`);
      }
    }
  }
  return {
    translator,
    inputs: inputs as string[],
    ...(key !== undefined ? { key: key as string } : {}),
    ...(options !== undefined ? { options: options as Record<string, string> } : {}),
  };
}

/** `POST /api/translations` over `state` (mount at `/api/translations`). */
export function translationRoutes(state: BridgeState) {
  return new Hono().post("/", async (c) => {
    const body = translateBody(await jsonBody(c.req));
    return c.json(await state.translations.translate(body), 201);
  });
}
