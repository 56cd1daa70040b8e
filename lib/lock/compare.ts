/**
 * Comparing a DataSource and its content with its lock entry: what the
 * DataSource records (checked before any download) and the files on disk.
 *
 * @module
 */
import { confinedJoin, confinedPath } from "../fs/confine.ts";
import type { DataSource } from "../datasource/data_source.ts";
import { hashFile } from "../integrity/hash.ts";
import { parseMagnet } from "../torrent/magnet.ts";
import { listContent } from "./content_files.ts";
import type { LockMismatch } from "./errors.ts";
import { contentNameOf, type LockEntry } from "./lock_format.ts";

function strings(ds: DataSource, field: string): string[] {
  if (!ds.fields.has(field)) return [];
  return ds.getAll(field).filter((v): v is string => typeof v === "string" && v !== "");
}

/**
 * The differences between what `ds` records and its lock entry: its torrent
 * file name, its recorded infohash and its magnet link's infohash, and
 * `infoHashFound` (the infohash of the torrent its index now holds, when
 * looked up). Needs no network and reads no content.
 *
 * @example
 * ```ts ignore
 * const mismatches = compareRecorded(ds, entry, meta.infoHash);
 * if (mismatches.length) throw new LockMismatchError(entry.id, lockPath, mismatches);
 * ```
 *
 * @param ds The DataSource.
 * @param entry Its lock entry.
 * @param infoHashFound The infohash found by looking its torrent up, if it was.
 * @returns The differences; empty when it matches.
 */
export function compareRecorded(
  ds: DataSource,
  entry: LockEntry,
  infoHashFound?: string,
): LockMismatch[] {
  const out: LockMismatch[] = [];
  const names = strings(ds, "torrentFileName");
  if (entry.torrentFileName === null ? names.length > 0 : !names.includes(entry.torrentFileName)) {
    out.push({
      kind: "torrent-file-name",
      expected: entry.torrentFileName,
      actual: names[0] ?? null,
    });
  }
  const hashes = new Set<string>();
  for (const recorded of strings(ds, "infoHash")) hashes.add(recorded.toLowerCase());
  for (const magnet of strings(ds, "magnetLink")) {
    try {
      hashes.add(parseMagnet(magnet).infoHash);
    } catch {
      // A malformed magnet link is the loader's to report.
    }
  }
  if (infoHashFound) hashes.add(infoHashFound.toLowerCase()); // "" or undefined: not looked up
  for (const hash of hashes) {
    if (hash !== entry.infoHash) {
      out.push({ kind: "infohash", expected: entry.infoHash, actual: hash });
    }
  }
  return out;
}

/** Whether the content pinned by `entry` is in `directory` at all. */
export async function contentPresent(directory: string, entry: LockEntry): Promise<boolean> {
  try {
    await Deno.lstat(confinedJoin(directory, contentNameOf(entry)));
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * The differences between the content in `directory` (the loaded directory:
 * the content is `<directory>/<torrent name>`) and its lock entry: files
 * missing or added, sizes and SHA-256 digests. Reads every file the lock pins
 * that is there.
 *
 * @example
 * ```ts ignore
 * for (const m of await compareContent(dir, entry)) console.log(m.path, m.expected, m.actual);
 * ```
 *
 * @param directory The loaded directory.
 * @param entry The lock entry.
 * @param signal Stops the hashing.
 * @returns The differences, in path order; empty when the content matches.
 */
export async function compareContent(
  directory: string,
  entry: LockEntry,
  signal?: AbortSignal,
): Promise<LockMismatch[]> {
  const found = await listContent(await confinedPath(directory, contentNameOf(entry))) ?? [];
  const byPath = new Map(found.map((f) => [f.path, f]));
  const pinned = new Set(entry.files.map((f) => f.path));
  const out: LockMismatch[] = [];
  for (const file of entry.files) {
    const actual = byPath.get(file.path);
    if (!actual) {
      out.push({ kind: "missing-file", path: file.path, expected: file.size, actual: null });
      continue;
    }
    if (actual.size !== file.size) {
      out.push({ kind: "size", path: file.path, expected: file.size, actual: actual.size });
    }
    const { sha256 } = await hashFile(actual.absolutePath, ["sha256"], signal ? { signal } : {});
    if (sha256 !== file.sha256) {
      out.push({ kind: "sha256", path: file.path, expected: file.sha256, actual: sha256 });
    }
  }
  for (const file of found) {
    if (!pinned.has(file.path)) {
      out.push({ kind: "extra-file", path: file.path, expected: null, actual: file.size });
    }
  }
  return out;
}
