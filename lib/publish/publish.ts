/**
 * Publishing: a file or folder (a `.zip` is published as the file it is)
 * becomes a torrent named by the legacy `<md5>.torrent` scheme, a DataSource
 * in the graph recording its torrent file name, infohash, magnet link and
 * hashes, a `.torrent` pushed to an index, and optionally a seed.
 *
 * @module
 */
import { basename, resolve } from "node:path";
import type { DataSource, DataSourceClass } from "../datasource/data_source.ts";
import { DataSourceClassError } from "../datasource/errors.ts";
import type { DataSourceRepository } from "../datasource/repository.ts";
import { digestContent } from "../integrity/content_digest.ts";
import { legacyTorrentFileName } from "../integrity/legacy.ts";
import { type IndexEntry, TorrentExistsError, type TorrentIndex } from "../index/torrent_index.ts";
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
  /** Creates the error. */
  constructor(
    torrentFileName: string,
    existing: { id: string; fileName: string | undefined } | undefined,
    fileName: string,
    options?: ErrorOptions,
  ) {
    const what = `The same content is already published as ${torrentFileName}`;
    super(
      existing
        ? `${what} by ${existing.id}${
          existing.fileName === undefined ? "" : ` (from '${existing.fileName}')`
        }, as a different torrent (${
          existing.fileName === undefined || existing.fileName === fileName
            ? "other trackers, web seeds or piece size"
            : `named '${existing.fileName}', not '${fileName}'`
        }); nothing was changed: use ${existing.id}, or remove ${torrentFileName} from the index first`
        : `${what} in the index, as a different torrent (another name, other trackers or web seeds); nothing was changed: fetch that torrent, or remove ${torrentFileName} from the index first`,
      options,
    );
    this.name = "AlreadyPublishedError";
    this.torrentFileName = torrentFileName;
    this.existing = existing?.id;
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
  /** Where the `.torrent` is published, if anywhere. */
  index?: TorrentIndex;
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
  /** The index entry, when published to an index. */
  indexEntry: IndexEntry | undefined;
  /** The seeding torrent, when a session was given. */
  seeding: TorrentHandle | undefined;
}

/**
 * Publishes the file or folder at `path`.
 *
 * @throws {UnsupportedFileError} For a pipe, device, link out of the folder or a name a fetcher
 *   would change (nothing is published).
 * @throws {NameCollisionError} For two names that differ only in case (nothing is published).
 * @throws {AlreadyPublishedError} When the index already holds a different torrent of the same
 *   content (nothing is published).
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
  const dataSource = new cls({
    ...options.fields,
    key: options.key,
    fileName: basename(content),
    torrentFileName,
    infoHash: metainfo.infoHash,
    magnetLink: magnet,
    md5: digests.md5,
    sha256: digests.sha256,
    ...(options.description === undefined ? {} : { description: options.description }),
  } as never);
  checkContentNames(dataSource); // names among options.fields are data: none may lead outside
  let indexEntry: IndexEntry | undefined;
  try {
    indexEntry = options.index
      ? await options.index.publish(torrentFileName, bytes, {
        ...(options.description === undefined ? {} : { description: options.description }),
      })
      : undefined;
  } catch (error) {
    if (!(error instanceof TorrentExistsError)) throw error;
    const existing = await publishedBy(options.repository, torrentFileName);
    throw new AlreadyPublishedError(torrentFileName, existing, basename(content), {
      cause: error,
    });
  }
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
    seeding,
  };
}
