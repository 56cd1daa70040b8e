/**
 * The single pass over a download: the content's digests (MD5, SHA-256,
 * SHA-512: file bytes, or the owm folder digest) and its piece check,
 * computed from the pieces as the store writes them (prefix_hash.ts), so
 * that the check after a download does not read the content again. It is the
 * {@linkcode PieceSink} the loader hands a download (lib/torrent/piece_sink.ts).
 *
 * The result stands for a fresh re-hash only while the files are as they
 * were hashed: {@linkcode SinglePass.result} compares each file's size and
 * mtime with those seen after its last write (or before it was read back),
 * and for a folder lists it (no file the torrent does not list, none
 * missing, every size right). Anything else gives `undefined`, and the caller
 * hashes the content afresh as before.
 *
 * @module
 */
import { lstat } from "node:fs/promises";
import { relative, sep } from "node:path";
import type { ContentDigests } from "./content_digest.ts";
import type { HashAlgorithm } from "./hash.ts";
import { PrefixHasher, type StreamPart } from "./prefix_hash.ts";
import { compareBytes, listTree } from "./tree.ts";
import type { PiecesResult } from "./verify.ts";
import { type Layout, segmentsOf } from "../torrent/layout.ts";
import type { Metainfo } from "../torrent/metainfo.ts";
import type { PieceSink } from "../torrent/piece_sink.ts";
import type { FileStamp } from "../torrent/safe_store.ts";

/** The digests and piece check of a finished download, as a fresh re-hash would give them. */
export interface SinglePassResult {
  /** The content's digests (those asked for), or undefined when none was asked for. */
  content: ContentDigests | undefined;
  /** The piece check: pieces verified by the engine in this run, the others read back and checked. */
  pieces: PiecesResult;
  /** Pieces read back from disk by the pass (out of order beyond the held bytes, or resumed). */
  piecesRead: number;
  /** Pieces this run had not verified, read back and checked against their SHA-1. */
  piecesChecked: number;
}

const encoder = new TextEncoder();

interface Planned {
  parts: StreamPart[];
  kind: "file" | "folder";
  /** Relative path (folder) or "" (file), size, absolute path; in digest order. */
  files: { rel: string; size: number; path: string }[];
}

/** The digest stream of a fully selected layout, or null when it cannot be made from pieces. */
function plan(layout: Layout): Planned | null {
  if (layout.selected !== null || layout.partPath !== null) return null;
  const data = layout.files.filter((f) => !f.pad);
  if (data.some((f) => f.path === null)) return null; // link entries: not hashed from pieces
  const single = data.length === 1 && data[0]!.path === layout.contentPath;
  if (single) {
    const f = data[0]!;
    return {
      parts: f.length > 0 ? [{ from: f.offset, to: f.offset + f.length }] : [],
      kind: "file",
      files: [{ rel: "", size: f.length, path: f.path! }],
    };
  }
  const files = data.map((f) => {
    const rel = relative(layout.contentPath, f.path!).split(sep).join("/");
    return { rel, key: encoder.encode(rel), file: f };
  }).sort((a, b) => compareBytes(a.key, b.key));
  const parts: StreamPart[] = [];
  for (const { key, file } of files) {
    parts.push({ bytes: new Uint8Array([...key, 0, ...encoder.encode(String(file.length)), 0]) });
    if (file.length > 0) parts.push({ from: file.offset, to: file.offset + file.length });
  }
  return {
    parts,
    kind: "folder",
    files: files.map(({ rel, file }) => ({ rel, size: file.length, path: file.path! })),
  };
}

/**
 * The single pass of one download run. Made through the run's sink factory
 * when its store is made (downloads only); fed by the store's writes and by
 * the pieces a resume record trusts.
 *
 * @example
 * ```ts ignore
 * const pass = SinglePass.create(meta, layout, ["md5", "sha256"], (i) => store.readPiece(i));
 * pass?.landed(index, buf, stamps); // after each verified piece is written
 * const result = await pass?.result(); // once complete
 * ```
 */
