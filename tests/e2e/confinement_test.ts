/**
 * Names that come from data never lead outside their folder (issue #10,
 * point 1): the real `owm` CLI and a live bridge, on stores holding hostile
 * names, with a canary file outside that must never be read. Each test
 * also checks that the canary's bytes (and its MD5) appear in no output and
 * not in the graph.
 */
import { createHash } from "node:crypto";
import { join, relative } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { owm as runOwm, type Run } from "../_owm.ts";
import { startTestBridge } from "../kernel/_bridge.ts";
import { encodeBencode } from "../../lib/torrent/bencode.ts";
import { DataSourceRepository } from "../../lib/datasource/repository.ts";
import { LocalFileDataSource } from "../../lib/datasource/local_file_data_source.ts";
import { LoaderRegistry } from "../../lib/loader/registry.ts";
import { loadedIndexPath } from "../../lib/loader/located_content.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** A canary outside every store and content folder, readable by this user. */
interface Canary {
  path: string;
  text: string;
  md5: string;
}

async function writeCanary(path: string): Promise<Canary> {
  const text = `CANARY-${crypto.randomUUID()},never,read\n1,2,3\n`;
  await Deno.writeTextFile(path, text);
  return { path, text, md5: createHash("md5").update(text).digest("hex") };
}

/** The canary's first line, its whole text and its MD5 appear nowhere in `texts`. */
function assertCanaryUnread(canary: Canary, ...texts: string[]): void {
  const secret = canary.text.split(",")[0]!;
  for (const text of texts) {
    assert(!text.includes(secret), `the canary's content leaked: ${text.slice(0, 400)}`);
    assert(!text.includes(canary.md5), `the canary's MD5 leaked: ${text.slice(0, 400)}`);
  }
}

function owm(home: string, ...args: string[]): Promise<Run> {
  return runOwm(["--home", home, ...args], { cwd: ROOT });
}

function ok(run: Run, what: string): Run {
  assertEquals(run.code, 0, `${what}: ${run.stderr}`);
  return run;
}

async function graphText(home: string): Promise<string> {
  return await Deno.readTextFile(join(home, "graph.nq"));
}

