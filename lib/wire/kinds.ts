/**
 * `GET /api/kinds`: the DataSource classes a bridge knows.
 *
 * @module
 */
import { z } from "zod";

/**
 * One DataSource class, as `GET /api/kinds` lists it.
 *
 * @example
 * ```ts
 * import { KindItem } from "./kinds.ts";
 * KindItem.parse({ name: "CSVDataSource", iri: "http://x/CSVDataSource", parent: null, publishable: true });
 * ```
 */
export const KindItem = z.object({
  name: z.string().describe("The class name, e.g. `CSVDataSource`."),
  iri: z.string().describe("Its RDF type IRI."),
  parent: z.string().nullable().describe("The parent class's name, or null for the root."),
  publishable: z.boolean().describe(
    "Whether uploads and publishing can use it (a LocalFileDataSource subclass).",
  ),
}).meta({ id: "Kind", description: "One DataSource class." });
