/**
 * Safe local paths for the files named in a `.torrent`.
 *
 * A torrent's file names come from whoever made it. Before anything is
 * written, each path component is sanitised ({@linkcode sanitizePathComponent}),
 * whole paths are made unique across the torrent ({@linkcode resolveCollisions}),
 * and every writer joins through {@linkcode confinedJoin}, which throws when a
 * path would leave the download directory.
 *
 * @module
 */

/** The longest path component, in UTF-8 bytes, that common file systems accept. */
export const MAX_COMPONENT_BYTES = 255;

// Characters that change the writing direction (used to disguise extensions).
const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// Separators, control characters, characters Windows refuses, and U+FFFD
// (what invalid UTF-8 decodes to).
// deno-lint-ignore no-control-regex
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f<>:"|?*\\/\ufffd]/g;
const TRAILING_DOTS_AND_SPACES = /[. ]+$/;
const RESERVED_WINDOWS_NAMES = new Set([
  "con",
  "prn",
  "aux",
  "nul",
  "clock$",
  "conin$",
  "conout$",
  ...Array.from({ length: 10 }, (_, i) => `com${i}`),
  ...Array.from({ length: 10 }, (_, i) => `lpt${i}`),
  "com¹",
  "com²",
  "com³",
  "lpt¹",
  "lpt²",
  "lpt³",
]);
const MAX_EXTENSION_BYTES = 32;
const utf8 = new TextEncoder();

