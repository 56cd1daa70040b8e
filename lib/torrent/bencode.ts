/**
 * A strict bencode decoder and encoder for untrusted input (BEP 3).
 *
 * The decoder returns a tree of {@linkcode BencodeNode}s that keep their byte
 * range, so that a caller can hash the exact bytes of a sub-value (the `info`
 * dictionary of a `.torrent`). It refuses, with a {@linkcode BencodeError}
 * that names the byte offset: nesting deeper than a limit, string lengths
 * beyond the remaining bytes, integers with leading zeros, `-0`, no digits or
 * outside the signed 64-bit range, non-string or duplicate dictionary keys,
 * and anything after the top-level value. Unsorted dictionary keys are
 * accepted (libtorrent accepts them too) and reported by the node's `sorted`
 * flag, unless {@linkcode DecodeBencodeOptions.requireSortedKeys} is set.
 *
 * @module
 */
import { OwmSyntaxError } from "../errors/owm_error.ts";

/** Bencoded input that is not valid, with the byte offset at fault. */
export class BencodeError extends OwmSyntaxError {
  /** The error's code: `bencode`. */
  override readonly code: string = "bencode";
  /** The byte offset in the input where the problem was found. */
  readonly offset: number;
  /** Creates the error for the problem `detail` at byte `offset`. */
  constructor(detail: string, offset: number, options?: ErrorOptions) {
    super(`Invalid bencoding at byte ${offset}: ${detail}`, options);
    this.name = "BencodeError";
    this.offset = offset;
  }
}

/** Where a decoded value lies in the input. */
export interface BencodeRange {
  /** Offset of the value's first byte. */
  readonly start: number;
  /** Offset just past the value's last byte. */
  readonly end: number;
}

/** A bencoded integer, as a bigint (its range is signed 64-bit). */
export interface BencodeInteger extends BencodeRange {
  /** The kind of node. */
  readonly type: "integer";
  /** The value. */
  readonly value: bigint;
}

/** A bencoded byte string (a view into the input, not a copy). */
export interface BencodeString extends BencodeRange {
  /** The kind of node. */
  readonly type: "string";
  /** The bytes. */
  readonly value: Uint8Array;
}

/** A bencoded list. */
export interface BencodeList extends BencodeRange {
  /** The kind of node. */
  readonly type: "list";
  /** The items in order. */
  readonly value: readonly BencodeNode[];
}

/**
 * A bencoded dictionary. Keys are byte strings mapped one byte to one UTF-16
 * code unit (latin1), so that distinct keys stay distinct; ASCII keys such as
 * `"piece length"` read as themselves.
 */
export interface BencodeDictionary extends BencodeRange {
  /** The kind of node. */
  readonly type: "dictionary";
  /** The entries in input order. */
  readonly value: ReadonlyMap<string, BencodeNode>;
  /** Whether the keys were in strictly ascending byte order, as BEP 3 asks. */
  readonly sorted: boolean;
}

/** A decoded bencode value with its byte range in the input. */
export type BencodeNode = BencodeInteger | BencodeString | BencodeList | BencodeDictionary;

/** Options for {@linkcode decodeBencode}. */
export interface DecodeBencodeOptions {
  /**
   * The deepest nesting of lists and dictionaries accepted.
   *
   * @default {100}
   */
  maxDepth?: number;
  /**
   * Refuse dictionaries whose keys are not in ascending byte order.
   *
   * @default {false}
   */
  requireSortedKeys?: boolean;
}

const I = 0x69, L = 0x6c, D = 0x64, E = 0x65, COLON = 0x3a, MINUS = 0x2d, ZERO = 0x30;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const latin1 = new TextDecoder("latin1");

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= ZERO && byte <= ZERO + 9;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

class Decoder {
  #pos = 0;
  readonly #bytes: Uint8Array;
  readonly #maxDepth: number;
  readonly #requireSorted: boolean;

  constructor(bytes: Uint8Array, options: DecodeBencodeOptions) {
    this.#bytes = bytes;
    this.#maxDepth = options.maxDepth ?? 100;
    this.#requireSorted = options.requireSortedKeys ?? false;
  }

