/**
 * The wire shapes of `POST /api/publish` and `POST /api/uploads`.
 *
 * @module
 */
import { z } from "zod";

const GIVE = "Give 'path', 'class' and 'key' (strings)";

/**
 * What `POST /api/publish` takes: a path under the bridge's publish root and
 * the DataSource to make for it.
 *
 * @example
 * ```ts
 * import { PublishBody } from "./publish.ts";
 * PublishBody.parse({ path: "worms.csv", class: "CSVDataSource", key: "worms" });
 * ```
 */
export const PublishBody = z.object({
  path: z.string({ error: GIVE }).min(1, { error: GIVE }).describe(
    "The content, relative to the publish root or absolute inside it.",
  ),
  class: z.string({ error: GIVE }).min(1, { error: GIVE }).describe(
    "The DataSource class name, e.g. `CSVDataSource`.",
  ),
  key: z.string({ error: GIVE }).min(1, { error: GIVE }).describe("The DataSource's key."),
  description: z.unknown().optional().meta({
    type: "string",
    description: "A description of the dataset (ignored unless a string).",
  }),
  title: z.string({ error: "'title' must be a string" }).optional().describe(
    "A short title of the dataset (the `title` field).",
  ),
  license: z.string({ error: "'license' must be a string" }).optional().describe(
    "The licence: an SPDX id or expression (e.g. `CC-BY-4.0`) or an http(s) URL.",
  ),
  citation: z.string({ error: "'citation' must be a string" }).optional().describe(
    "How to cite the dataset: text, BibTeX or a DOI.",
  ),
  fields: z.record(z.string(), z.unknown(), {
    error: "'fields' must be an object of field values",
  }).optional().describe(
    'Other Informational fields of the class by name, e.g. `{"csvFileName": "connections.csv"}`.',
  ),
  replace: z.boolean({ error: "'replace' must be true or false" }).optional().describe(
    "Replace a different torrent (and record) of this same DataSource id already in an index; " +
      "content under another id is refused (409) even so.",
  ),
}).meta({ id: "PublishBody", description: "What `POST /api/publish` takes." });

/**
 * What `POST /api/uploads` takes, as `multipart/form-data`.
 *
 * @example
 * ```ts
 * import { UploadForm } from "./publish.ts";
 * UploadForm.shape.class.parse("CSVDataSource");
 * ```
 */
export const UploadForm = z.object({
  class: z.string().describe("The DataSource class name (a LocalFileDataSource subclass)."),
  key: z.string().describe("The DataSource's key."),
  description: z.string().optional().describe("A description of the dataset."),
  title: z.string().optional().describe("A short title of the dataset."),
  license: z.string().optional().describe(
    "An SPDX licence id (e.g. `CC-BY-4.0`) or an http(s) URL.",
  ),
  citation: z.string().optional().describe("How to cite the dataset: text, BibTeX or a DOI."),
  fields: z.string().optional().describe(
    "Other fields of the class, one `name=value` per line (e.g. `csvFileName=connections.csv`).",
  ),
  replace: z.enum(["true", "false"]).optional().describe(
    "`true`: replace a different torrent of this same DataSource id already in an index.",
  ),
  file: z.array(z.string().meta({ format: "binary" })).describe(
    "One or more files, or a single .zip to unpack.",
  ),
}).meta({ id: "UploadForm", description: "What `POST /api/uploads` takes (multipart/form-data)." });

/**
 * The 201 answer of `POST /api/publish` and `POST /api/uploads`: what was published.
 *
 * @example
 * ```ts
 * import { PublishedJson } from "./publish.ts";
 * PublishedJson.shape.infoHash.parse("ab".repeat(20));
 * ```
 */
export const PublishedJson = z.object({
  id: z.string().describe("The new DataSource, `ClassName:key`."),
  torrentFileName: z.string().describe("`<md5>.torrent`, as pushed to the index."),
  infoHash: z.string().describe("The torrent's infohash (40 hex digits); the bridge seeds it."),
  magnetLink: z.string().describe("The magnet link."),
  md5: z.string().describe("Hex MD5 of the content (file bytes, or the owm folder digest)."),
  sha256: z.string().describe("Hex SHA-256 of the content (file bytes, or the owm folder digest)."),
}).meta({
  id: "Published",
  description: "The 201 answer of `POST /api/publish` and `POST /api/uploads`: what was published.",
});
