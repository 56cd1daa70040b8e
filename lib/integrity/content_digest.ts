/**
 * The digest of a dataset's content, which may be one file or a folder.
 *
 * **A file**: the plain digest of its bytes, what `md5sum`, `sha256sum` and
 * `sha512sum` print.
 *
 * **A folder** (the *owm folder digest*, version 1): the same algorithm (MD5,
 * SHA-256 or SHA-512) over one byte string built from every regular file below
 * the folder, recursively:
 *
 * 1. List the regular files below the folder. Each file's *path* is its path
 *    relative to the folder, components joined with `/`, encoded as UTF-8 as
 *    stored (no Unicode normalisation), without a leading `./` or `/`.
 * 2. Sort the files by the bytes of their paths: unsigned byte-wise
 *    lexicographic order, which is Unicode code-point order, a prefix first
 *    (`Z.txt` < `a` < `a.txt` < `a/b` < `a0` < `é`; not JavaScript's UTF-16
 *    string order).
 * 3. For each file in that order append: the path bytes, one `0x00` byte, the
 *    file's length in bytes as decimal ASCII digits (no sign, no leading zeros,
 *    `0` for an empty file), one `0x00` byte, then the file's bytes.
 *
 * Folders contribute only through the paths of the files in them: an empty
 * folder changes nothing (a torrent cannot carry one, so a fetched copy would
 * otherwise never match its source). Empty files count, by name. Hidden files
 * count like any other. The folder's own name does not count, so a renamed or
 * moved dataset keeps its digest, while renaming, moving, adding or removing
 * any file inside it, or changing any byte, changes it. A symlink or special
 * file below the folder is refused (never followed). A folder with no files
 * has the digest of no bytes (for MD5, `d41d8cd98f00b204e9800998ecf8427e`).
 *
 * The same definition in Python, for reference:
 *
 * ```python
 * import hashlib, os
 * def folder_digest(root, algorithm="md5"):
 *     files = []
 *     for d, _, names in os.walk(root):
 *         for n in names:
 *             full = os.path.join(d, n)
 *             rel = os.path.relpath(full, root).replace(os.sep, "/")
 *             files.append((os.fsencode(rel), full))
 *     h = hashlib.new(algorithm)
 *     for rel, full in sorted(files):
 *         h.update(rel + b"\0" + str(os.path.getsize(full)).encode() + b"\0")
 *         with open(full, "rb") as f:
 *             while chunk := f.read(1 << 20):
 *                 h.update(chunk)
 *     return h.hexdigest()
 * ```
 *
 * @module
 */
import {
  type Digests,
  FileReader,
  type HashAlgorithm,
  type HashOptions,
  MultiHash,
} from "./hash.ts";
import { listTree } from "./tree.ts";
import { InvalidInputError } from "../errors/invalid_input.ts";
import { OwmError } from "../errors/owm_error.ts";

/** The digests of some content, and what the content was. */
export interface ContentDigests<A extends HashAlgorithm = HashAlgorithm> {
  /** Whether the content is one file or a folder (owm folder digest). */
  kind: "file" | "folder";
  /** Lower-case hex digests keyed by algorithm. */
  digests: Digests<A>;
  /** Number of regular files hashed (1 for a file). */
  files: number;
  /** Number of content bytes hashed. */
  bytes: number;
}

/** A file changed size while it was being hashed, so no digest describes it. */
export class ContentChangedError extends OwmError {
  /** The error's code: `content-changed`. */
  override readonly code: string = "content-changed";
  /** The file. */
  readonly path: string;
  /** Its size when listed. */
  readonly expectedSize: number;
  /** The bytes actually read. */
  readonly actualSize: number;
  /** Creates the error. */
  constructor(path: string, expectedSize: number, actualSize: number) {
    super(
      `File '${path}' changed while it was hashed (${expectedSize} bytes when listed, ${actualSize} read): wait until nothing writes to it, then verify again`,
    );
    this.name = "ContentChangedError";
    this.path = path;
    this.expectedSize = expectedSize;
    this.actualSize = actualSize;
  }
}

const encoder = new TextEncoder();
const NUL = new Uint8Array([0]);

/**
 * The owm folder digest of `dir` (see the module documentation) with each of
 * `algorithms`, in one read pass.
 *
 * @example
 * ```ts ignore
 * const { digests } = await folderDigest("dataset/", ["md5"]);
 * console.log(`${digests.md5}.torrent`);
 * ```
 *
 * @param dir The folder.
 * @param algorithms One or more of `md5`, `sha256`, `sha512`.
 * @param options Cancellation, progress (over all files) and read size.
 * @returns The digests, with the number of files and bytes.
 * @throws {TreeEntryError} for a symlink or special file below `dir`.
 * @throws {ContentChangedError} when a file changes size while being read.
 */
export async function folderDigest<A extends HashAlgorithm>(
  dir: string,
  algorithms: readonly A[],
  options: HashOptions = {},
): Promise<ContentDigests<A>> {
  const hash = new MultiHash(algorithms);
  const entries = await listTree(dir);
  const total = entries.reduce((sum, e) => sum + e.size, 0);
  const reader = new FileReader(options.bufferSize);
  let done = 0;
  for (const entry of entries) {
    hash.update(encoder.encode(entry.path));
    hash.update(NUL);
    hash.update(encoder.encode(String(entry.size)));
    hash.update(NUL);
    const read = await reader.read(entry.absolutePath, entry.size, (chunk) => {
      hash.update(chunk);
      done += chunk.length;
      options.onProgress?.({ bytesDone: done, bytesTotal: total, path: entry.path });
    }, options.signal);
    if (read !== entry.size) throw new ContentChangedError(entry.absolutePath, entry.size, read);
  }
  return { kind: "folder", digests: hash.digest(), files: entries.length, bytes: done };
}

/**
 * The digests of `path`: of its bytes for a file, the owm folder digest for a
 * folder (see the module documentation).
 *
 * @example
 * ```ts ignore
 * const { kind, digests } = await digestContent("Merged_Nuclei_Stained_Worm.zip", ["md5", "sha256"]);
 * ```
 *
 * @param path A file or a folder (a symlink given here is followed).
 * @param algorithms One or more of `md5`, `sha256`, `sha512`.
 * @param options Cancellation, progress and read size.
 * @returns The digests, whether `path` was a file or a folder, and the files and bytes hashed.
 * @throws {TypeError} when `path` is neither a file nor a folder.
 */
export async function digestContent<A extends HashAlgorithm>(
  path: string,
  algorithms: readonly A[],
  options: HashOptions = {},
): Promise<ContentDigests<A>> {
  const info = await Deno.stat(path);
  if (info.isDirectory) return await folderDigest(path, algorithms, options);
  if (!info.isFile) {
    throw new InvalidInputError(
      `'${path}' is neither a file nor a folder: give the content to hash`,
      { status: 422, code: "unsupported-file" },
    );
  }
  const hash = new MultiHash(algorithms);
  let done = 0;
  await new FileReader(options.bufferSize).read(path, info.size, (chunk) => {
    hash.update(chunk);
    done += chunk.length;
    options.onProgress?.({ bytesDone: done, bytesTotal: info.size, path });
  }, options.signal);
  return { kind: "file", digests: hash.digest(), files: 1, bytes: done };
}
