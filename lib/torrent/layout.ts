/**
 * Where each byte of a torrent lives on disk: the confined path of every file,
 * and, for any piece, the file ranges it covers.
 *
 * Paths come from {@linkcode parseMetainfo} already sanitised and unique; this
 * module joins them under the download directory with `confinedJoin`, so a path
 * that would leave it throws before anything is written. Pad files (BEP 47)
 * and symbolic-link entries get no path: pad bytes are zeros that are hashed
 * but never written, links are never created. Bytes of files that are not
 * selected for download, but share a piece with a selected file, go to a
 * separate part file (by torrent offset) so that unselected files are never
 * created.
 *
 * @module
 */
import { resolve } from "node:path";
import type { Metainfo } from "./metainfo.ts";
import { confinedJoin } from "../fs/confine.ts";

/** One file of the torrent, placed on disk. */
export interface PlacedFile {
  /** Absolute path, or `null` for pad files and link entries (never written). */
  readonly path: string | null;
  /** Length in bytes. */
  readonly length: number;
  /** Offset of the file's first byte in the torrent. */
  readonly offset: number;
  /** A BEP 47 pad file (zeros). */
  readonly pad: boolean;
  /** Whether the file is to be downloaded. */
  readonly selected: boolean;
}

/** A range of one piece that maps to one place. */
export interface Segment {
  /** Start of the range in the piece. */
  readonly from: number;
  /** End (exclusive) of the range in the piece. */
  readonly to: number;
  /** The file to read or write, or `null` for pad bytes (zeros). */
  readonly path: string | null;
  /** Position in that file. */
  readonly position: number;
}

/** Where to put a torrent: a download directory, or existing content to seed. */
export type LayoutTarget =
  /** Files go to `<dir>/<torrent name>/…` (a single file to `<dir>/<name>`). */
  | { readonly dir: string }
  /** The content itself: the folder of a multi-file torrent, or the single file. */
  | { readonly contentPath: string };

/** Options for {@linkcode planLayout}. */
export interface PlanLayoutOptions {
  /** Indexes of the files to download; all when absent or `null`. */
  selected?: readonly number[] | null;
  /** Where bytes of unselected files that share a piece with selected ones go. */
  partPath?: string;
}

/** A torrent's files placed on disk. */
export interface Layout {
  /** The infohash. */
  readonly infoHash: string;
  /** Bytes per piece. */
  readonly pieceLength: number;
  /** Number of pieces. */
  readonly pieceCount: number;
  /** Total bytes. */
  readonly length: number;
  /** The confining directory: every path is strictly inside it. */
  readonly base: string;
  /** The content: the torrent's folder, or its single file. */
  readonly contentPath: string;
  /** The files, in torrent order. */
  readonly files: readonly PlacedFile[];
  /** The part file, when some files are not selected. */
  readonly partPath: string | null;
  /** Indexes of the selected files, or `null` for all. */
  readonly selected: readonly number[] | null;
}

function isSingleFile(meta: Metainfo): boolean {
  return meta.files.length === 1 && !meta.files[0]!.path.includes("/");
}

/**
 * Places a torrent's files under a download directory or onto existing content.
 *
 * @param meta The parsed torrent.
 * @param target The download directory or the content to seed.
 * @param options File selection and part file.
 * @returns The layout.
 * @throws {PathEscapeError} When a path would leave the directory (never for
 *   paths from `parseMetainfo`).
 * @throws {RangeError} For a selected index that is not a file of the torrent.
 */
export function planLayout(
  meta: Metainfo,
  target: LayoutTarget,
  options: PlanLayoutOptions = {},
): Layout {
  const single = isSingleFile(meta);
  let base: string;
  let contentPath: string;
  let place: (relPath: string) => string;
  if ("dir" in target) {
    base = resolve(target.dir);
    contentPath = confinedJoin(base, meta.name);
    place = (relPath) => confinedJoin(base, relPath);
  } else if (single) {
    contentPath = resolve(target.contentPath);
    base = resolve(contentPath, "..");
    place = () => contentPath;
  } else {
    contentPath = resolve(target.contentPath);
    base = contentPath;
    place = (relPath) => confinedJoin(base, relPath.slice(relPath.indexOf("/") + 1));
  }
  const chosen = options.selected ? new Set(options.selected) : null;
  for (const index of chosen ?? []) {
    if (!Number.isInteger(index) || index < 0 || index >= meta.files.length) {
      throw new RangeError(`No file ${index} in the torrent: it has ${meta.files.length} files`);
    }
  }
  const files = meta.files.map((file, i): PlacedFile => {
    const written = !file.pad && file.symlinkTarget === undefined;
    return {
      path: written ? place(file.path) : null,
      length: file.length,
      offset: file.offset,
      pad: file.pad,
      selected: chosen === null || chosen.has(i),
    };
  });
  const partial = files.some((file) => !file.selected && file.path !== null && file.length > 0);
  return {
    infoHash: meta.infoHash,
    pieceLength: meta.pieceLength,
    pieceCount: meta.pieceCount,
    length: meta.length,
    base,
    contentPath,
    files,
    partPath: partial ? (options.partPath ?? null) : null,
    selected: chosen ? [...chosen].sort((a, b) => a - b) : null,
  };
}

