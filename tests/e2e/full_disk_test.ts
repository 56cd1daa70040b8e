/**
 * A full disk, for real: a small tmpfs (mounted by the test; CI runs as root).
 * A download that does not fit fails with a clear error, and the graph store
 * and data already on the disk are left intact; a save into a store on a full
 * disk fails and changes nothing.
 */
import { join } from "node:path";
import { owm as runOwm, type Run, spawnOwm } from "../_owm.ts";
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** `owm --home <home> …args`, with every permission. */
function owm(home: string, args: string[]): Promise<Run> {
  return runOwm(["--home", home, ...args]);
}

async function run(cmd: string, ...args: string[]): Promise<boolean> {
  return (await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output()).success;
}

/** Mounts a tmpfs of `size` at a new directory; the test fails if it cannot (CI runs as root). */
async function withTmpfs(size: string, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "owm-tmpfs-" });
  assert(
    await run("mount", "-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir),
    `cannot mount a ${size} tmpfs at ${dir}: this test needs root (CI runs as root)`,
  );
  try {
    await fn(dir);
  } finally {
    await run("umount", dir);
    await Deno.remove(dir, { recursive: true });
  }
}

async function bytesOf(path: string): Promise<Uint8Array> {
  return await Deno.readFile(path);
}

Deno.test("owm fetch onto a full disk fails clearly, leaving the store and earlier data intact", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "owm-e2e-disk-" });
  try {
    const source = join(tmp, "big_dataset");
    await Deno.mkdir(source);
    const big = new Uint8Array(6 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = i & 0xff;
    await Deno.writeFile(join(source, "volume.raw"), big);
    const home = join(tmp, "home");
    const published = await owm(home, [
      "publish",
      source,
      "--class",
      "LocalFileDataSource",
      "--key",
      "volume",
      "--no-seed",
      "--json",
    ]);
    assertEquals(published.code, 0, published.stderr);
    const { infoHash } = JSON.parse(published.stdout);
    await withTmpfs("2m", async (disk) => {
      await Deno.writeTextFile(join(disk, "earlier.txt"), "results from last week\n");
      const seeder = await spawnOwm([
        "--home",
        home,
        "seed",
        "LocalFileDataSource:volume",
        "--port",
        "0",
        "--dir",
        tmp,
        "--json",
      ]);
      try {
        const { port } = JSON.parse(seeder.firstLine);
        const graphBefore = await bytesOf(join(home, "graph.nq"));
        const fetched = await owm(home, [
          "fetch",
          "LocalFileDataSource:volume",
          "--peer",
          `127.0.0.1:${port}`,
          "--dir",
          join(disk, "data"),
          "--timeout",
          "60",
        ]);
        assertEquals(fetched.code, 1, `fetch fails: ${fetched.stdout}${fetched.stderr}`);
        const lines = fetched.stderr.trim().split("\n");
        assertEquals(lines.length, 1, fetched.stderr);
        assertStringIncludes(lines[0]!, "No space left on device");
        assertStringIncludes(lines[0]!, "free space");
        assertEquals(await bytesOf(join(home, "graph.nq")), graphBefore, "the store is unchanged");
        assertEquals(
          await Deno.readTextFile(join(disk, "earlier.txt")),
          "results from last week\n",
        );
        assert(infoHash.length === 40);
      } finally {
        await seeder.stop();
      }
    });
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("owm save into a store on a full disk fails clearly and changes nothing", async () => {
  await withTmpfs("512k", async (disk) => {
    const home = join(disk, "store");
    const first = await owm(home, ["init"]);
    assertEquals(first.code, 0, first.stderr);
    const module = join(await Deno.makeTempDir({ prefix: "owm-e2e-disk-" }), "many.ts");
    await Deno.writeTextFile(
      module,
      `import { CSVDataSource, type SaveContext } from ${JSON.stringify(join(ROOT, "mod.ts"))};
export function owmData(ctx: SaveContext) {
  for (let i = 0; i < 5000; i++) {
    ctx.add(new CSVDataSource({ key: "k" + i, csvFileName: "file_" + i + ".csv", description: "x".repeat(200) }));
  }
}
`,
    );
    const before = await bytesOf(join(home, "graph.nq"));
    const saved = await owm(home, ["save", module]);
    assertEquals(saved.code, 1, saved.stderr);
    const lines = saved.stderr.trim().split("\n");
    assertEquals(lines.length, 1, saved.stderr);
    assertStringIncludes(lines[0]!, "No space left on device");
    assertStringIncludes(lines[0]!, "free space");
    assertStringIncludes(lines[0]!, "the store is unchanged");
    assertEquals(await bytesOf(join(home, "graph.nq")), before, "the store is unchanged");
    const leftovers = [];
    for await (const entry of Deno.readDir(home)) {
      if (entry.name.includes(".tmp-")) leftovers.push(entry.name);
    }
    assertEquals(leftovers, [], "no temporary files are left");
    await Deno.remove(join(module, ".."), { recursive: true });
  });
});
