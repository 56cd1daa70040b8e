/**
 * Binary search over one open store file (lib/graph/store_file.ts), whose
 * body is sorted, unique N-Quads lines: the statements of a subject are
 * contiguous and found by reading a few KiB, whatever the store's size.
 * Reads are synchronous and positional on the open file, so one instance
 * reads one version of the file (a writer replaces it by a rename: the open
 * file keeps its inode) and costs no trip through the thread pool.
 *
 * The probes of the first steps are the same for every search (the middle,
 * the quarters…): they are kept, so a search on a large file reads one
 * window of at most {@linkcode WINDOW_BYTES} after them.
 *
 * @module
 */

import { OwmError } from "../errors/owm_error.ts";

const decoder = new TextDecoder();

/** Once the range left is this small, it is read at once and scanned. */
export const WINDOW_BYTES = 8 * 1024;
/** Probes kept per file (the first dozen levels of the search). */
const MAX_PROBES = 8192;

/** A line of the file: its byte range (`end` at its newline) and text. */
interface Line {
  start: number;
  end: number;
  text: string;
}

/** What a search found that cannot be a statement: the file's order is not to be trusted. */
export class ImplausibleLineError extends OwmError {
  /** Names the byte offset of the line. */
  constructor(offset: number) {
    super(`the store file has a line at byte ${offset} that is not a statement`, {
      code: "store-order",
    });
    this.name = "ImplausibleLineError";
  }
}

/**
 * Reads `file` at `pos` into `into`, synchronously; the bytes read (fewer
 * than asked only at the end of the file).
 *
 * @example
 * ```ts ignore
 * using file = Deno.openSync(".owm/graph.nq");
 * const head = readAtSync(file, 0, new Uint8Array(512));
 * ```
 */
export function readAtSync(file: Deno.FsFile, pos: number, into: Uint8Array): Uint8Array {
  file.seekSync(pos, Deno.SeekMode.Start);
  let got = 0;
  while (got < into.length) {
    const n = file.readSync(into.subarray(got));
    if (n === null) break;
    got += n;
  }
  return into.subarray(0, got);
}

/** A statement line of the store (a subject token first, ` .` last). */
const plausible = (text: string) => /^(<|_:).* \.$/.test(text);

/**
 * Searches the sorted body of one open store file.
 *
 * @example
 * ```ts ignore
 * using file = Deno.openSync(".owm/graph.nq");
 * const lines = new SortedLines(file, bodyStart, file.statSync().size);
 * console.log(lines.subjectLines("<http://example.org/a>", 1000));
 * ```
 */
export class SortedLines {
  readonly #file: Deno.FsFile;
  readonly #bodyStart: number;
  readonly #size: number;
  readonly #probes = new Map<number, Line | undefined>();
  #scratch = new Uint8Array(16 * 1024);

  /** Over `file`, whose body (sorted lines) runs from `bodyStart` to `size`. */
  constructor(file: Deno.FsFile, bodyStart: number, size: number) {
    this.#file = file;
    this.#bodyStart = bodyStart;
    this.#size = size;
  }

