/**
 * The shared content cache: content fetched by one store (project) is kept
 * once per user and machine, keyed by its torrent's infohash and by its
 * SHA-256, and placed into any other store that needs it without a second
 * download.
 *
 * Layout under the cache folder (`OWM_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/owmeta-torrent`, else `~/.cache/owmeta-torrent`):
 *
 * ```text
 * v1/entries/<infohash>/entry.json       the record (CacheEntryRecord)
 * v1/entries/<infohash>/meta.torrent     the torrent (piece hashes, names)
 * v1/entries/<infohash>/content/<name>   the content, files read-only (mode 0444)
 * v1/sha256/<sha256>                     the infohash of the entry with that SHA-256
 * v1/tmp/                                entries being written (each held by a lock)
 * v1/locks/<infohash>.lock               serialises changes to one entry
 * ```
 *
 * Files go into and out of the cache as {@linkcode ContentCacheOptions.mode}
 * says: copy-on-write clones where the file system offers them, else copies
 * (the default, `clone`), so a write to one project's copy changes neither the
 * cache nor any other project's, whoever makes it; or, opted into, hard links
 * (`hardlink`: one file shared by all, protected only by its read-only mode,
 * which does not stop root).
 *
 * An entry is built in `tmp/` and renamed into `entries/` in one step, under
 * the entry's lock, so readers see a whole entry or none and two processes
 * adding the same content leave one. The cache checks records and torrents,
 * not bytes: whoever takes content from it verifies it (the BitTorrent
 * loader does, every time) and drops an entry that fails.
 *
 * @module
 */
import { confinedJoin } from "../fs/confine.ts";
import { join } from "node:path";
import { atomicWriteFile } from "../fs/atomic_write.ts";
import { withFileLock } from "../fs/file_lock.ts";
import { type Metainfo, parseMetainfo } from "../torrent/metainfo.ts";
import { cacheModeFromEnv, defaultCacheDir } from "./env.ts";
import {
  CACHE_FORMAT_VERSION,
  type CacheEntryRecord,
  parseCacheRecord,
  withHome,
} from "./entry.ts";
import { type GcPolicy, planGc } from "./gc.ts";
import { makeReadOnly, type PlaceMode, type PlaceReport, placeTree } from "./link.ts";
import { pathExists } from "../fs/exists.ts";
import { InvalidInputError } from "../errors/invalid_input.ts";
import { OwmError } from "../errors/owm_error.ts";

/** An entry found in the cache. */
export interface CachedContent {
  /** Its record. */
  record: CacheEntryRecord;
  /** The entry's folder. */
  dir: string;
  /** The content: `<dir>/content/<name>`. */
  contentPath: string;
  /** Its torrent. */
  meta: Metainfo;
}

/** Options for {@linkcode ContentCache}. */
export interface ContentCacheOptions {
  /**
   * How content goes in and out: `clone` (copy-on-write clones where the file
   * system offers them, else copies), `copy` (copies through the process), or
   * `hardlink` (hard links when on one file system, else clones: one file
   * shared by the cache and every store using it, so a write to any changes
   * all; its read-only mode does not stop root). @default "clone"
   */
  mode?: PlaceMode;
}

/** Options for {@linkcode ContentCache.add}. */
export interface CacheAddOptions {
  /** The content's SHA-256 (file digest or owm folder digest), when known. */
  sha256?: string | undefined;
  /** The store home that adds it. */
  home?: string | undefined;
}

/** Options for {@linkcode ContentCache.gc}. */
export interface GcOptions extends GcPolicy {
  /** Report what would be removed, and remove nothing. @default false */
  dryRun?: boolean;
  /** "Now", for `olderThanDays`. @default the current time */
  now?: Date;
}

/** What a collection removed (or would remove). */
export interface GcReport {
  /** The records of the entries removed, least recently used first. */
  removed: CacheEntryRecord[];
  /** Their content size in bytes. */
  removedBytes: number;
  /**
   * Bytes the removal gives back to the disk: files no store still links to
   * (a store's hard link keeps its file until that store's copy is removed).
   */
  freedBytes: number;
  /** Entries kept. */
  kept: number;
  /** Their content size in bytes. */
  keptBytes: number;
  /** Abandoned temporary folders and unreadable entries removed. */
  strays: number;
  /** Whether nothing was removed (a dry run). */
  dryRun: boolean;
}