/** Replaces a literal in the store's graph file, as a store copied from elsewhere may hold. */
async function rewriteGraph(home: string, from: string, to: string): Promise<void> {
  const text = await graphText(home);
  const literal = JSON.stringify(from);
  assert(text.includes(literal), `the graph has no ${literal}`);
  await Deno.writeTextFile(join(home, "graph.nq"), text.replaceAll(literal, JSON.stringify(to)));
}

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "owm-confine-e2e-" }));
  try {
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** A published CSV folder `<root>/pub/worms` (holding a.csv) as CSVDataSource:worms. */
async function publishedWorms(root: string): Promise<{ home: string; content: string }> {
  const home = join(root, "store");
  const content = join(root, "pub", "worms");
  await Deno.mkdir(content, { recursive: true });
  await Deno.writeTextFile(join(content, "a.csv"), "Origin,Target\nADAL,AVAR\n");
  ok(
    await owm(
      home,
      "publish",
      content,
      "--class",
      "CSVDataSource",
      "--key",
      "worms",
      "--no-seed",
      "--port",
      "0",
    ),
    "publish",
  );
  return { home, content };
}

const MODULE = (csvFileName: string) =>
  `import { CSVDataSource, type SaveContext } from "${ROOT}mod.ts";
export function owmData(ctx: SaveContext) {
  ctx.add(new CSVDataSource({ key: "worms", fileName: "worms", csvFileName: ${
    JSON.stringify(csvFileName)
  } }));
}
`;

Deno.test("owm save refuses a data module whose csvFileName is ../../x.csv, naming the field", async () => {
  await withRoot(async (root) => {
    const canary = await writeCanary(join(root, "x.csv"));
    const { home } = await publishedWorms(root);
    const module = join(root, "module.ts");
    await Deno.writeTextFile(module, MODULE("../../x.csv"));
    const saved = await owm(home, "save", module);
    assert(saved.code !== 0, "the save must fail");
    assertStringIncludes(
      saved.stderr,
      "CSVDataSource:worms: csvFileName '../../x.csv' leads outside",
    );
    assert(!(await graphText(home)).includes("x.csv"), "nothing of it was saved");
    assertCanaryUnread(canary, saved.stdout, saved.stderr, await graphText(home));
  });
});

Deno.test("owm translate csv-to-rdf and owm verify refuse a stored csvFileName of ../../x.csv; the canary is never read", async () => {
  await withRoot(async (root) => {
    // <root>/pub/worms/../../x.csv is <root>/x.csv: the canary, a well-formed CSV.
    const canary = await writeCanary(join(root, "x.csv"));
    const { home } = await publishedWorms(root);
    const module = join(root, "module.ts");
    await Deno.writeTextFile(module, MODULE("a.csv"));
    ok(await owm(home, "save", module), "save");
    // The store now holds a hostile name, as one copied from another machine may.
    await rewriteGraph(home, "a.csv", "../../x.csv");
    const atime = (await Deno.stat(canary.path)).atime?.getTime();

    const translated = await owm(home, "translate", "csv-to-rdf", "CSVDataSource:worms");
    assert(translated.code !== 0, `translate must fail: ${translated.stdout}`);
    assertStringIncludes(translated.stderr, "csvFileName '../../x.csv' leads outside");

    const verified = await owm(home, "verify", "CSVDataSource:worms");
    assert(verified.code !== 0, `verify must fail: ${verified.stdout}`);
    assertStringIncludes(verified.stderr, "csvFileName '../../x.csv' leads outside");

    const graph = await graphText(home);
    assert(!graph.includes("csv-to-rdf"), "no translation was recorded");
    assertCanaryUnread(
      canary,
      translated.stdout,
      translated.stderr,
      verified.stdout,
      verified.stderr,
      graph,
    );
    assertEquals((await Deno.stat(canary.path)).atime?.getTime(), atime);
  });
});

Deno.test("a live bridge answers 422 naming fileName for a DataSource whose fileName leads to a canary, and reads nothing", async () => {
  await withRoot(async (root) => {
    const canary = await writeCanary(join(root, "passwd"));
    const home = join(root, "store");
    const content = join(root, "deep", "a", "b");
    await Deno.mkdir(content, { recursive: true });
    await Deno.writeTextFile(join(content, "data.csv"), "x\n");
    // A stored record whose fileName leads from its content folder to the canary.
    const hostile = relative(content, canary.path); // ../../../passwd
    {
      const repo = await DataSourceRepository.open({ home, create: true });
      const ds = new LocalFileDataSource({
        key: "victim",
        fileName: "data.csv",
        md5: createHash("md5").update("x\n").digest("hex"),
      });
      await repo.save([ds]);
      await new LoaderRegistry(loadedIndexPath(home)).remember(ds, "published", content);
    }
    await rewriteGraph(home, "data.csv", hostile);

    await using t = await startTestBridge({ home });
    const answers: string[] = [];
    const call = async (path: string, body: unknown) => {
      const res = await t.api(path, { method: "POST", body: JSON.stringify(body) });
      const text = await res.text();
      answers.push(text);
      return { status: res.status, text };
    };

    const verified = await call("/api/datasources/LocalFileDataSource:victim/verify", {});
    assertEquals(verified.status, 422, verified.text);
    assertStringIncludes(verified.text, `fileName '${hostile}' leads outside`);
    assertStringIncludes(verified.text, "unsafe-path");

    const translated = await call("/api/translations", {
      translator: "directory-to-zip",
      inputs: ["LocalFileDataSource:victim"],
      key: "victim-zip",
    });
    assert(translated.status >= 400 && translated.status < 500, translated.text);
    assertStringIncludes(translated.text, "fileName");

    // Re-POSTing a DataSource with a hostile fileName is refused, and the record kept.
    const created = await call("/api/datasources", {
      class: "LocalFileDataSource",
      key: "uploaded",
      fields: { fileName: "data.csv" },
    });
    assertEquals(created.status, 201, created.text);
    for (const fileName of ["../../../../etc/passwd", hostile, "/etc/passwd", "a\\..\\..\\b"]) {
      const replaced = await call("/api/datasources", {
        class: "LocalFileDataSource",
        key: "uploaded",
        fields: { fileName },
        replace: true,
      });
      assertEquals(replaced.status, 422, replaced.text);
      assertStringIncludes(replaced.text, "LocalFileDataSource:uploaded: fileName");
    }
    const kept = await t.json<{ fields?: Record<string, unknown> }>(
      "/api/datasources/LocalFileDataSource:uploaded",
    );
    answers.push(JSON.stringify(kept.body));
    assertStringIncludes(JSON.stringify(kept.body), "data.csv");
    assert(!JSON.stringify(kept.body).includes("passwd"), JSON.stringify(kept.body));
    assertCanaryUnread(canary, ...answers, await graphText(home));
  });
});

/** A bencoded single-file torrent named `name` over `data` (one piece). */
async function singleFileTorrent(name: string, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const pieces = new Uint8Array(await crypto.subtle.digest("SHA-1", data));
  return encodeBencode(
    new Map<string, unknown>([
      [
        "info",
        new Map<string, unknown>([
          ["length", data.length],
          ["name", new TextEncoder().encode(name)],
          ["piece length", 16384],
          ["pieces", pieces],
        ]),
      ],
    ]) as never,
  );
}

Deno.test("a torrent from the store's folder index whose name is ../../<canary> is confined: owm verify reads nothing outside", async () => {
  await withRoot(async (root) => {
    const canary = await writeCanary(join(root, "x.csv"));
    const { home, content } = await publishedWorms(root);
    const shown = JSON.parse(
      ok(await owm(home, "source", "show", "CSVDataSource:worms", "--json"), "show").stdout,
    );
    const torrentFileName = String(shown.fields?.torrentFileName ?? shown.torrentFileName);
    assert(torrentFileName.endsWith(".torrent"), JSON.stringify(shown));
    // The index now serves, under the recorded name, a torrent of the canary named to reach it.
    const name = relative(join(content, ".."), canary.path); // ../x.csv
    const torrent = await singleFileTorrent(name, new TextEncoder().encode(canary.text));
    await Deno.writeFile(join(home, "torrents", torrentFileName), torrent);
    const atime = (await Deno.stat(canary.path)).atime?.getTime();

    const verified = await owm(home, "verify", "CSVDataSource:worms");
    assert(verified.code !== 0, `verify must not pass: ${verified.stdout}`);
    assert(!`${verified.stdout}${verified.stderr}`.includes(canary.path), verified.stderr);
    assertCanaryUnread(canary, verified.stdout, verified.stderr, await graphText(home));
    assertEquals((await Deno.stat(canary.path)).atime?.getTime(), atime);
  });
});

Deno.test("a .torrent in the folder index that is a link out of it is never read (the recorded hashes are still checked)", async () => {
  await withRoot(async (root) => {
    const { home, content } = await publishedWorms(root);
    const shown = JSON.parse(
      ok(await owm(home, "source", "show", "CSVDataSource:worms", "--json"), "show").stdout,
    );
    const torrentFileName = String(shown.fields?.torrentFileName ?? shown.torrentFileName);
    const real = join(home, "torrents", torrentFileName);
    const outside = join(root, "elsewhere.torrent");
    await Deno.rename(real, outside);
    await Deno.symlink(outside, real);
    const atime = (await Deno.stat(outside)).atime?.getTime();
    const verified = await owm(home, "verify", "CSVDataSource:worms", "--offline");
    // The folder digest is still checked (the recorded hashes need no torrent),
    // but the linked torrent is not read.
    assertEquals(verified.code, 0, verified.stderr);
    assertStringIncludes(verified.stdout + verified.stderr, content);
    assertEquals((await Deno.stat(outside)).atime?.getTime(), atime);
  });
});

Deno.test("content replaced by a link to an identical copy outside: owm verify and the bridge refuse it naming the link", async () => {
  await withRoot(async (root) => {
    const { home, content } = await publishedWorms(root);
    ok(await owm(home, "verify", "CSVDataSource:worms"), "verify before");
    // An identical copy outside, linked in place of the content: every hash would match.
    const copy = join(root, "outside-copy");
    await Deno.rename(content, copy);
    await Deno.symlink(copy, content);
    const verified = await owm(home, "verify", "CSVDataSource:worms");
    assert(verified.code !== 0, `verify must fail: ${verified.stdout}`);
    assertStringIncludes(verified.stderr, `"worms" is a symbolic link leading outside the folder`);

    await using t = await startTestBridge({ home });
    const answer = await t.json<{ error: { code: string; message: string } }>(
      "/api/datasources/CSVDataSource:worms/verify",
      { method: "POST", body: "{}" },
    );
    assertEquals(answer.status, 422, JSON.stringify(answer.body));
    assertStringIncludes(answer.body.error.message, "symbolic link leading outside");
  });
});

Deno.test("a link out inside a content folder: verify refuses it naming the link, publish refuses it, the canary is not read", async () => {
  await withRoot(async (root) => {
    const canary = await writeCanary(join(root, "x.csv"));
    const { home, content } = await publishedWorms(root);
    await Deno.symlink(canary.path, join(content, "b.csv"));
    const atime = (await Deno.stat(canary.path)).atime?.getTime();

    const verified = await owm(home, "verify", "CSVDataSource:worms");
    assert(verified.code !== 0, `verify must fail: ${verified.stdout}`);
    assertStringIncludes(verified.stderr, "b.csv");
    assertStringIncludes(verified.stderr.toLowerCase(), "symlink");

    const published = await owm(
      home,
      "publish",
      content,
      "--class",
      "CSVDataSource",
      "--key",
      "worms-again",
      "--no-seed",
      "--port",
      "0",
    );
    assert(published.code !== 0, `publish must fail: ${published.stdout}`);
    assertStringIncludes(published.stderr, "b.csv");
    assert(!(await graphText(home)).includes("worms-again"), "nothing was saved");

    assertCanaryUnread(
      canary,
      verified.stdout,
      verified.stderr,
      published.stdout,
      published.stderr,
      await graphText(home),
    );
    assertEquals((await Deno.stat(canary.path)).atime?.getTime(), atime);
  });
});
