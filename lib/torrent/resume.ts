/**
 * Resume records: what a download had verified and written, so that a restart
 * neither downloads those pieces again nor hashes every piece to find them.
 *
 * Per infohash, `stateDir` holds:
 * - `<infohash>.torrent`: the torrent (for magnets, the metadata got from peers);
 * - `<infohash>.resume.json`: a {@linkcode ResumeRecord}, replaced atomically
 *   (lib/fs/atomic_write.ts) every few seconds, on pause and on close. It is
 *   taken at a write barrier (see `SafeChunkStore.barrier`): the data files are
 *   fsynced, then stat'ed, then the bitfield is copied, so every piece it lists
 *   is on disk, and every file stamp is at least as new as those pieces;
 * - `<infohash>.journal`: two lines per piece written since that record: one
 *   before the write (which files it will touch), one after (their size and
 *   mtime just after the write). A process killed between two records loses
 *   nothing: record plus journal still describe the files exactly, except the
 *   files of writes that were cut short, which are the only ones whose stamps
 *   are then not compared (their pieces are not trusted, so they are fetched
 *   again).
 *
 * On restart ({@linkcode loadResume}), when every file's size and mtime equals
 * what record plus journal expect, the bitfield is trusted (webtorrent then
 * hashes one piece per file as a spot check); if any file differs, was added
 * or went missing, the caller falls back to a full check of every piece.
 *
 * Durability: the journal is not fsynced. That is safe against a killed
 * process (the kernel keeps written data), not against power loss; after a
 * power loss a stale mtime triggers the full check, but a file whose mtime
 * survived while its last blocks did not would be trusted, which the hashes
 * checked after a download (lib/integrity/) catch.
 *
 * @module
 */