/** The cache folder cannot be used. */
export class CacheError extends OwmError {
  /** The error's code: `cache`. */
  override readonly code: string = "cache";
  /** The cache folder. */
  readonly dir: string;
  /** Creates the error. */
  constructor(dir: string, detail: string, options?: ErrorOptions) {
    super(
      `The shared cache at ${dir} cannot be used (${detail}): fix its permissions, point OWM_CACHE_DIR elsewhere, or turn it off with OWM_CACHE=0`,
      options,
    );
    this.name = "CacheError";
    this.dir = dir;
  }
}

const HEX40 = /^[0-9a-f]{40}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const encoder = new TextEncoder();

/**
 * The shared, content-addressed cache in one folder.
 *
 * @example
 * ```ts ignore
 * const cache = ContentCache.fromEnv(); // undefined when OWM_CACHE=0
 * const hit = await cache?.lookup({ infoHash: "431379d5a2a165873635bac1372db4a0fc786da3" });
 * if (hit) await cache!.materialize(hit, "/tmp/here/worm_dataset");
 * ```
 */
export class ContentCache {
  /** The cache folder. */
  readonly dir: string;
  /** How content goes in and out: `clone`, `copy` or `hardlink`. */
  readonly mode: PlaceMode;
  readonly #root: string;

  /** A cache in `dir` (created on first write). */
  constructor(dir: string, options: ContentCacheOptions = {}) {
    this.dir = dir;
    this.mode = options.mode ?? "clone";
    this.#root = join(dir, `v${CACHE_FORMAT_VERSION}`);
  }

  /**
   * The user's cache as the environment configures it (`OWM_CACHE_DIR`,
   * `XDG_CACHE_HOME`, `HOME`, `OWM_CACHE_LINK`), or `undefined` when
   * `OWM_CACHE=0` turns it off.
   */
  static fromEnv(): ContentCache | undefined {
    const dir = defaultCacheDir();
    return dir === undefined ? undefined : new ContentCache(dir, { mode: cacheModeFromEnv() });
  }

  get #entries(): string {
    return join(this.#root, "entries");
  }

  get #tmp(): string {
    return join(this.#root, "tmp");
  }

  #entryDir(infoHash: string): string {
    return join(this.#entries, infoHash);
  }

  #lockPath(infoHash: string): string {
    return join(this.#root, "locks", `${infoHash}.lock`);
  }

  #shaPath(sha256: string): string {
    return join(this.#root, "sha256", sha256);
  }

