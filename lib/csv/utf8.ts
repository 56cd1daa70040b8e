/**
 * UTF-8 at chunk boundaries: where a chunk's last complete character ends, and
 * where the first byte that is not UTF-8 is (the WHATWG decoder's rules), so
 * that a file read in pieces can be decoded strictly and a bad byte located.
 *
 * @module
 */

/**
 * The length of `bytes` without an incomplete multi-byte sequence at its end
 * (at most 3 bytes are held back), so the rest can be decoded on its own.
 *
 * @example
 * ```ts
 * import { completeLength } from "./utf8.ts";
 * console.log(completeLength(new Uint8Array([0x41, 0xc3]))); // 1: "A", then half of "é"
 * ```
 */
export function completeLength(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = bytes[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > back ? n - back : n;
  }
  return n;
}

/**
 * The index of the first byte of `bytes` that does not start a valid UTF-8
 * sequence (overlong forms, surrogates, code points above U+10FFFF and a
 * sequence cut short by the end all count), or -1 when every byte is valid.
 *
 * @example
 * ```ts
 * import { firstInvalidUtf8 } from "./utf8.ts";
 * console.log(firstInvalidUtf8(new Uint8Array([0x41, 0xe9, 0x42]))); // 1 (Latin-1 "é")
 * ```
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < lo || c > hi) return i;
      lo = 0x80;
      hi = 0xbf;
    }
    i += need + 1;
  }
  return -1;
}
