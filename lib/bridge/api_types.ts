/**
 * The JSON shapes of the bridge's HTTP API, shared by the server (kernel/)
 * and the clients (the `Bridge` class, the Python example).
 *
 * @module
 */

/** Every error answer: `{ "error": { "code", "message" } }`. */
export interface ApiError {
  /** The error. */
  error: {
    /** A stable machine-readable code, e.g. `not-found`, `unauthorized`. */
    code: string;
    /** What is wrong and what to do. */
    message: string;
  };
}

/** A DataSource in a listing. */
export interface DataSourceItem {
  /** `ClassName:key`. */
  id: string;
  /** The full IRI. */
  iri: string;
  /** The class name. */
  kind: string;
}

/** One DataSource. */
export interface DataSourceDetail extends DataSourceItem {
  /** The key, when the identifier has one. */
  key: string | null;
  /** Stored field values by TypeScript name (lists for multi-valued fields). */
  fields: Record<string, unknown>;
  /** The original's `owm source show` text. */
  text: string;
}

/** What `POST /api/datasources` takes. */
export interface CreateDataSourceBody {
  /** The class name (built in, or recorded in the store). */
  class: string;
  /** The key. */
  key: string;
  /** Field values by TypeScript name. */
  fields?: Record<string, unknown>;
  /** The named graph to save into. */
  context?: string;
  /**
   * Replace an existing DataSource whose identity fields (torrent file name,
   * infohash, magnet link, hashes, file names, content translator, graph name)
   * differ; without it such a request is answered 409 `identity-conflict`.
   * Content already here is verified again against the new fields.
   */
  replace?: boolean;
}

/** One identity field a replace changed: its values before and after (empty: none). */
export interface IdentityChange {
  /** The field's TypeScript name, e.g. `infoHash`. */
  field: string;
  /** The stored values before. */
  before: unknown[];
  /** The values after. */
  after: unknown[];
}

/** What `POST /api/datasources` answers: the DataSource, and what a replace did. */
export interface SavedDataSource extends DataSourceDetail {
  /** Set when an existing DataSource's identity fields were replaced (`replace: true`). */
  replaced?: {
    /** The identity fields that changed. */
    changed: IdentityChange[];
    /**
     * The content already here for it: `verified` (it matches the new fields and
     * stays), `forgotten` (it does not, or cannot be checked: the next fetch loads
     * and verifies it again), or `none` (nothing was here).
     */
    content: "verified" | "forgotten" | "none";
    /** Why the content was forgotten (a verify report's failures, or an error). */
    reason?: string;
  };
}

/** The 202 answer of `POST /api/datasources/{id}/fetch`. */
export interface FetchAccepted {
  /** The DataSource. */
  id: string;
  /** The torrent's infohash. */
  infoHash: string;
  /** Where to poll the torrent's status. */
  status: string;
  /** `started`, or `running` when a fetch of it was already under way, or `done`. */
  state: "started" | "running" | "done";
  /** The directory, once done. */
  directory?: string;
}

/**
 * A torrent's status, with Transmission's field names where it has one
 * (`percentDone`, `haveValid`, `rateDownload`, `peersConnected`, `corruptEver`,
 * `errorString`, …).
 */
export interface TorrentStatusJson {
  /** Infohash, 40 hex digits. */
  hashString: string;
  /** The torrent's name. */
  name: string;
  /** `metadata`, `checking`, `downloading`, `seeding`, `paused`, `error`. */
  status: string;
  /** 0 to 1. */
  percentDone: number;
  /** Verified bytes held. */
  haveValid: number;
  /** Bytes selected. */
  sizeWhenDone: number;
  /** Bytes per second received. */
  rateDownload: number;
  /** Bytes per second sent. */
  rateUpload: number;
  /** Piece bytes received since added. */
  downloadedEver: number;
  /** Piece bytes sent since added. */
  uploadedEver: number;
  /** Seconds to completion, or -1 when unknown. */
  eta: number;
  /** Connected peers. */
  peersConnected: number;
  /** Verified pieces held. */
  piecesHave: number;
  /** Pieces in the torrent. */
  pieceCount: number;
  /** Bytes that failed their piece hash. */
  corruptEver: number;
  /** Banned peer addresses. */
  bannedPeers: string[];
  /** 0 when fine, 3 on a local error (Transmission's codes). */
  error: number;
  /** What went wrong, or "". */
  errorString: string;
  /** The download directory. */
  downloadDir: string;
}

