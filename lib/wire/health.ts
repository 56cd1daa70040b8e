/**
 * `GET /api/health`: whether the bridge answers.
 *
 * @module
 */
import { z } from "zod";

/**
 * The answer of `GET /api/health`.
 *
 * @example
 * ```ts
 * import { Health } from "./health.ts";
 * Health.parse({ ok: true, torrents: 0 });
 * ```
 */
export const Health = z.object({
  ok: z.boolean().describe("Always true: the bridge answers."),
  torrents: z.number().describe("How many torrents its session holds."),
}).meta({ id: "Health", description: "Whether the bridge answers, and how many torrents it has." });
