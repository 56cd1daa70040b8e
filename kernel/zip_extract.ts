/**
 * Unpacking an uploaded `.zip` safely. Every entry of the central directory is
 * checked before a byte is written: no absolute or `..` paths, no symlinks or
 * special files, no encrypted entries or unknown compression, no duplicate
 * names, at most so many entries, and limits on the total expanded size and on
 * the compression ratio against zip bombs. Extraction then trusts nothing:
 * yauzl stops an entry that expands past its declared size, the CRC-32 of each
 * entry is checked, and every path is joined through {@linkcode confinedJoin}.
 *
 * @module
 */
// @ts-types="@types/yauzl"
import yauzl from "yauzl";
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crc32 } from "node:zlib";
import { confinedJoin, sanitizePathComponent } from "../lib/torrent/paths.ts";

/** Limits on what a zip may hold. */
export interface ZipLimits {
  /** Most entries (files and folders). */
  maxEntries: number;
  /** Most bytes all files together expand to. */
  maxExpandedBytes: number;
  /** Highest expanded/compressed ratio of an entry (checked for entries over 1 MiB). */
  maxRatio: number;
}

/** Entries smaller than this are not ratio-checked (a small file of zeros compresses well). */
const RATIO_FLOOR_BYTES = 1 << 20;

/** Why a zip is refused: `bad-zip` (not a zip, damaged) or `zip-unsafe` (a hostile entry). */
export class ZipRefusedError extends Error {
  /** `bad-zip`, `zip-unsafe` or `zip-too-large`. */
  readonly code: "bad-zip" | "zip-unsafe" | "zip-too-large";
  /** Creates the error. */
  constructor(code: ZipRefusedError["code"], message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ZipRefusedError";
    this.code = code;
  }
}

/** One file to extract: its entry and its safe relative path. */
interface PlannedFile {
  entry: yauzl.Entry;
  path: string;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/** The safe relative path of an entry name, or a refusal. */
function entryPath(name: string): string {
  if (name.includes("\0")) throw new ZipRefusedError("zip-unsafe", `Entry ${quote(name)} has NUL`);
  if (name.startsWith("/") || /^[a-zA-Z]:/.test(name)) {
    throw new ZipRefusedError("zip-unsafe", `Entry ${quote(name)} has an absolute path`);
  }
  const parts = name.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) {
    throw new ZipRefusedError("zip-unsafe", `Entry ${quote(name)} climbs out with '..'`);
  }
  return parts.map(sanitizePathComponent).join("/");
}

function quote(text: string): string {
  return JSON.stringify(text);
}

/** The Unix file type of an entry (0 when the zip records none). */
function unixType(entry: yauzl.Entry): number {
  return (entry.externalFileAttributes >>> 16) & S_IFMT;
}

