/**
 * The wire shapes of `/api/datasources`: listing, creating, showing,
 * fetching and verifying DataSources, and the chains of translations around
 * one.
 *
 * @module
 */
import { z } from "zod";

/**
 * The `{id}` of the DataSource routes.
 *
 * @example
 * ```ts
 * import { DataSourceIdParams } from "./datasources.ts";
 * DataSourceIdParams.parse({ id: "CSVDataSource:worms" });
 * ```
 */
export const DataSourceIdParams = z.object({
  id: z.string().describe("ClassName:key or <IRI>, URL-encoded"),
});

/**
 * The query of `GET /api/datasources`.
 *
 * @example
 * ```ts
 * import { ListDataSourcesQuery } from "./datasources.ts";
 * ListDataSourcesQuery.parse({ kind: "CSVDataSource" });
 * ```
 */
export const ListDataSourcesQuery = z.object({
  kind: z.string().optional().describe("Only DataSources of this class (and its subclasses)."),
});

/**
 * A DataSource in a listing.
 *
 * @example
 * ```ts
 * import { DataSourceItem } from "./datasources.ts";
 * DataSourceItem.parse({ id: "CSVDataSource:w", iri: "http://x/w", kind: "CSVDataSource" });
 * ```
 */
export const DataSourceItem = z.object({
  id: z.string().describe("`ClassName:key`."),
  iri: z.string().describe("The full IRI."),
  kind: z.string().describe("The class name."),
}).meta({ id: "DataSourceItem", description: "A DataSource in a listing." });

/**
 * One DataSource.
 *
 * @example
 * ```ts
 * import { DataSourceDetail } from "./datasources.ts";
 * DataSourceDetail.parse({
 *   id: "CSVDataSource:w", iri: "http://x/w", kind: "CSVDataSource", key: "w", fields: {}, text: "",
 * });
 * ```
 */
export const DataSourceDetail = DataSourceItem.extend({
  key: z.string().nullable().describe("The key, when the identifier has one."),
  fields: z.record(z.string(), z.unknown()).describe(
    "Stored field values by TypeScript name (lists for multi-valued fields).",
  ),
  text: z.string().describe("The original's `owm source show` text."),
}).meta({ id: "DataSourceDetail", description: "One DataSource." });

const CLASS_AND_KEY = "Give 'class' and 'key' (strings), and optional 'fields'";

/**
 * What `POST /api/datasources` takes.
 *
 * @example
 * ```ts
 * import { CreateDataSourceBody } from "./datasources.ts";
 * CreateDataSourceBody.parse({ class: "CSVDataSource", key: "worms", fields: {} });
 * ```
 */
export const CreateDataSourceBody = z.object({
  class: z.string({ error: CLASS_AND_KEY }).describe(
    "The class name (built in, or recorded in the store).",
  ),
  key: z.string({ error: CLASS_AND_KEY }).min(1, { error: CLASS_AND_KEY }).describe("The key."),
  fields: z.record(z.string(), z.unknown(), { error: "'fields' must be an object of field values" })
    .nullable().optional().describe("Field values by TypeScript name."),
  context: z.string({ error: "'context' must be a string (a graph IRI)" }).optional().describe(
    "The named graph to save into.",
  ),
  replace: z.boolean({ error: "'replace' must be true or false" }).optional().describe(
    "Replace an existing DataSource whose identity fields (torrentFileName, infoHash, magnetLink, md5, sha256, sha512, fileName, csvFileName, contentTranslator, graphName) differ; without it such a request is answered 409 `identity-conflict`. Content already here is verified again against the new fields (kept when it matches, forgotten when not).",
  ),
}).meta({ id: "CreateDataSourceBody", description: "What `POST /api/datasources` takes." });

/**
 * One identity field a replace changed: its values before and after (empty: none).
 *
 * @example
 * ```ts
 * import { IdentityChange } from "./datasources.ts";
 * IdentityChange.parse({ field: "infoHash", before: [], after: ["ab".repeat(20)] });
 * ```
 */
export const IdentityChange = z.object({
  field: z.string().describe("The field's TypeScript name, e.g. `infoHash`."),
  before: z.array(z.unknown()).describe("The stored values before."),
  after: z.array(z.unknown()).describe("The values after."),
}).meta({
  id: "IdentityChange",
  description: "One identity field a replace changed: its values before and after (empty: none).",
});

/**
 * What `POST /api/datasources` answers: the DataSource, and what a replace did.
 *
 * @example
 * ```ts
 * import { SavedDataSource } from "./datasources.ts";
 * SavedDataSource.parse({
 *   id: "CSVDataSource:w", iri: "http://x/w", kind: "CSVDataSource", key: "w", fields: {}, text: "",
 * });
 * ```
 */
export const SavedDataSource = DataSourceDetail.extend({
  replaced: z.object({
    changed: z.array(IdentityChange).describe("The identity fields that changed."),
    content: z.enum(["verified", "forgotten", "none"]).describe(
      "The content already here for it: `verified` (it matches the new fields and stays), `forgotten` (it does not, or cannot be checked: the next fetch loads and verifies it again), or `none` (nothing was here).",
    ),
    reason: z.string().optional().describe(
      "Why the content was forgotten (a verify report's failures, or an error).",
    ),
  }).optional().describe(
    "Set when an existing DataSource's identity fields were replaced (`replace: true`).",
  ),
}).meta({
  id: "SavedDataSource",
  description: "What `POST /api/datasources` answers: the DataSource, and what a replace did.",
});

