/**
 * The on-disk form of a graph store: one N-Quads file of sorted, unique,
 * canonical lines behind a few `#` comment lines (comments are legal N-Quads,
 * so any RDF tool reads the file as it is):
 *
 * ```text
 * # owmeta-torrent graph store
 * # format: 1
 * # prefix: CSVDataSource http://data.openworm.org/data_sources/CSVDataSource#
 * # quads: 42
 * # body-bytes: 5120
 * # body-sha256: 3a7bd3e2…
 * <http://…> <http://…> "…" <http://…> .
 * ```
 *
 * Sorting makes every subject's statements contiguous, so one subject is found
 * by binary search over the file without reading the rest. The byte count and
 * digest let a writer trust its own previous output without re-parsing it; a
 * file changed by hand is re-parsed, validated and re-sorted on the next write.
 *
 * @module
 */
import { atomicWriteFile } from "../fs/atomic_write.ts";
import { StoreCorruptError, StoreFormatError } from "./errors.ts";
import { lineSubject, quadToLine } from "./nquads.ts";
import { NQuadsSyntaxError } from "./rdf.ts";

/** The store format version this code writes and the newest it reads. */
export const STORE_FORMAT = 1;

/** The header of a store file. */
export interface StoreHeader {
  /** The format version. */
  format: number;
  /** Prefix bindings, name to namespace IRI. */
  prefixes: Map<string, string>;
  /** Number of quads (lines) in the body, as recorded. */
  quads?: number;
  /** Byte length of the body, as recorded. */
  bodyBytes?: number;
  /** Hex SHA-256 of the body, as recorded. */
  bodySha256?: string;
}

/** A store file's content, read whole. */
export interface StoreContent {
  /** The header; `prefixes` is safe to modify. */
  header: StoreHeader;
  /** Sorted unique canonical N-Quads lines. */
  lines: string[];
}

const encoder = new TextEncoder();

/** node:crypto's SHA-256, loaded on first use (loading it costs ~15 ms, a read often needs none). */
async function sha256(): Promise<import("node:crypto").Hash> {
  const { createHash } = await import("node:crypto");
  return createHash("sha256");
}
const decoder = new TextDecoder();

/** Parses the header comment lines of `text`; returns the header and the body's offset. */
export function parseHeader(
  path: string,
  text: string,
): { header: StoreHeader; bodyStart: number } {
  const header: StoreHeader = { format: 1, prefixes: new Map() };
  let pos = 0;
  while (pos < text.length && text[pos] === "#") {
    const end = text.indexOf("\n", pos);
    const line = text.slice(pos + 1, end === -1 ? text.length : end).trim();
    pos = end === -1 ? text.length : end + 1;
    const colon = line.indexOf(":");
    if (colon === -1) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === "format") header.format = Number(value);
    else if (key === "quads") header.quads = Number(value);
    else if (key === "body-bytes") header.bodyBytes = Number(value);
    else if (key === "body-sha256") header.bodySha256 = value;
    else if (key === "prefix") {
      const space = value.indexOf(" ");
      if (space > 0) header.prefixes.set(value.slice(0, space), value.slice(space + 1).trim());
    }
  }
  if (!Number.isInteger(header.format) || header.format < 1) {
    throw new StoreCorruptError(path, undefined, `unreadable format line in its header`);
  }
  if (header.format > STORE_FORMAT) throw new StoreFormatError(path, header.format, STORE_FORMAT);
  return { header, bodyStart: pos };
}

