/**
 * `GET /api/index`: the catalogue of the bridge's torrent indexes.
 *
 * @module
 */
import { z } from "zod";

/**
 * The query of `GET /api/index`.
 *
 * @example
 * ```ts
 * import { CatalogueQuery } from "./catalogue.ts";
 * CatalogueQuery.parse({ kind: "CSVDataSource", q: "elegans" });
 * ```
 */
export const CatalogueQuery = z.object({
  kind: z.string().optional().describe("Only datasets of this class (and its subclasses)."),
  q: z.string().optional().describe(
    "Only datasets matching every word, in their id, class, title, description, licence, citation, torrent file name or infohash.",
  ),
});

/**
 * One dataset in the catalogue.
 *
 * @example
 * ```ts
 * import { CatalogueEntryJson } from "./catalogue.ts";
 * CatalogueEntryJson.parse({
 *   id: "CSVDataSource:worms", class: "CSVDataSource", classes: ["CSVDataSource"], title: null,
 *   description: null, size: 22, fileCount: 2, infoHash: "ab".repeat(20), date: null,
 *   license: "CC-BY-4.0", citation: [], torrentFileName: "a.torrent", index: "dir:/srv/t",
 *   problem: null,
 * });
 * ```
 */
export const CatalogueEntryJson = z.object({
  id: z.string().nullable().describe("`ClassName:key`, or null for a torrent without a record."),
  class: z.string().nullable().describe("The class name, or null without a record."),
  classes: z.array(z.string()).describe("The class and its ancestors, most derived first."),
  title: z.string().nullable().describe("The `title` field."),
  description: z.string().nullable().describe("The `description` field."),
  size: z.number().nullable().describe("Total bytes of the content, from the torrent."),
  fileCount: z.number().nullable().describe("How many files the content holds."),
  infoHash: z.string().nullable().describe("The torrent's infohash."),
  date: z.string().nullable().describe("When it was published (ISO 8601), when recorded."),
  license: z.string().nullable().describe("The licence: an SPDX id or URL."),
  citation: z.array(z.string()).describe("How to cite it: text, BibTeX or DOIs."),
  torrentFileName: z.string().describe("The `.torrent` file name in the index."),
  index: z.string().describe("The index, as its spec (`dir:…`, `https://…/`, `drive:`)."),
  problem: z.string().nullable().describe(
    "Why the record (or the torrent) was refused, if it was: its fields are then left null.",
  ),
}).meta({ id: "CatalogueEntry", description: "One dataset in the catalogue." });

/**
 * The 200 answer of `GET /api/index`.
 *
 * @example
 * ```ts
 * import { CatalogueJson } from "./catalogue.ts";
 * CatalogueJson.parse({ entries: [], problems: [{ index: "https://t.example/", message: "unreachable" }] });
 * ```
 */
export const CatalogueJson = z.object({
  entries: z.array(CatalogueEntryJson).describe("Every dataset, sorted by id."),
  problems: z.array(z.object({
    index: z.string().describe("The index, as its spec."),
    message: z.string().describe("What went wrong."),
  })).describe("Indexes that could not be listed."),
}).meta({ id: "Catalogue", description: "The catalogue of the bridge's torrent indexes." });