  decodeAll(): BencodeNode {
    if (this.#bytes.length === 0) throw new BencodeError("the input is empty", 0);
    const node = this.#value(0);
    if (this.#pos !== this.#bytes.length) {
      throw new BencodeError(
        `${this.#bytes.length - this.#pos} unexpected bytes after the value`,
        this.#pos,
      );
    }
    return node;
  }

  #value(depth: number): BencodeNode {
    const byte = this.#bytes[this.#pos];
    if (byte === I) return this.#integer();
    if (isDigit(byte)) return this.#string();
    if (byte === L || byte === D) {
      if (depth >= this.#maxDepth) {
        throw new BencodeError(`nesting deeper than ${this.#maxDepth} levels`, this.#pos);
      }
      return byte === L ? this.#list(depth + 1) : this.#dictionary(depth + 1);
    }
    if (byte === undefined) throw new BencodeError("the input ends inside a value", this.#pos);
    throw new BencodeError(`unexpected byte 0x${byte.toString(16).padStart(2, "0")}`, this.#pos);
  }

  /** Reads digits up to `terminator`; returns them as text. */
  #digits(terminator: number, what: string, maxDigits: number): string {
    const start = this.#pos;
    while (isDigit(this.#bytes[this.#pos])) this.#pos++;
    const count = this.#pos - start;
    if (this.#bytes[this.#pos] !== terminator) {
      throw new BencodeError(
        this.#pos >= this.#bytes.length
          ? `the input ends inside ${what}`
          : `unexpected byte in ${what}`,
        this.#pos,
      );
    }
    if (count === 0) throw new BencodeError(`${what} has no digits`, start);
    if (count > 1 && this.#bytes[start] === ZERO) {
      throw new BencodeError(`${what} has a leading zero`, start);
    }
    if (count > maxDigits) throw new BencodeError(`${what} is too long`, start);
    return latin1.decode(this.#bytes.subarray(start, this.#pos));
  }

  #integer(): BencodeInteger {
    const start = this.#pos++;
    const negative = this.#bytes[this.#pos] === MINUS;
    if (negative) this.#pos++;
    const text = this.#digits(E, "an integer", 19);
    this.#pos++;
    if (negative && text === "0") throw new BencodeError("an integer is -0", start);
    const value = negative ? -BigInt(text) : BigInt(text);
    if (value > INT64_MAX || value < INT64_MIN) {
      throw new BencodeError("an integer is outside the signed 64-bit range", start);
    }
    return { type: "integer", value, start, end: this.#pos };
  }

  #string(): BencodeString {
    const start = this.#pos;
    const length = Number(this.#digits(COLON, "a string length", 16));
    this.#pos++;
    const remaining = this.#bytes.length - this.#pos;
    if (length > remaining) {
      throw new BencodeError(
        `a string of ${length} bytes is longer than the ${remaining} bytes left`,
        start,
      );
    }
    const value = this.#bytes.subarray(this.#pos, this.#pos + length);
    this.#pos += length;
    return { type: "string", value, start, end: this.#pos };
  }

  #list(depth: number): BencodeList {
    const start = this.#pos++;
    const items: BencodeNode[] = [];
    while (this.#bytes[this.#pos] !== E) items.push(this.#value(depth));
    this.#pos++;
    return { type: "list", value: items, start, end: this.#pos };
  }

  #dictionary(depth: number): BencodeDictionary {
    const start = this.#pos++;
    const entries = new Map<string, BencodeNode>();
    let sorted = true;
    let previous: Uint8Array | undefined;
    while (this.#bytes[this.#pos] !== E) {
      const keyAt = this.#pos;
      if (!isDigit(this.#bytes[keyAt])) {
        if (keyAt >= this.#bytes.length) {
          throw new BencodeError("the input ends inside a dictionary", keyAt);
        }
        throw new BencodeError("a dictionary key is not a string", keyAt);
      }
      const key = this.#string().value;
      const name = latin1.decode(key);
      if (entries.has(name)) throw new BencodeError(`duplicate dictionary key '${name}'`, keyAt);
      if (previous !== undefined && compareBytes(previous, key) > 0) {
        if (this.#requireSorted) {
          throw new BencodeError(`dictionary key '${name}' is out of order`, keyAt);
        }
        sorted = false;
      }
      previous = key;
      entries.set(name, this.#value(depth));
    }
    this.#pos++;
    return { type: "dictionary", value: entries, sorted, start, end: this.#pos };
  }
}

/**
 * Decodes one bencoded value that must fill `bytes` exactly.
 *
 * @param bytes The bencoded input (untrusted).
 * @param options Limits; see {@linkcode DecodeBencodeOptions}.
 * @returns The value as a node tree with byte ranges; strings are views into `bytes`.
 * @throws {BencodeError} When the input is not strictly valid bencode.
 *
 * @example Find the bytes of a dictionary entry
 * ```ts
 * import { decodeBencode } from "./bencode.ts";
 *
 * const bytes = new TextEncoder().encode("d4:infod4:name1:aee");
 * const root = decodeBencode(bytes);
 * if (root.type !== "dictionary") throw new Error("not a dictionary");
 * const info = root.value.get("info")!;
 * console.log(new TextDecoder().decode(bytes.subarray(info.start, info.end))); // "d4:name1:ae"
 * ```
 */
export function decodeBencode(bytes: Uint8Array, options: DecodeBencodeOptions = {}): BencodeNode {
  return new Decoder(bytes, options).decodeAll();
}

/**
 * A value that {@linkcode encodeBencode} accepts: integers (safe-integer
 * numbers or bigints), strings (encoded as UTF-8), bytes, lists, and
 * dictionaries as Maps or plain objects (entries whose value is `undefined`
 * are left out).
 */
export type BencodeInput =
  | number
  | bigint
  | string
  | Uint8Array
  | readonly BencodeInput[]
  | ReadonlyMap<string, BencodeInput>
  | { readonly [key: string]: BencodeInput | undefined };

const utf8 = new TextEncoder();

function encodeInto(value: BencodeInput, out: Uint8Array[], depth: number): void {
  if (depth > 1000) throw new RangeError("Cannot bencode a value nested deeper than 1000 levels");
  if (typeof value === "number" || typeof value === "bigint") {
    if (typeof value === "number" && !Number.isSafeInteger(value)) {
      throw new RangeError(`Cannot bencode the number ${value}: use a safe integer or a bigint`);
    }
    out.push(utf8.encode(`i${value}e`));
  } else if (typeof value === "string") {
    const bytes = utf8.encode(value);
    out.push(utf8.encode(`${bytes.length}:`), bytes);
  } else if (value instanceof Uint8Array) {
    out.push(utf8.encode(`${value.length}:`), value);
  } else if (Array.isArray(value)) {
    out.push(utf8.encode("l"));
    for (const item of value as readonly BencodeInput[]) encodeInto(item, out, depth + 1);
    out.push(utf8.encode("e"));
  } else {
    const entries = value instanceof Map
      ? [...(value as ReadonlyMap<string, BencodeInput>)]
      : Object.entries(value as { [key: string]: BencodeInput | undefined });
    const keyed = entries
      .filter((entry): entry is [string, BencodeInput] => entry[1] !== undefined)
      .map(([key, item]) => ({ key: utf8.encode(key), item }))
      .sort((a, b) => compareBytes(a.key, b.key));
    out.push(utf8.encode("d"));
    for (const { key, item } of keyed) {
      out.push(utf8.encode(`${key.length}:`), key);
      encodeInto(item, out, depth + 1);
    }
    out.push(utf8.encode("e"));
  }
}

/**
 * Encodes `value` as canonical bencode: dictionary keys in ascending byte order.
 *
 * @param value The value to encode.
 * @returns The bencoded bytes.
 * @throws {RangeError} For a number that is not a safe integer, or absurd nesting.
 *
 * @example
 * ```ts
 * import { encodeBencode } from "./bencode.ts";
 *
 * const bytes = encodeBencode({ name: "a", length: 3 });
 * console.log(new TextDecoder().decode(bytes)); // "d6:lengthi3e4:name1:ae"
 * ```
 */
export function encodeBencode(value: BencodeInput): Uint8Array {
  const chunks: Uint8Array[] = [];
  encodeInto(value, chunks, 0);
  let size = 0;
  for (const chunk of chunks) size += chunk.length;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