/** Reads the central directory of the zip at `path` and checks every entry. */
async function plan(zip: yauzl.ZipFile, limits: ZipLimits): Promise<PlannedFile[]> {
  if (zip.entryCount > limits.maxEntries) {
    throw new ZipRefusedError(
      "zip-too-large",
      `The zip has ${zip.entryCount} entries: at most ${limits.maxEntries} are accepted`,
    );
  }
  const files: PlannedFile[] = [];
  const filePaths = new Set<string>();
  const dirPaths = new Set<string>();
  let expanded = 0;
  for await (const entry of zip.eachEntry()) {
    const name = entry.fileName;
    const type = unixType(entry);
    const isDir = name.endsWith("/") || type === S_IFDIR;
    if (type === S_IFLNK) {
      throw new ZipRefusedError("zip-unsafe", `Entry ${quote(name)} is a symlink: not accepted`);
    }
    if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) {
      throw new ZipRefusedError("zip-unsafe", `Entry ${quote(name)} is a special file`);
    }
    const path = entryPath(name);
    if (isDir) {
      if (path !== "") dirPaths.add(path);
      continue;
    }
    if (path === "") throw new ZipRefusedError("zip-unsafe", `Entry ${quote(name)} has no name`);
    if (entry.isEncrypted()) {
      throw new ZipRefusedError("bad-zip", `Entry ${quote(name)} is encrypted: unzip it first`);
    }
    if (!entry.canDecodeFileData()) {
      throw new ZipRefusedError(
        "bad-zip",
        `Entry ${
          quote(name)
        } uses compression method ${entry.compressionMethod}: only stored and deflated entries are read`,
      );
    }
    if (filePaths.has(path)) {
      throw new ZipRefusedError("zip-unsafe", `Entry ${quote(name)} appears twice`);
    }
    filePaths.add(path);
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) dirPaths.add(parts.slice(0, i).join("/"));
    expanded += entry.uncompressedSize;
    if (expanded > limits.maxExpandedBytes) {
      throw new ZipRefusedError(
        "zip-too-large",
        `The zip expands to more than ${limits.maxExpandedBytes} bytes: not accepted`,
      );
    }
    const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
    if (entry.uncompressedSize > RATIO_FLOOR_BYTES && ratio > limits.maxRatio) {
      throw new ZipRefusedError(
        "zip-too-large",
        `Entry ${quote(name)} expands ${
          Math.round(ratio)
        } times (${entry.uncompressedSize} bytes): at most ${limits.maxRatio} times is accepted`,
      );
    }
    files.push({ entry, path });
  }
  for (const file of filePaths) {
    if (dirPaths.has(file)) {
      throw new ZipRefusedError("zip-unsafe", `${quote(file)} is both a file and a folder`);
    }
  }
  if (files.length === 0) throw new ZipRefusedError("bad-zip", "The zip holds no files");
  return files;
}

/** Counts and CRC-checks the bytes of one entry, stopping past `left` bytes in all. */
function checker(file: PlannedFile, budget: { left: number }): Transform {
  let crc = 0;
  return new Transform({
    transform(chunk: Uint8Array, _encoding, done) {
      budget.left -= chunk.length;
      if (budget.left < 0) {
        done(new ZipRefusedError("zip-too-large", "The zip expands past its limit"));
        return;
      }
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
    flush(done) {
      if (crc >>> 0 !== file.entry.crc32 >>> 0) {
        done(
          new ZipRefusedError(
            "bad-zip",
            `Entry ${quote(file.entry.fileName)} fails its CRC-32: the zip is damaged`,
          ),
        );
      } else done();
    },
  });
}

/**
 * Checks the zip at `zipPath` and extracts its files into the folder `dest`
 * (created; it should be new and empty).
 *
 * @returns The relative paths of the files written.
 * @throws {ZipRefusedError} When the file is not a zip, is damaged, or an entry is refused.
 */
export async function extractZip(
  zipPath: string,
  dest: string,
  limits: ZipLimits,
): Promise<string[]> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, {
      autoClose: false,
      decodeStrings: true,
      validateEntrySizes: true,
      strictFileNames: false,
    });
  } catch (cause) {
    throw new ZipRefusedError("bad-zip", `The file is not a readable zip: ${message(cause)}`, {
      cause,
    });
  }
  try {
    let files: PlannedFile[];
    try {
      files = await plan(zip, limits);
    } catch (error) {
      if (error instanceof ZipRefusedError) throw error;
      throw new ZipRefusedError(unsafeMessage(error) ? "zip-unsafe" : "bad-zip", message(error), {
        cause: error,
      });
    }
    await mkdir(dest, { recursive: true });
    const budget = { left: limits.maxExpandedBytes };
    for (const file of files) {
      const target = confinedJoin(dest, file.path);
      await mkdir(dirname(target), { recursive: true });
      try {
        const data = await zip.openReadStreamPromise(file.entry);
        await pipeline(data, checker(file, budget), createWriteStream(target, { flags: "wx" }));
      } catch (error) {
        if (error instanceof ZipRefusedError) throw error;
        throw new ZipRefusedError(
          "bad-zip",
          `Entry ${quote(file.entry.fileName)} cannot be read: ${message(error)}`,
          { cause: error },
        );
      }
    }
    return files.map((f) => f.path);
  } finally {
    zip.close();
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** yauzl's own name checks (run before an entry is handed out). */
function unsafeMessage(error: unknown): boolean {
  return /absolute path|invalid relative path|invalid characters/.test(message(error));
}
