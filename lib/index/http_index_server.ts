/**
 * The server side of the HTTP torrent index: serves a folder of `.torrent`
 * files (a {@linkcode LocalFolderIndex}) in the format of
 * `http_index_format.ts`, with an optional bearer token for publishing.
 *
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { join } from "node:path";
import { readLimited, sha256Hex, TooLargeError } from "./_bytes.ts";
import {
  DESCRIPTION_HEADER,
  HTTP_INDEX_FORMAT_VERSION,
  HTTP_INDEX_LISTING,
  type HttpIndexListing,
  type HttpIndexListingEntry,
} from "./http_index_format.ts";
import { LocalFolderIndex } from "./local_folder_index.ts";
import {
  MAX_RECORD_BYTES,
  parseRecord,
  RECORD_MIME_TYPE,
  RecordError,
  RecordExistsError,
  torrentOfRecordFileName,
} from "./record.ts";
import {
  DEFAULT_MAX_TORRENT_BYTES,
  type IndexEntry,
  isTorrentFileName,
  TORRENT_MIME_TYPE,
  TorrentExistsError,
  TorrentNotFoundError,
} from "./torrent_index.ts";

/** Options for {@linkcode serveHttpIndex}. */
export interface HttpIndexServerOptions {
  /** The address to listen on. Anything but loopback exposes the index to the network. @default "127.0.0.1" */
  hostname?: string;
  /** The port; 0 picks a free one. @default 0 */
  port?: number;
  /**
   * The bearer token that `PUT` requires. Without one, anyone who can reach
   * the port may publish (fine on loopback; set a token otherwise).
   */
  token?: string;
  /** Also require the token for reads. @default false */
  protectReads?: boolean;
  /** Refuse every `PUT` (405). @default false */
  readOnly?: boolean;
  /** The largest accepted upload. @default {DEFAULT_MAX_TORRENT_BYTES} (16 MiB) */
  maxUploadBytes?: number;
  /** Stops the server when aborted. */
  signal?: AbortSignal;
}

/** A running HTTP index server. Dispose it (or call `shutdown`) to stop it. */
export interface HttpIndexServer extends AsyncDisposable {
  /** The base URL of the index, ending in `/`, e.g. `http://127.0.0.1:41234/`. */
  readonly url: string;
  /** The port listened on. */
  readonly port: number;
  /** Resolves when the server has stopped. */
  readonly finished: Promise<void>;
  /** Stops the server, letting requests in progress finish. */
  shutdown(): Promise<void>;
}

/**
 * Serves the folder `dir` as an HTTP torrent index: `GET /index.json` (built
 * from the folder on each request, with each torrent's DataSource record
 * inline), `GET`/`HEAD /<name>.torrent` and `/<name>.torrent.ttl` (its record),
 * and `PUT` of either to publish (atomic write into the folder; a record is
 * checked first). Only plain `*.torrent` names and their records are served:
 * nothing else in or outside the folder is reachable.
 *
 * @example Serve a folder on loopback, then read it with HttpIndex
 * ```ts ignore
 * import { serveHttpIndex } from "./http_index_server.ts";
 * import { HttpIndex } from "./http_index.ts";
 *
 * await using server = serveHttpIndex("/srv/torrents", { token: "s3cret" });
 * const index = new HttpIndex(server.url, { token: "s3cret" });
 * await index.publish("a.torrent", new Uint8Array([1, 2, 3]));
 * console.log(await index.list());
 * ```
 */
