/**
 * Publishing: a file or folder (a `.zip` is published as the file it is)
 * becomes a torrent named by the legacy `<md5>.torrent` scheme, a DataSource
 * in the graph recording its torrent file name, infohash, magnet link and
 * hashes, a `.torrent` pushed to every index with the DataSource's record
 * beside it (lib/index/record.ts), and optionally a seed.
 *
 * Name collisions have one rule: the `<md5>.torrent` name is the content's.
 * The same content published again under the same DataSource id changes
 * nothing (identical torrent) or, as a different torrent (other folder name,
 * trackers, web seeds), needs `replace` (`owm publish --replace`,
 * `"replace": true` in the API, the page's "Replace" box), which replaces the
 * index's torrent and record. The same content under ANOTHER DataSource id is
 * refused ({@linkcode AlreadyPublishedError}, 409) naming that id, with or
 * without `replace`: use that id, or remove the torrent from the index first.
 *
 * @module
 */
import { basename, resolve } from "node:path";
import type { DataSource, DataSourceClass } from "../datasource/data_source.ts";
import { DataSourceClassError } from "../datasource/errors.ts";
import { toCurie } from "../datasource/identifier.ts";
import type { DataSourceRepository } from "../datasource/repository.ts";
import { digestContent } from "../integrity/content_digest.ts";
import { legacyTorrentFileName } from "../integrity/legacy.ts";
import {
  IndexAuthError,
  type IndexEntry,
  IndexError,
  TorrentExistsError,
  type TorrentIndex,
} from "../index/torrent_index.ts";
import {
  buildRecord,
  type DataSourceRecord,
  RecordError,
  RecordExistsError,
  RecordsUnsupportedError,
} from "../index/record.ts";
import { checkPublishFields } from "./fields.ts";
import { createTorrent } from "../torrent/create.ts";
import { checkContentNames } from "../loader/located_content.ts";
import type { TorrentHandle } from "../torrent/handle.ts";
import { magnetLink } from "../torrent/magnet.ts";
import type { Metainfo } from "../torrent/metainfo.ts";
import type { TorrentSession } from "../torrent/session.ts";
import type { UrlPolicyOptions } from "../torrent/url_policy.ts";
import { OwmError } from "../errors/owm_error.ts";

/**
 * The same content is already published under this torrent file name, as a
 * different torrent (the files lie under another folder or file name, which
 * is part of the torrent). Nothing was changed.
 *
 * @example
 * ```ts ignore
 * try {
 *   await publish("copy-of-worms", { class: "CSVDataSource", key: "copy", repository, index });
 * } catch (error) {
 *   if (error instanceof AlreadyPublishedError) console.log(`use ${error.existing}`);
 * }
 * ```
 */
export class AlreadyPublishedError extends OwmError {
  /** The error's code: `already-published`. */
  override readonly code: string = "already-published";
  /** The `<md5>.torrent` name both would use. */
  readonly torrentFileName: string;
  /** The DataSource that recorded the existing torrent (a CURIE), when this store has one. */
  readonly existing: string | undefined;
  /** Whether `replace` would resolve it (the existing torrent is this DataSource's, or nobody's known). */
  readonly replaceable: boolean;
  /**
   * Creates the error. `existing` is the DataSource that published the torrent
   * (from the index's record, or this store); `sameId` says it is the very
   * DataSource being published (then `replace` resolves it).
   */
  constructor(
    torrentFileName: string,
    existing: { id: string; fileName: string | undefined } | undefined,
    fileName: string,
    options?: ErrorOptions & { sameId?: boolean },
  ) {
    const what = `The same content is already published as ${torrentFileName}`;
    const how = existing?.fileName === undefined || existing.fileName === fileName
      ? "other trackers, web seeds or piece size"
      : `named '${existing.fileName}', not '${fileName}'`;
    super(
      existing && options?.sameId
        ? `${what} by ${existing.id} itself, as a different torrent (${how}); nothing was changed: ` +
          `publish again with --replace (replace: true) to replace it`
        : existing
        ? `${what} by ${existing.id}${
          existing.fileName === undefined ? "" : ` (from '${existing.fileName}')`
        }, as a different torrent (${how}); nothing was changed: use ${existing.id}, or remove ${torrentFileName} from the index first`
        : `${what} in the index, as a different torrent (another name, other trackers or web seeds); nothing was changed: fetch that torrent, or publish again with --replace (replace: true) to replace it`,
      options,
    );
    this.name = "AlreadyPublishedError";
    this.torrentFileName = torrentFileName;
    this.existing = existing?.id;
    this.replaceable = !existing || options?.sameId === true;
  }
}

