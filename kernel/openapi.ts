/**
 * `GET /openapi.json`: the bridge's API described in OpenAPI 3.1.
 *
 * @module
 */

const error = { $ref: "#/components/schemas/Error" };
const json = (schema: unknown) => ({ "application/json": { schema } });
const answer = (description: string, schema?: unknown) =>
  schema === undefined ? { description } : { description, content: json(schema) };
const errors = {
  "400": answer("Bad request", error),
  "401": answer("No or wrong bearer token", error),
  "403": answer("Foreign Host, cross-origin change, or not allowed", error),
  "404": answer("Not found", error),
};
const idParam = {
  name: "id",
  in: "path",
  required: true,
  description: "ClassName:key or <IRI>, URL-encoded",
  schema: { type: "string" },
};
const hashParam = {
  name: "infoHash",
  in: "path",
  required: true,
  schema: { type: "string", pattern: "^[0-9a-fA-F]{40}$" },
};

/** The OpenAPI document. */
export const OPENAPI = {
  openapi: "3.1.0",
  info: {
    title: "owmeta-torrent bridge",
    version: "1",
    description:
      "Keeps one torrent session and the graph store open on 127.0.0.1. Every /api call needs 'Authorization: Bearer <token>' (the token is in <store>/bridge.json). Errors are {error: {code, message}}.",
  },
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    schemas: {
      Error: {
        type: "object",
        required: ["error"],
        properties: {
          error: {
            type: "object",
            required: ["code", "message"],
            properties: { code: { type: "string" }, message: { type: "string" } },
          },
        },
      },
      DataSourceItem: {
        type: "object",
        required: ["id", "iri", "kind"],
        properties: { id: { type: "string" }, iri: { type: "string" }, kind: { type: "string" } },
      },
      DataSourceDetail: {
        allOf: [{ $ref: "#/components/schemas/DataSourceItem" }, {
          type: "object",
          properties: {
            key: { type: ["string", "null"] },
            fields: { type: "object" },
            text: { type: "string" },
          },
        }],
      },
      FetchAccepted: {
        type: "object",
        required: ["id", "infoHash", "status", "state"],
        properties: {
          id: { type: "string" },
          infoHash: { type: "string" },
          status: { type: "string", description: "URL of the torrent's status" },
          state: { enum: ["started", "running", "done"] },
          directory: { type: "string" },
        },
      },
      LockEntry: {
        type: "object",
        description:
          "One owm.lock entry (see lib/lock/lock_format.ts), with the DataSource's IRI: a locked fetch refuses (409 lock-mismatch) a DataSource or torrent that differs, before downloading, and content whose files differ",
        required: ["iri", "id", "infoHash", "torrentFileName", "size", "fileCount", "files"],
        properties: {
          iri: { type: "string" },
          id: { type: "string" },
          infoHash: { type: "string", pattern: "^[0-9a-f]{40}$" },
          torrentFileName: { type: ["string", "null"] },
          size: { type: "integer", minimum: 0 },
          fileCount: { type: "integer", minimum: 0 },
          files: {
            type: "object",
            description: "Path (the torrent's name first, '/'-separated) to its size and SHA-256",
            additionalProperties: {
              type: "object",
              required: ["sha256", "size"],
              properties: {
                sha256: { type: "string", pattern: "^[0-9a-f]{64}$" },
                size: { type: "integer", minimum: 0 },
              },
            },
          },
        },
      },
      TorrentStatus: {
        type: "object",
        description: "Transmission-like field names",
        properties: Object.fromEntries(
          [
            "hashString",
            "name",
            "status",
            "errorString",
            "downloadDir",
          ].map((k) => [k, { type: "string" }]).concat(
            [
              "percentDone",
              "haveValid",
              "sizeWhenDone",
              "rateDownload",
              "rateUpload",
              "downloadedEver",
              "uploadedEver",
              "eta",
              "peersConnected",
              "piecesHave",
              "pieceCount",
              "corruptEver",
              "error",
            ].map((k) => [k, { type: "number" }]),
          ),
        ),
      },
      Translator: {
        type: "object",
        required: ["name", "version", "description", "inputKinds", "outputKind"],
        properties: {
          name: { type: "string" },
          version: { type: "string" },
          description: { type: "string" },
          inputKinds: {
            type: "array",
            items: { type: "string" },
            description: "DataSource kinds, one per input (the last repeats when it takes more)",
          },
          outputKind: { type: "string" },
        },
      },
      Translation: {
        type: "object",
        description: "What a translation made (the same as `owm translate --json`)",
        required: [
          "id",
          "iri",
          "translation",
          "translator",
          "translatorVersion",
          "inputs",
          "directory",
          "contentPath",
          "sha256",
          "statements",
        ],
        properties: {
          id: { type: "string", description: "The output DataSource, ClassName:key" },
          iri: { type: "string" },
          translation: { type: "string", description: "The Translation record's IRI" },
          translator: { type: "string" },
          translatorVersion: { type: "string" },
          inputs: { type: "array", items: { type: "string" } },
          directory: { type: "string" },
          contentPath: { type: "string" },
          sha256: { type: ["string", "null"] },
          statements: { type: "integer", minimum: 0 },
        },
      },
      ChainNode: {
        type: "object",
        description:
          "A DataSource in a chain of translations (the same as `owm source provenance|derivs --json`)",
        required: ["id", "iri", "stored", "steps"],
        properties: {
          id: { type: "string" },
          iri: { type: "string" },
          stored: { type: "boolean", description: "Whether the store still has it" },
          infoHash: { type: "string", description: "The torrent that distributes it, if any" },
          repeated: { type: "boolean", description: "Shown higher up already (a cycle)" },
          steps: {
            type: "array",
            items: {
              type: "object",
              required: [
                "translation",
                "translator",
                "translatorVersion",
                "endedAt",
                "options",
                "sources",
              ],
              properties: {
                translation: { type: "string" },
                translator: { type: "string" },
                translatorVersion: { type: "string" },
                endedAt: { type: "string", format: "date-time" },
                options: { type: "object", additionalProperties: { type: "string" } },
                sources: {
                  type: "array",
                  description: "Inputs (provenance) or outputs (derivs)",
                  items: { $ref: "#/components/schemas/ChainNode" },
                },
              },
            },
          },
        },
      },
      VerifyReport: {
        type: "object",
        properties: {
          ok: { type: "boolean" },
          target: { type: "string" },
          checks: { type: "array", items: { type: "object" } },
        },
      },
    },
  },
  security: [{ bearer: [] }],
  paths: {
    "/api/datasources": {
      get: {
        summary: "List DataSources",
        parameters: [{ name: "kind", in: "query", schema: { type: "string" } }],
        responses: {
          "200": answer("DataSources", {
            type: "array",
            items: { $ref: "#/components/schemas/DataSourceItem" },
          }),
          ...errors,
        },
      },
      post: {
        summary: "Create a DataSource",
        requestBody: {
          content: json({
            type: "object",
            required: ["class", "key"],
            properties: {
              class: { type: "string" },
              key: { type: "string" },
              fields: { type: "object" },
              context: { type: "string" },
              replace: {
                type: "boolean",
                description:
                  "Replace an existing DataSource whose identity fields (torrentFileName, infoHash, magnetLink, md5, sha256, sha512, fileName, csvFileName, contentTranslator, graphName) differ; content already here is verified again against the new fields (kept when it matches, forgotten when not)",
              },
            },
          }),
        },
        responses: {
          "201": answer("Created (or saved again; `replaced` says what a replace did)", {
            allOf: [{ $ref: "#/components/schemas/DataSourceDetail" }, {
              type: "object",
              properties: {
                replaced: {
                  type: "object",
                  properties: {
                    changed: { type: "array", items: { type: "object" } },
                    content: { type: "string", enum: ["verified", "forgotten", "none"] },
                    reason: { type: "string" },
                  },
                },
              },
            }],
          }),
          ...errors,
          "408": answer("The body did not arrive in time (request-timeout)", error),
          "409": answer(
            "identity-conflict: the id exists with other identity fields (each named, old → new); send replace: true. fetch-running: a fetch of it is under way",
            error,
          ),
          "413": answer("The body is larger than --max-json (default 1 MiB)", error),
        },
      },
    },
    "/api/datasources/{id}": {
      parameters: [idParam],
      get: {
        summary: "Show a DataSource",
        responses: {
          "200": answer("The DataSource", { $ref: "#/components/schemas/DataSourceDetail" }),
          ...errors,
        },
      },
      delete: {
        summary: "Delete a DataSource",
        responses: { "204": answer("Deleted"), ...errors },
      },
    },
    "/api/datasources/{id}/fetch": {
      parameters: [idParam],
      post: {
        summary: "Start fetching (idempotent)",
        requestBody: {
          required: false,
          content: json({
            type: "object",
            properties: {
              peers: { type: "array", items: { type: "string" } },
              repair: { type: "boolean" },
              lock: { $ref: "#/components/schemas/LockEntry" },
            },
          }),
        },
        responses: {
          "202": answer("Accepted", { $ref: "#/components/schemas/FetchAccepted" }),
          "409": answer(
            "no-torrent: nothing to fetch it by; offline: the bridge runs with OWM_OFFLINE=1 and the content is neither here nor in the shared cache; lock-mismatch: with 'lock', the DataSource, its torrent or the content here differs from the lock (a mismatch found after the download fails the job: an 'error' event with code lock-mismatch)",
            error,
          ),
          ...errors,
        },
      },
    },
    "/api/datasources/{id}/verify": {
      parameters: [idParam],
      post: {
        summary: "Verify fetched or published content",
        responses: {
          "200": answer("The report", { $ref: "#/components/schemas/VerifyReport" }),
          ...errors,
        },
      },
    },
    "/api/datasources/{id}/provenance": {
      parameters: [idParam],
      get: {
        summary:
          "What a DataSource was made from: the chain of Translations down to untranslated data",
        responses: {
          "200": answer("The chain", { $ref: "#/components/schemas/ChainNode" }),
          ...errors,
        },
      },
    },
    "/api/datasources/{id}/derivs": {
      parameters: [idParam],
      get: {
        summary: "What was made from a DataSource: the tree of Translations using it",
        responses: {
          "200": answer("The tree", { $ref: "#/components/schemas/ChainNode" }),
          ...errors,
        },
      },
    },
    "/api/translators": {
      get: {
        summary: "The translators this bridge runs",
        responses: {
          "200": answer("Translators", {
            type: "array",
            items: { $ref: "#/components/schemas/Translator" },
          }),
          ...errors,
        },
      },
    },
    "/api/translations": {
      post: {
        summary:
          "Run a translator over DataSources present here; records the output DataSource and its Translation. One translation runs at a time (others wait their turn); a 'translated' event follows",
        requestBody: {
          content: json({
            type: "object",
            required: ["translator", "inputs"],
            properties: {
              translator: { type: "string" },
              inputs: {
                type: "array",
                minItems: 1,
                items: { type: "string", description: "ClassName:key or <IRI>" },
              },
              key: {
                type: "string",
                description: "The output's key (default <first input's key>-<translator>)",
              },
              options: { type: "object", additionalProperties: { type: "string" } },
            },
          }),
        },
        responses: {
          "201": answer("Translated", { $ref: "#/components/schemas/Translation" }),
          ...errors,
          "404": answer("not-found: no such input DataSource; unknown-translator", error),
          "409": answer(
            "not-present: an input is neither fetched nor published here, or its content is gone (fetch it first); input-corrupt: an input's content does not verify (fetch it with repair)",
            error,
          ),
          "422": answer(
            "translation-failed: inputs of the wrong kind or number, a bad option, an output key taken by a DataSource no translation made, or what the translator refuses (the message names the CSV line and row or the zip entry); nothing was written",
            error,
          ),
        },
      },
    },
    "/api/torrents": {
      get: {
        summary: "Every torrent's status",
        responses: {
          "200": answer("Statuses", {
            type: "array",
            items: { $ref: "#/components/schemas/TorrentStatus" },
          }),
          ...errors,
        },
      },
    },
    "/api/torrents/{infoHash}": {
      parameters: [hashParam],
      get: {
        summary: "A torrent's status",
        responses: {
          "200": answer("Status", { $ref: "#/components/schemas/TorrentStatus" }),
          ...errors,
        },
      },
      delete: {
        summary: "Remove a torrent (deleteData=true deletes its files)",
        parameters: [{ name: "deleteData", in: "query", schema: { type: "boolean" } }],
        responses: { "204": answer("Removed"), ...errors },
      },
    },
    "/api/torrents/{infoHash}/pause": {
      parameters: [hashParam],
      post: { summary: "Pause", responses: { "200": answer("Status"), ...errors } },
    },
    "/api/torrents/{infoHash}/resume": {
      parameters: [hashParam],
      post: { summary: "Resume", responses: { "200": answer("Status"), ...errors } },
    },
    "/api/health": {
      get: {
        summary: "Whether the bridge answers, and how many torrents it has",
        responses: {
          "200": answer("Alive", {
            type: "object",
            required: ["ok", "torrents"],
            properties: { ok: { type: "boolean" }, torrents: { type: "number" } },
          }),
          ...errors,
        },
      },
    },
    "/api/publish": {
      post: {
        summary: "Publish a local path under --publish-root, seed it",
        requestBody: {
          content: json({
            type: "object",
            required: ["path", "class", "key"],
            properties: {
              path: { type: "string" },
              class: { type: "string" },
              key: { type: "string" },
              description: { type: "string" },
            },
          }),
        },
        responses: { "201": answer("Published"), ...errors },
      },
    },
    "/api/uploads": {
      post: {
        summary: "Upload files or a .zip (multipart), publish and seed them",
        requestBody: {
          content: {
            "multipart/form-data": {
              schema: {
                type: "object",
                properties: {
                  class: { type: "string" },
                  key: { type: "string" },
                  description: { type: "string" },
                  file: { type: "array", items: { type: "string", format: "binary" } },
                },
              },
            },
          },
        },
        responses: {
          "201": answer("Published"),
          "409": answer("The DataSource or upload key exists", error),
          "413": answer("Too large: the upload, or what its zip expands to", error),
          "415": answer("Not multipart/form-data", error),
          "422": answer("A zip refused: not a zip, damaged, or a hostile entry", error),
          ...errors,
        },
      },
    },
    "/api/kinds": {
      get: {
        summary: "DataSource classes, and which can record a published torrent",
        responses: {
          "200": answer(
            "Classes",
            {
              type: "array",
              items: {
                type: "object",
                required: ["name", "iri", "parent", "publishable"],
                properties: {
                  name: { type: "string" },
                  iri: { type: "string" },
                  parent: { type: ["string", "null"] },
                  publishable: { type: "boolean" },
                },
              },
            },
          ),
          ...errors,
        },
      },
    },
    "/api/events": {
      get: {
        summary:
          "Server-Sent Events: progress, done, verified, published, translated ({id, translation}), error (with a 'code' such as lock-mismatch for known failures)",
        responses: { "200": { description: "text/event-stream" }, ...errors },
      },
    },
  },
} as const;