export function serveHttpIndex(dir: string, options: HttpIndexServerOptions = {}): HttpIndexServer {
  const folder = new LocalFolderIndex(dir);
  const maxUpload = options.maxUploadBytes ?? DEFAULT_MAX_TORRENT_BYTES;
  const hashes = new Map<string, { key: string; sha256: string }>();
  const records = new Map<string, { key: string; text: string | undefined }>();
  const expected = options.token === undefined ? undefined : digest(options.token);

  function authorized(req: Request): Response | undefined {
    if (expected === undefined) return undefined;
    const header = req.headers.get("authorization") ?? "";
    const match = /^Bearer (.+)$/i.exec(header);
    if (!match?.[1]) {
      return jsonError(401, "this index requires a bearer token", {
        "www-authenticate": 'Bearer realm="owmeta-torrent index"',
      });
    }
    if (!timingSafeEqual(digest(match[1]), expected)) {
      return jsonError(403, "the bearer token is not valid for this index");
    }
    return undefined;
  }

  async function listing(): Promise<HttpIndexListing> {
    const torrents: HttpIndexListingEntry[] = [];
    for (const entry of await folder.list()) {
      const path = join(folder.dir, entry.name);
      const info = await Deno.stat(path);
      const key = `${info.size}:${info.mtime?.getTime()}`;
      let cached = hashes.get(entry.name);
      if (cached?.key !== key) {
        cached = { key, sha256: sha256Hex(await Deno.readFile(path)) };
        hashes.set(entry.name, cached);
      }
      const out = toListingEntry(entry, cached.sha256);
      const record = await recordText(entry.name);
      if (record !== undefined) out.record = record;
      torrents.push(out);
    }
    return { version: HTTP_INDEX_FORMAT_VERSION, torrents };
  }

  /** The checked record beside `name`, remembered while its file is unchanged; refused ones are left out. */
  async function recordText(name: string): Promise<string | undefined> {
    let key: string;
    try {
      const info = await Deno.stat(join(folder.dir, name + ".ttl"));
      key = `${info.size}:${info.mtime?.getTime()}`;
    } catch {
      return undefined;
    }
    let cached = records.get(name);
    if (cached?.key !== key) {
      const text = await folder.getRecord(name).then((r) => r?.text, () => undefined);
      cached = { key, text };
      records.set(name, cached);
    }
    return cached.text;
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    let name: string;
    try {
      name = decodeURIComponent(url.pathname.slice(1));
    } catch {
      return jsonError(400, "the path is not valid percent-encoding");
    }
    const isRead = req.method === "GET" || req.method === "HEAD";
    if (isRead && options.protectReads) {
      const refusal = authorized(req);
      if (refusal) return refusal;
    }
    if (name === HTTP_INDEX_LISTING) {
      if (!isRead) return methodNotAllowed("GET, HEAD");
      return Response.json(await listing());
    }
    const recordOf = torrentOfRecordFileName(name);
    if (recordOf !== undefined) {
      if (isRead) {
        const text = await recordText(recordOf);
        if (text === undefined) return jsonError(404, "no record beside this torrent");
        const bytes = new TextEncoder().encode(text);
        return new Response(req.method === "HEAD" ? null : bytes, {
          headers: {
            "content-type": `${RECORD_MIME_TYPE}; charset=utf-8`,
            "content-length": String(bytes.byteLength),
          },
        });
      }
      if (req.method !== "PUT") return methodNotAllowed("GET, HEAD, PUT");
      if (options.readOnly) return methodNotAllowed("GET, HEAD");
      const refusal = authorized(req);
      if (refusal) return refusal;
      return await putRecord(req, recordOf);
    }
    if (!isTorrentFileName(name)) return jsonError(404, "no such torrent");
    if (isRead) {
      try {
        const bytes = await folder.fetch(name);
        return new Response(req.method === "HEAD" ? null : bytes as Uint8Array<ArrayBuffer>, {
          headers: {
            "content-type": TORRENT_MIME_TYPE,
            "content-length": String(bytes.byteLength),
          },
        });
      } catch (error) {
        if (error instanceof TorrentNotFoundError) return jsonError(404, "no such torrent");
        throw error;
      }
    }
    if (req.method !== "PUT") return methodNotAllowed("GET, HEAD, PUT");
    if (options.readOnly) return methodNotAllowed("GET, HEAD");
    const refusal = authorized(req);
    if (refusal) return refusal;
    return await put(req, name);
  }

  async function putRecord(req: Request, torrentFileName: string): Promise<Response> {
    if (Number(req.headers.get("content-length") ?? 0) > MAX_RECORD_BYTES) {
      return jsonError(413, `records are limited to ${MAX_RECORD_BYTES} bytes`);
    }
    let bytes: Uint8Array;
    try {
      bytes = await readLimited(req.body ?? new ReadableStream(), MAX_RECORD_BYTES);
    } catch (error) {
      if (error instanceof TooLargeError) {
        return jsonError(413, `records are limited to ${MAX_RECORD_BYTES} bytes`);
      }
      throw error;
    }
    const existed = await Deno.stat(join(folder.dir, torrentFileName + ".ttl")).then(
      () => true,
      () => false,
    );
    try {
      const record = await parseRecord(bytes, { torrentFileName });
      const replace = req.headers.get("if-none-match")?.trim() !== "*";
      await folder.putRecord(record, { replace });
      records.delete(torrentFileName);
      return Response.json({ name: torrentFileName + ".ttl", id: record.id }, {
        status: existed ? 200 : 201,
      });
    } catch (error) {
      if (error instanceof RecordError) return jsonError(400, error.message);
      if (error instanceof TorrentNotFoundError) {
        return jsonError(404, "no such torrent: publish the torrent before its record");
      }
      if (error instanceof RecordExistsError) {
        return Response.json({
          error: {
            code: 412,
            message: "a record of another DataSource is already published beside this torrent",
            ...(error.existing === undefined ? {} : { existing: error.existing }),
          },
        }, { status: 412 });
      }
      throw error;
    }
  }

  async function put(req: Request, name: string): Promise<Response> {
    let description: string | undefined;
    const header = req.headers.get(DESCRIPTION_HEADER);
    if (header !== null) {
      try {
        description = decodeURIComponent(header);
      } catch {
        return jsonError(400, `the ${DESCRIPTION_HEADER} header is not valid percent-encoding`);
      }
    }
    if (Number(req.headers.get("content-length") ?? 0) > maxUpload) {
      return jsonError(413, `uploads are limited to ${maxUpload} bytes`);
    }
    let bytes: Uint8Array;
    try {
      bytes = await readLimited(req.body ?? new ReadableStream(), maxUpload);
    } catch (error) {
      if (error instanceof TooLargeError) {
        return jsonError(413, `uploads are limited to ${maxUpload} bytes`);
      }
      throw error;
    }
    const existed = (await folder.find(name)) !== undefined;
    const replace = req.headers.get("if-none-match")?.trim() !== "*";
    let entry: IndexEntry;
    try {
      entry = await folder.publish(name, bytes, {
        replace,
        ...(description === undefined ? {} : { description }),
      });
    } catch (error) {
      if (error instanceof TorrentExistsError) {
        return jsonError(412, "a different torrent is already published under this name");
      }
      throw error;
    }
    return Response.json(toListingEntry(entry, sha256Hex(bytes)), { status: existed ? 200 : 201 });
  }

  const server = Deno.serve({
    hostname: options.hostname ?? "127.0.0.1",
    port: options.port ?? 0,
    ...(options.signal ? { signal: options.signal } : {}),
    onListen() {},
    onError(error) {
      return jsonError(500, `the index failed: ${error instanceof Error ? error.message : error}`);
    },
  }, handle);
  const host = server.addr.hostname.includes(":")
    ? `[${server.addr.hostname}]`
    : server.addr.hostname;
  return {
    url: `http://${host}:${server.addr.port}/`,
    port: server.addr.port,
    finished: server.finished,
    shutdown: () => server.shutdown(),
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

function toListingEntry(entry: IndexEntry, sha256: string): HttpIndexListingEntry {
  const out: HttpIndexListingEntry = { name: entry.name, size: entry.size ?? 0, sha256 };
  if (entry.description !== undefined) out.description = entry.description;
  return out;
}

function digest(token: string): Uint8Array {
  return createHash("sha256").update(token).digest();
}

function jsonError(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json({ error: { code: status, message } }, { status, headers });
}

function methodNotAllowed(allow: string): Response {
  return jsonError(405, "method not allowed", { allow });
}