function headerText(header: StoreHeader, quads: number, bodyBytes: number, sha: string): string {
  const lines = ["# owmeta-torrent graph store", `# format: ${STORE_FORMAT}`];
  for (const [name, iri] of [...header.prefixes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    lines.push(`# prefix: ${name} ${iri}`);
  }
  lines.push(`# quads: ${quads}`, `# body-bytes: ${bodyBytes}`, `# body-sha256: ${sha}`);
  return lines.join("\n") + "\n";
}

/** Reads a whole store file, validating and canonicalising it when it was edited by hand. */
export async function readStoreFile(path: string): Promise<StoreContent> {
  const bytes = await Deno.readFile(path);
  const text = decoder.decode(bytes);
  const { header, bodyStart } = parseHeader(path, text);
  const body = text.slice(bodyStart);
  const bodyBytes = bytes.length - encoder.encode(text.slice(0, bodyStart)).length;
  if (
    header.bodyBytes === bodyBytes && header.bodySha256 !== undefined &&
    (await sha256()).update(bytes.subarray(bytes.length - bodyBytes)).digest("hex") ===
      header.bodySha256
  ) {
    return { header, lines: body === "" ? [] : body.slice(0, -1).split("\n") };
  }
  return { header, lines: await canonicalLines(path, body, countLines(text, bodyStart)) };
}

function countLines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/** Parses N-Quads `body` and returns its statements as sorted unique canonical lines. */
export async function canonicalLines(
  path: string,
  body: string,
  lineOffset = 0,
): Promise<string[]> {
  const { parseNQuads } = await import("./n3_parse.ts");
  try {
    return sortUnique(parseNQuads(body).map(quadToLine));
  } catch (error) {
    if (error instanceof NQuadsSyntaxError) {
      throw new StoreCorruptError(
        path,
        error.line === undefined ? undefined : error.line + lineOffset,
        error.message.replace(/ on line \d+\.?/, ""),
        { cause: error },
      );
    }
    throw error;
  }
}

/** Sorts lines by UTF-16 code units and removes duplicates, in place. */
export function sortUnique(lines: string[]): string[] {
  lines.sort();
  let w = 0;
  for (let r = 0; r < lines.length; r++) {
    if (r === 0 || lines[r] !== lines[w - 1]) lines[w++] = lines[r]!;
  }
  lines.length = w;
  return lines;
}

/** Writes `lines` (sorted, unique, canonical) with a fresh header, atomically, keeping a `.bak`. */
export async function writeStoreFile(
  path: string,
  header: StoreHeader,
  lines: readonly string[],
): Promise<void> {
  const chunks: Uint8Array[] = [];
  const hash = await sha256();
  let bodyBytes = 0;
  const batch = 4096;
  for (let i = 0; i < lines.length; i += batch) {
    const chunk = encoder.encode(lines.slice(i, i + batch).join("\n") + "\n");
    hash.update(chunk);
    bodyBytes += chunk.length;
    chunks.push(chunk);
  }
  const sha = hash.digest("hex");
  const head = encoder.encode(headerText(header, lines.length, bodyBytes, sha));
  await atomicWriteFile(path, [head, ...chunks], { backup: true });
  await recordVerified(path, await Deno.stat(path), sha);
}

/**
 * The file beside the store that vouches for it: the identity (device, inode,
 * size, mtime) of the store file last written or fully checked, and its body
 * digest. A file that does not match it (say, edited by hand) is checked in
 * full before binary search trusts its order.
 */
function verifiedPath(path: string): string {
  return `${path}.verified`;
}

function identity(info: Deno.FileInfo, sha: string | undefined): string {
  return JSON.stringify({
    dev: info.dev,
    ino: info.ino,
    size: info.size,
    mtime: info.mtime?.getTime() ?? null,
    sha256: sha ?? null,
  });
}

async function recordVerified(path: string, info: Deno.FileInfo, sha: string): Promise<void> {
  try {
    await atomicWriteFile(verifiedPath(path), [encoder.encode(identity(info, sha) + "\n")]);
  } catch {
    // Best effort: a reader without write access just checks again next time.
  }
}

async function isVerified(path: string, info: Deno.FileInfo, sha: string | undefined) {
  try {
    return (await Deno.readTextFile(verifiedPath(path))).trim() === identity(info, sha);
  } catch {
    return false;
  }
}

async function bodyDigest(file: Deno.FsFile, bodyStart: number): Promise<string> {
  const hash = await sha256();
  const buf = new Uint8Array(1 << 20);
  await file.seek(bodyStart, Deno.SeekMode.Start);
  for (let n = await file.read(buf); n !== null; n = await file.read(buf)) {
    hash.update(buf.subarray(0, n));
  }
  return hash.digest("hex");
}

/**
 * Returns the lines whose subject token is `subject` (e.g. `<http://…>`), by
 * binary search when the file is as its header describes, else by a full read.
 */
export async function findSubjectLines(path: string, subject: string): Promise<string[]> {
  using file = await Deno.open(path, { read: true });
  const info = await file.stat();
  const size = info.size;
  const reader = new LineReader(file, size);
  const { header, bodyStart } = parseHeader(path, await reader.headerText());
  const fullRead = async () => {
    const { lines } = await readStoreFile(path);
    return lines.filter((line) => lineSubject(line) === subject);
  };
  if (header.bodyBytes === undefined || bodyStart + header.bodyBytes !== size) return fullRead();
  if (!(await isVerified(path, info, header.bodySha256))) {
    // Not the file we last wrote or checked (e.g. edited by hand): check its digest once.
    if (header.bodySha256 !== (await bodyDigest(file, bodyStart))) return fullRead();
    await recordVerified(path, info, header.bodySha256!);
  }
  // A line edited in place (same length) breaks the sort order the search relies on:
  // any line that cannot be a statement sends us to the full read, which reports it.
  const plausible = (text: string) => /^(<|_:).* \.$/.test(text);
  const target = subject + " ";
  let lo = bodyStart;
  let hi = size;
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const line = await reader.lineStartingAtOrAfter(mid, bodyStart);
    if (line !== undefined && line.start < hi && !plausible(line.text)) return fullRead();
    if (line === undefined || line.start >= hi || line.text >= target) hi = mid;
    else lo = line.end + 1;
  }
  const found: string[] = [];
  for (let pos = lo; pos < size;) {
    const line = await reader.lineStartingAtOrAfter(pos, bodyStart);
    if (line !== undefined && !plausible(line.text)) return fullRead();
    if (line === undefined || !line.text.startsWith(target)) break;
    found.push(line.text);
    pos = line.end + 1;
  }
  return found;
}

