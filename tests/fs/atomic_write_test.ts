import { join } from "node:path";
import { atomicWriteFile, removeStaleTemps, tempPrefix } from "../../lib/fs/atomic_write.ts";
import { assert, assertEquals, assertRejects } from "../_assert.ts";

const enc = new TextEncoder();

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "owm-atomic-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function names(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) out.push(entry.name);
  return out.sort();
}

Deno.test("tempPrefix() is a hidden name derived from the target's base name", () => {
  assertEquals(tempPrefix("/some/dir/graph.nq"), ".graph.nq.tmp-");
});

Deno.test("atomicWriteFile() creates a file from all chunks, leaving no temporary file", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "graph.nq");
    await atomicWriteFile(path, [enc.encode("ab"), new Uint8Array(), enc.encode("c\n")]);
    assertEquals(await Deno.readTextFile(path), "abc\n");
    assertEquals(await names(dir), ["graph.nq"]);
    assertEquals((await Deno.stat(path)).mode! & 0o777 & ~0o644, 0, "no more than 0o644");
  });
});

Deno.test("atomicWriteFile() writes a large multi-chunk body completely", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "big");
    const chunks = Array.from({ length: 40 }, (_, i) => new Uint8Array(100_000).fill(i));
    await atomicWriteFile(path, chunks);
    const bytes = await Deno.readFile(path);
    assertEquals(bytes.length, 4_000_000);
    for (let i = 0; i < 40; i++) assertEquals(bytes[i * 100_000 + 99_999], i);
  });
});

Deno.test("atomicWriteFile() replaces the file with a new inode, keeping the old one as .bak", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "graph.nq");
    await Deno.writeTextFile(path, "old\n");
    const oldIno = (await Deno.stat(path)).ino;
    await atomicWriteFile(path, [enc.encode("new\n")], { backup: true });
    assertEquals(await Deno.readTextFile(path), "new\n");
    assertEquals(await Deno.readTextFile(`${path}.bak`), "old\n");
    assertEquals((await Deno.stat(`${path}.bak`)).ino, oldIno, ".bak is the old file itself");
    assert((await Deno.stat(path)).ino !== oldIno);
    await atomicWriteFile(path, [enc.encode("newer\n")], { backup: true });
    assertEquals(await Deno.readTextFile(`${path}.bak`), "new\n");
    assertEquals(await names(dir), ["graph.nq", "graph.nq.bak"]);
  });
});

Deno.test("atomicWriteFile() without backup leaves no .bak", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "f");
    await atomicWriteFile(path, [enc.encode("1")]);
    await atomicWriteFile(path, [enc.encode("2")]);
    assertEquals(await names(dir), ["f"]);
    assertEquals(await Deno.readTextFile(path), "2");
  });
});

Deno.test("atomicWriteFile() leaves the old file and no temporary file when the chunks fail", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "graph.nq");
    await Deno.writeTextFile(path, "old\n");
    function* failing(): Generator<Uint8Array> {
      yield enc.encode("partial");
      throw new RangeError("generator failed");
    }
    await assertRejects(
      () => atomicWriteFile(path, failing(), { backup: true }),
      RangeError,
      "generator failed",
    );
    assertEquals(await Deno.readTextFile(path), "old\n");
    assertEquals(await names(dir), ["graph.nq"]);
  });
});

Deno.test("atomicWriteFile() rejects with NotFound when the directory does not exist", async () => {
  await withTempDir(async (dir) => {
    await assertRejects(
      () => atomicWriteFile(join(dir, "nope", "f"), [enc.encode("x")]),
      Deno.errors.NotFound,
    );
  });
});

Deno.test("removeStaleTemps() removes only the target's temporary files and counts them", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "graph.nq");
    await Deno.writeTextFile(path, "keep");
    await Deno.writeTextFile(join(dir, `${tempPrefix(path)}123-abcdef01`), "stale");
    await Deno.writeTextFile(join(dir, `${tempPrefix(path)}456-deadbeef`), "stale");
    await Deno.writeTextFile(join(dir, ".other.nq.tmp-1-2"), "other target");
    await Deno.writeTextFile(join(dir, "graph.nq.bak"), "backup");
    await Deno.mkdir(join(dir, `${tempPrefix(path)}dir`));
    assertEquals(await removeStaleTemps(path), 2);
    assertEquals(await names(dir), [
      ".graph.nq.tmp-dir",
      ".other.nq.tmp-1-2",
      "graph.nq",
      "graph.nq.bak",
    ]);
    assertEquals(await removeStaleTemps(path), 0);
  });
});
