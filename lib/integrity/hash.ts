/**
 * Streaming MD5, SHA-256 and SHA-512 of files, streams and folders: any subset
 * of the algorithms in one read pass, with large reads into two reused buffers
 * (the next read runs while the current buffer is hashed).
 *
 * @module
 */
import { createHash, type Hash } from "node:crypto";
import { listTree } from "./tree.ts";
import { InvalidInputError } from "../errors/invalid_input.ts";

/** The digest algorithms this module computes, as `node:crypto` names them. */
export const HASH_ALGORITHMS = ["md5", "sha256", "sha512"] as const;

/** One of {@linkcode HASH_ALGORITHMS}. */
export type HashAlgorithm = typeof HASH_ALGORITHMS[number];

/** Lower-case hex digests, keyed by algorithm. */
export type Digests<A extends HashAlgorithm = HashAlgorithm> = { [K in A]: string };

/** Where a long hash is, reported after each read. */
export interface HashProgress {
  /** Bytes hashed so far (over every file, for a folder). */
  bytesDone: number;
  /** Bytes to hash in all, as sized before reading. */
  bytesTotal: number;
  /** The file being read (relative to the folder, for a folder). */
  path: string;
}

/** Options for {@linkcode hashFile}, {@linkcode hashStream} and {@linkcode hashTree}. */
export interface HashOptions {
  /** Stops the work: the call rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called after each read with the bytes done so far. */
  onProgress?: (progress: HashProgress) => void;
  /** Size of each read, in bytes (two buffers of this size are used). @default 4 MiB */
  bufferSize?: number;
}

/** The default read size: 4 MiB measured fastest here (see scripts/bench/verify_speed.ts). */
export const DEFAULT_BUFFER_SIZE: number = 4 << 20;

/** Several digests fed with the same bytes. */
export class MultiHash<A extends HashAlgorithm = HashAlgorithm> {
  readonly #hashes: [A, Hash][];

  /**
   * Starts a digest for each of `algorithms`.
   *
   * @throws {TypeError} for an empty list or an unknown algorithm.
   */
  constructor(algorithms: readonly A[]) {
    const unique = [...new Set(algorithms)];
    if (unique.length === 0) {
      throw new TypeError(`No hash algorithm given: ask for one or more of ${HASH_ALGORITHMS}`);
    }
    for (const algorithm of unique) {
      if (!(HASH_ALGORITHMS as readonly string[]).includes(algorithm)) {
        throw new TypeError(
          `Unknown hash algorithm '${algorithm}': use one of ${HASH_ALGORITHMS.join(", ")}`,
        );
      }
    }
    this.#hashes = unique.map((algorithm) => [algorithm, createHash(algorithm)]);
  }

  /** Feeds `bytes` to every digest. */
  update(bytes: Uint8Array): void {
    for (const [, hash] of this.#hashes) hash.update(bytes);
  }

  /** The lower-case hex digests; the object cannot be used afterwards. */
  digest(): Digests<A> {
    return Object.fromEntries(
      this.#hashes.map(([algorithm, hash]) => [algorithm, hash.digest("hex")]),
    ) as Digests<A>;
  }
}

async function fill(file: Deno.FsFile, buffer: Uint8Array): Promise<number> {
  let filled = 0;
  while (filled < buffer.length) {
    const read = await file.read(buffer.subarray(filled));
    if (read === null) break;
    filled += read;
  }
  return filled;
}

/** Two read buffers, reused across files. */
export class FileReader {
  readonly #size: number;
  #buffers: [Uint8Array, Uint8Array] | undefined;

  /** Prepares reads of `bufferSize` bytes (buffers are allocated on first use). */
  constructor(bufferSize: number = DEFAULT_BUFFER_SIZE) {
    if (!Number.isSafeInteger(bufferSize) || bufferSize < 1) {
      throw new RangeError(`Buffer size ${bufferSize} is not a positive whole number of bytes`);
    }
    this.#size = bufferSize;
  }