export class SinglePass implements PieceSink {
  readonly #layout: Layout;
  readonly #planned: Planned;
  readonly #hasher: PrefixHasher;
  readonly #algorithms: readonly HashAlgorithm[];
  readonly #stamps = new Map<string, FileStamp>();

  /**
   * A pass for `layout`, or null when the content cannot be hashed from its
   * pieces (some files not selected, link entries).
   */
  static create(
    meta: Metainfo,
    layout: Layout,
    algorithms: readonly HashAlgorithm[],
    read: (index: number) => Promise<Uint8Array>,
    options: { holdBytes?: number } = {},
  ): SinglePass | null {
    const planned = plan(layout);
    return planned ? new SinglePass(meta, layout, planned, algorithms, read, options) : null;
  }

  private constructor(
    meta: Metainfo,
    layout: Layout,
    planned: Planned,
    algorithms: readonly HashAlgorithm[],
    read: (index: number) => Promise<Uint8Array>,
    options: { holdBytes?: number },
  ) {
    this.#layout = layout;
    this.#planned = planned;
    this.#algorithms = [...new Set(algorithms)];
    this.#hasher = new PrefixHasher({
      algorithms: this.#algorithms,
      parts: planned.parts,
      pieceLength: layout.pieceLength,
      length: layout.length,
      pieceHash: (i) => meta.pieceHashes.subarray(i * 20, i * 20 + 20),
      ...(options.holdBytes !== undefined ? { holdBytes: options.holdBytes } : {}),
      read: async (index) => {
        // A file read back before this run wrote it: its stamp now is what the bytes read match.
        for (const segment of segmentsOf(layout, index)) {
          if (segment.path === null || this.#stamps.has(segment.path)) continue;
          const info = await lstat(segment.path);
          this.#stamps.set(segment.path, { size: info.size, mtimeMs: info.mtimeMs });
        }
        return await read(index);
      },
    });
  }

  /** A piece the engine verified, now written; `stamps` are its files' stamps just after. */
  landed(index: number, buf: Uint8Array, stamps: readonly [string, FileStamp][]): void {
    for (const [path, stamp] of stamps) this.#stamps.set(path, stamp);
    this.#hasher.landed(index, buf);
  }

  /** A piece on disk that this run did not verify (trusted from a resume record). */
  present(index: number): void {
    this.#hasher.present(index);
  }

  /**
   * The digests and piece check, once every piece is on disk; undefined when
   * a file changed since it was hashed, the folder holds other files, or a
   * piece is missing (the caller then hashes afresh).
   */
  async result(): Promise<SinglePassResult | undefined> {
    if (!this.#hasher.complete) return undefined;
    let done;
    try {
      done = await this.#hasher.finish();
    } catch {
      return undefined;
    }
    if (!(await this.#unchanged())) return undefined;
    const { kind, files } = this.#planned;
    return {
      content: done.digests
        ? {
          kind,
          digests: done.digests as ContentDigests["digests"],
          files: files.length,
          bytes: files.reduce((sum, f) => sum + f.size, 0),
        }
        : undefined,
      pieces: {
        ok: done.piecesBad.length === 0,
        piecesBad: done.piecesBad,
        piecesTotal: done.piecesTotal,
      },
      piecesRead: done.piecesRead,
      piecesChecked: done.piecesChecked,
    };
  }

  /** The algorithms hashed. */
  get algorithms(): readonly HashAlgorithm[] {
    return this.#algorithms;
  }

  /** Every file as it was hashed, and (a folder) nothing else in it. */
  async #unchanged(): Promise<boolean> {
    const { kind, files } = this.#planned;
    for (const file of files) {
      const info = await lstat(file.path).catch(() => null);
      if (!info?.isFile() || info.size !== file.size) return false;
      if (file.size === 0) continue;
      const seen = this.#stamps.get(file.path);
      if (!seen || seen.size !== info.size || seen.mtimeMs !== info.mtimeMs) return false;
    }
    if (kind === "file") return true;
    try {
      const tree = await listTree(this.#layout.contentPath);
      return tree.length === files.length &&
        tree.every((entry, i) => entry.path === files[i]!.rel && entry.size === files[i]!.size);
    } catch {
      return false;
    }
  }
}