/** The 201 answer of `POST /api/publish` and `POST /api/uploads`: what was published. */
export interface PublishedJson {
  /** The new DataSource, `ClassName:key`. */
  id: string;
  /** `<md5>.torrent`, as pushed to the index. */
  torrentFileName: string;
  /** The torrent's infohash (40 hex digits); the bridge seeds it. */
  infoHash: string;
  /** The magnet link. */
  magnetLink: string;
  /** Hex MD5 of the content (file bytes, or the owm folder digest). */
  md5: string;
  /** Hex SHA-256 of the content (file bytes, or the owm folder digest). */
  sha256: string;
}

/** A translator, as `GET /api/translators` (and `owm translator list --json`) lists it. */
export interface TranslatorJson {
  /** Its stable name, e.g. `zip-to-directory`. */
  name: string;
  /** Its version, recorded in every Translation it makes. */
  version: string;
  /** One line for people. */
  description: string;
  /** The DataSource kinds it takes, one per input (the last repeats when it takes more). */
  inputKinds: string[];
  /** The kind of DataSource it makes. */
  outputKind: string;
}

/** What `POST /api/translations` takes. */
export interface TranslateBody {
  /** The translator's name (see `GET /api/translators`). */
  translator: string;
  /** The input DataSources, `ClassName:key` or `<IRI>`, in order. */
  inputs: string[];
  /** The output DataSource's key. @default `<first input's key>-<translator>` */
  key?: string;
  /** Translator options, name to value (`owm translate --option name=value`). */
  options?: Record<string, string>;
}

/**
 * The 201 answer of `POST /api/translations` (and `owm translate --json`):
 * the output DataSource and the Translation recorded.
 */
export interface TranslationJson {
  /** The output DataSource, `ClassName:key`. */
  id: string;
  /** Its IRI. */
  iri: string;
  /** The Translation's IRI. */
  translation: string;
  /** The translator's name. */
  translator: string;
  /** The translator's version. */
  translatorVersion: string;
  /** The inputs, `ClassName:key`, in order. */
  inputs: string[];
  /** The output directory (on the machine that ran it). */
  directory: string;
  /** The output content: `<directory>/<fileName>`, or the directory. */
  contentPath: string;
  /** Hex SHA-256 of the output content (file bytes, or the owm folder digest), when recorded. */
  sha256: string | null;
  /** How many statements the translator stored beside the output (e.g. csv-to-rdf's rows). */
  statements: number;
}

/** An event on `GET /api/events` (Server-Sent Events; the SSE `event:` is `type`). */
export type BridgeEvent =
  | { type: "progress"; torrent: TorrentStatusJson }
  | { type: "done"; id: string | null; infoHash: string; directory: string }
  | { type: "verified"; id: string; infoHash: string; ok: boolean; report: unknown }
  | { type: "published"; id: string; infoHash: string; magnetLink: string }
  /** A translation finished: `id` is the output DataSource, `translation` the record's IRI. */
  | { type: "translated"; id: string; translation: string }
  | {
    type: "error";
    id: string | null;
    infoHash: string | null;
    message: string;
    /** Set for known failures, e.g. `lock-mismatch` when a locked fetch got other content. */
    code?: string;
  };

/** What `<store>/bridge.json` holds (mode 0600). */
export interface BridgeFile {
  /** The running bridge's base URL, e.g. `http://127.0.0.1:8484`. */
  url: string;
  /** The bearer token for `/api`. */
  token: string;
  /** The bridge's process id. */
  pid?: number;
  /** The announce URLs of the tracker started with the bridge (`--tracker`), if any. */
  trackers?: string[];
}