/** The DataSource in `repository` that recorded `torrentFileName`, if any. */
async function publishedBy(
  repository: DataSourceRepository,
  torrentFileName: string,
): Promise<{ id: string; fileName: string | undefined } | undefined> {
  for (const item of await repository.list()) {
    const ds = await repository.find(item.id).catch(() => undefined);
    if (ds?.fields.has("torrentFileName") && ds.get("torrentFileName") === torrentFileName) {
      const fileName = ds.fields.has("fileName") ? ds.get("fileName") : undefined;
      return { id: item.id, fileName: typeof fileName === "string" ? fileName : undefined };
    }
  }
  return undefined;
}

/** The fields a DataSource class needs to record a published torrent (those of `LocalFileDataSource`). */
export const PUBLISH_FIELDS: readonly string[] = Object.freeze([
  "fileName",
  "torrentFileName",
  "infoHash",
  "magnetLink",
  "md5",
  "sha256",
]);

/**
 * Whether instances of `cls` can record a published torrent: it has every
 * field in {@linkcode PUBLISH_FIELDS} (a `LocalFileDataSource` subclass). A
 * class that cannot be instantiated with only a key cannot.
 */
export function canPublish(cls: DataSourceClass): boolean {
  try {
    const probe = new cls({ key: "probe" } as never);
    return PUBLISH_FIELDS.every((f) => probe.fields.has(f));
  } catch {
    return false;
  }
}

/** Options for {@linkcode publish}. */
export interface PublishDataOptions {
  /** The DataSource class (a `LocalFileDataSource` subclass), or its name as known to the store. */
  class: DataSourceClass | string;
  /** The DataSource's key. */
  key: string;
  /** Where the DataSource is saved. */
  repository: DataSourceRepository;
  /** Description of the dataset. */
  description?: string;
  /** Other field values for the DataSource, by TypeScript field name. */
  fields?: Readonly<Record<string, unknown>>;
  /** The named graph to save into. @default the store's default data graph */
  context?: string;
  /** Trackers written into the torrent. */
  trackers?: readonly string[];
  /** BEP 19 web seeds written into the torrent. */
  webSeeds?: readonly string[];
  /** A short title of the dataset (the `title` field). */
  title?: string;
  /** The licence: an SPDX id or expression (e.g. `CC-BY-4.0`), or an http(s) URL (the `license` field). */
  license?: string;
  /** How to cite the dataset: text, BibTeX or a DOI (the `citation` field). */
  citation?: string;
  /** Where the `.torrent` (and the DataSource's record beside it) is published, if anywhere. */
  index?: TorrentIndex;
  /** More indexes to publish to, after `index`. */
  indexes?: readonly TorrentIndex[];
  /**
   * Replace a different torrent (and its record) already published under the
   * same name for this same DataSource id. Content published under another
   * DataSource id is refused even so. @default false
   */
  replace?: boolean;
  /** Seeds the content in this session when given. */
  session?: TorrentSession;
  /** Peers the seed dials, `host:port` (for peers that cannot dial in). */
  peers?: readonly string[];
  /** Cancels hashing. */
  signal?: AbortSignal;
  /** Which tracker and web seed addresses are allowed (see lib/torrent/url_policy.ts). */
  urlPolicy?: UrlPolicyOptions;
}

