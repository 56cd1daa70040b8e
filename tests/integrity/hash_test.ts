/**
 * hashFile, hashStream, hashTree and MultiHash.
 */
import { join } from "node:path";
import { FileReader, hashFile, hashStream, hashTree, MultiHash } from "../../lib/integrity/hash.ts";
import { TreeEntryError } from "../../lib/integrity/tree.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../_assert.ts";
import { requireProgram } from "../_require.ts";
import { digestOf, pseudoRandomBytes, VECTORS, withTempDir, writeTree } from "./_fixtures.ts";

const ALL = ["md5", "sha256", "sha512"] as const;

Deno.test("hashFile() gives the known digests of an empty file and of 'abc'", async () => {
  await withTempDir(async (dir) => {
    await writeTree(dir, { empty: "", abc: "abc" });
    assertEquals(await hashFile(join(dir, "empty"), ALL), VECTORS.empty);
    assertEquals(await hashFile(join(dir, "abc"), ALL), VECTORS.abc);
    assertEquals(await hashFile(join(dir, "abc"), ["sha256"]), { sha256: VECTORS.abc.sha256 });
  });
});

Deno.test("hashFile() matches a one-shot digest across read-buffer boundaries", async () => {
  await withTempDir(async (dir) => {
    const cases: [string, number][] = [
      ["3 MiB + 7 bytes", (3 << 20) + 7],
      ["exactly 3 MiB", 3 << 20],
      ["one byte", 1],
    ];
    for (const [label, size] of cases) {
      const bytes = pseudoRandomBytes(size, size);
      const path = join(dir, "data.bin");
      await Deno.writeFile(path, bytes);
      const expected = { md5: digestOf("md5", bytes), sha256: digestOf("sha256", bytes) };
      for (const bufferSize of [65_539, 1 << 20, (1 << 20) - 1, 3 << 20, (3 << 20) + 7, 8 << 20]) {
        assertEquals(
          await hashFile(path, ["md5", "sha256"], { bufferSize }),
          expected,
          `${label}, buffer ${bufferSize}`,
        );
      }
    }
  });
});

Deno.test("hashFile() with the default buffer matches one-shot digests of a 9 MiB file", async () => {
  await withTempDir(async (dir) => {
    const bytes = pseudoRandomBytes((9 << 20) + 5, 42);
    const path = join(dir, "big.bin");
    await Deno.writeFile(path, bytes);
    assertEquals(await hashFile(path, ALL), {
      md5: digestOf("md5", bytes),
      sha256: digestOf("sha256", bytes),
      sha512: digestOf("sha512", bytes),
    });
  });
});

Deno.test("hashFile() reports progress up to the file's size", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "p.bin");
    await Deno.writeFile(path, pseudoRandomBytes(300_000));
    const seen: number[] = [];
    await hashFile(path, ["md5"], {
      bufferSize: 65_536,
      onProgress: (p) => {
        assertEquals(p.bytesTotal, 300_000);
        assertEquals(p.path, path);
        seen.push(p.bytesDone);
      },
    });
    assertEquals(seen, [65_536, 131_072, 196_608, 262_144, 300_000]);
  });
});

Deno.test("hashFile() stops when its signal is aborted", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "a.bin");
    await Deno.writeFile(path, pseudoRandomBytes(1 << 20));
    const early = new AbortController();
    early.abort(new Error("stopped early"));
    await assertRejects(() => hashFile(path, ["md5"], { signal: early.signal }), Error, "early");
    const midway = new AbortController();
    let calls = 0;
    await assertRejects(
      () =>
        hashFile(path, ["md5"], {
          bufferSize: 4096,
          signal: midway.signal,
          onProgress: () => {
            if (++calls === 3) midway.abort(new Error("stopped midway"));
          },
        }),
      Error,
      "midway",
    );
    assertEquals(calls, 3);
  });
});

Deno.test("hashFile() refuses a folder, unknown algorithms and a bad buffer size", async () => {
  await withTempDir(async (dir) => {
    await writeTree(dir, { f: "x" });
    await assertRejects(() => hashFile(dir, ["md5"]), TypeError, "not a regular file");
    await assertRejects(() => hashFile(join(dir, "f"), []), TypeError, "No hash algorithm");
    await assertRejects(
      () => hashFile(join(dir, "f"), ["sha1" as "md5"]),
      TypeError,
      "Unknown hash algorithm 'sha1'",
    );
    await assertRejects(() => hashFile(join(dir, "f"), ["md5"], { bufferSize: 0 }), RangeError);
    await assertRejects(() => hashFile(join(dir, "missing"), ["md5"]), Deno.errors.NotFound);
  });
});

