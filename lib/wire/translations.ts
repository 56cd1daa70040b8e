/**
 * The wire shapes of `GET /api/translators` and `POST /api/translations`.
 *
 * @module
 */
import { z } from "zod";

/**
 * A translator, as `GET /api/translators` (and `owm translator list --json`) lists it.
 *
 * @example
 * ```ts
 * import { TranslatorJson } from "./translations.ts";
 * TranslatorJson.parse({
 *   name: "csv-to-rdf", version: "1", description: "", inputKinds: ["CSVDataSource"],
 *   outputKind: "GraphDataSource",
 * });
 * ```
 */
export const TranslatorJson = z.object({
  name: z.string().describe("Its stable name, e.g. `zip-to-directory`."),
  version: z.string().describe("Its version, recorded in every Translation it makes."),
  description: z.string().describe("One line for people."),
  inputKinds: z.array(z.string()).describe(
    "The DataSource kinds it takes, one per input (the last repeats when it takes more).",
  ),
  outputKind: z.string().describe("The kind of DataSource it makes."),
}).meta({
  id: "Translator",
  description:
    "A translator, as `GET /api/translators` (and `owm translator list --json`) lists it.",
});

const GIVE_TRANSLATOR = "Give 'translator' (a name from GET /api/translators)";
const INPUTS = "'inputs' must be a non-empty list of DataSource ids (ClassName:key or <IRI>)";
const KEY = "'key' must be a non-empty string";

/**
 * What `POST /api/translations` takes.
 *
 * @example
 * ```ts
 * import { TranslateBody } from "./translations.ts";
 * TranslateBody.parse({ translator: "zip-to-directory", inputs: ["LocalFileDataSource:z"] });
 * ```
 */
export const TranslateBody = z.object({
  translator: z.string({ error: GIVE_TRANSLATOR }).min(1, { error: GIVE_TRANSLATOR }).describe(
    "The translator's name (see `GET /api/translators`).",
  ),
  inputs: z.array(
    z.string({ error: INPUTS }).min(1, { error: INPUTS }).describe("ClassName:key or <IRI>"),
    { error: INPUTS },
  ).min(1, { error: INPUTS }).describe(
    "The input DataSources, `ClassName:key` or `<IRI>`, in order.",
  ),
  key: z.string({ error: KEY }).min(1, { error: KEY }).optional().describe(
    "The output DataSource's key. @default `<first input's key>-<translator>`",
  ),
  options: z.record(
    z.string(),
    z.string({
      error: (issue) =>
        `Option '${String(issue.path?.at(-1))}' must be a string, got ${
          JSON.stringify(issue.input)
        }`,
    }),
    { error: "'options' must be an object of option names to string values" },
  ).optional().describe("Translator options, name to value (`owm translate --option name=value`)."),
}).meta({ id: "TranslateBody", description: "What `POST /api/translations` takes." });

/**
 * The 201 answer of `POST /api/translations` (and `owm translate --json`):
 * the output DataSource and the Translation recorded.
 *
 * @example
 * ```ts
 * import { TranslationJson } from "./translations.ts";
 * TranslationJson.shape.statements.parse(12);
 * ```
 */
export const TranslationJson = z.object({
  id: z.string().describe("The output DataSource, `ClassName:key`."),
  iri: z.string().describe("Its IRI."),
  translation: z.string().describe("The Translation's IRI."),
  translator: z.string().describe("The translator's name."),
  translatorVersion: z.string().describe("The translator's version."),
  inputs: z.array(z.string()).describe("The inputs, `ClassName:key`, in order."),
  directory: z.string().describe("The output directory (on the machine that ran it)."),
  contentPath: z.string().describe(
    "The output content: `<directory>/<fileName>`, or the directory.",
  ),
  sha256: z.string().nullable().describe(
    "Hex SHA-256 of the output content (file bytes, or the owm folder digest), when recorded.",
  ),
  statements: z.int().min(0).describe(
    "How many statements the translator stored beside the output (e.g. csv-to-rdf's rows).",
  ),
}).meta({
  id: "Translation",
  description:
    "The 201 answer of `POST /api/translations` (and `owm translate --json`): the output DataSource and the Translation recorded.",
});