/** Positional line reads over an open file. */
class LineReader {
  #file: Deno.FsFile;
  #size: number;
  constructor(file: Deno.FsFile, size: number) {
    this.#file = file;
    this.#size = size;
  }

  async #read(pos: number, length: number): Promise<Uint8Array> {
    const buf = new Uint8Array(Math.min(length, this.#size - pos));
    await this.#file.seek(pos, Deno.SeekMode.Start);
    let got = 0;
    while (got < buf.length) {
      const n = await this.#file.read(buf.subarray(got));
      if (n === null) break;
      got += n;
    }
    return buf.subarray(0, got);
  }

  /** The header lines (all leading `#` lines) plus what follows in the same block. */
  async headerText(): Promise<string> {
    let length = 8192;
    for (;;) {
      const bytes = await this.#read(0, length);
      const text = decoder.decode(bytes);
      const body = /(^|\n)[^#]/.exec(text);
      if (body || bytes.length < length) {
        return body ? text.slice(0, body.index + body[1]!.length) : text;
      }
      length *= 4;
    }
  }

  /** The first whole line that starts at `pos` or later (`pos` itself if it starts a line). */
  async lineStartingAtOrAfter(
    pos: number,
    bodyStart: number,
  ): Promise<{ start: number; end: number; text: string } | undefined> {
    let start = pos;
    if (pos > bodyStart) {
      // Find the newline at or after pos - 1; the line starts right after it.
      let chunk = 256;
      for (;;) {
        const bytes = await this.#read(pos - 1, chunk);
        const nl = bytes.indexOf(10);
        if (nl !== -1) {
          start = pos - 1 + nl + 1;
          break;
        }
        if (pos - 1 + bytes.length >= this.#size) return undefined;
        chunk *= 4;
      }
    }
    if (start >= this.#size) return undefined;
    let chunk = 1024;
    for (;;) {
      const bytes = await this.#read(start, chunk);
      const nl = bytes.indexOf(10);
      if (nl !== -1) return { start, end: start + nl, text: decoder.decode(bytes.subarray(0, nl)) };
      if (start + bytes.length >= this.#size) {
        return { start, end: this.#size, text: decoder.decode(bytes) };
      }
      chunk *= 4;
    }
  }
}
