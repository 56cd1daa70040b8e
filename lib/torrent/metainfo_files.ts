/**
 * The file list of a `.torrent` info dictionary: the v1 `length` / `files`
 * form, and the consistency of a hybrid torrent's v2 `file tree` with it.
 * Internal to {@linkcode parseMetainfo}; paths here are still raw.
 *
 * @module
 */
import type { BencodeDictionary, BencodeNode } from "./bencode.ts";
import { MetainfoError } from "./metainfo_error.ts";

/** The largest file, and the largest torrent, accepted: 2^48 - 1 bytes (as libtorrent). */
export const MAX_TORRENT_BYTES = 2 ** 48 - 1;

const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder("utf-8");

/** One v1 file entry before sanitising. */
export interface RawFile {
  /** Path components, decoded as UTF-8 (lossy), without the torrent name. */
  readonly parts: string[];
  /** The same components as bytes mapped to latin1 (exact), for comparing with a v2 tree. */
  readonly exactParts: string[];
  /** Length in bytes (0 for a symbolic link). */
  readonly length: number;
  /** BEP 47 pad file. */
  readonly pad: boolean;
  /** BEP 47 symbolic link target components (UTF-8), when the entry is a link. */
  readonly symlink: string[] | undefined;
}

/** Decodes a bencoded byte string as UTF-8, replacing invalid sequences with U+FFFD. */
export function text(node: BencodeNode): string {
  return node.type === "string" ? utf8.decode(node.value) : "";
}

/** Reads an integer entry in [min, max], or returns undefined. */
export function intIn(node: BencodeNode | undefined, min: number, max: number): number | undefined {
  if (node?.type !== "integer") return undefined;
  if (node.value < BigInt(min) || node.value > BigInt(max)) return undefined;
  return Number(node.value);
}

function stringList(node: BencodeNode | undefined, what: string): BencodeNode[] | undefined {
  if (node?.type !== "list") return undefined;
  for (const item of node.value) {
    if (item.type !== "string") {
      throw new MetainfoError(
        "bad-path",
        `The '${what}' of a file holds an element that is not a string (a ${item.type})`,
      );
    }
  }
  return [...node.value];
}

function attributes(dict: BencodeDictionary): string {
  const attr = dict.value.get("attr");
  return attr?.type === "string" ? latin1.decode(attr.value) : "";
}

function fileLength(dict: BencodeDictionary, where: string): number {
  const length = intIn(dict.value.get("length"), 0, MAX_TORRENT_BYTES);
  if (length === undefined) {
    throw new MetainfoError(
      "bad-file-size",
      `The length of ${where} is missing, negative, not an integer or over 2^48 bytes`,
    );
  }
  return length;
}

/** Reads a v1 multi-file `files` list. */
export function readFileList(files: BencodeNode): RawFile[] {
  if (files.type !== "list") {
    throw new MetainfoError("bad-file", `The 'files' entry is a ${files.type}, not a list`);
  }
  if (files.value.length === 0) {
    throw new MetainfoError("no-files", "The torrent's 'files' list is empty");
  }
  return files.value.map((entry, index) => {
    const where = `file ${index + 1}`;
    if (entry.type !== "dictionary") {
      throw new MetainfoError("bad-file", `Entry ${index + 1} of 'files' is not a dictionary`);
    }
    const attr = attributes(entry);
    const pad = attr.includes("p");
    const linkList = attr.includes("l")
      ? stringList(entry.value.get("symlink path"), "symlink path")
      : undefined;
    const length = linkList ? 0 : fileLength(entry, where);
    const pathNode = entry.value.get("path.utf-8")?.type === "list"
      ? entry.value.get("path.utf-8")
      : entry.value.get("path");
    let path = stringList(pathNode, "path");
    if (path === undefined || path.length === 0) {
      if (!pad) throw new MetainfoError("bad-path", `The path of ${where} is missing or empty`);
      path = [];
    }
    const parts = path.length > 0 ? path.map(text) : [".pad", String(length)];
    return {
      parts,
      exactParts: path.map((part) => part.type === "string" ? latin1.decode(part.value) : ""),
      length,
      pad: pad || parts.some((part) => part.includes("_____padding_file_")),
      symlink: linkList?.map(text),
    };
  });
}

interface TreeFile {
  readonly parts: string[];
  readonly length: number;
}

function treeError(detail: string): MetainfoError {
  return new MetainfoError(
    "bad-file-tree",
    `The v2 'file tree' of this hybrid torrent is malformed: ${detail}`,
  );
}

function walkTree(node: BencodeNode, prefix: string[], out: TreeFile[]): void {
  if (node.type !== "dictionary") throw treeError(`'${prefix.join("/")}' is not a dictionary`);
  for (const [key, child] of node.value) {
    const parts = [...prefix, key];
    if (key === "" || child.type !== "dictionary") {
      throw treeError(`'${parts.join("/")}' is not a named dictionary`);
    }
    const leaf = child.value.size === 1 ? child.value.get("") : undefined;
    if (leaf === undefined) {
      walkTree(child, parts, out);
      continue;
    }
    if (leaf.type !== "dictionary") throw treeError(`'${parts.join("/")}' has no file entry`);
    const attr = attributes(leaf);
    if (attr.includes("p")) throw treeError(`'${parts.join("/")}' is a pad file`);
    const link = attr.includes("l") && leaf.value.get("symlink path")?.type === "list";
    const length = link ? 0 : fileLength(leaf, `'${parts.join("/")}'`);
    const root = leaf.value.get("pieces root");
    if (!link && length > 0) {
      if (root?.type !== "string" || root.value.length !== 32 || root.value.every((b) => b === 0)) {
        throw treeError(`'${parts.join("/")}' has no valid 'pieces root'`);
      }
    }
    out.push({ parts, length });
  }
}

/**
 * Checks that a hybrid torrent's v2 `file tree` describes the same files, in
 * the same order, with the same lengths, as its v1 part, and that in the v1
 * layout every non-empty file starts on a piece boundary (BEP 52).
 */
export function checkHybrid(
  info: BencodeDictionary,
  v1: readonly RawFile[],
  v1IsSingleFile: boolean,
  exactName: string,
  pieceLength: number,
): void {
  const tree = info.value.get("file tree");
  if (tree === undefined) throw treeError("it is missing");
  const v2: TreeFile[] = [];
  walkTree(tree, [], v2);
  const v1Files = v1.filter((file) => !file.pad);
  const mismatch = () =>
    new MetainfoError(
      "inconsistent-files",
      "The v1 and v2 file lists of this hybrid torrent disagree: it may be crafted to show different files to different clients",
    );
  if (v1Files.length !== v2.length) throw mismatch();
  v1Files.forEach((file, i) => {
    const other = v2[i]!;
    const path = v1IsSingleFile ? [exactName] : file.exactParts;
    if (file.length !== other.length || path.join("\0") !== other.parts.join("\0")) {
      throw mismatch();
    }
  });
  let offset = 0;
  for (const file of v1) {
    if (!file.pad && file.length > 0 && offset % pieceLength !== 0) {
      throw new MetainfoError(
        "inconsistent-files",
        `A file of this hybrid torrent starts at byte ${offset}, not on a piece boundary: its pad files are wrong`,
      );
    }
    offset += file.length;
  }
}
