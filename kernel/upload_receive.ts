/**
 * Receiving a `multipart/form-data` upload as a stream: each file part goes
 * straight to disk (never held whole in memory), byte counts are enforced as
 * the bytes arrive, and the text fields come back in a map.
 *
 * @module
 */
import { Busboy } from "@fastify/busboy";
import { createWriteStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { confinedJoin } from "../lib/fs/confine.ts";
import { sanitizePathComponent } from "../lib/torrent/paths.ts";
import { ApiHttpError } from "./http_errors.ts";

/** Limits on one upload request. */
export interface ReceiveLimits {
  /** Most bytes of all files together. */
  maxBytes: number;
  /** Most file parts. */
  maxFiles: number;
}

/** One file written to disk. */
export interface ReceivedFile {
  /** The safe file name (sanitised client name). */
  name: string;
  /** Where it was written. */
  path: string;
  /** Its size in bytes. */
  size: number;
  /** The MIME type the client gave. */
  mimeType: string;
}

/** What a multipart body held. */
export interface Received {
  /** The text fields (the last value wins). */
  fields: Map<string, string>;
  /** The files, in the order sent. */
  files: ReceivedFile[];
}

const TEXT_FIELDS = new Set([
  "class",
  "key",
  "description",
  "title",
  "license",
  "citation",
  "fields",
  "replace",
]);
const MAX_FIELD_BYTES = 64 * 1024;

/** The safe name of a client file name: no folders, `..`, NUL or control characters. */
export function safeUploadName(raw: string): string {
  const base = raw.replace(/\\/g, "/").split("/").pop() ?? "";
  const name = sanitizePathComponent(base.normalize("NFC"));
  if (base === "" || name === "" || base.includes("\0")) {
    throw new ApiHttpError(400, "bad-file-name", `The file name ${JSON.stringify(raw)} is refused`);
  }
  return name;
}

function tooLarge(limit: number): ApiHttpError {
  return new ApiHttpError(
    413,
    "too-large",
    `The upload is larger than this bridge accepts (${limit} bytes): start it with --max-upload SIZE to allow more`,
  );
}

/**
 * Streams the multipart `body` into the folder `dir` (which must exist), one
 * file per part. Rejects with a 4xx {@linkcode ApiHttpError} as soon as a limit
 * is passed or the body is malformed; the caller removes `dir` then.
 */
export function receiveMultipart(
  body: ReadableStream<Uint8Array>,
  contentType: string,
  dir: string,
  limits: ReceiveLimits,
): Promise<Received> {
  const fields = new Map<string, string>();
  const files: ReceivedFile[] = [];
  const writes: Promise<void>[] = [];
  const streams: (Readable | import("node:fs").WriteStream)[] = [];
  const names = new Set<string>();
  let total = 0;
  const source = Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>);
  const parser = Busboy({
    headers: { "content-type": contentType },
    limits: {
      files: limits.maxFiles,
      fields: 16,
      fieldSize: MAX_FIELD_BYTES,
      parts: limits.maxFiles + 16,
      headerPairs: 32,
    },
  });
  return new Promise<Received>((resolve, reject) => {
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      source.unpipe(parser);
      source.destroy();
      parser.destroy();
      for (const stream of streams) stream.destroy();
      // Rejects once every file is closed, so the caller can remove the folder; a
      // write that never settles (a destroyed part stream may not end its pipeline)
      // does not hold the answer back past a second.
      let timer: ReturnType<typeof setTimeout> | undefined;
      Promise.race([
        Promise.allSettled(writes),
        new Promise((resolve) => (timer = setTimeout(resolve, 1000))),
      ]).then(() => {
        clearTimeout(timer);
        reject(error);
      });
    };
    parser.on("field", (name, value, _nameTruncated, valueTruncated) => {
      if (!TEXT_FIELDS.has(name)) return;
      if (fields.has(name)) {
        fail(
          new ApiHttpError(
            400,
            "duplicate-field",
            `The field '${name}' is sent twice: send it once`,
          ),
        );
      } else if (valueTruncated) {
        fail(new ApiHttpError(400, "bad-request", `The field '${name}' is too long`));
      } else fields.set(name, value);
    });
    parser.on("file", (field, stream, fileName, _encoding, mimeType) => {
      if (failed) return void stream.resume();
      try {
        if (field !== "file") {
          throw new ApiHttpError(400, "bad-request", `Send files as 'file' parts, not '${field}'`);
        }
        const name = safeUploadName(fileName);
        if (names.has(name)) {
          throw new ApiHttpError(400, "duplicate-file", `Two files are named '${name}'`);
        }
        names.add(name);
        streams.push(stream);
        const file: ReceivedFile = { name, path: confinedJoin(dir, name), size: 0, mimeType };
        files.push(file);
        const count = new Transform({
          transform(chunk: Uint8Array, _enc, done) {
            total += chunk.length;
            file.size += chunk.length;
            if (total > limits.maxBytes) done(tooLarge(limits.maxBytes));
            else done(null, chunk);
          },
        });
        const out = createWriteStream(file.path, { flags: "wx" });
        streams.push(out);
        const write = pipeline(stream, count, out);
        writes.push(write);
        write.catch(fail);
      } catch (error) {
        stream.resume();
        fail(error);
      }
    });
    parser.on("filesLimit", () =>
      fail(
        new ApiHttpError(413, "too-many-files", `At most ${limits.maxFiles} files in one upload`),
      ));
    parser.on("partsLimit", () => fail(new ApiHttpError(413, "too-many-parts", "Too many parts")));
    parser.on("fieldsLimit", () => fail(new ApiHttpError(400, "bad-request", "Too many fields")));
    parser.on("error", (error) =>
      fail(
        new ApiHttpError(
          400,
          "bad-multipart",
          `The multipart body cannot be read: ${error instanceof Error ? error.message : error}`,
        ),
      ));
    parser.on("finish", () => {
      Promise.all(writes).then(() => {
        if (!failed) resolve({ fields, files });
      }, fail);
    });
    source.on("error", (error) =>
      fail(
        // A body cut off by a deadline or a stopping bridge keeps its own answer (408, 503).
        error instanceof ApiHttpError ? error : new ApiHttpError(
          400,
          "upload-interrupted",
          `The upload was interrupted: ${error instanceof Error ? error.message : error}`,
        ),
      ));
    source.pipe(parser);
  });
}
