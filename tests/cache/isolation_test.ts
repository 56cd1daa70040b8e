/**
 * The shared cache never spreads damage: three projects (stores) on one
 * machine fetch the same dataset through the real `owm` (the first from a
 * seeder on loopback, the others from the shared cache); a write appended to
 * one project's file, by this process's user (root in containers, Jupyter
 * images and this suite's CI), changes neither the cache's copy nor the other
 * projects'. With hard links opted into (`OWM_CACHE_LINK=hardlink`), the
 * documented risk is real: root's write reaches the cache and every project
 * (another user is refused by the read-only mode).
 */
import { join } from "node:path";
import { ContentCache } from "../../lib/cache/content_cache.ts";
import { listTree } from "../../lib/integrity/tree.ts";
import { owm as runOwm, type Run, spawnOwm } from "../_owm.ts";
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { describeOnly, makeDataset } from "../e2e/_fixtures.ts";

const KEY = "worms";
const ID = `CSVDataSource:${KEY}`;
const FILE = join("nested", "deeper", "stack.bin");
const APPENDED = new TextEncoder().encode("written by one project only");

function owm(home: string, args: string[], env: Record<string, string>): Promise<Run> {
  return runOwm(["--home", home, ...args], { env });
}

async function fetched(home: string, args: string[], env: Record<string, string>) {
  const run = await owm(home, ["fetch", ID, "--json", ...args], env);
  assertEquals(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as { contentPath: string; fromCache: boolean; infoHash: string };
}

async function sameBytes(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([Deno.readFile(a), Deno.readFile(b)]);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Every file below `dir` has the bytes of the same file below `source`. */
async function assertPristine(dir: string, source: string, label: string): Promise<void> {
  const want = await listTree(source);
  const got = await listTree(dir);
  assertEquals(got.map((e) => [e.path, e.size]), want.map((e) => [e.path, e.size]), label);
  for (const file of want) {
    assert(await sameBytes(join(dir, file.path), file.absolutePath), `${label}: ${file.path}`);
  }
}

async function append(path: string): Promise<void> {
  using file = await Deno.open(path, { append: true });
  await file.write(APPENDED);
}

/**
 * Publishes a dataset from `<tmp>/alice` and fetches it into `<tmp>/<name>`
 * for each of `projects`, all sharing the cache of `env`: the first from the
 * seeder, the others (the seeder stopped) from the cache.
 */
async function fetchIntoProjects(tmp: string, projects: string[], env: Record<string, string>) {
  const source = await makeDataset(tmp);
  await Deno.mkdir(join(tmp, "shared"));
  const index = ["--index", `dir:${join(tmp, "shared")}`];
  const publisher = await spawnOwm([
    ...["--home", join(tmp, "alice"), "publish", source, "--class", "CSVDataSource"],
    ...["--key", KEY, "--port", "0", "--json", ...index],
  ]);
  const contents: string[] = [];
  let infoHash: string;
  let torrentFileName: string;
  try {
    const summary = JSON.parse(publisher.firstLine);
    infoHash = summary.infoHash;
    torrentFileName = summary.torrentFileName;
    const first = join(tmp, projects[0]!);
    await describeOnly(first, KEY, summary.torrentFileName);
    const result = await fetched(first, [
      "--peer",
      `127.0.0.1:${summary.seeding.port}`,
      ...index,
    ], env);
    assertEquals(result.fromCache, false, "downloaded");
    contents.push(result.contentPath);
    for (const name of projects.slice(1)) {
      await describeOnly(join(tmp, name), KEY, torrentFileName);
    }
  } finally {
    const status = await publisher.stop();
    assertEquals(status.code, 0, status.stderr);
  }
  for (const name of projects.slice(1)) {
    const result = await fetched(join(tmp, name), index, env);
    assertEquals(result.fromCache, true, `${name}: from the shared cache`);
    contents.push(result.contentPath);
  }
  return { source, contents, infoHash, torrentFileName };
}

Deno.test("a write to one project's fetched file (as root too) changes neither the cache nor another project's copy", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "owm-cache-iso-" });
  try {
    const env = { OWM_CACHE: "1", OWM_CACHE_DIR: join(tmp, "cache") };
    const { source, contents, infoHash, torrentFileName } = await fetchIntoProjects(
      tmp,
      ["a", "b", "c"],
      env,
    );
    const [a, b, c] = contents as [string, string, string];
    const entry = await new ContentCache(join(tmp, "cache")).get(infoHash);
    assert(entry, "the download was added to the cache");
    for (const dir of [a, b, c, entry.contentPath]) {
      assertEquals((await Deno.stat(join(dir, FILE))).nlink, 1, `${dir}: a file of its own`);
    }

    // Whoever runs this (root in CI: Deno.uid() is 0), the write goes through.
    await append(join(b, FILE));
    assert(!(await sameBytes(join(b, FILE), join(source, FILE))), "b's copy changed");
    await assertPristine(entry.contentPath, source, `the cache (written as uid ${Deno.uid()})`);
    await assertPristine(a, source, "project a, which downloaded it");
    await assertPristine(c, source, "project c, also served from the cache");

    // The cache still serves the right bytes to a new project.
    await describeOnly(join(tmp, "d"), KEY, torrentFileName);
    const d = await fetched(join(tmp, "d"), ["--index", `dir:${join(tmp, "shared")}`], env);
    assertEquals(d.fromCache, true);
    await assertPristine(d.contentPath, source, "project d");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("OWM_CACHE_LINK=hardlink (opt-in) shares files: root's write reaches the cache and every project, as documented", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "owm-cache-link-" });
  try {
    const env = {
      OWM_CACHE: "1",
      OWM_CACHE_DIR: join(tmp, "cache"),
      OWM_CACHE_LINK: "hardlink",
    };
    const { source, contents, infoHash } = await fetchIntoProjects(tmp, ["a", "b"], env);
    const [a, b] = contents as [string, string];
    const entry = (await new ContentCache(join(tmp, "cache")).get(infoHash))!;
    const info = await Deno.stat(join(b, FILE));
    assertEquals([info.nlink, info.mode! & 0o777], [3, 0o444], "one read-only file, three names");
    if (Deno.uid() === 0) {
      await append(join(b, FILE)); // the read-only mode does not stop root
      for (const dir of [entry.contentPath, a]) {
        assert(!(await sameBytes(join(dir, FILE), join(source, FILE))), `${dir} changed too`);
      }
    } else {
      await assertRejects(() => append(join(b, FILE)), Deno.errors.PermissionDenied);
      await assertPristine(entry.contentPath, source, "the cache");
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