/** The length of piece `index`. */
export function pieceSize(layout: Layout, index: number): number {
  return index === layout.pieceCount - 1
    ? layout.length - index * layout.pieceLength
    : layout.pieceLength;
}

/** The index of the first file whose range ends after `offset`. */
function fileAt(layout: Layout, offset: number): number {
  const files = layout.files;
  let lo = 0;
  let hi = files.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const file = files[mid]!;
    if (file.offset + file.length <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The places that hold bytes `[from, to)` of piece `index`, in order.
 * Unselected files map to the part file (at the torrent offset) when there is one.
 */
export function segmentsOf(layout: Layout, index: number, from = 0, to?: number): Segment[] {
  const start = index * layout.pieceLength + from;
  const end = index * layout.pieceLength + (to ?? pieceSize(layout, index));
  const out: Segment[] = [];
  for (let i = fileAt(layout, start); i < layout.files.length; i++) {
    const file = layout.files[i]!;
    if (file.offset >= end) break;
    const a = Math.max(start, file.offset);
    const b = Math.min(end, file.offset + file.length);
    if (b <= a) continue;
    const piecePos = a - index * layout.pieceLength;
    const toPiece = b - index * layout.pieceLength;
    if (file.path === null) {
      out.push({ from: piecePos, to: toPiece, path: null, position: 0 });
    } else if (!file.selected && layout.partPath !== null) {
      out.push({ from: piecePos, to: toPiece, path: layout.partPath, position: a });
    } else {
      out.push({ from: piecePos, to: toPiece, path: file.path, position: a - file.offset });
    }
  }
  return out;
}

/** The indexes of the pieces that overlap selected, non-empty data files. */
export function wantedPieces(layout: Layout): Uint8Array {
  const wanted = new Uint8Array(layout.pieceCount);
  if (layout.selected === null) return wanted.fill(1);
  for (const file of layout.files) {
    if (!file.selected || file.pad || file.length === 0) continue;
    const first = Math.floor(file.offset / layout.pieceLength);
    const last = Math.floor((file.offset + file.length - 1) / layout.pieceLength);
    wanted.fill(1, first, last + 1);
  }
  return wanted;
}

/** Bytes of selected, non-pad files inside piece `index` (what progress counts). */
export function selectedBytesIn(layout: Layout, index: number): number {
  const start = index * layout.pieceLength;
  const end = start + pieceSize(layout, index);
  let bytes = 0;
  for (let i = fileAt(layout, start); i < layout.files.length; i++) {
    const file = layout.files[i]!;
    if (file.offset >= end) break;
    if (!file.selected || file.pad) continue;
    bytes += Math.max(0, Math.min(end, file.offset + file.length) - Math.max(start, file.offset));
  }
  return bytes;
}

/** Bytes of the selected, non-pad files. */
export function selectedBytes(layout: Layout): number {
  return layout.files.reduce((sum, f) => sum + (f.selected && !f.pad ? f.length : 0), 0);
}

/**
 * Progress over a layout's selected pieces: which pieces are held, how many
 * selected ones are missing, and how many selected bytes are done.
 */
export class PieceProgress {
  /** Pieces held (selected or not). */
  piecesHave = 0;
  /** Selected bytes held. */
  bytesDone = 0;
  /** Selected pieces still missing. */
  missing = 0;
  readonly #layout: Layout;
  readonly #wanted: Uint8Array;
  readonly #have: Uint8Array;

  /** Starts from the pieces for which `has(index)` is true. */
  constructor(layout: Layout, has: (index: number) => boolean) {
    this.#layout = layout;
    this.#wanted = wantedPieces(layout);
    this.#have = new Uint8Array(layout.pieceCount);
    for (let i = 0; i < layout.pieceCount; i++) if (this.#wanted[i]) this.missing++;
    for (let i = 0; i < layout.pieceCount; i++) if (has(i)) this.add(i);
  }

  /** Notes that piece `index` is held; returns true if this completed the selection. */
  add(index: number): boolean {
    if (this.#have[index] || index < 0 || index >= this.#layout.pieceCount) return false;
    this.#have[index] = 1;
    this.piecesHave++;
    this.bytesDone += selectedBytesIn(this.#layout, index);
    if (!this.#wanted[index]) return false;
    return --this.missing === 0;
  }
}
