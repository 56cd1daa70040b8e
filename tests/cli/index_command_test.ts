/**
 * The catalogue and the collision rule through the real `owm`: `owm publish`
 * with `--title --license --citation --field` to a folder index and an HTTP
 * index (a real serveHttpIndex on loopback), then `owm index list` and
 * `owm index search` from another, empty store; bad fields and licences
 * refused; the same content under another folder name refused naming the
 * DataSource that has it, with or without `--replace`; the same DataSource
 * republished as a different torrent needs `--replace`, which replaces the
 * index's torrent and record.
 */
import { join } from "node:path";
import { serveHttpIndex } from "../../lib/index/http_index_server.ts";
import { parseMetainfo } from "../../lib/torrent/metainfo.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";
import { owm } from "../_owm.ts";
import { tempDir } from "../torrent/_fixtures.ts";

const CSV = "pre,post\nAVAL,AVAR\nDA1,VB1\n";

async function dataset(dir: string, files: Record<string, string>): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(join(dir, name), text);
  return dir;
}

Deno.test("owm index list|search: the catalogue of a folder and an HTTP index, from an empty store", async () => {
  const tmp = await tempDir();
  const folderIndex = join(tmp, "index");
  await Deno.mkdir(folderIndex);
  await using http = serveHttpIndex(join(tmp, "http"), { token: "s3cret" });
  await Deno.mkdir(join(tmp, "http"));
  const env = { OWM_INDEX_TOKEN: "s3cret" };
  const a = ["--home", join(tmp, "a")];
  const worms = await dataset(join(tmp, "worms"), { "connections.csv": CSV, "README": "two\n" });
  const published = await owm([
    ...a,
    "publish",
    worms,
    "--class",
    "CSVDataSource",
    "--key",
    "worms",
    "--index",
    `dir:${folderIndex}`,
    "--index",
    http.url,
    "--title",
    "C. elegans connections",
    "--license",
    "CC-BY-4.0",
    "--citation",
    "doi:10.1000/182",
    "--description",
    "Two synapses",
    "--field",
    "csvFileName=connections.csv",
    "--field",
    'csvHeader=["pre","post"]',
    "--no-seed",
    "--json",
  ], { env });
  assertEquals(published.code, 0, published.stderr);
  const summary = JSON.parse(published.stdout);
  const cells = await dataset(join(tmp, "cells"), { "cells.csv": "cell\nAVAL\n" });
  const other = await owm([
    ...a,
    "publish",
    cells,
    "--class",
    "LocalFileDataSource",
    "--key",
    "cells",
    "--index",
    `dir:${folderIndex}`,
    "--license",
    "https://example.org/terms",
    "--no-seed",
  ]);
  assertEquals(other.code, 0, other.stderr);
  // The record sits beside the torrent in both indexes.
  assert((await Deno.stat(join(folderIndex, `${summary.torrentFileName}.ttl`))).isFile);
  assert((await Deno.stat(join(tmp, "http", `${summary.torrentFileName}.ttl`))).isFile);

  // Machine B: another, empty store.
  const b = ["--home", join(tmp, "b")];
  const listed = await owm([
    ...b,
    "index",
    "list",
    "--index",
    `dir:${folderIndex}`,
    "--index",
    http.url,
    "--json",
  ], { env });
  assertEquals(listed.code, 0, listed.stderr);
  const { entries, problems } = JSON.parse(listed.stdout);
  assertEquals(problems, []);
  assertEquals(entries.map((e: { id: string; index: string }) => [e.id, e.index]), [
    ["CSVDataSource:worms", `dir:${folderIndex}`],
    ["CSVDataSource:worms", http.url],
    ["LocalFileDataSource:cells", `dir:${folderIndex}`],
  ]);
  const metainfo = parseMetainfo(await Deno.readFile(join(folderIndex, summary.torrentFileName)));
  const [first] = entries;
  assertEquals({ ...first, date: typeof first.date }, {
    id: "CSVDataSource:worms",
    class: "CSVDataSource",
    classes: ["CSVDataSource", "LocalFileDataSource", "FileDataSource", "DataSource"],
    title: "C. elegans connections",
    description: "Two synapses",
    size: CSV.length + 4,
    fileCount: 2,
    infoHash: metainfo.infoHash,
    date: "string",
    license: "CC-BY-4.0",
    citation: ["doi:10.1000/182"],
    torrentFileName: summary.torrentFileName,
    index: `dir:${folderIndex}`,
    problem: null,
  });
  assertMatch(first.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assertEquals(entries[2].license, "https://example.org/terms");

  // --kind (a class and its subclasses), search, the text form.
  const kind = await owm([
    ...b,
    "index",
    "list",
    "--index",
    `dir:${folderIndex}`,
    "--kind",
    "CSVDataSource",
    "--json",
  ]);
  assertEquals(JSON.parse(kind.stdout).entries.map((e: { id: string }) => e.id), [
    "CSVDataSource:worms",
  ]);
  const wide = await owm([
    ...b,
    "index",
    "list",
    "--index",
    `dir:${folderIndex}`,
    "--kind",
    "LocalFileDataSource",
    "--json",
  ]);
  assertEquals(JSON.parse(wide.stdout).entries.length, 2);
  const search = await owm([
    ...b,
    "index",
    "search",
    "ELEGANS",
    "cc-by",
    "--index",
    `dir:${folderIndex}`,
  ]);
  assertEquals(search.code, 0, search.stderr);
  assertEquals(search.stdout.split("\n")[0], "CSVDataSource:worms  C. elegans connections");
  assertStringIncludes(search.stdout, "CSVDataSource · 2 files · ");
  assertStringIncludes(search.stdout, "cite: doi:10.1000/182");
  assert(!search.stdout.includes("cells"));
  const none = await owm([...b, "index", "search", "drosophila", "--index", `dir:${folderIndex}`]);
  assertEquals([none.code, none.stdout, none.stderr.trim()], [0, "", "owm: nothing matches"]);

  // A tampered record is listed as refused, with the torrent's own facts; an unreachable index
  // is a problem, not a failure of the others.
  const record = join(folderIndex, `${summary.torrentFileName}.ttl`);
  await Deno.writeTextFile(
    record,
    (await Deno.readTextFile(record)).replace('"connections.csv"', '"../../../etc/passwd"'),
  );
  const tampered = await owm([
    ...b,
    "index",
    "list",
    "--index",
    `dir:${folderIndex}`,
    "--index",
    "http://127.0.0.1:9/",
    "--json",
  ]);
  assertEquals(tampered.code, 0, tampered.stderr);
  const after = JSON.parse(tampered.stdout);
  const refused = after.entries.find((e: { torrentFileName: string }) =>
    e.torrentFileName === summary.torrentFileName
  );
  assertEquals([refused.id, refused.infoHash, refused.fileCount], [null, metainfo.infoHash, 2]);
  assertStringIncludes(refused.problem, "leads outside its content folder");
  assertEquals(after.problems.map((p: { index: string }) => p.index), ["http://127.0.0.1:9/"]);
  assertStringIncludes(tampered.stderr, "owm: index http://127.0.0.1:9/: ");
  const down = await owm([...b, "index", "list", "--index", "http://127.0.0.1:9/"]);
  assertEquals(down.code, 1, "every index failed");
});

Deno.test("owm publish --field and --license: unknown fields and bad licences are refused in one line, nothing published", async () => {
  const tmp = await tempDir();
  const worms = await dataset(join(tmp, "worms"), { "connections.csv": CSV });
  const base = [
    "--home",
    join(tmp, "a"),
    "publish",
    worms,
    "--class",
    "CSVDataSource",
    "--key",
    "w",
    "--no-seed",
  ];
  const unknown = await owm([...base, "--field", "csvFileNmae=connections.csv"]);
  assertEquals(unknown.code, 1);
  assertEquals(unknown.stderr.trim().split("\n").length, 1, unknown.stderr);
  assertStringIncludes(unknown.stderr, "CSVDataSource has no field 'csvFileNmae'");
  assertStringIncludes(unknown.stderr, "csvFileName, csvHeader, csvFieldDelimiter");
  const own = await owm([...base, "--field", "infoHash=00"]);
  assertStringIncludes(own.stderr, "publish sets it from the content");
  const malformed = await owm([...base, "--field", "csvFileName"]);
  assertStringIncludes(malformed.stderr, "is not name=value");
  const licence = await owm([...base, "--license", "use it as you like"]);
  assertEquals(licence.code, 1);
  assertStringIncludes(licence.stderr, "Field 'license'");
  assertStringIncludes(licence.stderr, "SPDX");
  const listed = await owm(["--home", join(tmp, "a"), "source", "list"]);
  assertEquals(listed.stdout.trim(), "", "nothing was saved");
  const index = await owm(["--home", join(tmp, "a"), "index", "list", "--json"]);
  assertEquals(index.code, 0, "the store's own index, not made yet, is empty");
  assertEquals(JSON.parse(index.stdout), { entries: [], problems: [] }, "nothing was published");
  const typo = await owm([
    "--home",
    join(tmp, "a"),
    "index",
    "list",
    "--index",
    `dir:${join(tmp, "nowhere")}`,
  ]);
  assertEquals(typo.code, 1, "a configured folder that does not exist is an error");
  assertStringIncludes(typo.stderr, "does not exist");
});

Deno.test("owm publish collisions: another folder name of the same files is refused naming the DataSource, even with --replace; the same id needs --replace", async () => {
  const tmp = await tempDir();
  const index = join(tmp, "index");
  const home = ["--home", join(tmp, "a")];
  const worms = await dataset(join(tmp, "worms"), { "connections.csv": CSV });
  const copy = await dataset(join(tmp, "copy-of-worms"), { "connections.csv": CSV });
  const publish = (path: string, key: string, ...more: string[]) =>
    owm([
      ...home,
      "publish",
      path,
      "--class",
      "CSVDataSource",
      "--key",
      key,
      "--index",
      `dir:${index}`,
      "--no-seed",
      ...more,
    ]);
  const first = await publish(worms, "worms", "--title", "First");
  assertEquals(first.code, 0, first.stderr);
  const torrentName = first.stdout.match(/torrent: +(\S+)/)![1]!;
  const before = await Deno.readFile(join(index, torrentName));

  for (const more of [[], ["--replace"]]) {
    const again = await publish(copy, "copy", ...more);
    assertEquals(again.code, 1, `--replace ${more.length > 0}`);
    const line = again.stderr.trim();
    assertEquals(line.split("\n").length, 1, line);
    assertStringIncludes(
      line,
      `The same content is already published as ${torrentName} by CSVDataSource:worms`,
    );
    assertStringIncludes(line, "nothing was changed: use CSVDataSource:worms");
    assert(!line.includes("unknown option"), line);
  }
  // Identical bytes under another key: the record names the DataSource that has them.
  const sameBytes = await publish(worms, "twin");
  assertEquals(sameBytes.code, 1);
  assertStringIncludes(sameBytes.stderr, "by CSVDataSource:worms");
  assertEquals(await Deno.readFile(join(index, torrentName)), before, "the index is unchanged");

  // The same DataSource as a different torrent (another folder name): --replace replaces it.
  const moved = await publish(copy, "worms");
  assertEquals(moved.code, 1);
  assertStringIncludes(moved.stderr, "by CSVDataSource:worms itself");
  assertStringIncludes(moved.stderr, "publish again with --replace");
  const replaced = await publish(copy, "worms", "--replace", "--title", "Moved");
  assertEquals(replaced.code, 0, replaced.stderr);
  const now = parseMetainfo(await Deno.readFile(join(index, torrentName)));
  assertEquals(now.name, "copy-of-worms", "the index's torrent was replaced");
  const listed = JSON.parse(
    (await owm([...home, "index", "list", "--index", `dir:${index}`, "--json"])).stdout,
  );
  assertEquals(
    listed.entries.map((
      e: { id: string; title: string; infoHash: string },
    ) => [e.id, e.title, e.infoHash]),
    [["CSVDataSource:worms", "Moved", now.infoHash]],
  );
  // The store's DataSource follows.
  const shown = JSON.parse(
    (await owm([...home, "source", "show", "CSVDataSource:worms", "--json"])).stdout,
  );
  assertEquals([shown.fields.fileName, shown.fields.title], [["copy-of-worms"], "Moved"]);
});
