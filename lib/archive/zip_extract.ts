/**
 * Unpacking an untrusted `.zip` safely. Every entry of the central directory is
 * checked before a byte is written: no absolute or `..` paths, no symlinks or
 * special files, no encrypted entries or unknown compression, no duplicate
 * names, at most so many entries, and limits on the total expanded size and on
 * the compression ratio against zip bombs. Extraction then trusts nothing:
 * an entry that expands past its declared size is stopped, the size and CRC-32
 * of each entry are checked, and every path is joined through {@linkcode confinedJoin}.
 * Files are written into a hidden folder beside the destination that is renamed
 * into place only when every entry has been read, so a refused or damaged zip
 * leaves nothing behind.
 *
 * @module
 */
// yauzl is loaded when a zip is opened (keeping it, and @types/node, out of
// the start-up and documentation graph of everything that imports mod.ts).
// @ts-types="@types/yauzl"
import type { Entry, ZipFile } from "yauzl";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crc32 } from "node:zlib";
import { confinedJoin } from "../fs/confine.ts";
import { sanitizePathComponent } from "../torrent/paths.ts";
import { OwmError } from "../errors/owm_error.ts";

/** Limits on what a zip may hold. */
export interface ZipLimits {
  /** Most entries (files and folders). */
  maxEntries: number;
  /** Most bytes all files together expand to. */
  maxExpandedBytes: number;
  /** Highest expanded/compressed ratio of an entry (checked for entries over 1 MiB). */
  maxRatio: number;
}

/** How {@linkcode extractZip} lays the files out, besides its {@linkcode ZipLimits}. */
export interface ExtractZipOptions {
  /**
   * Also create the zip's empty folders (folder entries holding no file).
   * @default false (only the folders that files are in)
   */
  emptyFolders?: boolean;
  /** Accept a zip holding no files (the destination is then an empty folder). @default false */
  allowEmpty?: boolean;
  /** Stops the extraction; nothing is left behind. */
  signal?: AbortSignal;
}

/** What {@linkcode extractZip} wrote. */
export interface ExtractedZip {
  /** The relative paths (with `/`) of the files written, in the zip's order. */
  files: string[];
  /** The relative paths of the folders made, sorted (with {@linkcode ExtractZipOptions.emptyFolders}, the empty ones too). */
  folders: string[];
  /** The bytes written. */
  bytes: number;
}

/** Entries smaller than this are not ratio-checked (a small file of zeros compresses well). */
const RATIO_FLOOR_BYTES = 1 << 20;

/**
 * Why a zip is refused: `bad-zip` (not a zip, damaged, encrypted), `zip-unsafe`
 * (a hostile entry) or `zip-too-large` (over a {@linkcode ZipLimits} limit).
 * The message names the entry at fault when there is one.
 *
 * @example Tell a hostile zip from a damaged one
 * ```ts
 * import { ZipRefusedError } from "./mod.ts";
 * const error = new ZipRefusedError("zip-unsafe", 'Entry "../x" climbs out with \'..\'', {
 *   entry: "../x",
 * });
 * console.log(error.code, error.entry); // "zip-unsafe" "../x"
 * ```
 */
export class ZipRefusedError extends OwmError {
  /** `bad-zip`, `zip-unsafe` or `zip-too-large`. */
  declare readonly code: "bad-zip" | "zip-unsafe" | "zip-too-large";
  /** The name of the entry at fault, as stored in the zip, when one is. */
  readonly entry: string | undefined;
  /** Creates the error. */
  constructor(
    code: ZipRefusedError["code"],
    message: string,
    options?: ErrorOptions & { entry?: string },
  ) {
    super(message, options);
    this.name = "ZipRefusedError";
    this.code = code;
    this.entry = options?.entry;
  }
}

/** One file to extract: its entry and its safe relative path. */
interface PlannedFile {
  entry: Entry;
  path: string;
}

