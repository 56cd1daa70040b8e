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
import { fileIdentity } from "../fs/file_identity.ts";
import { lineSubject, quadToLine } from "./nquads.ts";
import { ImplausibleLineError, readAtSync, SortedLines } from "./sorted_lines.ts";
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

function isVerifiedSync(path: string, info: Deno.FileInfo, sha: string | undefined): boolean {
  try {
    return Deno.readTextFileSync(verifiedPath(path)).trim() === identity(info, sha);
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

/** The header lines (all leading `#` lines) of an open file, read synchronously. */
function headerTextSync(file: Deno.FsFile, size: number): string {
  for (let length = 8192;; length *= 4) {
    const bytes = readAtSync(file, 0, new Uint8Array(Math.min(length, size)));
    const text = decoder.decode(bytes);
    const body = /(^|\n)[^#]/.exec(text);
    if (body || bytes.length < length) {
      return body ? text.slice(0, body.index + body[1]!.length) : text;
    }
  }
}

/**
 * The header of a store file and the byte offset of its body, when the
 * header's byte count describes a body ending at `size` (the store's own
 * output, unchanged since); `undefined` otherwise. `head` is the file's text
 * from its start, at least its whole header.
 *
 * @example
 * ```ts ignore
 * const bytes = await Deno.readFile(".owm/graph.nq");
 * const head = new TextDecoder().decode(bytes.subarray(0, 65536));
 * console.log(describedBody(".owm/graph.nq", head, bytes.length)?.bodyStart);
 * ```
 *
 * @throws {StoreCorruptError | StoreFormatError} as {@linkcode parseHeader}.
 */
export function describedBody(
  path: string,
  head: string,
  size: number,
): { header: StoreHeader; bodyStart: number } | undefined {
  const parsed = parseHeader(path, head);
  const bodyStart = encoder.encode(head.slice(0, parsed.bodyStart)).length; // bytes, not chars
  const { header } = parsed;
  if (header.bodyBytes === undefined || bodyStart + header.bodyBytes !== size) return undefined;
  return { header, bodyStart };
}

function bodyOf(path: string, file: Deno.FsFile, info: Deno.FileInfo) {
  return describedBody(path, headerTextSync(file, info.size), info.size);
}

/**
 * A version of a store file opened for binary search by subject, with its
 * identity (lib/fs/file_identity.ts); close `file` when done.
 */
export interface SortedSnapshot {
  /** The open file (this version of it, whatever replaces it later). */
  file: Deno.FsFile;
  /** The identity of this version (`dev:ino:size:mtime`). */
  identity: string;
  /** The search over its body. */
  lines: SortedLines;
}

/**
 * Opens the store file at `path` for binary search, synchronously, when its
 * order can be trusted without reading it: its header's byte count matches
 * and the `.verified` record beside it vouches for this very version (every
 * write records it). `undefined` otherwise (a file edited by hand, a reader
 * that never checked it): {@linkcode findSubjectLines} checks it in full.
 *
 * @example
 * ```ts ignore
 * const snapshot = openSortedSync(".owm/graph.nq");
 * try {
 *   console.log(snapshot?.lines.subjectLines("<http://example.org/a>"));
 * } finally {
 *   snapshot?.file.close();
 * }
 * ```
 */
export function openSortedSync(path: string): SortedSnapshot | undefined {
  const file = Deno.openSync(path, { read: true });
  try {
    const info = file.statSync();
    const body = bodyOf(path, file, info);
    if (body && isVerifiedSync(path, info, body.header.bodySha256)) {
      return {
        file,
        identity: fileIdentity(info),
        lines: new SortedLines(file, body.bodyStart, info.size),
      };
    }
  } catch (error) {
    file.close();
    throw error;
  }
  file.close();
  return undefined;
}

/**
 * Returns the lines whose subject token is `subject` (e.g. `<http://…>`), by
 * binary search when the file is as its header describes, else by a full read.
 */
export async function findSubjectLines(path: string, subject: string): Promise<string[]> {
  using file = await Deno.open(path, { read: true });
  const info = await file.stat();
  const body = bodyOf(path, file, info);
  const fullRead = async () => {
    const { lines } = await readStoreFile(path);
    return lines.filter((line) => lineSubject(line) === subject);
  };
  if (!body) return fullRead();
  const sha = body.header.bodySha256;
  if (!(await isVerified(path, info, sha))) {
    // Not the file we last wrote or checked (e.g. edited by hand): check its digest once.
    if (sha !== (await bodyDigest(file, body.bodyStart))) return fullRead();
    await recordVerified(path, info, sha!);
  }
  try {
    return new SortedLines(file, body.bodyStart, info.size).subjectLines(subject)!;
  } catch (error) {
    // A line edited in place (same length) breaks the order the search relies on:
    // the full read reports the line that is not a statement.
    if (error instanceof ImplausibleLineError) return fullRead();
    throw error;
  }
}
