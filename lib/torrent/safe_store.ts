/**
 * The chunk store webtorrent writes pieces through: every file it opens is a
 * path from a {@linkcode Layout} (sanitised and confined to the download
 * directory), never a path webtorrent made from raw torrent names.
 *
 * Beyond confinement it adds what the engine lacks: pad files are zeros that
 * are never written; no directory on the way to a file may be a symbolic link
 * leading outside the directory, and no file may be a link; a store opened for
 * seeding opens files read-only; the first real I/O error is kept (webtorrent
 * ignores read errors while checking) so it can be reported; writes can be
 * held at a barrier, flushed with fsync and their files stat'ed, which is how
 * resume records stay consistent with the data on disk.
 *
 * @module
 */
import {
  type FileHandle,
  lstat,
  mkdir,
  open,
  readdir,
  realpath,
  rm,
  rmdir,
} from "node:fs/promises";
import { constants } from "node:fs";
import { dirname, relative, sep } from "node:path";
import type { ChunkStore } from "./engine.ts";
import { ioError, TorrentError } from "./errors.ts";
import { type Layout, pieceSize, segmentsOf } from "./layout.ts";
import { OwmError } from "../errors/owm_error.ts";
import type { PieceCache } from "./piece_cache.ts";
import type { OpenFileLimit } from "./open_files.ts";

/** Options for {@linkcode SafeChunkStore}. */
export interface SafeChunkStoreOptions {
  /** `"read"` opens files read-only (seeding); `"readwrite"` creates them as needed. */
  mode: "read" | "readwrite";
  /** Called before a piece is written, with the files it will touch. */
  beforePut?: (index: number, paths: readonly string[]) => Promise<void> | void;
  /** Called after a piece is on disk, before webtorrent hears of it. */
  afterPut?: (index: number, buf: Uint8Array, paths: readonly string[]) => Promise<void> | void;
  /** The most files kept open at once. @default {64} */
  maxOpenFiles?: number;
  /** A bound shared with other stores (a session's): idle files beyond it are closed. */
  openFiles?: OpenFileLimit;
  /** Whole pieces read once for the blocks peers ask for, shared with other stores. */
  pieceCache?: PieceCache;
}

/** Size and modification time of a file, as stored in resume records. */
export interface FileStamp {
  /** Size in bytes. */
  readonly size: number;
  /** Modification time, milliseconds since the epoch. */
  readonly mtimeMs: number;
}

interface OpenFile {
  handle: FileHandle;
  users: number;
  dirty: boolean;
}

type Callback<T = void> = (err: Error | null, value?: T) => void;

const CLOSED = "The torrent's storage is closed";

/** A file ends before the piece does: normal while downloading (not yet written). */
class ShortReadError extends OwmError {
  /** The error's code: `short-read`. */
  override readonly code: string = "short-read";
  constructor(path: string) {
    super(`${JSON.stringify(path)} is shorter than the torrent says`);
    this.name = "ShortReadError";
  }
}

/** An abstract-chunk-store over a {@linkcode Layout}. */
export class SafeChunkStore implements ChunkStore {
  /** Bytes per chunk (the piece length). */
  readonly chunkLength: number;
  /** Where everything goes. */
  readonly layout: Layout;
  /** Whole pieces read while {@linkcode checking} (what the check of existing data hashed). */
  pieceReads = 0;
  /** True until the engine has checked existing data; cleared by the owner. */
  checking = true;
  /** The first I/O error other than a missing file, if any. */
  firstError: TorrentError | null = null;
  #options: SafeChunkStoreOptions;
  #files = new Map<string, Promise<OpenFile>>();
  #checkedDirs = new Set<string>();
  #baseReal: Promise<string> | null = null;
  #closed = false;
  #closing = new Set<Promise<void>>();
  #inflight = 0;
  #drained: (() => void)[] = [];
  #held: (() => void)[] | null = null;
  #holds = 0;
  #barriers: Promise<void> = Promise.resolve();

  /** Creates the store; nothing is opened until a piece is read or written. */
  constructor(layout: Layout, options: SafeChunkStoreOptions) {
    this.layout = layout;
    this.chunkLength = layout.pieceLength;
    this.#options = options;
  }