/** Everything checked, before anything is written. */
interface Plan {
  files: PlannedFile[];
  /** Folders to make: every parent of a file, and (when asked) the empty ones. */
  folders: string[];
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

function refuse(code: ZipRefusedError["code"], name: string, problem: string): ZipRefusedError {
  return new ZipRefusedError(code, `Entry ${quote(name)} ${problem}`, { entry: name });
}

/** The safe relative path of an entry name, or a refusal. */
function entryPath(name: string): string {
  if (name.includes("\0")) throw refuse("zip-unsafe", name, "has a NUL character in its name");
  if (name.startsWith("/") || /^[a-zA-Z]:/.test(name)) {
    throw refuse("zip-unsafe", name, "has an absolute path: not accepted");
  }
  const parts = name.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw refuse("zip-unsafe", name, "climbs out with '..'");
  return parts.map(sanitizePathComponent).join("/");
}

function quote(text: string): string {
  return JSON.stringify(text);
}

/** The Unix file type of an entry (0 when the zip records none). */
function unixType(entry: Entry): number {
  return (entry.externalFileAttributes >>> 16) & S_IFMT;
}

/** Reads the central directory of `zip` and checks every entry. */
async function plan(
  zip: ZipFile,
  limits: ZipLimits,
  options: ExtractZipOptions,
  progress: { seen: number },
): Promise<Plan> {
  if (zip.entryCount > limits.maxEntries) {
    throw new ZipRefusedError(
      "zip-too-large",
      `The zip has ${zip.entryCount} entries: at most ${limits.maxEntries} are accepted`,
    );
  }
  const files: PlannedFile[] = [];
  const filePaths = new Set<string>();
  const dirPaths = new Set<string>();
  const parentPaths = new Set<string>();
  let expanded = 0;
  for await (const entry of zip.eachEntry()) {
    progress.seen++;
    options.signal?.throwIfAborted();
    const name = entry.fileName;
    const type = unixType(entry);
    const isDir = name.endsWith("/") || type === S_IFDIR;
    if (type === S_IFLNK) throw refuse("zip-unsafe", name, "is a symlink: not accepted");
    if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) {
      throw refuse("zip-unsafe", name, "is a special file (device, FIFO or socket): not accepted");
    }
    const path = entryPath(name);
    if (isDir) {
      if (path !== "") dirPaths.add(path);
      continue;
    }
    if (path === "") throw refuse("zip-unsafe", name, "has no file name");
    if (entry.isEncrypted()) throw refuse("bad-zip", name, "is encrypted: unzip it first");
    if (!entry.canDecodeFileData()) {
      throw refuse(
        "bad-zip",
        name,
        `uses compression method ${entry.compressionMethod}: only stored and deflated entries are read`,
      );
    }
    if (entry.compressionMethod === 0 && entry.compressedSize !== entry.uncompressedSize) {
      throw refuse(
        "bad-zip",
        name,
        `is stored uncompressed but records ${entry.compressedSize} stored and ${entry.uncompressedSize} expanded bytes: the zip is damaged`,
      );
    }
    if (filePaths.has(path)) throw refuse("zip-unsafe", name, "appears twice");
    filePaths.add(path);
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) parentPaths.add(parts.slice(0, i).join("/"));
    expanded += entry.uncompressedSize;
    if (expanded > limits.maxExpandedBytes) {
      throw refuse(
        "zip-too-large",
        name,
        `takes the zip past ${limits.maxExpandedBytes} expanded bytes: not accepted`,
      );
    }
    const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
    if (entry.uncompressedSize > RATIO_FLOOR_BYTES && ratio > limits.maxRatio) {
      throw refuse(
        "zip-too-large",
        name,
        `expands ${
          Math.round(ratio)
        } times (${entry.uncompressedSize} bytes): at most ${limits.maxRatio} times is accepted`,
      );
    }
    files.push({ entry, path });
  }
  for (const file of files) {
    if (dirPaths.has(file.path) || parentPaths.has(file.path)) {
      throw refuse("zip-unsafe", file.entry.fileName, "is both a file and a folder");
    }
  }
  if (files.length === 0 && !options.allowEmpty) {
    throw new ZipRefusedError("bad-zip", "The zip holds no files");
  }
  const folders = new Set(parentPaths);
  if (options.emptyFolders) {
    for (const dir of dirPaths) {
      const parts = dir.split("/");
      for (let i = 1; i <= parts.length; i++) folders.add(parts.slice(0, i).join("/"));
    }
  }
  return { files, folders: [...folders].sort() };
}

/**
 * Counts and CRC-checks the bytes of one entry, stopping past its declared
 * size or past `left` bytes in all.
 */