Deno.test("MultiHash feeds every digest the same bytes, duplicates once", () => {
  const hash = new MultiHash(["md5", "sha512", "md5"]);
  hash.update(new TextEncoder().encode("a"));
  hash.update(new TextEncoder().encode("bc"));
  assertEquals(hash.digest(), { md5: VECTORS.abc.md5, sha512: VECTORS.abc.sha512 });
  assertThrows(() => new FileReader(1.5), RangeError, "positive whole number");
});

Deno.test("hashStream() digests every chunk of a stream", async () => {
  const bytes = pseudoRandomBytes(200_001, 7);
  const stream = ReadableStream.from([
    bytes.slice(0, 1000),
    bytes.slice(1000, 65_536),
    bytes.slice(65_536),
  ]);
  assertEquals(await hashStream(stream, ["sha256", "md5"]), {
    sha256: digestOf("sha256", bytes),
    md5: digestOf("md5", bytes),
  });
});

Deno.test("hashTree() lists each file's digests, sorted by '/'-path bytes, no empty folders", async () => {
  await withTempDir(async (dir) => {
    await writeTree(dir, {
      "b.txt": "abc",
      "a/z.bin": "",
      "a.txt": "abc",
      "\u{1F600}": "x",
      "\uFF01": "y",
      "A/deep/er/file": "abc",
    });
    await Deno.mkdir(join(dir, "empty", "folder"), { recursive: true });
    const tree = await hashTree(dir, ["md5"]);
    assertEquals(tree.map((f) => f.path), [
      "A/deep/er/file",
      "a.txt",
      "a/z.bin",
      "b.txt",
      "\uFF01", // EF BC 81 sorts before F0 9F 98 80, unlike in UTF-16
      "\u{1F600}",
    ]);
    assertEquals(tree[0], { path: "A/deep/er/file", size: 3, digests: { md5: VECTORS.abc.md5 } });
    assertEquals(tree[2], { path: "a/z.bin", size: 0, digests: { md5: VECTORS.empty.md5 } });
  });
});

Deno.test("hashTree() refuses a symlink below the folder and never reads its target", async () => {
  await withTempDir(async (root) => {
    const dir = join(root, "content");
    await writeTree(root, { "secret.txt": "outside", "content/a.txt": "abc" });
    await Deno.symlink(join(root, "secret.txt"), join(dir, "link"));
    const error = await assertRejects(
      () => hashTree(dir, ["md5"]),
      TreeEntryError,
      "Symlink 'link'",
    );
    assertEquals([error.path, error.entryKind], ["link", "symlink"]);
    await Deno.remove(join(dir, "link"));
    await Deno.mkdir(join(dir, "sub"));
    await Deno.symlink(root, join(dir, "sub", "up"));
    await assertRejects(() => hashTree(dir, ["md5"]), TreeEntryError, "'sub/up'");
  });
});

const mkfifo = requireProgram("mkfifo", {
  debian: "coreutils",
  what: "the FIFO test of hashTree()",
});

Deno.test({
  name: "hashTree() refuses a FIFO below the folder instead of blocking on it",
  ignore: mkfifo.ignore,
}, async () => {
  mkfifo.check();
  await withTempDir(async (dir) => {
    const made = await new Deno.Command(mkfifo.path!, { args: [join(dir, "pipe")] }).output();
    assert(made.success, "mkfifo made the FIFO");
    assert((await Deno.lstat(join(dir, "pipe"))).isFifo, "it is a FIFO");
    const error = await assertRejects(() => hashTree(dir, ["md5"]), TreeEntryError, "Special file");
    assert(error.entryKind === "special file");
  });
});

Deno.test("hashTree() refuses a file where a folder is expected", async () => {
  await withTempDir(async (dir) => {
    await writeTree(dir, { f: "x" });
    await assertRejects(() => hashTree(join(dir, "f"), ["md5"]), TypeError, "is not a folder");
  });
});