  #buffersFor(expectedSize: number): [Uint8Array, Uint8Array] {
    if (this.#buffers) return this.#buffers;
    // A small file gets small buffers; a file that grows still reads to its end.
    const size = Math.min(this.#size, Math.max(expectedSize + 1, 4096));
    const buffers: [Uint8Array, Uint8Array] = [new Uint8Array(size), new Uint8Array(size)];
    if (size === this.#size) this.#buffers = buffers;
    return buffers;
  }

  /**
   * Reads the file at `path` to its end, passing each chunk to `onChunk`
   * (valid only during the call), and returns the number of bytes read. The
   * next read runs while `onChunk` works on the current chunk.
   */
  async read(
    path: string,
    expectedSize: number,
    onChunk: (chunk: Uint8Array) => void,
    signal?: AbortSignal,
  ): Promise<number> {
    signal?.throwIfAborted();
    const buffers = this.#buffersFor(expectedSize);
    const size = buffers[0].length;
    using file = await Deno.open(path, { read: true });
    let index = 0;
    let total = 0;
    let pending = fill(file, buffers[0]);
    try {
      for (;;) {
        const count = await pending;
        if (count === 0) break;
        const current = buffers[index]!;
        index ^= 1;
        pending = count < size ? Promise.resolve(0) : fill(file, buffers[index]!);
        signal?.throwIfAborted();
        onChunk(current.subarray(0, count));
        total += count;
      }
    } finally {
      await pending.catch(() => 0);
    }
    return total;
  }
}

/**
 * Hashes the file at `path` with each of `algorithms`, in one read pass.
 *
 * @example MD5 and SHA-256 of a file
 * ```ts ignore
 * const { md5, sha256 } = await hashFile("data.zip", ["md5", "sha256"]);
 * ```
 *
 * @param path The file (a symlink given here is followed).
 * @param algorithms One or more of {@linkcode HASH_ALGORITHMS}.
 * @param options Cancellation, progress and read size.
 * @returns Lower-case hex digests keyed by algorithm.
 * @throws {TypeError} when `path` is not a regular file.
 */
export async function hashFile<A extends HashAlgorithm>(
  path: string,
  algorithms: readonly A[],
  options: HashOptions = {},
): Promise<Digests<A>> {
  const hash = new MultiHash(algorithms);
  const info = await Deno.stat(path);
  if (!info.isFile) {
    throw new InvalidInputError(
      `'${path}' is not a regular file: give a file, or use hashTree() for a folder`,
      { status: 422, code: "unsupported-file" },
    );
  }
  const reader = new FileReader(options.bufferSize);
  let done = 0;
  await reader.read(path, info.size, (chunk) => {
    hash.update(chunk);
    done += chunk.length;
    options.onProgress?.({ bytesDone: done, bytesTotal: info.size, path });
  }, options.signal);
  return hash.digest();
}

/**
 * Hashes everything `stream` yields with each of `algorithms` (e.g. a download
 * as it arrives). The stream is consumed.
 *
 * @example
 * ```ts ignore
 * const { sha256 } = await hashStream((await fetch(url)).body!, ["sha256"]);
 * ```
 *
 * @param stream The bytes to hash.
 * @param algorithms One or more of {@linkcode HASH_ALGORITHMS}.
 * @param options Cancellation and progress (`bytesTotal` is 0: unknown); `bufferSize` is unused.
 * @returns Lower-case hex digests keyed by algorithm.
 */
export async function hashStream<A extends HashAlgorithm>(
  stream: ReadableStream<Uint8Array>,
  algorithms: readonly A[],
  options: HashOptions = {},
): Promise<Digests<A>> {
  const hash = new MultiHash(algorithms);
  let done = 0;
  for await (const chunk of stream) {
    options.signal?.throwIfAborted();
    hash.update(chunk);
    done += chunk.length;
    options.onProgress?.({ bytesDone: done, bytesTotal: 0, path: "" });
  }
  return hash.digest();
}

/** The digests of one file of a folder. */
export interface FileDigests<A extends HashAlgorithm = HashAlgorithm> {
  /** Path relative to the folder, with `/` separators. */
  path: string;
  /** Size in bytes. */
  size: number;
  /** Lower-case hex digests keyed by algorithm. */
  digests: Digests<A>;
}

/**
 * Hashes every regular file below `dir`, each on its own. Files come in the
 * order of {@linkcode listTree} (byte-wise order of their UTF-8 relative
 * paths); empty folders do not appear; a symlink or special file anywhere
 * below `dir` is refused, never followed.
 *
 * @example
 * ```ts ignore
 * for (const f of await hashTree("dataset/", ["sha256"])) console.log(f.digests.sha256, f.path);
 * ```
 *
 * @param dir The folder.
 * @param algorithms One or more of {@linkcode HASH_ALGORITHMS}.
 * @param options Cancellation, progress (over all files) and read size.
 * @returns One entry per file, sorted by path.
 * @throws {TreeEntryError} for a symlink or special file below `dir`.
 */
export async function hashTree<A extends HashAlgorithm>(
  dir: string,
  algorithms: readonly A[],
  options: HashOptions = {},
): Promise<FileDigests<A>[]> {
  new MultiHash(algorithms); // checks the algorithms before walking
  const entries = await listTree(dir);
  const total = entries.reduce((sum, e) => sum + e.size, 0);
  const reader = new FileReader(options.bufferSize);
  const out: FileDigests<A>[] = [];
  let done = 0;
  for (const entry of entries) {
    const hash = new MultiHash(algorithms);
    const size = await reader.read(entry.absolutePath, entry.size, (chunk) => {
      hash.update(chunk);
      done += chunk.length;
      options.onProgress?.({ bytesDone: done, bytesTotal: total, path: entry.path });
    }, options.signal);
    out.push({ path: entry.path, size, digests: hash.digest() });
  }
  return out;
}
