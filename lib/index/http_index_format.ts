/**
 * The HTTP torrent index format, version 1.
 *
 * An HTTP(S) torrent index is a base URL (ending in `/`) that serves:
 *
 * - `GET <base>/index.json`: the listing, a JSON object
 *   ```json
 *   {
 *     "version": 1,
 *     "torrents": [
 *       {
 *         "name": "d9da5ce947c6f1c127dfcdc2ede63320.torrent",
 *         "size": 1234,
 *         "sha256": "…64 lower-case hex digits…",
 *         "url": "files/d9da5ce947c6f1c127dfcdc2ede63320.torrent",
 *         "description": "C. elegans connectome, 2000 connections",
 *         "record": "# owmeta-torrent DataSource record for d9da….torrent\n@prefix …"
 *       }
 *     ]
 *   }
 *   ```
 *   `name` (a plain `*.torrent` file name, unique in the listing) and `size`
 *   (bytes) are required; `sha256` (checked by clients after download), `url`
 *   (relative to `index.json`, or absolute; `http:` or `https:` only; default
 *   `<base>/<name>`), `description` and `record` (the DataSource record that
 *   sits beside the torrent, inline: Turtle text of at most 256 KiB, see
 *   `record.ts`) are optional. `version` is optional and defaults to 1.
 *   Unknown fields are ignored, so later versions may add some (`record` was
 *   added this way: older readers ignore it).
 * - `GET <base>/<name>` (or the entry's `url`): the `.torrent` bytes.
 * - `PUT <base>/<name>` (optional, for publishing): the body is the `.torrent`
 *   bytes (`Content-Type: application/x-bittorrent`), with
 *   `Authorization: Bearer <token>` when the server requires one and an
 *   optional `Owm-Description` header holding the description, percent-encoded
 *   UTF-8. With `If-None-Match: *` the server refuses (412) to replace a file
 *   holding different bytes; identical bytes are accepted again. Answers 201
 *   (created) or 200 (replaced or unchanged) with the new entry as JSON; 401 when
 *   a token is required but missing, 403 when the token is wrong, 413 when the
 *   body is too large.
 *
 * - `GET <base>/<name>.ttl` (optional): the record beside `<name>`
 *   (`text/turtle`); clients read it when the listing has no inline `record`.
 * - `PUT <base>/<name>.ttl` (optional, for publishing): the body is the
 *   record (`Content-Type: text/turtle`, at most 256 KiB), same token rules
 *   as a torrent's `PUT`. The torrent must be there (404 otherwise). With
 *   `If-None-Match: *` the server refuses (412, `{"error": {…, "existing":
 *   "Class:key"}}`) to replace a record of another DataSource; a record of
 *   the same DataSource is replaced. 400 for a record that fails the checks.
 *   Answers 201 or 200. A server without records answers 404 or 405.
 *
 * A static web server can serve an index read-only: write `index.json` beside
 * the `.torrent` files. {@linkcode serveHttpIndex} serves a folder with
 * publishing.
 *
 * @module
 */
import { isTorrentFileName } from "./torrent_index.ts";

/** The version of the listing format this code writes and reads. */
export const HTTP_INDEX_FORMAT_VERSION = 1;

/** The name of the listing file under the base URL. */
export const HTTP_INDEX_LISTING = "index.json";

/** The request header carrying a description on `PUT` (percent-encoded UTF-8). */
export const DESCRIPTION_HEADER = "Owm-Description";

/** One torrent in an HTTP index listing. */
export interface HttpIndexListingEntry {
  /** A plain `*.torrent` file name. */
  name: string;
  /** Size in bytes. */
  size: number;
  /** Lower-case hex SHA-256 of the bytes. */
  sha256?: string;
  /** Where the bytes are, relative to the listing or absolute (`http:`/`https:`). */
  url?: string;
  /** A human description. */
  description?: string;
  /** The DataSource record beside the torrent, inline (Turtle text; see `record.ts`). */
  record?: string;
}

/** The `index.json` document. */
export interface HttpIndexListing {
  /** The format version. @default 1 */
  version?: number;
  /** Every torrent in the index. */
  torrents: HttpIndexListingEntry[];
}

/**
 * Checks parsed JSON against the listing format.
 *
 * @returns the listing, keeping only the known fields
 * @throws {SyntaxError} naming the first problem
 *
 * @example
 * ```ts
 * import { parseHttpIndexListing } from "./http_index_format.ts";
 * const listing = parseHttpIndexListing({ torrents: [{ name: "a.torrent", size: 12 }] });
 * console.log(listing.torrents[0]?.size); // 12
 * ```
 */
export function parseHttpIndexListing(json: unknown): HttpIndexListing {
  if (!isObject(json)) throw bad("it is not a JSON object");
  const version = json.version ?? HTTP_INDEX_FORMAT_VERSION;
  if (version !== HTTP_INDEX_FORMAT_VERSION) {
    throw bad(
      `it has version ${JSON.stringify(version)}, but this owmeta-torrent reads version ` +
        `${HTTP_INDEX_FORMAT_VERSION}: upgrade owmeta-torrent`,
    );
  }
  if (!Array.isArray(json.torrents)) throw bad('"torrents" is not an array');
  const seen = new Set<string>();
  const torrents = json.torrents.map((item: unknown, i: number): HttpIndexListingEntry => {
    const at = `torrents[${i}]`;
    if (!isObject(item)) throw bad(`${at} is not an object`);
    const { name, size, sha256, url, description, record } = item;
    if (typeof name !== "string" || !isTorrentFileName(name)) {
      throw bad(`${at}.name ${JSON.stringify(name)} is not a plain *.torrent file name`);
    }
    if (seen.has(name)) throw bad(`${at}.name ${JSON.stringify(name)} is listed twice`);
    seen.add(name);
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
      throw bad(`${at}.size is not a non-negative whole number`);
    }
    const entry: HttpIndexListingEntry = { name, size };
    if (sha256 !== undefined) {
      if (typeof sha256 !== "string" || !/^[0-9a-fA-F]{64}$/.test(sha256)) {
        throw bad(`${at}.sha256 is not 64 hex digits`);
      }
      entry.sha256 = sha256.toLowerCase();
    }
    if (url !== undefined) {
      if (typeof url !== "string" || url === "") throw bad(`${at}.url is not a string`);
      entry.url = url;
    }
    if (description !== undefined) {
      if (typeof description !== "string") throw bad(`${at}.description is not a string`);
      entry.description = description;
    }
    if (record !== undefined) {
      if (typeof record !== "string") throw bad(`${at}.record is not a string`);
      entry.record = record;
    }
    return entry;
  });
  return { version: HTTP_INDEX_FORMAT_VERSION, torrents };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function bad(detail: string): SyntaxError {
  return new SyntaxError(`Malformed torrent index listing: ${detail}`);
}