import { type FileHandle, lstat, open, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { atomicWriteFile } from "../fs/atomic_write.ts";
import type { Layout } from "./layout.ts";
import type { FileStamp } from "./safe_store.ts";
import { stampFiles } from "./safe_store.ts";

/** The JSON kept per infohash. */
export interface ResumeRecord {
  /** Format version. */
  readonly version: 1;
  /** The infohash. */
  readonly infoHash: string;
  /** The content path (folder or single file) the record describes. */
  readonly contentPath: string;
  /** Selected file indexes, or `null` for all. */
  readonly selected: readonly number[] | null;
  /** File name, in the state directory, of the `.torrent`. */
  readonly torrentFile: string;
  /** Number of pieces. */
  readonly pieceCount: number;
  /** Verified pieces on disk: an MSB-first bitfield, base64. */
  readonly pieces: string;
  /** Size and mtime of each data file (absolute path), `null` when absent. */
  readonly files: Record<string, FileStamp | null>;
  /** Journal lines with this generation extend this record. */
  readonly generation: number;
  /** When it was written (ISO 8601). */
  readonly savedAt: string;
}

/** The state files for one infohash. */
export function statePaths(stateDir: string, infoHash: string): {
  torrent: string;
  record: string;
  journal: string;
  part: string;
} {
  return {
    torrent: join(stateDir, `${infoHash}.torrent`),
    record: join(stateDir, `${infoHash}.resume.json`),
    journal: join(stateDir, `${infoHash}.journal`),
    part: join(stateDir, `${infoHash}.part`),
  };
}

function toBase64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

type JournalLine =
  | { g: number; w: number; f: string[] }
  | { g: number; i: number; f: [string, number, number][] };

/** The outcome of {@linkcode loadResume}. */
export interface ResumeDecision {
  /** The bitfield to trust, or `null` for a full check. */
  readonly bitfield: Uint8Array | null;
  /** Why, in a few words (for logs and tests). */
  readonly reason: string;
  /** The generation to continue the journal with. */
  readonly generation: number;
}

function sameStamp(a: FileStamp | null | undefined, b: FileStamp | null): boolean {
  if (!a || !b) return !a && !b;
  return a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/**
 * Reads the record (plus journal) for `layout` and decides whether its
 * bitfield can be trusted for the files as they are now.
 */
export async function loadResume(stateDir: string, layout: Layout): Promise<ResumeDecision> {
  const paths = statePaths(stateDir, layout.infoHash);
  let record: ResumeRecord;
  try {
    record = JSON.parse(await readFile(paths.record, "utf8"));
  } catch {
    // A first download: when none of its files is on disk yet there is nothing
    // to check, and an empty bitfield says so (webtorrent would otherwise try
    // to read and hash every piece of files that do not exist: 0.18 s for
    // 1,024 pieces, before the first peer is asked for anything).
    if (await nothingOnDisk(layout)) {
      return {
        bitfield: new Uint8Array(Math.ceil(layout.pieceCount / 8)),
        reason: "no resume record, no data on disk yet",
        generation: 1,
      };
    }
    return { bitfield: null, reason: "no resume record", generation: 1 };
  }
  const generation = (Number(record.generation) || 0) + 1;
  const full = (reason: string) => ({ bitfield: null, reason, generation });
  if (
    record.version !== 1 || record.infoHash !== layout.infoHash ||
    record.pieceCount !== layout.pieceCount || record.contentPath !== layout.contentPath
  ) return full("resume record is for other content");
  if (JSON.stringify(record.selected) !== JSON.stringify(layout.selected)) {
    return full("file selection changed");
  }
  const bits = fromBase64(record.pieces);
  if (bits.length !== Math.ceil(layout.pieceCount / 8)) return full("bad resume record");
  const expected = new Map(Object.entries(record.files));
  // Writes started (`w`) but not journaled as done (`i`) when the process died:
  // their files may have changed in ways no line records.
  const unfinished = new Map<number, string[]>();
  const journal = await readFile(paths.journal, "utf8").catch(() => "");
  for (const line of journal.split("\n")) {
    let entry: JournalLine;
    try {
      entry = JSON.parse(line);
    } catch {
      continue; // an empty or torn last line
    }
    if (entry.g !== record.generation) continue;
    if ("w" in entry) {
      unfinished.set(entry.w, entry.f);
      continue;
    }
    if (!(entry.i >= 0 && entry.i < layout.pieceCount)) continue;
    unfinished.delete(entry.i);
    bits[entry.i >> 3]! |= 0x80 >> (entry.i & 7);
    for (const [path, size, mtimeMs] of entry.f) expected.set(path, { size, mtimeMs });
  }
  const torn = new Set([...unfinished.values()].flat());
  const actual = await stampFiles(layout);
  for (const [path, stamp] of actual) {
    if (!torn.has(path) && !sameStamp(expected.get(path), stamp)) return full(`${path} changed`);
  }
  if (unfinished.size > 0) {
    return {
      bitfield: bits,
      reason:
        `files unchanged since the resume record, except ${unfinished.size} piece writes cut short`,
      generation,
    };
  }
  return { bitfield: bits, reason: "files unchanged since the resume record", generation };
}

/** Whether no data file of `layout` (nor its part file) exists: each lstat says ENOENT. */
async function nothingOnDisk(layout: Layout): Promise<boolean> {
  const paths = layout.files.flatMap((file) => file.path ? [file.path] : []);
  if (layout.partPath) paths.push(layout.partPath);
  for (const path of paths) {
    try {
      await lstat(path);
      return false;
    } catch (error) {
      if ((error as NodeJS.ErrnoException)?.code !== "ENOENT") return false;
    }
  }
  return true;
}

/** Writes resume records and the journal for one torrent. */
export class ResumeWriter {
  readonly #stateDir: string;
  readonly #layout: Layout;
  #generation: number;
  #journal: Promise<FileHandle> | null = null;
  #queue: Promise<void> = Promise.resolve();
  /** Lines not written yet, and the write that will take them (queued after the one in progress). */
  #lines: string[] = [];
  #batch: Promise<void> | null = null;

  /**
   * Starts with the generation `loadResume` returned, which no record on disk
   * has yet: journal lines count only once {@linkcode ResumeWriter.save} has run.
   */
  constructor(stateDir: string, layout: Layout, generation: number) {
    this.#stateDir = stateDir;
    this.#layout = layout;
    this.#generation = generation;
  }

  /** Appends a journal line: piece `index` is about to be written to `paths`. */
  intent(index: number, paths: readonly string[]): Promise<void> {
    return this.#append({ g: this.#generation, w: index, f: [...paths] });
  }

  /** Appends a journal line: piece `index` is on disk; `stamps` are of the files it touched. */
  journal(index: number, stamps: readonly [string, FileStamp][]): Promise<void> {
    const f = stamps.map(([path, s]): [string, number, number] => [path, s.size, s.mtimeMs]);
    return this.#append({ g: this.#generation, i: index, f });
  }

  /**
   * Lines go out in order, one write at a time; the lines appended while a
   * write is in progress go out together in the next one, and each line's
   * promise resolves when the write that took it is done. A write per line
   * made every piece's write wait its turn behind two journal round trips per
   * earlier piece: with 4 peers feeding a busy event loop, 458 pieces waited
   * (115 MiB held in memory, 460 MiB peak RSS for a 256 MiB fetch).
   */
  #append(entry: JournalLine): Promise<void> {
    this.#lines.push(`${JSON.stringify(entry)}\n`);
    this.#batch ??= this.#queue = this.#queue.catch(() => {}).then(async () => {
      this.#batch = null;
      const text = this.#lines.splice(0).join("");
      this.#journal ??= open(statePaths(this.#stateDir, this.#layout.infoHash).journal, "a");
      await (await this.#journal).write(text);
    });
    return this.#batch;
  }

  /**
   * Writes a record of `bitfield` with the current stamps, then starts an
   * empty journal for it. Call inside the store's write barrier, after fsync.
   */
  async save(bitfield: Uint8Array): Promise<void> {
    const paths = statePaths(this.#stateDir, this.#layout.infoHash);
    await this.#queue;
    const stamps = await stampFiles(this.#layout);
    const generation = this.#generation + 1;
    const record: ResumeRecord = {
      version: 1,
      infoHash: this.#layout.infoHash,
      contentPath: this.#layout.contentPath,
      selected: this.#layout.selected,
      torrentFile: `${this.#layout.infoHash}.torrent`,
      pieceCount: this.#layout.pieceCount,
      pieces: toBase64(bitfield),
      files: Object.fromEntries(stamps),
      generation,
      savedAt: new Date().toISOString(),
    };
    await atomicWriteFile(paths.record, [new TextEncoder().encode(JSON.stringify(record))]);
    this.#generation = generation;
    const old = this.#journal;
    this.#journal = null;
    if (old) await (await old).close().catch(() => {});
    await writeFile(paths.journal, "");
  }

  /** Closes the journal. */
  async close(): Promise<void> {
    await this.#queue.catch(() => {});
    const old = this.#journal;
    this.#journal = null;
    if (old) await (await old.catch(() => null))?.close().catch(() => {});
  }
}

/** Saves the `.torrent` next to the record (once). */
export async function saveTorrentFile(
  stateDir: string,
  infoHash: string,
  bytes: Uint8Array,
): Promise<void> {
  const path = statePaths(stateDir, infoHash).torrent;
  const existing = await readFile(path).catch(() => null);
  if (existing && existing.length === bytes.length) return;
  await atomicWriteFile(path, [bytes]);
}

/** Deletes every state file of `infoHash`. */
export async function deleteState(stateDir: string, infoHash: string): Promise<void> {
  for (const path of Object.values(statePaths(stateDir, infoHash))) {
    await rm(path, { force: true });
  }
}
