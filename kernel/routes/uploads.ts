/**
 * `POST /api/uploads`: files or a `.zip` sent from a browser (or any HTTP
 * client) as `multipart/form-data` with the fields `class`, `key`,
 * `description`, `title`, `license`, `citation`, `fields` (`name=value` lines),
 * `replace` (`true`) and one or more `file` parts. The body is streamed to
 * `<store>/uploads/.incoming-<random>/`; several files become a folder named
 * after the key, a single `.zip` is checked and extracted to such a folder, a
 * single other file is published as it is. The result is moved atomically to
 * `<store>/uploads/<quoted key>/` and published by {@linkcode BridgeState.publish}
 * (the CLI's code path: torrent, DataSource, index, seed). A failed upload
 * leaves nothing behind: no folder, no DataSource, no torrent in a local index,
 * no seed.
 *
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { PublishedJson } from "../../lib/bridge/api_types.ts";
import { quoteKey } from "../../lib/datasource/identifier.ts";
import { canPublish } from "../../lib/publish/publish.ts";
import { checkPublishFields, parseFieldAssignments } from "../../lib/publish/fields.ts";
import { MAX_COMPONENT_BYTES } from "../../lib/torrent/paths.ts";
import * as wire from "../../lib/wire/publish.ts";
import { apiRouter, declareRoute } from "../api_route.ts";
import type { BridgeState } from "../bridge_state.ts";
import { ApiHttpError } from "../http_errors.ts";
import { answer, ERROR_ANSWERS, errorAnswer } from "../openapi.ts";
import { type ReceivedFile, receiveMultipart } from "../upload_receive.ts";
import { extractZip, type ZipLimits, ZipRefusedError } from "../../lib/archive/zip_extract.ts";
import { rollbackPublish, snapshotPublishState } from "../upload_rollback.ts";
import { INCOMING_PREFIX } from "../../lib/settings/store_layout.ts";

/** Limits on uploads. */
export interface UploadLimits extends ZipLimits {
  /** Most bytes of all files in one upload. @default 1 GiB */
  maxUploadBytes: number;
  /** Most files in one upload. @default 1000 */
  maxFiles: number;
}

const GIB = 1024 ** 3;

/** The default limits: 1 GiB uploaded, 1000 files; zips up to 10,000 entries, 8 GiB, ratio 100. */
export const DEFAULT_UPLOAD_LIMITS: Readonly<UploadLimits> = Object.freeze({
  maxUploadBytes: GIB,
  maxFiles: 1000,
  maxEntries: 10_000,
  maxExpandedBytes: 8 * GIB,
  maxRatio: 100,
});

