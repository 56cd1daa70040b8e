/**
 * folderDigest and digestContent: the owm folder digest.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { digestContent, folderDigest } from "../../lib/integrity/content_digest.ts";
import { TreeEntryError } from "../../lib/integrity/tree.ts";
import { assertEquals, assertNotEquals, assertRejects } from "../_assert.ts";
import { requireProgram } from "../_require.ts";
import { digestOf, pseudoRandomBytes, VECTORS, withTempDir, writeTree } from "./_fixtures.ts";

const FILES = {
  "a.txt": "abc",
  "sub/b.bin": "",
  "sub/deeper/c.dat": "hello\n",
};

Deno.test("folderDigest() is the digest of path NUL length NUL bytes, per file in path order", async () => {
  await withTempDir(async (dir) => {
    await writeTree(dir, FILES);
    const parts = ["a.txt\x003\x00abc", "sub/b.bin\x000\x00", "sub/deeper/c.dat\x006\x00hello\n"];
    const expected = {
      md5: digestOf("md5", ...parts),
      sha256: digestOf("sha256", ...parts),
      sha512: digestOf("sha512", ...parts),
    };
    assertEquals(await folderDigest(dir, ["md5", "sha256", "sha512"]), {
      kind: "folder",
      digests: expected,
      files: 3,
      bytes: 9,
    });
  });
});

Deno.test("folderDigest() does not depend on the order files were created in", async () => {
  await withTempDir(async (root) => {
    const names = Array.from({ length: 40 }, (_, i) => `d${i % 4}/f${(i * 7) % 40}.bin`);
    const files = Object.fromEntries(names.map((n, i) => [n, pseudoRandomBytes(i * 97, i + 1)]));
    const reversed = Object.fromEntries(Object.entries(files).reverse());
    await writeTree(join(root, "one"), files);
    await writeTree(join(root, "two"), reversed);
    const one = await folderDigest(join(root, "one"), ["sha256"]);
    const two = await folderDigest(join(root, "two"), ["sha256"]);
    assertEquals(one, two);
    assertEquals(one.files, 40);
  });
});

Deno.test("folderDigest() changes when a file is renamed, moved, or a byte flips", async () => {
  await withTempDir(async (root) => {
    const dir = join(root, "c");
    await writeTree(dir, { ...FILES, "big.bin": pseudoRandomBytes(70_000, 3) });
    const before = (await folderDigest(dir, ["md5"], { bufferSize: 4096 })).digests.md5;

    await Deno.rename(join(dir, "a.txt"), join(dir, "A.txt"));
    const renamed = (await folderDigest(dir, ["md5"])).digests.md5;
    assertNotEquals(renamed, before, "rename");
    await Deno.rename(join(dir, "A.txt"), join(dir, "sub", "a.txt"));
    assertNotEquals((await folderDigest(dir, ["md5"])).digests.md5, before, "move");
    await Deno.rename(join(dir, "sub", "a.txt"), join(dir, "a.txt"));
    assertEquals((await folderDigest(dir, ["md5"])).digests.md5, before, "restored");

    const bytes = await Deno.readFile(join(dir, "big.bin"));
    bytes[65_000] = bytes[65_000]! ^ 0x01;
    await Deno.writeFile(join(dir, "big.bin"), bytes);
    assertNotEquals((await folderDigest(dir, ["md5"])).digests.md5, before, "flipped byte");
  });
});

Deno.test("folderDigest() ignores empty folders and the folder's own name, counts empty files", async () => {
  await withTempDir(async (root) => {
    await writeTree(join(root, "x"), FILES);
    await writeTree(join(root, "y"), FILES);
    await Deno.mkdir(join(root, "y", "empty", "nested"), { recursive: true });
    const x = await folderDigest(join(root, "x"), ["md5"]);
    assertEquals(await folderDigest(join(root, "y"), ["md5"]), x);
    await writeTree(join(root, "y"), { "empty/nested/zero": "" });
    assertNotEquals(await folderDigest(join(root, "y"), ["md5"]), x);
    await Deno.mkdir(join(root, "none"));
    assertEquals((await folderDigest(join(root, "none"), ["md5"])).digests.md5, VECTORS.empty.md5);
  });
});

Deno.test("folderDigest() refuses a symlink inside the folder", async () => {
  await withTempDir(async (root) => {
    await writeTree(root, { "c/a": "abc", "outside": "x" });
    await Deno.symlink(join(root, "outside"), join(root, "c", "link"));
    await assertRejects(() => folderDigest(join(root, "c"), ["md5"]), TreeEntryError, "link");
  });
});

Deno.test("digestContent() hashes a file's bytes and a folder by the folder digest", async () => {
  await withTempDir(async (dir) => {
    await writeTree(dir, { "f/abc": "abc" });
    assertEquals(await digestContent(join(dir, "f", "abc"), ["md5"]), {
      kind: "file",
      digests: { md5: VECTORS.abc.md5 },
      files: 1,
      bytes: 3,
    });
    assertEquals(await digestContent(join(dir, "f"), ["md5"]), {
      kind: "folder",
      digests: { md5: digestOf("md5", "abc\x003\x00abc") },
      files: 1,
      bytes: 3,
    });
  });
});

const python3 = requireProgram("python3", {
  debian: "python3",
  what: "the Python reference check of folderDigest()",
});

Deno.test({
  name: "folderDigest() agrees with the Python reference in its documentation",
  ignore: python3.ignore,
  fn: pythonReference,
});

async function pythonReference(): Promise<void> {
  python3.check();
  const source = await Deno.readTextFile(
    fileURLToPath(new URL("../../lib/integrity/content_digest.ts", import.meta.url)),
  );
  const block = /```python\n([\s\S]*?) \* ```/.exec(source)?.[1];
  if (block === undefined) throw new Error("no Python reference in content_digest.ts");
  const python = block.split("\n").map((line) => line.replace(/^ \* ?/, "")).join("\n");
  await withTempDir(async (dir) => {
    const content = join(dir, "content");
    await writeTree(content, {
      ...FILES,
      "Z.txt": "z",
      "a-b": "1",
      "a0": "2",
      "é/ü.txt": "umlaut",
      "\uFF01": "y",
      "\u{1F600}/x": pseudoRandomBytes(3 << 20, 9),
    });
    await Deno.mkdir(join(content, "empty"));
    const script = join(dir, "ref.py");
    await Deno.writeTextFile(
      script,
      `${python}\nimport sys\nprint(folder_digest(sys.argv[1], sys.argv[2]))\n`,
    );
    for (const algorithm of ["md5", "sha256", "sha512"] as const) {
      const run = await new Deno.Command(python3.path!, { args: [script, content, algorithm] })
        .output();
      const stderr = new TextDecoder().decode(run.stderr);
      assertEquals(run.code, 0, stderr);
      assertEquals(
        new TextDecoder().decode(run.stdout).trim(),
        (await folderDigest(content, [algorithm])).digests[algorithm],
        algorithm,
      );
    }
  });
}