/** What {@linkcode publish} made. */
export interface PublishResult {
  /** The saved DataSource. */
  dataSource: DataSource;
  /** `<md5>.torrent`. */
  torrentFileName: string;
  /** The `.torrent` bytes. */
  torrent: Uint8Array;
  /** The parsed torrent. */
  metainfo: Metainfo;
  /** The infohash. */
  infoHash: string;
  /** The magnet link. */
  magnetLink: string;
  /** Hex MD5 of the content (file bytes, or the owm folder digest). */
  md5: string;
  /** Hex SHA-256 of the content (file bytes, or the owm folder digest). */
  sha256: string;
  /** The index entry, when published to an index (the first one). */
  indexEntry: IndexEntry | undefined;
  /** The entry in each index published to, in order. */
  indexEntries: IndexEntry[];
  /** The DataSource's record, as put beside the `.torrent` in the indexes. */
  record: DataSourceRecord;
  /** Warnings worth showing (e.g. an index that takes no records). */
  notes: string[];
  /** The seeding torrent, when a session was given. */
  seeding: TorrentHandle | undefined;
}

/**
 * Publishes the file or folder at `path`.
 *
 * @throws {UnsupportedFileError} For a pipe, device, link out of the folder or a name a fetcher
 *   would change (nothing is published).
 * @throws {NameCollisionError} For two names that differ only in case (nothing is published).
 * @throws {AlreadyPublishedError} When an index already holds the same content under another
 *   DataSource id, or a different torrent of it without `replace` (nothing is published).
 * @throws {FieldError} For a field the class lacks, or a value it refuses (e.g. a licence that is
 *   neither an SPDX id nor a URL).
 * @throws {RefusedUrlError} For a refused tracker or web seed URL.
 *
 * @example
 * ```ts ignore
 * const result = await publish("data/worms", {
 *   class: "ConnectomeCSVDataSource",
 *   key: "2000_connections",
 *   repository,
 *   index: new LocalFolderIndex(".owm/torrents"),
 *   session,
 * });
 * console.log(result.magnetLink);
 * ```
 */
