/**
 * Byte helpers shared by the indexes: bounded reads of streams, hex digests,
 * equality.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { OwmRangeError } from "../errors/owm_error.ts";

/** A stream of byte chunks: a Web stream or a Node readable. */
export type ByteSource = AsyncIterable<Uint8Array | string>;

/** Thrown by {@linkcode readLimited} when the stream holds more than the limit. */
export class TooLargeError extends OwmRangeError {
  /** The error's code: `response-too-large`. */
  override readonly code: string = "response-too-large";
  /** The limit that was passed. */
  readonly maxBytes: number;
  /** Creates the error. */
  constructor(maxBytes: number) {
    super(`More than ${maxBytes} bytes`);
    this.name = "TooLargeError";
    this.maxBytes = maxBytes;
  }
}

/**
 * Reads all of `source` into one array, refusing more than `maxBytes`: the
 * stream is cancelled as soon as the limit is passed, so memory stays bounded.
 *
 * @throws {TooLargeError} when the stream holds more than `maxBytes`
 */
export async function readLimited(source: ByteSource, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const encoder = new TextEncoder();
  // Breaking out of for-await cancels a Web stream and destroys a Node stream.
  for await (const piece of source) {
    const chunk = typeof piece === "string" ? encoder.encode(piece) : piece;
    total += chunk.byteLength;
    if (total > maxBytes) throw new TooLargeError(maxBytes);
    chunks.push(chunk);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Lower-case hex SHA-256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Lower-case hex MD5 of `bytes`. */
export function md5Hex(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

/** Whether two byte arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks a `maxBytes` option: a non-negative safe integer. */
export function checkMaxBytes(maxBytes: number): number {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new RangeError(
      `Invalid maxBytes ${maxBytes}: give a non-negative whole number of bytes`,
    );
  }
  return maxBytes;
}