/** The folder name of an upload: the URL-quoted key, with `/` and a leading `.` quoted too. */
export function uploadDirName(key: string): string {
  const name = quoteKey(key).replace(/\//g, "%2F").replace(/^\./, "%2E");
  if (new TextEncoder().encode(name).length > MAX_COMPONENT_BYTES) {
    throw new ApiHttpError(400, "bad-key", "The key is too long for a folder name");
  }
  return name;
}

function field(fields: Map<string, string>, name: string): string {
  const value = fields.get(name)?.trim() ?? "";
  if (value === "") {
    throw new ApiHttpError(
      400,
      "bad-request",
      `Give the field '${name}': an upload needs 'class', 'key' and one or more 'file' parts`,
    );
  }
  return value;
}

function isZip(file: ReceivedFile): boolean {
  return file.name.toLowerCase().endsWith(".zip");
}

/** Lays the received files out in `content` and returns the path to publish. */
async function layOut(
  files: ReceivedFile[],
  content: string,
  limits: UploadLimits,
): Promise<string> {
  const only = files.length === 1 ? files[0]! : undefined;
  if (only && isZip(only)) {
    try {
      await extractZip(only.path, content, limits);
    } catch (error) {
      if (!(error instanceof ZipRefusedError)) throw error;
      const status = error.code === "zip-too-large" ? 413 : 422;
      throw new ApiHttpError(status, error.code, `'${only.name}': ${error.message}`);
    }
    await rm(only.path);
    return content;
  }
  await Deno.mkdir(content);
  for (const file of files) await rename(file.path, join(content, file.name));
  return only ? join(content, only.name) : content;
}

/**
 * Removes what an upload cut short by a crash left: `.incoming-*` folders, and
 * empty folders reserving a key (published content is never an empty folder).
 */
async function sweep(uploads: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(uploads);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  for (const name of names) {
    const path = join(uploads, name);
    if (name.startsWith(INCOMING_PREFIX)) await rm(path, { recursive: true, force: true });
    else await Deno.remove(path).catch(() => {});
  }
}

/** The route, as declared (and documented in /openapi.json). */
export const UPLOAD_ROUTE = createRoute({
  method: "post",
  path: "/",
  summary: "Upload files or a .zip (multipart), publish and seed them",
  request: { body: { content: { "multipart/form-data": { schema: wire.UploadForm } } } },
  responses: {
    201: answer("Published", wire.PublishedJson),
    409: errorAnswer("The DataSource or upload key exists"),
    413: errorAnswer("Too large: the upload, or what its zip expands to"),
    415: errorAnswer("Not multipart/form-data"),
    422: errorAnswer("A zip refused: not a zip, damaged, or a hostile entry"),
    ...ERROR_ANSWERS,
  },
});

/** The upload route over `state` (mount at `/api/uploads`, behind the bearer guard). */
export function uploadRoutes(state: BridgeState, limits: Partial<UploadLimits> = {}) {
  const all: UploadLimits = {
    ...DEFAULT_UPLOAD_LIMITS,
    ...(state.options.maxUploadBytes ? { maxUploadBytes: state.options.maxUploadBytes } : {}),
    ...limits,
  };
  const uploads = state.stack.layout.uploads;
  const swept = sweep(uploads);
  swept.catch(() => {});
  const app = apiRouter();
  // The body is streamed to disk by receiveMultipart, its fields checked as they arrive.
  declareRoute(app, UPLOAD_ROUTE, async (c) => {
    const type = c.req.header("content-type") ?? "";
    if (!/^multipart\/form-data\s*;/i.test(type)) {
      throw new ApiHttpError(
        415,
        "unsupported-type",
        "Send the upload as multipart/form-data with 'class', 'key' and 'file' parts",
      );
    }
    const declared = Number(c.req.header("content-length") ?? "0");
    if (declared > all.maxUploadBytes + MAX_OVERHEAD) {
      throw new ApiHttpError(
        413,
        "too-large",
        `The upload is larger than this bridge accepts (${all.maxUploadBytes} bytes): start it with --max-upload SIZE to allow more`,
      );
    }
    const body = c.req.raw.body;
    if (!body) throw new ApiHttpError(400, "bad-request", "The request has no body");
    await swept.catch(() => {});
    await Deno.mkdir(uploads, { recursive: true });
    const incoming = join(uploads, `${INCOMING_PREFIX}${crypto.randomUUID()}`);
    await Deno.mkdir(join(incoming, "parts"), { recursive: true });
    let reserved: string | undefined;
    try {
      const { fields, files } = await receiveMultipart(body, type, join(incoming, "parts"), {
        maxBytes: all.maxUploadBytes,
        maxFiles: all.maxFiles,
      });
      const className = field(fields, "class");
      const key = field(fields, "key");
      const description = fields.get("description")?.trim() || undefined;
      const title = fields.get("title")?.trim() || undefined;
      const license = fields.get("license")?.trim() || undefined;
      const citation = fields.get("citation")?.trim() || undefined;
      const replace = fields.get("replace")?.trim() === "true";
      if (files.length === 0) {
        throw new ApiHttpError(400, "no-file", "Choose one or more files, or a .zip, to upload");
      }
      const cls = await state.repo.classNamed(className);
      if (!canPublish(cls)) {
        throw new ApiHttpError(
          400,
          "bad-class",
          `Class ${cls.name} cannot record a torrent: choose a LocalFileDataSource subclass (e.g. CSVDataSource)`,
        );
      }
      // Checked before anything is laid out: an unknown field or a bad licence is a 400 at once.
      const given = parseFieldAssignments(
        cls,
        (fields.get("fields") ?? "").split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== ""),
      );
      new cls({
        key,
        ...checkPublishFields(cls, given),
        ...(title === undefined ? {} : { title }),
        ...(license === undefined ? {} : { license }),
        ...(citation === undefined ? {} : { citation }),
      } as never);
      const iri = new cls({ key } as never).identifier;
      if (await state.repo.find(`<${iri}>`)) {
        throw new ApiHttpError(
          409,
          "exists",
          `${cls.name} '${key}' already exists: choose another key, or delete it first`,
        );
      }
      const target = join(uploads, uploadDirName(key));
      try {
        await Deno.mkdir(target);
      } catch (error) {
        if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
        throw new ApiHttpError(409, "exists", `An upload with the key '${key}' is already here`);
      }
      reserved = target;
      const contentPath = await layOut(files, join(incoming, "content"), all);
      await rename(join(incoming, "content"), target);
      const published = join(target, contentPath.slice(join(incoming, "content").length));
      const before = await snapshotPublishState(state);
      let answer: PublishedJson;
      try {
        answer = await state.publish(published, {
          class: className,
          key,
          ...(description === undefined ? {} : { description }),
          ...(title === undefined ? {} : { title }),
          ...(license === undefined ? {} : { license }),
          ...(citation === undefined ? {} : { citation }),
          ...(Object.keys(given).length === 0 ? {} : { fields: given }),
          replace,
        });
      } catch (error) {
        await rollbackPublish(state, before, published, iri);
        throw error;
      }
      reserved = undefined;
      return c.json(answer, 201);
    } finally {
      await rm(incoming, { recursive: true, force: true });
      if (reserved) await rm(reserved, { recursive: true, force: true });
    }
  });
  return app;
}

/** Room for the multipart framing and the text fields above the file bytes. */
const MAX_OVERHEAD = 1024 * 1024;
