/**
 * A torrent index over HTTP(S): a JSON listing plus the `.torrent` files, in the
 * format described in `http_index_format.ts`.
 *
 * @module
 */
import { checkMaxBytes, readLimited, sha256Hex, TooLargeError } from "./_bytes.ts";
import {
  DESCRIPTION_HEADER,
  HTTP_INDEX_LISTING,
  type HttpIndexListing,
  parseHttpIndexListing,
} from "./http_index_format.ts";
import {
  DEFAULT_MAX_TORRENT_BYTES,
  type FetchOptions,
  type FindOptions,
  IndexAuthError,
  type IndexEntry,
  IndexError,
  type PublishOptions,
  TORRENT_MIME_TYPE,
  TorrentExistsError,
  type TorrentIndex,
  TorrentNotFoundError,
  validateTorrentFileName,
} from "./torrent_index.ts";
import { InvalidInputError } from "../errors/invalid_input.ts";
import {
  type DataSourceRecord,
  MAX_RECORD_BYTES,
  parseRecord,
  type PutRecordOptions,
  RECORD_MIME_TYPE,
  RecordExistsError,
  recordFileName,
  type RecordListing,
  RecordsUnsupportedError,
} from "./record.ts";

/** The largest `index.json` read unless told otherwise: 32 MiB. */
export const DEFAULT_MAX_LISTING_BYTES: number = 32 * 1024 * 1024;

/** Options for {@linkcode HttpIndex}. */
export interface HttpIndexOptions {
  /**
   * A bearer token, sent as `Authorization: Bearer <token>` to the index's own
   * origin only (never to other hosts an entry's `url` points at).
   */
  token?: string | undefined;
  /** Refuse an `index.json` larger than this. @default {DEFAULT_MAX_LISTING_BYTES} (32 MiB) */
  maxListingBytes?: number;
}

/**
 * An HTTP(S) torrent index at a base URL.
 *
 * `find` and `list` read `<base>/index.json`; when the server has no listing
 * (404), `find` and `fetch` fall back to `<base>/<name>` directly. `fetch`
 * streams the bytes with a size limit and checks the listed `sha256` and size.
 * `publish` sends `PUT <base>/<name>`.
 *
 * @example Fetch a torrent from an HTTP index
 * ```ts ignore
 * import { HttpIndex } from "./http_index.ts";
 *
 * const index = new HttpIndex("https://torrents.example.org/owm/");
 * const bytes = await index.fetch("d9da5ce947c6f1c127dfcdc2ede63320.torrent");
 * ```
 */
export class HttpIndex implements TorrentIndex {
  /** Always `"http"`. */
  readonly kind = "http";
  /** The base URL, ending in `/`. */
  readonly location: string;
  readonly #base: URL;
  readonly #token: string | undefined;
  readonly #maxListingBytes: number;

  /** Creates an index at `base` (`http:` or `https:`; a missing final `/` is added). */
  constructor(base: string | URL, options: HttpIndexOptions = {}) {
    let url: URL;
    try {
      url = new URL(base);
    } catch {
      throw new InvalidInputError(
        `Invalid HTTP index URL ${JSON.stringify(String(base))}: give an absolute http(s) URL`,
      );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new TypeError(
        `Invalid HTTP index URL ${JSON.stringify(url.href)}: only http: and https: are supported`,
      );
    }
    if (url.username || url.password) {
      throw new TypeError(
        `Invalid HTTP index URL ${
          JSON.stringify(url.origin)
        }: do not put credentials in the URL; give a token instead`,
      );
    }
    url.search = "";
    url.hash = "";
    if (!url.pathname.endsWith("/")) url.pathname += "/";
    this.#base = url;
    this.location = url.href;
    this.#token = options.token;
    this.#maxListingBytes = checkMaxBytes(options.maxListingBytes ?? DEFAULT_MAX_LISTING_BYTES);
  }

  /** Lists the torrents in `index.json`, sorted by name, with absolute URLs. */
  async list(options: FindOptions = {}): Promise<IndexEntry[]> {
    const listing = await this.#listing(options.signal);
    if (!listing) {
      const detail = `${this.#listingUrl()} does not exist (404): the server lists no torrents`;
      throw new IndexError(this, detail, { status: 404 });
    }
    return listing.torrents.map((t) => this.#entry(t)).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0
    );
  }

