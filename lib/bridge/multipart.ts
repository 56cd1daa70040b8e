/**
 * A `multipart/form-data` request body built from text fields and files,
 * streamed: files given as streams are sent as they are read, never held
 * whole in memory (a `FormData` would need each file as a `Blob`).
 *
 * @module
 */

/** A file to upload. */
export interface UploadFile {
  /** The file name (the bridge keeps its last component only: upload a `.zip` to keep folders). */
  name: string;
  /** The bytes, in memory or as a stream. */
  data: Uint8Array | ReadableStream<Uint8Array>;
  /** The media type. @default "application/octet-stream" */
  type?: string;
}

/** A request body and its `Content-Type` header. */
export interface MultipartBody {
  /** The body: one array when every file is in memory (so its length is known), else a stream. */
  body: Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>;
  /** `multipart/form-data; boundary=…`. */
  contentType: string;
}

const encoder = new TextEncoder();

/** Escapes a name for a Content-Disposition parameter, as browsers encode FormData. */
function quoted(name: string): string {
  return name.replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/"/g, "%22");
}

/**
 * Builds a `multipart/form-data` body: the `fields` as text parts, then every
 * file as a part named `fileField`.
 */
export function multipartBody(
  fields: Readonly<Record<string, string>>,
  files: readonly UploadFile[],
  fileField = "file",
): MultipartBody {
  const hex = Array.from(
    crypto.getRandomValues(new Uint8Array(12)),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
  const boundary = `----owm-bridge-${hex}`;
  const parts: (Uint8Array | ReadableStream<Uint8Array>)[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(encoder.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`,
    ));
  }
  for (const file of files) {
    parts.push(encoder.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(fileField)}"; filename="${
        quoted(file.name)
      }"\r\nContent-Type: ${file.type ?? "application/octet-stream"}\r\n\r\n`,
    ));
    parts.push(file.data, encoder.encode("\r\n"));
  }
  parts.push(encoder.encode(`--${boundary}--\r\n`));
  const contentType = `multipart/form-data; boundary=${boundary}`;
  if (parts.every((p) => p instanceof Uint8Array)) {
    const body = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      body.set(p, at);
      at += p.length;
    }
    return { body, contentType };
  }
  let i = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (i < parts.length) {
        const part = parts[i]!;
        if (part instanceof Uint8Array) {
          i++;
          if (part.length > 0) return controller.enqueue(part);
          continue;
        }
        reader ??= part.getReader();
        const { value, done } = await reader.read();
        if (!done) return controller.enqueue(value);
        reader.releaseLock();
        reader = undefined;
        i++;
      }
      controller.close();
    },
    async cancel(reason) {
      await reader?.cancel(reason);
      for (const part of parts.slice(i + 1)) {
        if (!(part instanceof Uint8Array)) await part.cancel(reason);
      }
    },
  });
  return { body, contentType };
}
