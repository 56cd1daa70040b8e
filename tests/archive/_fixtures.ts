/**
 * Shared fixtures of the zip tests: temporary folders, folder listings and a
 * small tree with the shapes a zip must carry (nested folders, an empty file,
 * an empty folder, unicode names, names whose byte order differs from UTF-16).
 *
 * @module
 */
import { join } from "node:path";

/** Runs `fn` with a new temporary folder, removed afterwards. */
export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "owm-zip-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The sorted names in `dir`. */
export async function list(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

/** The files of {@linkcode makeTree}, in zip (UTF-8 byte) order, with the empty folder. */
export const TREE_ENTRIES = [
  "Z.txt",
  "a/b/deep.csv",
  "a0",
  "empty/inner/",
  "zero.bin",
  "é.txt",
  "名前.txt",
];

/** Writes the test tree into `root` (created); returns the bytes of its files. */
export async function makeTree(root: string): Promise<number> {
  await Deno.mkdir(join(root, "a", "b"), { recursive: true });
  await Deno.mkdir(join(root, "empty", "inner"), { recursive: true });
  const files: [string[], string][] = [
    [["a", "b", "deep.csv"], "x,y\n1,2\n".repeat(500)],
    [["a0"], "after a/ by bytes"],
    [["Z.txt"], "capital first"],
    [["zero.bin"], ""],
    [["é.txt"], "accent"],
    [["名前.txt"], "name"],
  ];
  let bytes = 0;
  for (const [path, text] of files) {
    await Deno.writeTextFile(join(root, ...path), text);
    bytes += new TextEncoder().encode(text).length;
  }
  return bytes;
}
