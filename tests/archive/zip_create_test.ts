/**
 * Deterministic zips from real folders: the same tree gives the same bytes
 * across runs, file times, permissions and time zones; entries are sorted by
 * their UTF-8 bytes with fixed times and modes; links and special files are
 * refused by path, leaving nothing behind.
 */
// @ts-types="@types/yauzl"
import yauzl from "yauzl";
import { join } from "node:path";
import { createZip, ZipSourceError } from "../../lib/archive/zip_create.ts";
import { extractZip } from "../../lib/archive/zip_extract.ts";
import { digestContent } from "../../lib/integrity/content_digest.ts";
import { assert, assertEquals, assertNotEquals, assertRejects } from "../_assert.ts";
import { list, makeTree, TREE_ENTRIES, withTempDir } from "./_fixtures.ts";

const LIMITS = { maxEntries: 1000, maxExpandedBytes: 1 << 30, maxRatio: 1000 };

interface EntryInfo {
  name: string;
  mode: number;
  date: number;
  time: number;
  method: number;
  extra: number;
}

async function entries(zipPath: string): Promise<EntryInfo[]> {
  const zip = await yauzl.openPromise(zipPath, { autoClose: false });
  try {
    const out: EntryInfo[] = [];
    for await (const entry of zip.eachEntry()) {
      out.push({
        name: entry.fileName,
        mode: entry.externalFileAttributes >>> 16,
        date: entry.lastModFileDate,
        time: entry.lastModFileTime,
        method: entry.compressionMethod,
        extra: entry.extraFieldLength,
      });
    }
    return out;
  } finally {
    zip.close();
  }
}

Deno.test("createZip() sorts entries by UTF-8 bytes, with fixed times and modes", async () => {
  await withTempDir(async (dir) => {
    const bytes = await makeTree(join(dir, "src"));
    const made = await createZip(join(dir, "src"), join(dir, "out.zip"));
    assertEquals(made.files, 6);
    assertEquals(made.emptyFolders, 1);
    assertEquals(made.inputBytes, bytes);
    assertEquals(made.zipBytes, (await Deno.stat(join(dir, "out.zip"))).size);
    const got = await entries(join(dir, "out.zip"));
    assertEquals(got.map((e) => e.name), TREE_ENTRIES);
    for (const e of got) {
      assertEquals(e.mode, e.name.endsWith("/") ? 0o040755 : 0o100644, e.name);
      assertEquals([e.date, e.time], [(0 << 9) | (1 << 5) | 1, 0], `${e.name}: 1980-01-01 00:00`);
      assertEquals(e.method, e.name.endsWith("/") ? 0 : 8, `${e.name} is deflated`);
      assertEquals(e.extra, 0, `${e.name} has no extra fields (no uid, gid or local times)`);
    }
    assertEquals(await list(dir), ["out.zip", "src"], "no temporary file is left");
  });
});

Deno.test("createZip() gives the same bytes across runs, file times, permissions and zones", async () => {
  await withTempDir(async (dir) => {
    const src = join(dir, "src");
    await makeTree(src);
    await createZip(src, join(dir, "1.zip"));
    const first = await Deno.readFile(join(dir, "1.zip"));
    await createZip(src, join(dir, "2.zip"));
    assertEquals(await Deno.readFile(join(dir, "2.zip")), first, "a second run");

    await Deno.utime(
      join(src, "a", "b", "deep.csv"),
      new Date("2031-07-04T12:00:00Z"),
      new Date("2031-07-04T12:00:00Z"),
    );
    await Deno.utime(join(src, "empty", "inner"), 12345, 12345);
    await Deno.chmod(join(src, "a0"), 0o600);
    await Deno.chmod(join(src, "Z.txt"), 0o755);
    await createZip(src, join(dir, "3.zip"));
    assertEquals(await Deno.readFile(join(dir, "3.zip")), first, "other times and permissions");

    const script = `import { createZip } from ${
      JSON.stringify(new URL("../../lib/archive/zip_create.ts", import.meta.url).href)
    };
await createZip(Deno.args[0], Deno.args[1]);`;
    for (const zone of ["Pacific/Kiritimati", "America/St_Johns"]) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "eval",
          "--config",
          new URL("../../deno.json", import.meta.url).pathname,
          script,
          src,
          join(dir, `${zone.replace("/", "_")}.zip`),
        ],
        env: { TZ: zone },
      }).output();
      assert(out.success, new TextDecoder().decode(out.stderr));
      assertEquals(
        await Deno.readFile(join(dir, `${zone.replace("/", "_")}.zip`)),
        first,
        `TZ=${zone}`,
      );
    }

    await Deno.writeTextFile(join(src, "a0"), "after a/ by bytes!");
    await createZip(src, join(dir, "4.zip"));
    assertNotEquals(
      await Deno.readFile(join(dir, "4.zip")),
      first,
      "a changed byte changes the zip",
    );
  });
});