  /** Looks a torrent up in the listing (or by `HEAD <base>/<name>` when there is none). */
  async find(fileName: string, options: FindOptions = {}): Promise<IndexEntry | undefined> {
    validateTorrentFileName(fileName);
    const listing = await this.#listing(options.signal);
    if (listing) {
      const found = listing.torrents.find((t) => t.name === fileName);
      return found && this.#entry(found);
    }
    const url = this.#fileUrl(fileName);
    const res = await this.#request(url, { method: "HEAD" }, options.signal);
    await res.body?.cancel();
    if (res.status === 404) return undefined;
    if (!res.ok) throw this.#statusError(res, url);
    const entry: IndexEntry = { name: fileName, url: url.href };
    const length = Number(res.headers.get("content-length") ?? NaN);
    if (Number.isSafeInteger(length)) entry.size = length;
    return entry;
  }

  /** Downloads a torrent's bytes, streamed with a size limit, checking the listed sha256 and size. */
  async fetch(fileName: string, options: FetchOptions = {}): Promise<Uint8Array> {
    validateTorrentFileName(fileName);
    const maxBytes = checkMaxBytes(options.maxBytes ?? DEFAULT_MAX_TORRENT_BYTES);
    const listing = await this.#listing(options.signal);
    let entry: IndexEntry | undefined;
    if (listing) {
      const found = listing.torrents.find((t) => t.name === fileName);
      if (!found) throw new TorrentNotFoundError(fileName, [this.location]);
      entry = this.#entry(found);
      if (found.size > maxBytes) throw this.#tooLarge(fileName, maxBytes);
    }
    const url = entry?.url ? new URL(entry.url) : this.#fileUrl(fileName);
    const res = await this.#request(url, {}, options.signal);
    if (!res.ok) {
      await res.body?.cancel();
      throw this.#statusError(res, url, fileName);
    }
    if (Number(res.headers.get("content-length") ?? 0) > maxBytes) {
      await res.body?.cancel();
      throw this.#tooLarge(fileName, maxBytes);
    }
    let bytes: Uint8Array;
    try {
      bytes = await readLimited(res.body ?? new ReadableStream(), maxBytes);
    } catch (error) {
      if (error instanceof TooLargeError) throw this.#tooLarge(fileName, maxBytes);
      if (options.signal?.aborted) throw options.signal.reason;
      throw new IndexError(this, `the download of ${url.href} failed: ${String(error)}`, {
        cause: error,
      });
    }
    if (entry?.size !== undefined && entry.size !== bytes.byteLength) {
      throw new IndexError(
        this,
        `${url.href} has ${bytes.byteLength} bytes but the listing says ${entry.size}: ` +
          `the index is inconsistent or the file was tampered with; tell the index's operator`,
      );
    }
    if (entry?.sha256 !== undefined && sha256Hex(bytes) !== entry.sha256) {
      throw new IndexError(
        this,
        `${url.href} does not match the sha256 in the listing: ` +
          `the index is inconsistent or the file was tampered with; tell the index's operator`,
      );
    }
    return bytes;
  }

