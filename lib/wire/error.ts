/**
 * The error answer every route of the bridge gives: `{error: {code, message}}`.
 *
 * @module
 */
import { z } from "zod";

/**
 * Every error answer: `{ "error": { "code", "message" } }`.
 *
 * @example
 * ```ts
 * import { ApiError } from "./error.ts";
 * ApiError.parse({ error: { code: "not-found", message: "No DataSource CSVDataSource:x" } });
 * ```
 */
export const ApiError = z.object({
  error: z.object({
    code: z.string().describe("A stable machine-readable code, e.g. `not-found`, `unauthorized`."),
    message: z.string().describe("What is wrong and what to do."),
  }).describe("The error."),
}).meta({ id: "Error", description: 'Every error answer: `{ "error": { "code", "message" } }`.' });