/**
 * One `owm.lock` entry with the DataSource's IRI, as a locked fetch sends it.
 *
 * @example
 * ```ts
 * import { LockEntryJson } from "./datasources.ts";
 * LockEntryJson.parse({
 *   iri: "http://x/w", id: "CSVDataSource:w", infoHash: "ab".repeat(20), torrentFileName: null,
 *   size: 3, fileCount: 1, files: { "w.csv": { sha256: "cd".repeat(32), size: 3 } },
 * });
 * ```
 */
export const LockEntryJson = z.object({
  iri: z.string(),
  id: z.string(),
  infoHash: z.string().regex(/^[0-9a-f]{40}$/),
  torrentFileName: z.string().nullable(),
  size: z.int().min(0),
  fileCount: z.int().min(0),
  files: z.record(
    z.string(),
    z.object({
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      size: z.int().min(0),
    }),
  ).describe("Path (the torrent's name first, '/'-separated) to its size and SHA-256"),
}).meta({
  id: "LockEntry",
  // A lock the schema refuses is answered 400 bad-lock, as one lib/lock refuses.
  "x-error-code": "bad-lock",
  description:
    "One owm.lock entry (see lib/lock/lock_format.ts), with the DataSource's IRI: a locked fetch refuses (409 lock-mismatch) a DataSource or torrent that differs, before downloading, and content whose files differ",
});

const PEERS = "'peers' must be a list of strings";

/**
 * What `POST /api/datasources/{id}/fetch` takes (an empty body is `{}`).
 *
 * @example
 * ```ts
 * import { FetchBody } from "./datasources.ts";
 * FetchBody.parse({ peers: ["127.0.0.1:6881"], repair: true });
 * ```
 */
export const FetchBody = z.object({
  peers: z.array(z.string({ error: PEERS }), { error: PEERS }).optional().describe(
    "Extra peers to dial, `host:port`.",
  ),
  repair: z.unknown().optional().meta({
    type: "boolean",
    description:
      "Re-check the content and download what is missing or corrupt (only `true` turns it on).",
  }),
  lock: LockEntryJson.nullable().optional(),
}).meta({
  id: "FetchBody",
  description: "What `POST /api/datasources/{id}/fetch` takes (an empty body is `{}`).",
});

/**
 * The 202 answer of `POST /api/datasources/{id}/fetch`.
 *
 * @example
 * ```ts
 * import { FetchAccepted } from "./datasources.ts";
 * FetchAccepted.parse({ id: "CSVDataSource:w", infoHash: "ab".repeat(20), status: "/x", state: "started" });
 * ```
 */
export const FetchAccepted = z.object({
  id: z.string().describe("The DataSource."),
  infoHash: z.string().describe("The torrent's infohash."),
  status: z.string().describe("Where to poll the torrent's status (its URL)."),
  state: z.enum(["started", "running", "done"]).describe(
    "`started`, or `running` when a fetch of it was already under way, or `done`.",
  ),
  directory: z.string().optional().describe("The directory, once done."),
}).meta({
  id: "FetchAccepted",
  description: "The 202 answer of `POST /api/datasources/{id}/fetch`.",
});

/**
 * What `POST /api/datasources/{id}/verify` answers.
 *
 * @example
 * ```ts
 * import { VerifyReportJson } from "./datasources.ts";
 * VerifyReportJson.parse({ ok: true, target: "/data/w", checks: [] });
 * ```
 */
export const VerifyReportJson = z.object({
  ok: z.boolean().describe("True when at least one check ran and every check passed."),
  target: z.string().describe("The content checked."),
  checks: z.array(z.record(z.string(), z.unknown())).describe("The checks, in order."),
}).meta({ id: "VerifyReport", description: "What `POST /api/datasources/{id}/verify` answers." });

/**
 * One Translation in a chain: what it ran, and its inputs (provenance) or outputs (derivs).
 *
 * @example
 * ```ts
 * import { ChainStep } from "./datasources.ts";
 * ChainStep.parse({
 *   translation: "http://x/t", translator: "csv-to-rdf", translatorVersion: "1",
 *   endedAt: "2026-01-01T00:00:00.000Z", options: {}, sources: [],
 * });
 * ```
 */
export const ChainStep = z.object({
  translation: z.string().describe("The Translation record's IRI."),
  translator: z.string().describe("The translator's name."),
  translatorVersion: z.string().describe("The translator's version."),
  endedAt: z.string().meta({ format: "date-time", description: "When it ended." }),
  options: z.record(z.string(), z.string()).describe("The options it ran with."),
  get sources(): z.ZodArray<typeof ChainNode> {
    return z.array(ChainNode).describe("Inputs (provenance) or outputs (derivs)");
  },
}).meta({
  id: "ChainStep",
  description:
    "One Translation in a chain: what it ran, and its inputs (provenance) or outputs (derivs).",
});

/**
 * A DataSource in a chain of translations (the same as `owm source provenance|derivs --json`).
 *
 * @example
 * ```ts
 * import { ChainNode } from "./datasources.ts";
 * ChainNode.parse({ id: "CSVDataSource:w", iri: "http://x/w", stored: true, steps: [] });
 * ```
 */
export const ChainNode = z.object({
  id: z.string().describe("`ClassName:key` (or the IRI)."),
  iri: z.string().describe("The IRI."),
  stored: z.boolean().describe("Whether the store still has it"),
  infoHash: z.string().optional().describe("The torrent that distributes it, if any"),
  repeated: z.boolean().optional().describe("Shown higher up already (a cycle)"),
  get steps(): z.ZodArray<typeof ChainStep> {
    return z.array(ChainStep).describe(
      "The translations leading on (derivs: made from it; provenance: that made it).",
    );
  },
}).meta({
  id: "ChainNode",
  description:
    "A DataSource in a chain of translations (the same as `owm source provenance|derivs --json`)",
});