  /** Uploads a torrent with `PUT <base>/<name>`. */
  async publish(
    fileName: string,
    bytes: Uint8Array,
    options: PublishOptions = {},
  ): Promise<IndexEntry> {
    validateTorrentFileName(fileName);
    const url = this.#fileUrl(fileName);
    const headers = new Headers({ "content-type": TORRENT_MIME_TYPE });
    if (!options.replace) headers.set("if-none-match", "*");
    if (options.description !== undefined) {
      headers.set(DESCRIPTION_HEADER, encodeURIComponent(options.description));
    }
    const res = await this.#request(url, {
      method: "PUT",
      headers,
      body: bytes as Uint8Array<ArrayBuffer>,
    }, options.signal);
    if (res.status === 412) {
      await res.body?.cancel();
      throw new TorrentExistsError(this, fileName, { status: 412 });
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw this.#statusError(res, url);
    }
    const fallback: IndexEntry = {
      name: fileName,
      size: bytes.byteLength,
      url: url.href,
      sha256: sha256Hex(bytes),
    };
    if (options.description !== undefined) fallback.description = options.description;
    try {
      const answer = parseHttpIndexListing({ torrents: [await res.json()] }).torrents[0];
      return answer && answer.name === fileName ? this.#entry(answer) : fallback;
    } catch {
      return fallback;
    }
  }

  /** Uploads the record with `PUT <base>/<name>.torrent.ttl`; see {@linkcode TorrentIndex.putRecord}. */
  async putRecord(record: DataSourceRecord, options: PutRecordOptions = {}): Promise<void> {
    const url = this.#fileUrl(recordFileName(record.torrentFileName));
    const headers = new Headers({ "content-type": `${RECORD_MIME_TYPE}; charset=utf-8` });
    if (!options.replace) headers.set("if-none-match", "*");
    const res = await this.#request(url, {
      method: "PUT",
      headers,
      body: new TextEncoder().encode(record.text),
    }, options.signal);
    if (res.ok) {
      await res.body?.cancel();
      return;
    }
    const answer = await res.json().catch(() => undefined) as
      | { error?: { message?: unknown; existing?: unknown } }
      | undefined;
    if (res.status === 412) {
      const existing = answer?.error?.existing;
      throw new RecordExistsError(
        this,
        record.torrentFileName,
        typeof existing === "string" ? existing : undefined,
        { status: 412 },
      );
    }
    if (res.status === 404 && (await this.find(record.torrentFileName, options)) === undefined) {
      throw new TorrentNotFoundError(record.torrentFileName, [this.location]);
    }
    if ([404, 405, 501].includes(res.status)) {
      throw new RecordsUnsupportedError(this, `${url.href} answered ${res.status} to a PUT`, {
        status: res.status,
      });
    }
    if (res.status === 400) {
      const message = answer?.error?.message;
      throw new IndexError(
        this,
        `it refused the record of ${record.id}: ${
          typeof message === "string" ? message : "400 Bad Request"
        }`,
        { status: 400 },
      );
    }
    throw this.#statusError(res, url);
  }

  /**
   * The record beside `torrentFileName`: inline in the listing, else
   * `GET <base>/<name>.torrent.ttl`; `undefined` when there is none.
   */
  async getRecord(
    torrentFileName: string,
    options: FindOptions = {},
  ): Promise<DataSourceRecord | undefined> {
    const name = recordFileName(torrentFileName);
    const listing = await this.#listing(options.signal);
    if (listing) {
      const found = listing.torrents.find((t) => t.name === torrentFileName);
      if (!found) return undefined;
      if (found.record !== undefined) {
        return await parseRecord(found.record, { torrentFileName, source: this.location });
      }
    }
    const url = this.#fileUrl(name);
    const res = await this.#request(url, { headers: { accept: RECORD_MIME_TYPE } }, options.signal);
    if (res.status === 404 || res.status === 405) {
      await res.body?.cancel();
      return undefined;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw this.#statusError(res, url);
    }
    let bytes: Uint8Array;
    try {
      // One byte over the bound is enough for parseRecord to refuse it by size.
      bytes = await readLimited(res.body ?? new ReadableStream(), MAX_RECORD_BYTES + 1);
    } catch (error) {
      if (!(error instanceof TooLargeError)) {
        if (options.signal?.aborted) throw options.signal.reason;
        throw new IndexError(this, `reading ${url.href} failed: ${String(error)}`, {
          cause: error,
        });
      }
      bytes = new Uint8Array(MAX_RECORD_BYTES + 1);
    }
    return await parseRecord(bytes, { torrentFileName, source: this.location });
  }

  /** The records inline in `index.json`, checked; refused ones are listed with the reason. */
  async listRecords(options: FindOptions = {}): Promise<RecordListing> {
    const listing = await this.#listing(options.signal);
    if (!listing) {
      const detail = `${this.#listingUrl()} does not exist (404): the server lists no torrents`;
      throw new IndexError(this, detail, { status: 404 });
    }
    const out: RecordListing = { records: [], refused: [] };
    const torrents = [...listing.torrents].sort((a, b) => a.name < b.name ? -1 : 1);
    for (const t of torrents) {
      if (t.record === undefined) continue;
      try {
        out.records.push(
          await parseRecord(t.record, { torrentFileName: t.name, source: this.location }),
        );
      } catch (error) {
        out.refused.push({
          torrentFileName: t.name,
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return out;
  }

  #listingUrl(): URL {
    return new URL(HTTP_INDEX_LISTING, this.#base);
  }

  #fileUrl(fileName: string): URL {
    return new URL(encodeURIComponent(fileName), this.#base);
  }

  /** The listing, or `undefined` when the server has none (404). */
  async #listing(signal: AbortSignal | undefined): Promise<HttpIndexListing | undefined> {
    const url = this.#listingUrl();
    const res = await this.#request(url, { headers: { accept: "application/json" } }, signal);
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw this.#statusError(res, url);
    }
    let text: string;
    try {
      text = new TextDecoder().decode(
        await readLimited(res.body ?? new ReadableStream(), this.#maxListingBytes),
      );
    } catch (error) {
      if (error instanceof TooLargeError) {
        throw new IndexError(
          this,
          `${url.href} is larger than ${this.#maxListingBytes} bytes: raise maxListingBytes if it is genuine`,
        );
      }
      if (signal?.aborted) throw signal.reason;
      throw new IndexError(this, `reading ${url.href} failed: ${String(error)}`, { cause: error });
    }
    try {
      return parseHttpIndexListing(JSON.parse(text));
    } catch (error) {
      throw new IndexError(
        this,
        `${url.href} is not a valid torrent listing (${
          error instanceof Error ? error.message : error
        }): tell the index's operator`,
        { cause: error },
      );
    }
  }

  #entry(t: HttpIndexListing["torrents"][number]): IndexEntry {
    const url = new URL(t.url ?? encodeURIComponent(t.name), this.#listingUrl());
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new IndexError(
        this,
        `the listing points ${
          JSON.stringify(t.name)
        } at ${url.protocol} URL, but only http: and https: are allowed: tell the index's operator`,
      );
    }
    const entry: IndexEntry = { name: t.name, size: t.size, url: url.href };
    if (t.sha256 !== undefined) entry.sha256 = t.sha256;
    if (t.description !== undefined) entry.description = t.description;
    return entry;
  }

  async #request(url: URL, init: RequestInit, signal: AbortSignal | undefined): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.#token !== undefined && url.origin === this.#base.origin) {
      headers.set("authorization", `Bearer ${this.#token}`);
    }
    try {
      return await fetch(url, {
        ...init,
        headers,
        redirect: "follow",
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new IndexError(
        this,
        `cannot reach ${url.href}: ${
          error instanceof Error ? error.message : error
        }; check the URL and the network`,
        {
          cause: error,
        },
      );
    }
  }

  #statusError(res: Response, url: URL, fileName?: string): Error {
    if (res.status === 404 && fileName !== undefined) {
      return new TorrentNotFoundError(fileName, [this.location]);
    }
    if (res.status === 401) {
      return this.#token === undefined
        ? new IndexAuthError(
          "missing-credentials",
          this,
          `${url.href} requires a token (401): give the index's bearer token (ask the index's operator for one)`,
        )
        : new IndexAuthError(
          "expired",
          this,
          `${url.href} refused the token (401): it has expired or is not valid; get a new one from the index's operator`,
        );
    }
    if (res.status === 403) {
      return new IndexAuthError(
        "forbidden",
        this,
        `${url.href} refused the request (403): the token is wrong or not allowed to do this; check it with the index's operator`,
      );
    }
    const hint = res.status === 405 || res.status === 501
      ? "the server does not accept publications; publish to another index"
      : res.status === 413
      ? "the server refused the upload as too large"
      : "try again later, or tell the index's operator";
    return new IndexError(this, `${url.href} answered ${res.status} ${res.statusText}: ${hint}`, {
      status: res.status,
    });
  }

  #tooLarge(fileName: string, maxBytes: number): IndexError {
    return new IndexError(
      this,
      `${
        JSON.stringify(fileName)
      } is larger than ${maxBytes} bytes, too large for a .torrent: check the index, or raise maxBytes if it is genuine`,
    );
  }
}