  async #ensure(): Promise<void> {
    try {
      for (const sub of ["entries", "tmp", "locks", "sha256"]) {
        await Deno.mkdir(join(this.#root, sub), { recursive: true });
      }
    } catch (error) {
      throw new CacheError(this.dir, error instanceof Error ? error.message : String(error), {
        cause: error,
      });
    }
  }

  async #readRecord(infoHash: string): Promise<CacheEntryRecord | undefined> {
    const path = join(this.#entryDir(infoHash), "entry.json");
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
    return parseCacheRecord(text, path);
  }

  /**
   * The entry of `infoHash`, when there is a whole one. An entry whose record,
   * torrent or content is missing or inconsistent is dropped. The content's
   * bytes are not checked: verify them before trusting them.
   */
  async get(infoHash: string): Promise<CachedContent | undefined> {
    const key = infoHash.toLowerCase();
    if (!HEX40.test(key)) return undefined;
    const dir = this.#entryDir(key);
    try {
      const record = await this.#readRecord(key);
      if (!record) return undefined;
      if (record.infoHash !== key) throw new Error("record of another infohash");
      const meta = parseMetainfo(await Deno.readFile(join(dir, "meta.torrent")));
      if (meta.infoHash !== key || meta.name !== record.name) {
        throw new Error("torrent does not match");
      }
      const contentPath = confinedJoin(join(dir, "content"), record.name);
      await Deno.lstat(contentPath);
      return { record, dir, contentPath, meta };
    } catch (error) {
      if (
        error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable
      ) {
        throw error;
      }
      await this.drop(key).catch(() => {});
      return undefined;
    }
  }

  /** The entry whose recorded SHA-256 is `sha256`, if any. */
  async findBySha256(sha256: string): Promise<CachedContent | undefined> {
    const key = sha256.toLowerCase();
    if (!HEX64.test(key)) return undefined;
    const pointed = (await Deno.readTextFile(this.#shaPath(key)).catch(() => "")).trim();
    if (HEX40.test(pointed)) {
      const hit = await this.get(pointed);
      if (hit?.record.sha256 === key) return hit;
    }
    // The pointer is missing or stale (its entry was dropped): look through the records.
    for (const record of await this.list()) {
      if (record.sha256 !== key) continue;
      const hit = await this.get(record.infoHash);
      if (hit) {
        await this.#point(key, hit.record.infoHash).catch(() => {});
        return hit;
      }
    }
    return undefined;
  }

  /** The entry of `infoHash`, else one with the SHA-256 `sha256`. */
  async lookup(
    keys: { infoHash?: string | undefined; sha256?: string | undefined },
  ): Promise<CachedContent | undefined> {
    const byHash = keys.infoHash ? await this.get(keys.infoHash) : undefined;
    return byHash ?? (keys.sha256 ? await this.findBySha256(keys.sha256) : undefined);
  }

  async #point(sha256: string, infoHash: string): Promise<void> {
    await atomicWriteFile(this.#shaPath(sha256), [encoder.encode(`${infoHash}\n`)]);
  }

  /**
   * Adds verified content (`contentPath`, named as `meta` names it) to the
   * cache, or marks the existing entry used. Files are cloned (else copied),
   * or hard-linked in mode `hardlink`, and made read-only.
   * Safe to run in several processes at once: one entry results.
   *
   * @throws {CacheError} when the cache folder cannot be written.
   */
  async add(
    contentPath: string,
    meta: Metainfo,
    options: CacheAddOptions = {},
  ): Promise<CachedContent> {
    const infoHash = meta.infoHash;
    const sha256 = options.sha256?.toLowerCase();
    if (sha256 !== undefined && !HEX64.test(sha256)) {
      throw new InvalidInputError(
        `Invalid SHA-256 ${JSON.stringify(options.sha256)}: give 64 hex digits`,
        { status: 422, code: "bad-field" },
      );
    }
    const existing = await this.get(infoHash);
    if (existing) {
      const touched = await this.touch(infoHash, options);
      return touched ? { ...existing, record: touched } : existing;
    }
    await this.#ensure();
    const name = `${infoHash}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}`;
    const work = join(this.#tmp, name);
    const lockPath = `${work}.lock`;
    // Held while the entry is written: a collection never takes a folder being written.
    using held = await Deno.open(lockPath, { read: true, write: true, create: true });
    await held.lock(true);
    let added: CachedContent | undefined;
    try {
      const content = confinedJoin(join(work, "content"), meta.name);
      await Deno.mkdir(join(work, "content"), { recursive: true });
      const placed = await placeTree(contentPath, content, { mode: this.mode, copyMode: 0o444 });
      await makeReadOnly(content);
      await Deno.writeFile(join(work, "meta.torrent"), meta.bytes, { mode: 0o444 });
      const now = new Date().toISOString();
      const record: CacheEntryRecord = {
        version: CACHE_FORMAT_VERSION,
        infoHash,
        sha256: sha256 ?? null,
        name: meta.name,
        size: placed.bytes,
        files: placed.files,
        addedAt: now,
        lastUsedAt: now,
        homes: withHome([], options.home),
      };
      await atomicWriteFile(join(work, "entry.json"), [
        encoder.encode(JSON.stringify(record, null, 2) + "\n"),
      ]);
      const dir = this.#entryDir(infoHash);
      let won = false;
      await withFileLock(this.#lockPath(infoHash), async () => {
        if (await pathExists(dir)) return; // another process added it first
        await Deno.rename(work, dir);
        won = true;
      });
      if (sha256 !== undefined) await this.#point(sha256, infoHash);
      if (won) {
        added = { record, dir, contentPath: confinedJoin(join(dir, "content"), meta.name), meta };
      } else await this.touch(infoHash, options);
    } catch (error) {
      if (error instanceof CacheError) throw error;
      throw new CacheError(this.dir, `adding ${infoHash}: ${(error as Error).message}`, {
        cause: error,
      });
    } finally {
      await Deno.remove(work, { recursive: true }).catch(() => {});
      await Deno.remove(lockPath).catch(() => {});
    }
    // Another process's entry: read it (its torrent may list other trackers).
    added ??= await this.get(infoHash);
    if (!added) throw new CacheError(this.dir, `entry ${infoHash} vanished as it was added`);
    return added;
  }

  /**
   * Places the entry's content at `target` (which must not exist): private,
   * writable clones or copies (modes `clone`, `copy`), or hard links (mode
   * `hardlink`: read-only files shared with the cache). Holds the entry's
   * lock, so a collection cannot remove it meanwhile. Verify the result
   * before using it.
   */
  async materialize(entry: CachedContent, target: string): Promise<PlaceReport> {
    return await withFileLock(this.#lockPath(entry.record.infoHash), async () => {
      if (!(await pathExists(entry.contentPath))) {
        throw new CacheError(this.dir, `entry ${entry.record.infoHash} was removed`);
      }
      return await placeTree(entry.contentPath, target, { mode: this.mode });
    });
  }

  /**
   * Marks an entry used now, by `home`, and records its SHA-256 if it had none.
   *
   * @returns The updated record, or `undefined` when there is no such entry.
   */
  async touch(
    infoHash: string,
    options: CacheAddOptions = {},
  ): Promise<CacheEntryRecord | undefined> {
    const key = infoHash.toLowerCase();
    if (!HEX40.test(key)) return undefined;
    await this.#ensure();
    const sha256 = options.sha256?.toLowerCase();
    const touched = await withFileLock(this.#lockPath(key), async () => {
      const record = await this.#readRecord(key).catch(() => undefined);
      if (!record) return undefined;
      record.lastUsedAt = new Date().toISOString();
      record.homes = withHome(record.homes, options.home);
      if (record.sha256 === null && sha256 !== undefined && HEX64.test(sha256)) {
        record.sha256 = sha256;
      }
      await atomicWriteFile(join(this.#entryDir(key), "entry.json"), [
        encoder.encode(JSON.stringify(record, null, 2) + "\n"),
      ]);
      return record;
    });
    if (sha256 !== undefined && HEX64.test(sha256)) {
      const pointed = (await Deno.readTextFile(this.#shaPath(sha256)).catch(() => "")).trim();
      if (!HEX40.test(pointed) || !(await pathExists(this.#entryDir(pointed)))) {
        await this.#point(sha256, key).catch(() => {});
      }
    }
    return touched;
  }

  /**
   * Removes an entry (e.g. one whose content failed verification).
   *
   * @returns Whether there was one.
   */
  async drop(infoHash: string): Promise<boolean> {
    return (await this.#dropIf(infoHash.toLowerCase(), () => true)) !== undefined;
  }

  /**
   * Removes the entry under its lock if `keep` does not object, returning the
   * bytes its removal gives back to the disk (undefined when nothing was removed).
   */
  async #dropIf(
    infoHash: string,
    remove: (record: CacheEntryRecord | undefined) => boolean,
  ): Promise<number | undefined> {
    if (!HEX40.test(infoHash) || !(await pathExists(this.#entryDir(infoHash)))) return undefined;
    await this.#ensure();
    const gone = join(this.#tmp, `${infoHash}.dropped.${crypto.randomUUID().slice(0, 8)}`);
    let record: CacheEntryRecord | undefined;
    const moved = await withFileLock(this.#lockPath(infoHash), async () => {
      record = await this.#readRecord(infoHash).catch(() => undefined);
      if (!remove(record)) return false;
      try {
        await Deno.rename(this.#entryDir(infoHash), gone);
        return true;
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return false;
        throw error;
      }
    });
    if (!moved) return undefined;
    if (record?.sha256) {
      const path = this.#shaPath(record.sha256);
      const pointed = (await Deno.readTextFile(path).catch(() => "")).trim();
      if (pointed === infoHash) await Deno.remove(path).catch(() => {});
    }
    const freed = await unlinkedBytes(gone);
    await Deno.remove(gone, { recursive: true }).catch(() => {});
    return freed;
  }

  /** The records of every whole entry, most recently used first. */
  async list(): Promise<CacheEntryRecord[]> {
    const records: CacheEntryRecord[] = [];
    for (const name of await names(this.#entries)) {
      if (!HEX40.test(name)) continue;
      const record = await this.#readRecord(name).catch(() => undefined);
      if (record && record.infoHash === name) records.push(record);
    }
    return records.sort((a, b) =>
      Date.parse(b.lastUsedAt) - Date.parse(a.lastUsedAt) || (a.infoHash < b.infoHash ? -1 : 1)
    );
  }

  /**
   * Removes entries by `policy` (see {@linkcode planGc}), least recently used
   * first, and the leftovers of writers that were killed. An entry used since
   * the plan was made, or being written, is kept. One collection runs at a time.
   */
  async gc(options: GcOptions = {}): Promise<GcReport> {
    const empty = { removedBytes: 0, freedBytes: 0, kept: 0, keptBytes: 0, strays: 0 };
    if (!(await pathExists(this.#root))) return { removed: [], ...empty, dryRun: !!options.dryRun };
    await this.#ensure();
    return await withFileLock(join(this.#root, "gc.lock"), async () => {
      const plan = planGc(await this.list(), options, options.now ?? new Date());
      const report: GcReport = {
        removed: [],
        removedBytes: 0,
        freedBytes: 0,
        kept: plan.keep.length,
        keptBytes: plan.keep.reduce((sum, r) => sum + r.size, 0),
        strays: 0,
        dryRun: options.dryRun ?? false,
      };
      for (const planned of plan.remove) {
        if (report.dryRun) {
          report.removed.push(planned);
          report.removedBytes += planned.size;
          report.freedBytes += await unlinkedBytes(this.#entryDir(planned.infoHash));
          continue;
        }
        const freed = await this.#dropIf(
          planned.infoHash,
          (now) => now === undefined || now.lastUsedAt === planned.lastUsedAt,
        );
        if (freed === undefined) {
          report.kept++;
          report.keptBytes += planned.size;
          continue;
        }
        report.removed.push(planned);
        report.removedBytes += planned.size;
        report.freedBytes += freed;
      }
      if (!report.dryRun) report.strays = await this.#removeStrays();
      return report;
    });
  }

  /** Removes abandoned temporary folders (their writer's lock is free) and unreadable entries. */
  async #removeStrays(): Promise<number> {
    let removed = 0;
    const tmpNames = await names(this.#tmp);
    const locked = new Set<string>();
    for (const name of tmpNames.filter((n) => n.endsWith(".lock"))) {
      const work = name.slice(0, -".lock".length);
      const path = join(this.#tmp, name);
      let free = false;
      try {
        using file = await Deno.open(path, { read: true, write: true });
        free = await file.tryLock(true);
        if (free) {
          await Deno.remove(join(this.#tmp, work), { recursive: true }).catch(() => {});
          await Deno.remove(path).catch(() => {});
          removed++;
        }
      } catch {
        // gone meanwhile
      }
      if (!free) locked.add(work);
    }
    for (const name of tmpNames) {
      if (name.endsWith(".lock") || locked.has(name) || tmpNames.includes(`${name}.lock`)) continue;
      // Folders of drops that were interrupted.
      if (name.includes(".dropped.")) {
        await Deno.remove(join(this.#tmp, name), { recursive: true }).catch(() => {});
        removed++;
      }
    }
    for (const name of await names(this.#entries)) {
      const record = HEX40.test(name)
        ? await this.#readRecord(name).catch(() => undefined)
        : undefined;
      if (record?.infoHash === name) continue;
      if (await this.#dropIf(name, (r) => r?.infoHash !== name) !== undefined) removed++;
      else if (!HEX40.test(name)) {
        await Deno.remove(join(this.#entries, name), { recursive: true }).catch(() => {});
        removed++;
      }
    }
    return removed;
  }
}

async function names(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) out.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out.sort();
}

/** Bytes of the regular files below `path` that have no other hard link. */
async function unlinkedBytes(path: string): Promise<number> {
  let total = 0;
  const pending = [path];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch {
      continue;
    }
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory) pending.push(full);
      else if (entry.isFile) {
        const info = await Deno.lstat(full).catch(() => undefined);
        if (info && (info.nlink ?? 1) <= 1) total += info.size;
      }
    }
  }
  return total;
}