function byteLength(text: string): number {
  return utf8.encode(text).length;
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a code point. */
function truncateBytes(text: string, maxBytes: number): string {
  let bytes = 0;
  let out = "";
  for (const char of text) {
    const size = byteLength(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    out += char;
  }
  return out;
}

/** Splits `name` into stem and extension (`"a.tar.gz"` -> `["a.tar", ".gz"]`); a leading dot is no extension. */
function splitExtension(name: string): [string, string] {
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return [name, ""];
  return [name.slice(0, dot), name.slice(dot)];
}

/** Joins `stem` + `suffix` + `ext`, shortening the stem so the whole fits in 255 bytes. */
function fitComponent(stem: string, suffix: string, ext: string): string {
  if (byteLength(ext) > MAX_EXTENSION_BYTES) {
    stem += ext;
    ext = "";
  }
  const room = MAX_COMPONENT_BYTES - byteLength(suffix) - byteLength(ext);
  const short = byteLength(stem) > room ? truncateBytes(stem, room) : stem;
  return (short === "" && suffix === "" && ext === "" ? "_" : short) + suffix + ext;
}

/**
 * Makes one path component from a torrent safe to use as a file or directory
 * name on Linux, macOS and Windows.
 *
 * - `"."` and `".."` are dropped (the result is `""`);
 * - writing-direction controls are removed; `/`, `\`, control characters,
 *   `< > : " | ? *` and U+FFFD (invalid UTF-8) become `_`, so a component can
 *   be neither absolute nor a drive letter (`C:` becomes `C_`);
 * - trailing dots and spaces are removed; an empty result becomes `_`;
 * - reserved Windows device names (`CON`, `NUL`, `COM1`, `LPT1.txt`, …) get a
 *   `_` prefix;
 * - a component longer than 255 UTF-8 bytes is shortened, keeping its extension.
 *
 * @param raw One element of a torrent `path` list (or its `name`), decoded as UTF-8.
 * @returns The safe component, or `""` when the component must be dropped.
 *
 * @example
 * ```ts
 * import { sanitizePathComponent } from "./paths.ts";
 *
 * sanitizePathComponent("..");            // ""
 * sanitizePathComponent("C:\\x");         // "C__x"
 * sanitizePathComponent("nul.txt");       // "_nul.txt"
 * sanitizePathComponent("report .");      // "report"
 * ```
 */
export function sanitizePathComponent(raw: string): string {
  let name = raw.replace(BIDI_CONTROLS, "");
  if (name === "." || name === "..") return "";
  name = name.replace(UNSAFE_CHARACTERS, "_").replace(TRAILING_DOTS_AND_SPACES, "");
  if (name === "") return "_";
  const device = name.split(".")[0]!.trimEnd().toLowerCase();
  if (RESERVED_WINDOWS_NAMES.has(device)) name = `_${name}`;
  if (byteLength(name) > MAX_COMPONENT_BYTES) {
    const [stem, ext] = splitExtension(name);
    name = fitComponent(stem, "", ext).replace(TRAILING_DOTS_AND_SPACES, "") || "_";
  }
  return name;
}

/**
 * Sanitises a torrent file's path (its list of components) with
 * {@linkcode sanitizePathComponent}, dropping `.` and `..`.
 *
 * @param parts The raw components, decoded as UTF-8.
 * @returns Safe, non-empty components (`["_"]` when nothing usable is left).
 *
 * @example
 * ```ts
 * import { sanitizeTorrentPath } from "./paths.ts";
 *
 * sanitizeTorrentPath(["..", "..", "etc", "passwd"]); // ["etc", "passwd"]
 * sanitizeTorrentPath(["/", "", "bar"]);               // ["_", "_", "bar"]
 * ```
 */
export function sanitizeTorrentPath(parts: readonly string[]): string[] {
  const out = parts.map(sanitizePathComponent).filter((part) => part !== "");
  return out.length > 0 ? out : ["_"];
}

/** Options for {@linkcode resolveCollisions}. */
export interface ResolveCollisionsOptions {
  /**
   * Entries to leave out of collision handling (pad files, which are never
   * written); their paths are returned unchanged.
   */
  skip?: readonly boolean[];
  /**
   * How many taken candidate names may be tried in total before giving up,
   * as libtorrent does against torrents built to make renaming quadratic.
   *
   * @default {1000}
   */
  maxProbes?: number;
}

function collisionKey(parts: readonly string[]): string {
  return parts.join("/").normalize("NFC").toLowerCase();
}

/**
 * Renames paths so that no two entries, and no entry and a directory, share
 * a name, comparing case-insensitively after Unicode NFC normalisation (as
 * macOS and Windows do). A later duplicate `dir/name.ext` becomes
 * `dir/name.1.ext`, then `dir/name.2.ext`, …; a file whose path is also a
 * directory of another entry is renamed the same way.
 *
 * @param paths Sanitised paths (component lists), in torrent order.
 * @param options See {@linkcode ResolveCollisionsOptions}.
 * @returns Unique paths, in the same order.
 * @throws {RangeError} When more than `maxProbes` candidate names were taken.
 *
 * @example
 * ```ts
 * import { resolveCollisions } from "./paths.ts";
 *
 * resolveCollisions([["a", "b.txt"], ["a", "B.txt"], ["a"]]);
 * // [["a", "b.txt"], ["a", "B.1.txt"], ["a.1"]]
 * ```
 */
export function resolveCollisions(
  paths: readonly (readonly string[])[],
  options: ResolveCollisionsOptions = {},
): string[][] {
  const skip = options.skip ?? [];
  const maxProbes = options.maxProbes ?? 1000;
  const taken = new Set<string>();
  paths.forEach((parts, i) => {
    if (skip[i]) return;
    for (let n = 1; n < parts.length; n++) taken.add(collisionKey(parts.slice(0, n)));
  });
  let probes = 0;
  return paths.map((parts, i) => {
    if (skip[i] || !taken.has(collisionKey(parts))) {
      if (!skip[i]) taken.add(collisionKey(parts));
      return [...parts];
    }
    const dir = parts.slice(0, -1);
    const [stem, ext] = splitExtension(parts[parts.length - 1]!);
    for (let count = 1;; count++) {
      const candidate = [...dir, fitComponent(stem, `.${count}`, ext)];
      const key = collisionKey(candidate);
      if (!taken.has(key)) {
        taken.add(key);
        return candidate;
      }
      if (++probes > maxProbes) {
        throw new RangeError(
          `Too many duplicate file names (more than ${maxProbes} renaming attempts, the last for '${
            parts.join("/")
          }')`,
        );
      }
    }
  });
}
