/**
 * Where a DataSource's content is on this machine, and the check of it: the
 * directory remembered by the last load or publish, the torrent found in the
 * indexes, and everything the DataSource records.
 *
 * @module
 */
import type { DataSource } from "../datasource/data_source.ts";
import { isAbsolute, relative, sep } from "node:path";
import { confinedPath, PathEscapeError } from "../fs/confine.ts";
import type { GraphBackend } from "../graph/backend.ts";
import { recordedContentLocation } from "./content_location.ts";
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
 * Where `ds`'s content is, if it was loaded or published here: the content
 * location recorded in the store's graph (given `store`), which must lie
 * inside the directory the store remembers for it; else the remembered
 * directory plus the torrent's name (from `indexes`), else its `fileName`.
 * The names `ds` records are checked first ({@linkcode checkContentNames}),
 * and the content path may not be, or pass through, a symbolic link leading
 * out of the directory.
 *
 * @throws {UnsafeFieldPathError} When a name `ds` records leads outside.
 * @throws {PathEscapeError} When the recorded location lies outside the remembered directory.
 * @throws {LinkEscapeError} When the content is a link out of its directory.
 */
export async function locateContent(
  storeHome: string,
  ds: DataSource,
  indexes: readonly TorrentIndex[],
  store?: GraphBackend,
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
  const recorded = store
    ? await recordedContentLocation(store, storeHome, ds.identifier)
    : undefined;
  if (recorded !== undefined) {
    const directory = contentDirectory(ds, entry.directory);
    const contentPath = await confinedLocation(ds, directory, recorded);
    return { contentPath, directory, meta };
  }
  const name = meta?.name ?? (ds.fields.has("fileName") ? ds.get("fileName") : undefined);
  if (typeof name !== "string") return undefined;
  const directory = contentDirectory(ds, entry.directory);
  return { contentPath: await confinedPath(directory, name), directory, meta };
}

/**
 * The folder holding the content: content loaded through a content
 * translator is remembered as the translator's output, `<dir>@<translator>`;
 * the content itself is in `<dir>`.
 */
function contentDirectory(ds: DataSource, remembered: string): string {
  const translator = contentTranslatorOf(ds);
  const suffix = typeof translator === "string" && translator !== "" ? `@${translator}` : "";
  return suffix && remembered.endsWith(suffix) ? remembered.slice(0, -suffix.length) : remembered;
}

/**
 * A recorded location, taken only inside `directory` (the folder the store
 * remembers: in the store, or one it fetched into or published from): the
 * graph is data, and its paths are not trusted further.
 */
async function confinedLocation(
  ds: DataSource,
  directory: string,
  recorded: string,
): Promise<string> {
  const rel = relative(directory, recorded);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) {
    throw new PathEscapeError(directory, recorded, {
      message: `The content location recorded in the graph for <${ds.identifier}>, ${
        JSON.stringify(recorded)
      }, is outside the folder this store holds it in (${directory}): it is not used; fetch it again to record where it is`,
    });
  }
  return await confinedPath(directory, rel.split(sep).join("/"));
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