function checker(file: PlannedFile, budget: { left: number }, limit: number): Transform {
  let crc = 0;
  let size = 0;
  const name = file.entry.fileName;
  const declared = file.entry.uncompressedSize;
  return new Transform({
    transform(chunk: Uint8Array, _encoding, done) {
      size += chunk.length;
      if (size > declared) {
        done(refuse("bad-zip", name, `expands past its declared size of ${declared} bytes`));
        return;
      }
      budget.left -= chunk.length;
      if (budget.left < 0) {
        done(refuse("zip-too-large", name, `takes the zip past ${limit} expanded bytes`));
        return;
      }
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
    flush(done) {
      if (size !== declared) {
        done(refuse("bad-zip", name, `holds ${size} bytes, not the ${declared} it declares`));
      } else if (crc >>> 0 !== file.entry.crc32 >>> 0) {
        done(refuse("bad-zip", name, "fails its CRC-32 check: the zip is damaged"));
      } else done();
    },
  });
}

/**
 * Checks the zip at `zipPath` and extracts its files into the folder `dest`,
 * which must not exist yet (or be an empty folder); its parent is created. Every entry is checked
 * before anything is written; the files are then written into a hidden folder
 * beside `dest` (`.<name>.unzip-<random>`), which becomes `dest` only when all
 * of them have been read and CRC-checked. On any error nothing is left.
 *
 * Entry names are made safe with {@linkcode sanitizePathComponent} (so `a:b`
 * becomes `a_b`); two names that become the same path are refused as
 * duplicates. File permissions and times in the zip are not applied.
 *
 * @example Extract an uploaded zip with limits
 * ```ts ignore
 * import { extractZip, ZipRefusedError } from "owmeta-torrent";
 * try {
 *   const { files } = await extractZip("upload.zip", "upload", {
 *     maxEntries: 10_000,
 *     maxExpandedBytes: 8 * 1024 ** 3,
 *     maxRatio: 100,
 *   });
 *   console.log(files.length, "files");
 * } catch (error) {
 *   if (error instanceof ZipRefusedError) console.error(error.code, error.message);
 *   else throw error;
 * }
 * ```
 *
 * @param zipPath The zip file.
 * @param dest The folder to create.
 * @param limits Limits on entries, expanded size and ratio.
 * @param options Empty folders, empty zips, cancelling.
 * @returns What was written.
 * @throws {ZipRefusedError} When the file is not a zip, is damaged, or an entry is refused.
 */
export async function extractZip(
  zipPath: string,
  dest: string,
  limits: ZipLimits,
  options: ExtractZipOptions = {},
): Promise<ExtractedZip> {
  options.signal?.throwIfAborted();
  const { default: yauzl } = await import("yauzl");
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, {
      autoClose: false,
      decodeStrings: true,
      validateEntrySizes: false, // checked below, naming the entry
      strictFileNames: false,
    });
  } catch (cause) {
    if (isNodeError(cause, "ENOENT") || isNodeError(cause, "EISDIR")) throw cause;
    throw new ZipRefusedError("bad-zip", `The file is not a readable zip: ${message(cause)}`, {
      cause,
    });
  }
  try {
    let checked: Plan;
    const progress = { seen: 0 };
    try {
      checked = await plan(zip, limits, options, progress);
    } catch (error) {
      if (error instanceof ZipRefusedError || isAbort(error, options.signal)) throw error;
      throw yauzlRefusal(error, progress.seen + 1);
    }
    const staging = join(
      dirname(dest),
      `.${basename(dest)}.unzip-${crypto.randomUUID().slice(0, 8)}`,
    );
    await mkdir(dirname(dest), { recursive: true });
    await mkdir(staging);
    try {
      const bytes = await writeAll(zip, checked, staging, limits, options.signal);
      await rename(staging, dest);
      return { files: checked.files.map((f) => f.path), folders: checked.folders, bytes };
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
  } finally {
    zip.close();
  }
}

/** Writes the planned folders and files into `root`; returns the bytes written. */
async function writeAll(
  zip: ZipFile,
  checked: Plan,
  root: string,
  limits: ZipLimits,
  signal: AbortSignal | undefined,
): Promise<number> {
  for (const folder of checked.folders) {
    await mkdir(confinedJoin(root, folder), { recursive: true });
  }
  const budget = { left: limits.maxExpandedBytes };
  for (const file of checked.files) {
    signal?.throwIfAborted();
    const target = confinedJoin(root, file.path);
    try {
      const data = await zip.openReadStreamPromise(file.entry);
      await pipeline(
        data,
        checker(file, budget, limits.maxExpandedBytes),
        createWriteStream(target, { flags: "wx" }),
        ...(signal ? [{ signal }] : []),
      );
    } catch (error) {
      if (error instanceof ZipRefusedError || isAbort(error, signal)) throw error;
      throw new ZipRefusedError(
        "bad-zip",
        `Entry ${quote(file.entry.fileName)} cannot be read: ${message(error)}`,
        { cause: error, entry: file.entry.fileName },
      );
    }
  }
  return limits.maxExpandedBytes - budget.left;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isNodeError(error: unknown, code: string): boolean {
  return (error as { code?: unknown } | null)?.code === code;
}

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && (error === signal.reason || signal.reason === undefined ||
    (error instanceof Error && error.name === "AbortError"));
}

/** yauzl's own checks of an entry (run before it is handed out), in our words. */
function yauzlRefusal(error: unknown, entryNumber: number): ZipRefusedError {
  const text = message(error);
  const named = /^(absolute path|invalid relative path|invalid characters in fileName): (.*)$/s
    .exec(text);
  if (named) {
    const name = named[2]!;
    const problem = named[1] === "absolute path"
      ? "has an absolute path: not accepted"
      : named[1] === "invalid relative path"
      ? "climbs out with '..'"
      : "has a backslash in its name: not accepted";
    return new ZipRefusedError("zip-unsafe", `Entry ${quote(name)} ${problem}`, {
      cause: error,
      entry: name,
    });
  }
  return new ZipRefusedError(
    "bad-zip",
    `Entry number ${entryNumber} of the zip's central directory is damaged: ${text}`,
    { cause: error },
  );
}
