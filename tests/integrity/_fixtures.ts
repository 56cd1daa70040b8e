/**
 * Temporary folders and reference digests for the integrity tests.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { encodeBencode } from "../../lib/torrent/bencode.ts";

/** Known digests of "" and "abc" (RFC 1321, FIPS 180-2). */
export const VECTORS = {
  empty: {
    md5: "d41d8cd98f00b204e9800998ecf8427e",
    sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    sha512:
      "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
  },
  abc: {
    md5: "900150983cd24fb0d6963f7d28e17f72",
    sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    sha512:
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
  },
} as const;

/** Runs `fn` with a new temporary folder, removed afterwards. */
export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "owm-integrity-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Writes `files` (relative '/'-paths to contents) below `dir`, in the given order. */
export async function writeTree(
  dir: string,
  files: Record<string, string | Uint8Array>,
): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, ...path.split("/"));
    await Deno.mkdir(dirname(full), { recursive: true });
    if (typeof content === "string") await Deno.writeTextFile(full, content);
    else await Deno.writeFile(full, content);
  }
}

/** One-shot digest of `bytes`, as the reference. */
export function digestOf(algorithm: string, ...parts: (string | Uint8Array)[]): string {
  const hash = createHash(algorithm);
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
}

/** `size` pseudo-random bytes from `seed` (xorshift32): fast and reproducible. */
export function pseudoRandomBytes(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * A v1 `.torrent` for `files` (relative '/'-paths to contents, in torrent
 * order) under the name `name`; a single file when `files` is one entry whose
 * path is `name`.
 */
export function makeTorrent(
  name: string,
  files: Record<string, string | Uint8Array>,
  pieceLength = 16_384,
): Uint8Array {
  const encoder = new TextEncoder();
  const list = Object.entries(files).map(([path, content]) => ({
    path,
    bytes: typeof content === "string" ? encoder.encode(content) : content,
  }));
  const total = list.reduce((sum, f) => sum + f.bytes.length, 0);
  const stream = new Uint8Array(total);
  let at = 0;
  for (const f of list) {
    stream.set(f.bytes, at);
    at += f.bytes.length;
  }
  const pieces = new Uint8Array(Math.ceil(total / pieceLength) * 20);
  for (let i = 0; i * pieceLength < total; i++) {
    const hash = createHash("sha1").update(stream.subarray(i * pieceLength, (i + 1) * pieceLength));
    pieces.set(hash.digest(), i * 20);
  }
  const single = list.length === 1 && list[0]!.path === name;
  const info = single ? { name, length: total, "piece length": pieceLength, pieces } : {
    name,
    "piece length": pieceLength,
    pieces,
    files: list.map((f) => ({ length: f.bytes.length, path: f.path.split("/") })),
  };
  return encodeBencode({ info });
}
