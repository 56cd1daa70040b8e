/**
 * Sizes written by people: `1048576`, `500M`, `2G`, `1.5GiB`.
 *
 * @module
 */
import { InvalidInputError } from "../errors/invalid_input.ts";

const SCALE = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 } as const;

/** Options of {@linkcode parseByteSize}. */
export interface ParseByteSizeOptions {
  /** Accept `0`. @default false */
  allowZero?: boolean;
}

/**
 * Parses a size such as `1048576`, `500M`, `2G` or `1.5GiB` (powers of 1024).
 *
 * @param text The size.
 * @param options Whether 0 is a size.
 * @returns The size in bytes.
 * @throws {InvalidInputError} When it is not a positive size (or 0, with `allowZero`).
 *
 * @example
 * ```ts
 * import { parseByteSize } from "./byte_size.ts";
 * parseByteSize("500M"); // 524288000
 * ```
 */
export function parseByteSize(text: string, options: ParseByteSizeOptions = {}): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  const bytes = match
    ? Math.floor(Number(match[1]) * SCALE[match[2]!.toLowerCase() as keyof typeof SCALE])
    : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 0 || (bytes === 0 && !options.allowZero)) {
    throw new InvalidInputError(
      `Size '${text}' is not a positive size: write e.g. 1048576, 500M or 2G`,
    );
  }
  return bytes;
}