  /** Reads into one buffer kept for all reads: a view valid until the next read. */
  #read(pos: number, length: number): Uint8Array {
    const want = Math.max(0, Math.min(length, this.#size - pos));
    if (this.#scratch.length < want) {
      this.#scratch = new Uint8Array(Math.max(want, 2 * this.#scratch.length));
    }
    return readAtSync(this.#file, pos, this.#scratch.subarray(0, want));
  }

  /** The first whole line starting at `pos` or later (`pos` itself if it starts a line). */
  #lineAtOrAfter(pos: number, keep = true): Line | undefined {
    if (this.#probes.has(pos)) return this.#probes.get(pos);
    let line: Line | undefined;
    // One read usually holds the end of the line cut at `pos` and the whole next one.
    const from = pos > this.#bodyStart ? pos - 1 : pos;
    let chunk = 4096;
    for (;;) {
      const bytes = this.#read(from, chunk);
      let start = from;
      if (pos > this.#bodyStart) {
        const nl = bytes.indexOf(10);
        if (nl === -1) {
          if (from + bytes.length >= this.#size) break; // no line starts after pos
          chunk *= 4;
          continue;
        }
        start = from + nl + 1;
      }
      if (start >= this.#size) break;
      const offset = start - from;
      const nl = bytes.indexOf(10, offset);
      if (nl !== -1) {
        line = { start, end: from + nl, text: decoder.decode(bytes.subarray(offset, nl)) };
        break;
      }
      if (from + bytes.length >= this.#size) {
        line = { start, end: this.#size, text: decoder.decode(bytes.subarray(offset)) };
        break;
      }
      chunk *= 4;
    }
    if (keep && this.#probes.size < MAX_PROBES) this.#probes.set(pos, line);
    return line;
  }

  /**
   * The lines whose subject token is `subject` (e.g. `<http://…>`), in file
   * order; `undefined` when there are more than `maxLines`.
   *
   * @throws {ImplausibleLineError} when a line read is not a statement (a file
   * edited in place: its order cannot be trusted; read it whole instead).
   */
  subjectLines(subject: string, maxLines = Infinity): string[] | undefined {
    const target = subject + " ";
    let lo = this.#bodyStart;
    let hi = this.#size;
    while (hi - lo > WINDOW_BYTES) {
      const mid = lo + Math.floor((hi - lo) / 2);
      const line = this.#lineAtOrAfter(mid);
      if (line !== undefined && line.start < hi && !plausible(line.text)) {
        throw new ImplausibleLineError(line.start);
      }
      if (line === undefined || line.start >= hi || line.text >= target) hi = mid;
      else lo = line.end + 1;
    }
    // `lo` starts a line; the first line at or after `target` starts before `hi` (or is the
    // line cut at `hi`). One read covers that range: its lines are searched in memory.
    const window = this.#read(lo, hi - lo + 4096);
    const ends: number[] = [];
    for (let nl = window.indexOf(10); nl !== -1; nl = window.indexOf(10, nl + 1)) ends.push(nl);
    const whole = lo + window.length >= this.#size;
    if (whole && (ends.length === 0 || ends.at(-1)! < window.length - 1)) ends.push(window.length);
    const lineAt = (k: number) => {
      const text = decoder.decode(window.subarray(k === 0 ? 0 : ends[k - 1]! + 1, ends[k]));
      if (!plausible(text)) throw new ImplausibleLineError(lo + (k === 0 ? 0 : ends[k - 1]! + 1));
      return text;
    };
    let first = 0;
    let last = ends.length;
    while (first < last) {
      const k = (first + last) >> 1;
      if (lineAt(k) >= target) last = k;
      else first = k + 1;
    }
    const found: string[] = [];
    for (let k = first; k < ends.length; k++) {
      const text = lineAt(k);
      if (!text.startsWith(target)) return found;
      found.push(text);
      if (found.length > maxLines) return undefined;
    }
    if (whole) return found;
    // The subject's lines run past this read: go on line by line.
    return this.#scanFrom(lo + (ends.length ? ends.at(-1)! + 1 : 0), target, found, maxLines);
  }

  /** Collects the lines starting with `target` from `pos` (a line start) on, after `found`. */
  #scanFrom(pos: number, target: string, found: string[], maxLines: number): string[] | undefined {
    for (;;) {
      const line = this.#lineAtOrAfter(pos, false);
      if (line === undefined) return found;
      if (!plausible(line.text)) throw new ImplausibleLineError(line.start);
      if (line.text.startsWith(target)) {
        found.push(line.text);
        if (found.length > maxLines) return undefined;
      } else if (line.text > target) return found;
      pos = line.end + 1;
    }
  }
}