  /** Writes piece `index` (webtorrent has verified its hash). */
  put(index: number, buf: Uint8Array, cb: Callback = () => {}): void {
    if (this.#closed) return queueMicrotask(() => cb(new Error(CLOSED)));
    if (this.#options.mode === "read") {
      return queueMicrotask(() => cb(new TorrentError("io", "The store is read-only (seeding)")));
    }
    if (
      index < 0 || index >= this.layout.pieceCount || buf.length !== pieceSize(this.layout, index)
    ) {
      return queueMicrotask(() => cb(new RangeError(`Bad piece ${index} (${buf.length} bytes)`)));
    }
    if (this.#held) {
      this.#held.push(() => this.put(index, buf, cb));
      return;
    }
    this.#inflight++;
    this.#options.pieceCache?.drop(this, index);
    this.#write(index, buf).finally(() => this.#options.pieceCache?.drop(this, index)).then(
      () => cb(null),
      (error) => cb(this.#note(error)),
    ).finally(() => {
      if (--this.#inflight === 0) { for (const resolve of this.#drained.splice(0)) resolve(); }
    });
  }

  async #write(index: number, buf: Uint8Array): Promise<void> {
    const segments = segmentsOf(this.layout, index).filter((segment) => segment.path !== null);
    const paths = [...new Set(segments.map((segment) => segment.path!))];
    await this.#options.beforePut?.(index, paths);
    for (const segment of segments) {
      await this.#use(segment.path!, async (file) => {
        const bytes = buf.subarray(segment.from, segment.to);
        let done = 0;
        while (done < bytes.length) {
          const { bytesWritten } = await file.handle.write(
            bytes,
            done,
            bytes.length - done,
            segment.position + done,
          );
          done += bytesWritten;
        }
        file.dirty = true;
      });
    }
    await this.#options.afterPut?.(index, buf, paths);
  }

  /** Reads piece `index`, or `opts.length` bytes of it from `opts.offset`. */
  get(
    index: number,
    opts: { offset?: number; length?: number } | null | undefined,
    cb: Callback<Uint8Array>,
  ): void {
    if (typeof opts === "function") return this.get(index, null, opts as Callback<Uint8Array>);
    if (this.#closed) return queueMicrotask(() => cb(new Error(CLOSED)));
    const size = index >= 0 && index < this.layout.pieceCount ? pieceSize(this.layout, index) : 0;
    const from = opts?.offset ?? 0;
    const to = opts?.length ? from + opts.length : size;
    if (size === 0 || from < 0 || to > size || from > to) {
      return queueMicrotask(() => cb(new RangeError(`Bad range ${from}-${to} of piece ${index}`)));
    }
    const cache = this.#options.pieceCache;
    if (cache && !this.checking && (from !== 0 || to !== size) && cache.fits(size)) {
      // A block for a peer: the piece is read once for all of its blocks.
      cache.get(this, index, size, () => this.#read(index, 0, size)).then(
        (piece) => cb(null, piece.subarray(from, to)),
        (error) => cb(this.#note(error)),
      );
      return;
    }
    const whole = from === 0 && to === size && this.checking;
    this.#read(index, from, to).then((buf) => {
      if (whole) this.pieceReads++;
      cb(null, buf);
    }, (error) => cb(this.#note(error)));
  }

  /** Reads the whole of piece `index` from disk (pad bytes as zeros), without a callback. */
  readPiece(index: number): Promise<Uint8Array> {
    if (this.#closed) return Promise.reject(new Error(CLOSED));
    return this.#read(index, 0, pieceSize(this.layout, index));
  }

  async #read(index: number, from: number, to: number): Promise<Uint8Array> {
    const out = new Uint8Array(to - from);
    for (const segment of segmentsOf(this.layout, index, from, to)) {
      if (segment.path === null) continue; // pad bytes stay zero
      const path = segment.path;
      await this.#use(path, async (file) => {
        const view = out.subarray(segment.from - from, segment.to - from);
        let done = 0;
        while (done < view.length) {
          const { bytesRead } = await file.handle.read(
            view,
            done,
            view.length - done,
            segment.position + done,
          );
          if (bytesRead === 0) throw new ShortReadError(path);
          done += bytesRead;
        }
      });
    }
    return out;
  }

  /** Runs `fn` with an open file, opening it (and, for a writable store, creating it) if needed. */
  async #use(path: string, fn: (file: OpenFile) => Promise<void>): Promise<void> {
    for (;;) {
      let pending = this.#files.get(path);
      if (!pending) {
        pending = this.#open(path);
        this.#files.set(path, pending);
        pending.catch(() => this.#files.get(path) === pending && this.#files.delete(path));
      }
      const file = await pending;
      if (this.#files.get(path) !== pending) continue; // closed meanwhile
      file.users++;
      this.#options.openFiles?.touch(file, () => this.#closeIdle(path, pending, file));
      this.#evict();
      try {
        return await fn(file);
      } finally {
        // Files in use are kept open past the session's limit: close the excess once idle.
        if (--file.users === 0) this.#options.openFiles?.trim();
      }
    }
  }

  async #open(path: string): Promise<OpenFile> {
    if (this.#closed) throw new Error(CLOSED);
    const write = this.#options.mode === "readwrite";
    // The part file is ours (in the state directory), not a path from the torrent.
    if (path !== this.layout.partPath) await this.#checkParents(path, write);
    const link = await lstat(path).catch(() => null);
    if (link?.isSymbolicLink()) {
      throw new TorrentError("io", `Refusing ${JSON.stringify(path)}: it is a symbolic link`);
    }
    const handle = write
      ? await open(path, constants.O_RDWR | constants.O_CREAT, 0o644).catch((error) => {
        // A read-only file (content hard-linked with the shared cache) is still read and
        // seeded; a write to it fails with an error naming it.
        if ((error as { code?: string }).code === "EACCES" && link?.isFile()) {
          return open(path, "r");
        }
        throw error;
      })
      : await open(path, "r");
    return { handle, users: 0, dirty: false };
  }

  /** Checks that no directory between the base and `path` leads outside the base; creates them for writes. */
  async #checkParents(path: string, write: boolean): Promise<void> {
    const dir = dirname(path);
    if (this.#checkedDirs.has(dir)) return;
    this.#baseReal ??= realpath(this.layout.base);
    const baseReal = await this.#baseReal;
    let existing = dir;
    while (!(await lstat(existing).then(() => true, () => false))) existing = dirname(existing);
    const real = await realpath(existing);
    const rel = relative(baseReal, real);
    if (rel === ".." || rel.startsWith(`..${sep}`)) {
      throw new TorrentError(
        "io",
        `Refusing ${JSON.stringify(path)}: ${JSON.stringify(existing)} leads outside ${
          JSON.stringify(this.layout.base)
        }`,
      );
    }
    if (write && existing !== dir) await mkdir(dir, { recursive: true });
    if (write || existing === dir) this.#checkedDirs.add(dir);
  }

  /** Closes idle files beyond the open-file limit (fsyncing written ones). */
  #evict(): void {
    const max = this.#options.maxOpenFiles ?? 64;
    if (this.#files.size <= max) return;
    for (const [path, pending] of this.#files) {
      if (this.#files.size <= max) break;
      pending.then((file) => this.#closeOne(path, pending, file), () => {});
    }
  }

  /** Closes `file` for the shared limit unless it is in use; whether it did. */
  #closeIdle(path: string, pending: Promise<OpenFile>, file: OpenFile): boolean {
    if (file.users > 0 || this.#files.get(path) !== pending) return false;
    this.#closeOne(path, pending, file).catch(() => {});
    return true;
  }

  #closeOne(path: string, pending: Promise<OpenFile>, file: OpenFile): Promise<void> {
    if (file.users > 0 || this.#files.get(path) !== pending) return Promise.resolve();
    this.#files.delete(path);
    this.#options.openFiles?.release(file);
    const closing = (async () => {
      if (file.dirty) await file.handle.sync().catch(() => {});
      await file.handle.close().catch(() => {});
    })();
    this.#closing.add(closing);
    return closing.finally(() => this.#closing.delete(closing));
  }

  #note(error: unknown): Error {
    const code = (error as { code?: string }).code;
    if (error instanceof ShortReadError) return error;
    const wrapped = error instanceof TorrentError ? error : ioError(
      this.#options.mode === "read" ? "read" : "write",
      (error as { path?: string }).path ?? this.layout.contentPath,
      error,
    );
    if (code !== "ENOENT" && !(error instanceof RangeError) && !this.#closed) {
      this.firstError ??= wrapped;
    }
    return wrapped;
  }

  /**
   * Holds new writes, waits for writes in progress, then runs `fn` (the data
   * on disk and the verified-piece bitfield agree while it runs). Barriers run
   * one at a time; `fn` must not start another.
   */
  async barrier<T>(fn: () => Promise<T>): Promise<T> {
    this.#holds++;
    this.#held ??= [];
    const previous = this.#barriers;
    let release!: () => void;
    this.#barriers = new Promise<void>((resolve) => release = resolve);
    try {
      await previous;
      if (this.#inflight > 0) await new Promise<void>((resolve) => this.#drained.push(resolve));
      return await fn();
    } finally {
      release();
      if (--this.#holds === 0) {
        const held = this.#held ?? [];
        this.#held = null;
        for (const retry of held) retry();
      }
    }
  }

  /** fsyncs every file written since the last sync. */
  async sync(): Promise<void> {
    await Promise.all(this.#closing);
    for (const pending of [...this.#files.values()]) {
      const file = await pending.catch(() => null);
      if (!file?.dirty) continue;
      file.dirty = false;
      await file.handle.sync();
    }
  }

  /** Size and mtime of every file of the layout (and the part file), `null` when missing. */
  async stamps(): Promise<Map<string, FileStamp | null>> {
    return await stampFiles(this.layout);
  }

  /** Creates the selected empty files (no piece ever writes them). */
  async createEmptyFiles(): Promise<void> {
    for (const file of this.layout.files) {
      if (file.length !== 0 || file.path === null || !file.selected) continue;
      await this.#use(file.path, () => Promise.resolve());
    }
  }

  /** Closes every file (fsyncing written ones). */
  close(cb: Callback = () => {}): void {
    if (this.#closed) return queueMicrotask(() => cb(null));
    this.#closed = true;
    this.#options.pieceCache?.dropAll(this);
    const files = [...this.#files.entries()];
    this.#files.clear();
    Promise.all([
      ...this.#closing,
      ...files.map(async ([, pending]) => {
        const file = await pending.catch(() => null);
        if (!file) return;
        this.#options.openFiles?.release(file);
        if (file.dirty) await file.handle.sync().catch(() => {});
        await file.handle.close().catch(() => {});
      }),
    ]).then(() => cb(null), (error) => cb(error));
  }

  /** Closes the store; data is deleted by the owner, not here. */
  destroy(cb: Callback = () => {}): void {
    this.close(cb);
  }
}

/** Size and mtime of every file of `layout` (and its part file), `null` when missing. */
export async function stampFiles(layout: Layout): Promise<Map<string, FileStamp | null>> {
  const paths = layout.files.flatMap((file) => file.path && file.selected ? [file.path] : []);
  if (layout.partPath) paths.push(layout.partPath);
  const out = new Map<string, FileStamp | null>();
  for (const path of paths) {
    const info = await lstat(path).catch(() => null);
    out.set(path, info ? { size: info.size, mtimeMs: info.mtimeMs } : null);
  }
  return out;
}

/**
 * Deletes the selected files of `layout`, then the folders they were in that
 * are left empty (up to, not including, the layout's base).
 */
export async function deleteFiles(layout: Layout): Promise<void> {
  const dirs = new Set<string>();
  for (const file of layout.files) {
    if (!file.path || !file.selected) continue;
    await rm(file.path, { force: true });
    for (let d = dirname(file.path); d.startsWith(layout.base + sep); d = dirname(d)) dirs.add(d);
  }
  for (const dir of [...dirs].sort((a, b) => b.length - a.length)) {
    if ((await readdir(dir).catch(() => ["?"])).length === 0) await rmdir(dir).catch(() => {});
  }
}