Deno.test("createZip() records a given time, the same in every zone", async () => {
  await withTempDir(async (dir) => {
    const src = join(dir, "src");
    await makeTree(src);
    await createZip(src, join(dir, "t.zip"), { mtime: new Date("2024-05-01T13:14:16Z") });
    const got = await entries(join(dir, "t.zip"));
    const date = ((2024 - 1980) << 9) | (5 << 5) | 1;
    const time = (13 << 11) | (14 << 5) | 8;
    for (const e of got) assertEquals([e.date, e.time], [date, time], e.name);
  });
});

Deno.test("createZip() output extracts to a folder with the same digest and empty folders", async () => {
  await withTempDir(async (dir) => {
    const src = join(dir, "src");
    await makeTree(src);
    await createZip(src, join(dir, "out.zip"));
    await extractZip(join(dir, "out.zip"), join(dir, "back"), LIMITS, { emptyFolders: true });
    const before = await digestContent(src, ["sha256"]);
    const after = await digestContent(join(dir, "back"), ["sha256"]);
    assertEquals(after.digests.sha256, before.digests.sha256);
    assertEquals(after.files, 6);
    assertEquals(await list(join(dir, "back", "empty")), ["inner"]);
    assertEquals(await list(join(dir, "back", "empty", "inner")), []);
  });
});

Deno.test("createZip() refuses a symlink or special file by path and writes nothing", async (t) => {
  await withTempDir(async (dir) => {
    const src = join(dir, "src");
    await makeTree(src);
    await Deno.writeTextFile(join(dir, "out.zip"), "the old zip");

    await t.step("a symlink", async () => {
      await Deno.symlink("../../Z.txt", join(src, "a", "b", "link.txt"));
      const error = await assertRejects(
        () => createZip(src, join(dir, "out.zip")),
        ZipSourceError,
        "Symlink 'a/b/link.txt'",
      );
      assertEquals([error.path, error.problem], ["a/b/link.txt", "symlink"]);
      await Deno.remove(join(src, "a", "b", "link.txt"));
    });

    await t.step("a FIFO", async () => {
      const made = await new Deno.Command("mkfifo", { args: [join(src, "empty", "pipe")] })
        .output();
      assert(made.success, "mkfifo works");
      const error = await assertRejects(
        () => createZip(src, join(dir, "out.zip")),
        ZipSourceError,
        "Special file 'empty/pipe'",
      );
      assertEquals(error.problem, "special file");
      await Deno.remove(join(src, "empty", "pipe"));
    });

    await t.step("a name with a backslash", async () => {
      await Deno.writeTextFile(join(src, "a\\b.txt"), "x");
      await assertRejects(() => createZip(src, join(dir, "out.zip")), ZipSourceError, "'a\\b.txt'");
      await Deno.remove(join(src, "a\\b.txt"));
    });

    await t.step("not a folder", async () => {
      await assertRejects(
        () => createZip(join(src, "Z.txt"), join(dir, "out.zip")),
        TypeError,
        "not a folder",
      );
    });

    await t.step("abort", async () => {
      const controller = new AbortController();
      controller.abort(new Error("stopped"));
      await assertRejects(
        () => createZip(src, join(dir, "out.zip"), { signal: controller.signal }),
        Error,
        "stopped",
      );
    });

    assertEquals(await list(dir), ["out.zip", "src"], "no temporary file is left");
    assertEquals(
      await Deno.readTextFile(join(dir, "out.zip")),
      "the old zip",
      "the old zip is kept",
    );
  });
});

Deno.test("createZip() aborted half-way removes its temporary file and keeps the old zip", async () => {
  await withTempDir(async (dir) => {
    const src = join(dir, "src");
    await Deno.mkdir(src);
    const big = new Uint8Array(32 << 20);
    for (let at = 0; at < big.length; at += 65_536) {
      crypto.getRandomValues(big.subarray(at, at + 65_536));
    }
    await Deno.writeFile(join(src, "a.bin"), big);
    await Deno.writeFile(join(src, "b.bin"), big);
    await Deno.writeTextFile(join(dir, "out.zip"), "the old zip");
    const controller = new AbortController();
    const zipping = createZip(src, join(dir, "out.zip"), { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("stopped half-way")), 50);
    await assertRejects(() => zipping, Error, "stopped half-way");
    assertEquals(await list(dir), ["out.zip", "src"]);
    assertEquals(await Deno.readTextFile(join(dir, "out.zip")), "the old zip");
  });
});