export async function publish(path: string, options: PublishDataOptions): Promise<PublishResult> {
  const content = resolve(path);
  const cls = typeof options.class === "string"
    ? await options.repository.classNamed(options.class)
    : options.class;
  const probe = new cls({ key: options.key } as never);
  for (const field of PUBLISH_FIELDS) {
    if (!probe.fields.has(field)) {
      throw new DataSourceClassError(
        `Class ${cls.name} has no field '${field}': publish with a LocalFileDataSource subclass (e.g. CSVDataSource)`,
      );
    }
  }
  const signal = options.signal;
  const { bytes, metainfo } = await createTorrent(content, {
    trackers: [...(options.trackers ?? [])],
    webSeeds: [...(options.webSeeds ?? [])],
    createdBy: "owmeta-torrent",
    ...(options.urlPolicy ? { urlPolicy: options.urlPolicy } : {}),
  });
  const { digests } = await digestContent(content, ["md5", "sha256"], signal ? { signal } : {});
  const torrentFileName = legacyTorrentFileName(digests.md5);
  const magnet = magnetLink(metainfo);
  const given = checkPublishFields(cls, {
    ...options.fields,
    ...(options.title === undefined ? {} : { title: options.title }),
    ...(options.license === undefined ? {} : { license: options.license }),
    ...(options.citation === undefined ? {} : { citation: options.citation }),
  });
  const dataSource = new cls({
    ...given,
    key: options.key,
    fileName: basename(content),
    torrentFileName,
    infoHash: metainfo.infoHash,
    magnetLink: magnet,
    md5: digests.md5,
    sha256: digests.sha256,
    datePublished: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    ...(options.description === undefined ? {} : { description: options.description }),
  } as never);
  checkContentNames(dataSource); // names among options.fields are data: none may lead outside
  const record = await buildRecord(dataSource, await options.repository.store.prefixes());
  const indexes = [...(options.index ? [options.index] : []), ...(options.indexes ?? [])];
  const replace = options.replace ?? false;
  // Content already published under another id is refused before any index is changed.
  const self = await curieOf(options.repository, dataSource);
  for (const index of indexes) {
    await checkNoOtherId(index, record, self, options.repository, basename(content), signal);
  }
  const indexEntries: IndexEntry[] = [];
  const notes: string[] = [];
  for (const index of indexes) {
    try {
      indexEntries.push(
        await index.publish(torrentFileName, bytes, {
          ...(options.description === undefined ? {} : { description: options.description }),
          replace,
          ...(signal ? { signal } : {}),
        }),
      );
    } catch (error) {
      if (!(error instanceof TorrentExistsError)) throw error;
      const existing = await index.getRecord(torrentFileName).catch(() => undefined);
      const known = existing
        ? { id: existing.id, fileName: recordedFileName(existing) }
        : await publishedBy(options.repository, torrentFileName);
      throw new AlreadyPublishedError(torrentFileName, known, basename(content), {
        cause: error,
        sameId: existing?.dataSource === dataSource.identifier || known?.id === self,
      });
    }
    try {
      await index.putRecord(record, { replace, ...(signal ? { signal } : {}) });
    } catch (error) {
      if (error instanceof RecordsUnsupportedError) {
        notes.push(`${index.location}: ${error.message}`);
        continue;
      }
      if (error instanceof RecordExistsError) {
        throw new AlreadyPublishedError(
          torrentFileName,
          error.existing ? { id: error.existing, fileName: undefined } : undefined,
          basename(content),
          { cause: error },
        );
      }
      throw error;
    }
  }
  const indexEntry = indexEntries[0];
  await options.repository.save([dataSource], options.context ? { context: options.context } : {});
  const seeding = options.session
    ? await options.session.seed(content, bytes, options.peers ? { peers: options.peers } : {})
    : undefined;
  return {
    dataSource,
    torrentFileName,
    torrent: bytes,
    metainfo,
    infoHash: metainfo.infoHash,
    magnetLink: magnet,
    md5: digests.md5,
    sha256: digests.sha256,
    indexEntry,
    indexEntries,
    record,
    notes,
    seeding,
  };
}

/**
 * Refuses (before anything is published) content that `index` already holds
 * under another DataSource id: as the index's record says, or, for a torrent
 * without a record, as this store says (its DataSource that recorded the
 * torrent). A record that cannot be read is left to `putRecord` (which
 * replaces it only with `replace`).
 */
async function checkNoOtherId(
  index: TorrentIndex,
  record: DataSourceRecord,
  self: string,
  repository: DataSourceRepository,
  fileName: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const options = signal ? { signal } : {};
  let existing: DataSourceRecord | undefined;
  try {
    existing = await index.getRecord(record.torrentFileName, options);
  } catch (error) {
    if (error instanceof RecordError) return;
    if (error instanceof IndexError && !(error instanceof IndexAuthError)) return;
    throw error;
  }
  if (existing && existing.dataSource !== record.dataSource) {
    throw new AlreadyPublishedError(
      record.torrentFileName,
      { id: existing.id, fileName: recordedFileName(existing) },
      fileName,
    );
  }
  // An index that cannot be read yet (a folder not made yet) holds nothing: publish reports the rest.
  const present = existing ? undefined : await index.find(record.torrentFileName, options).catch(
    () => undefined,
  );
  if (!present) return;
  const known = await publishedBy(repository, record.torrentFileName);
  if (known && known.id !== self) {
    throw new AlreadyPublishedError(record.torrentFileName, known, fileName);
  }
}

/** The `fileName` a record's DataSource records, if one. */
function recordedFileName(record: DataSourceRecord): string | undefined {
  const field = record.quads.find((q) =>
    q.subject.value === record.dataSource && q.predicate.value.endsWith("/file_name")
  );
  return field?.object.value;
}

async function curieOf(repository: DataSourceRepository, ds: DataSource): Promise<string> {
  return toCurie(ds.identifier, await repository.store.prefixes());
}
