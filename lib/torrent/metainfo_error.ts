/**
 * The error for a `.torrent` file that cannot be used.
 *
 * @module
 */
import { OwmError } from "../errors/owm_error.ts";

/**
 * Why a `.torrent` file was refused:
 * - `bencode`: not valid bencode (see the `cause`), or unsorted keys in a v2 info dictionary;
 * - `too-large`: the file is larger than the limit;
 * - `not-a-dictionary`: the top-level value is not a dictionary;
 * - `missing-info`: no `info` dictionary;
 * - `unsupported-version`: a `meta version` other than 1 or 2;
 * - `v2-only-unsupported`: a BitTorrent v2-only torrent (hybrid v1+v2 ones load);
 * - `bad-piece-length`: `piece length` missing, not a positive integer, or too large;
 * - `bad-name`: `name` missing or not a string;
 * - `bad-file`: a `files` entry that is not a dictionary, or `files` not a list;
 * - `bad-file-size`: a length missing, negative, not an integer, or too large;
 * - `bad-path`: a `path` missing, empty, or holding something other than strings;
 * - `no-files`: an empty `files` list;
 * - `empty-torrent`: the files hold no bytes at all;
 * - `too-many-pieces`: more pieces than the limit;
 * - `bad-pieces`: `pieces` missing, or not 20 bytes per piece;
 * - `bad-file-tree`: the v2 `file tree` of a hybrid torrent is malformed;
 * - `inconsistent-files`: the v1 and v2 file lists of a hybrid torrent disagree;
 * - `too-many-duplicates`: too many files with the same name.
 */
export type MetainfoErrorCode =
  | "bencode"
  | "too-large"
  | "not-a-dictionary"
  | "missing-info"
  | "unsupported-version"
  | "v2-only-unsupported"
  | "bad-piece-length"
  | "bad-name"
  | "bad-file"
  | "bad-file-size"
  | "bad-path"
  | "no-files"
  | "empty-torrent"
  | "too-many-pieces"
  | "bad-pieces"
  | "bad-file-tree"
  | "inconsistent-files"
  | "too-many-duplicates";

// Control and writing-direction characters (a torrent's own text may hold any);
// escaped so the message stays one printable line.
// deno-lint-ignore no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with control characters written as `\u{…}` escapes. */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/**
 * A `.torrent` file that is malformed, hostile or unsupported. The message is
 * one line; `code` says which rule it broke.
 *
 * @example
 * ```ts
 * import { MetainfoError, parseMetainfo } from "./metainfo.ts";
 *
 * try {
 *   parseMetainfo(new TextEncoder().encode("10:libtorrent"));
 * } catch (error) {
 *   if (error instanceof MetainfoError) console.log(error.code); // "not-a-dictionary"
 * }
 * ```
 */
export class MetainfoError extends OwmError {
  /** Which rule the torrent broke. */
  declare readonly code: MetainfoErrorCode;
  /** Creates the error. */
  constructor(code: MetainfoErrorCode, message: string, options?: ErrorOptions) {
    super(escapeControls(message), options);
    this.name = "MetainfoError";
    this.code = code;
  }
}
