/**
 * Where a DataSource's content is on this machine, and the check of it: the
 * directory remembered by the last load or publish, the torrent found in the
 * indexes, and everything the DataSource records.
 *
 * @module
 */
import type { DataSource } from "../datasource/data_source.ts";
import { confinedPath } from "../fs/confine.ts";
import { checkContentNames } from "../datasource/content_names.ts";
import { fetchTorrent } from "../index/config.ts";
import type { TorrentIndex } from "../index/torrent_index.ts";
import { recordedIntegrity } from "../integrity/recorded.ts";
import { torrentPiecesCheck } from "../integrity/torrent_pieces.ts";
import { verify, type VerifyReport } from "../integrity/verify.ts";
import { type Metainfo, parseMetainfo } from "../torrent/metainfo.ts";
import { contentTranslatorOf } from "../datasource/content_translator.ts";
import { LoaderRegistry } from "./registry.ts";
import { StoreLayout } from "../settings/store_layout.ts";

export { checkContentNames };

/** The remembered-loads index of a store. */
export function loadedIndexPath(storeHome: string): string {
  return new StoreLayout(storeHome).loadedIndex;
}

/** Content found on this machine. */
export interface LocatedContent {
  /** The content: `<directory>/<torrent name>`. */
  contentPath: string;
  /** The directory holding it. */
  directory: string;
  /** The torrent, when an index has it. */
  meta: Metainfo | undefined;
}

/**
 * Where `ds`'s content is, if it was loaded or published here: the remembered
 * directory plus the torrent's name (from `indexes`), else its `fileName`.
 * The names `ds` records are checked first ({@linkcode checkContentNames}),
 * and the content path may not be, or pass through, a symbolic link leading
 * out of the directory.
 *
 * @throws {UnsafeFieldPathError} When a name `ds` records leads outside.
 * @throws {LinkEscapeError} When the content is a link out of its directory.
 */
export async function locateContent(
  storeHome: string,
  ds: DataSource,
  indexes: readonly TorrentIndex[],
): Promise<LocatedContent | undefined> {
  checkContentNames(ds);
  const entry = await new LoaderRegistry(loadedIndexPath(storeHome)).loaded(ds);
  if (!entry) return undefined;
  const fileName = ds.fields.has("torrentFileName") ? ds.get("torrentFileName") : undefined;
  let meta: Metainfo | undefined;
  if (typeof fileName === "string" && indexes.length > 0) {
    try {
      meta = parseMetainfo((await fetchTorrent(indexes, fileName)).bytes);
    } catch {
      meta = undefined; // no torrent at hand: the recorded hashes are still checked
    }
  }
  const name = meta?.name ?? (ds.fields.has("fileName") ? ds.get("fileName") : undefined);
  if (typeof name !== "string") return undefined;
  // Content loaded through a content translator is remembered as the
  // translator's output, `<dir>@<translator>`; the content itself is in <dir>.
  const translator = contentTranslatorOf(ds);
  const suffix = typeof translator === "string" && translator !== "" ? `@${translator}` : "";
  const directory = suffix && entry.directory.endsWith(suffix)
    ? entry.directory.slice(0, -suffix.length)
    : entry.directory;
  return { contentPath: await confinedPath(directory, name), directory, meta };
}

/** Verifies located content against everything `ds` records and its torrent's piece hashes. */
export async function verifyLocated(
  ds: DataSource,
  located: LocatedContent,
  signal?: AbortSignal,
): Promise<VerifyReport> {
  return await verify(located.contentPath, {
    ...recordedIntegrity(ds),
    ...(located.meta ? { pieces: torrentPiecesCheck(located.meta, signal ? { signal } : {}) } : {}),
  }, signal ? { signal } : {});
}
