/**
 * `owm translate`, `owm translator list`, `owm source derivs` and
 * `owm source provenance`, run as real processes on a store whose input was
 * published from a folder (`owm publish --no-seed`).
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";
import { shellEnv } from "../_env.ts";
import { digestContent } from "../../lib/integrity/content_digest.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const OWM = join(ROOT, "scripts/owm.ts");
const decoder = new TextDecoder();

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function owm(home: string, ...args: string[]): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-net",
      OWM,
      "--home",
      home,
      ...args,
    ],
    cwd: ROOT,
    clearEnv: true,
    env: shellEnv({ NO_COLOR: "1", OWM_DHT: "0", OWM_LSD: "0" }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

function ok(run: Run, what: string): Run {
  assertEquals(run.code, 0, `${what}: ${run.stderr}`);
  return run;
}

async function publishedStore(): Promise<{ home: string; data: string }> {
  const home = await Deno.makeTempDir({ prefix: "owm-translate-cli-" });
  const data = join(home, "neurons");
  await Deno.mkdir(join(data, "nested"), { recursive: true });
  await Deno.writeTextFile(join(data, "a.csv"), "Origin,Target\nADAL,AVAR\n");
  await Deno.writeTextFile(join(data, "nested", "b.txt"), "second file\n");
  await Deno.writeFile(join(data, "empty"), new Uint8Array());
  ok(
    await owm(
      home,
      "publish",
      data,
      "--class",
      "LocalFileDataSource",
      "--key",
      "neurons",
      "--no-seed",
      "--port",
      "0",
    ),
    "publish",
  );
  return { home, data };
}

Deno.test("owm translate: directory → zip → directory round-trips, and derivs/provenance show the chain", async () => {
  const { home, data } = await publishedStore();
  try {
    const zipped = ok(
      await owm(
        home,
        "translate",
        "directory-to-zip",
        "LocalFileDataSource:neurons",
        "--key",
        "neurons-zip",
        "--json",
      ),
      "translate directory-to-zip",
    );
    const zip = JSON.parse(zipped.stdout);
    assertEquals(zip.id, "LocalFileDataSource:neurons-zip");
    assertEquals(zip.translator, "directory-to-zip");
    assertEquals(zip.inputs, ["LocalFileDataSource:neurons"]);
    assert(zip.contentPath.endsWith("neurons.zip"), zip.contentPath);
    assertEquals(zip.sha256, (await digestContent(zip.contentPath, ["sha256"])).digests.sha256);

    const unzipped = ok(
      await owm(home, "translate", "zip-to-directory", "LocalFileDataSource:neurons-zip"),
      "translate zip-to-directory",
    );
    // The default key: the first input's key and the translator's name.
    assertEquals(unzipped.stdout.trim(), "LocalFileDataSource:neurons-zip-zip-to-directory");
    assertMatch(
      unzipped.stderr,
      /zip-to-directory 1: LocalFileDataSource:neurons-zip → LocalFileDataSource:neurons-zip-zip-to-directory/,
    );
    const shown = JSON.parse(
      ok(
        await owm(
          home,
          "source",
          "show",
          "LocalFileDataSource:neurons-zip-zip-to-directory",
          "--json",
        ),
        "show",
      ).stdout,
    );
    const outDir = join(
      home,
      "data_source_data",
      "translation",
      "neurons-zip-zip-to-directory",
      shown.fields.fileName[0],
    );
    assertEquals(
      (await digestContent(outDir, ["sha256"])).digests.sha256,
      (await digestContent(data, ["sha256"])).digests.sha256,
    );

    const derivs = ok(await owm(home, "source", "derivs", "LocalFileDataSource:neurons"), "derivs");
    const lines = derivs.stdout.trimEnd().split("\n");
    assertMatch(lines[0]!, /^LocalFileDataSource:neurons \(torrent [0-9a-f]{40}\)$/);
    assertMatch(lines[1]!, /^└─ → directory-to-zip 1 at \d{4}-/);
    assertEquals(lines[2], "   └─ LocalFileDataSource:neurons-zip");
    assertMatch(lines[3]!, /^ {6}└─ → zip-to-directory 1 at /);
    assertEquals(lines[4], "         └─ LocalFileDataSource:neurons-zip-zip-to-directory");

    const prov = JSON.parse(
      ok(
        await owm(
          home,
          "source",
          "provenance",
          "LocalFileDataSource:neurons-zip-zip-to-directory",
          "--json",
        ),
        "provenance",
      ).stdout,
    );
    assertEquals(prov.steps[0].translator, "zip-to-directory");
    assertEquals(prov.steps[0].sources[0].id, "LocalFileDataSource:neurons-zip");
    assertEquals(prov.steps[0].sources[0].steps[0].translator, "directory-to-zip");
    assertEquals(prov.steps[0].sources[0].steps[0].sources[0].id, "LocalFileDataSource:neurons");
    assertEquals(prov.steps[0].sources[0].steps[0].sources[0].steps, []);

    // Both outputs deleted: fetching the last one makes the zip, then the folder, again.
    const translated = join(home, "data_source_data", "translation");
    await Deno.remove(join(translated, "neurons-zip"), { recursive: true });
    await Deno.remove(join(translated, "neurons-zip-zip-to-directory"), { recursive: true });
    const refetched = JSON.parse(
      ok(
        await owm(home, "fetch", "LocalFileDataSource:neurons-zip-zip-to-directory", "--json"),
        "fetch of a translated DataSource",
      ).stdout,
    );
    assertEquals(refetched.directory, join(translated, "neurons-zip-zip-to-directory"));
    assertEquals(refetched.verified, true);
    assertEquals(
      (await digestContent(outDir, ["sha256"])).digests.sha256,
      (await digestContent(data, ["sha256"])).digests.sha256,
    );
    assertEquals((await Deno.stat(zip.contentPath)).isFile, true);

    // A lock pins the published input; the translated outputs are passed over with the reason.
    const lockFile = join(home, "owm.lock");
    const locked = ok(await owm(home, "lock", "--lock", lockFile), "lock");
    assertEquals(locked.stdout.trim(), "LocalFileDataSource:neurons");
    assertMatch(
      locked.stderr,
      /made by a translation and not distributed by a torrent, so not locked: /,
    );
    for (const id of ["neurons-zip", "neurons-zip-zip-to-directory"]) {
      assertMatch(locked.stderr, new RegExp(`LocalFileDataSource:${id}(,|\n)`));
    }
    const named = await owm(home, "lock", "LocalFileDataSource:neurons-zip", "--lock", lockFile);
    assertEquals(named.code, 1);
    assertStringIncludes(named.stderr, "lock its inputs instead");

    // Translation records and outputs: the list shows DataSources only.
    const list = ok(await owm(home, "source", "list"), "list").stdout.trim().split("\n");
    assertEquals(list.sort(), [
      "LocalFileDataSource:neurons",
      "LocalFileDataSource:neurons-zip",
      "LocalFileDataSource:neurons-zip-zip-to-directory",
    ]);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("owm translate: bad translator, bad input and bad options fail with one line and change nothing", async () => {
  const { home } = await publishedStore();
  try {
    const graph = await Deno.readTextFile(join(home, "graph.nq"));
    const unknown = await owm(home, "translate", "nope", "LocalFileDataSource:neurons");
    assertEquals(unknown.code, 1);
    assertStringIncludes(unknown.stderr, "Unknown translator 'nope': known translators are");
    const folder = await owm(home, "translate", "zip-to-directory", "LocalFileDataSource:neurons");
    assertEquals(folder.code, 1);
    assertMatch(folder.stderr, /^owm: zip-to-directory: .*neurons/);
    assertEquals(folder.stderr.trim().split("\n").length, 1, folder.stderr);
    const option = await owm(
      home,
      "translate",
      "directory-to-zip",
      "LocalFileDataSource:neurons",
      "--option",
      "no-equals-sign",
    );
    assertEquals(option.code, 2);
    assertStringIncludes(option.stderr, "--option takes name=value");
    const none = await owm(home, "translate", "directory-to-zip");
    assertEquals(none.code, 2);
    const missing = await owm(home, "translate", "directory-to-zip", "LocalFileDataSource:absent");
    assertEquals(missing.code, 1);
    assertEquals(await Deno.readTextFile(join(home, "graph.nq")), graph);
    const out = join(home, "data_source_data", "translation");
    const left = [];
    try {
      for await (const e of Deno.readDir(out)) if (e.name !== ".locks") left.push(e.name);
    } catch {
      // never created: nothing left either
    }
    assertEquals(left, []);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("owm translator list names the built-in translators", async () => {
  const home = await Deno.makeTempDir({ prefix: "owm-translate-cli-" });
  try {
    const list = JSON.parse(ok(await owm(home, "translator", "list", "--json"), "list").stdout);
    const names = list.map((t: { name: string }) => t.name);
    for (const name of ["csv-to-rdf", "directory-to-zip", "zip-to-directory"]) {
      assert(names.includes(name), `${name} in ${names}`);
    }
    const zip = list.find((t: { name: string }) => t.name === "zip-to-directory");
    assertEquals(zip.inputKinds, ["LocalFileDataSource"]);
    assertEquals(zip.outputKind, "LocalFileDataSource");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("owm translate csv-to-rdf: a published CSV becomes statements in its own graph", async () => {
  const home = await Deno.makeTempDir({ prefix: "owm-translate-cli-" });
  try {
    const csv = join(home, "edges.csv");
    await Deno.writeTextFile(
      csv,
      'Origin,Target,Type,Number of Connections\r\nADAL,AVAR,"Send, chemical",3\r\nAVAR,ADAL,GapJunction,12\r\n',
    );
    ok(
      await owm(home, "publish", csv, "--class", "CSVDataSource", "--key", "edges", "--no-seed"),
      "publish",
    );
    const run = JSON.parse(
      ok(
        await owm(
          home,
          "translate",
          "csv-to-rdf",
          "CSVDataSource:edges",
          "--key",
          "edges-graph",
          "--json",
        ),
        "translate csv-to-rdf",
      ).stdout,
    );
    assertEquals(run.id, "GraphDataSource:edges-graph");
    assert(run.statements > 8, `statements: ${run.statements}`);
    const nq = await Deno.readTextFile(run.contentPath);
    assertStringIncludes(nq, '"Send, chemical"');
    assertStringIncludes(nq, '"12"^^<http://www.w3.org/2001/XMLSchema#integer>');
    // The same lines are in the store, in the output's named graph.
    const store = await Deno.readTextFile(join(home, "graph.nq"));
    for (const line of nq.trim().split("\n")) assertStringIncludes(store, line);
    const derivs = ok(await owm(home, "source", "derivs", "CSVDataSource:edges"), "derivs");
    assertStringIncludes(derivs.stdout, "csv-to-rdf 1 at");
    assertStringIncludes(derivs.stdout, "GraphDataSource:edges-graph");
    // A bad row: exit 1 naming line and row; the graph keeps the earlier translation.
    const before = await Deno.readTextFile(join(home, "graph.nq"));
    await owm(home, "source", "rm", "CSVDataSource:edges");
    const bad = join(home, "bad.csv");
    await Deno.writeTextFile(bad, 'a,b\n1,2\n3,"unterminated\n');
    ok(
      await owm(home, "publish", bad, "--class", "CSVDataSource", "--key", "bad", "--no-seed"),
      "publish bad",
    );
    const afterPublish = await Deno.readTextFile(join(home, "graph.nq"));
    const failed = await owm(home, "translate", "csv-to-rdf", "CSVDataSource:bad");
    assertEquals(failed.code, 1);
    assertMatch(failed.stderr, /line 3 \(row 2\)/);
    assertEquals(await Deno.readTextFile(join(home, "graph.nq")), afterPublish);
    assert(before !== afterPublish);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
