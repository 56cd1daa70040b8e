/**
 * DataSourceRepository: DataSources through a real graph store in a temporary
 * directory, including a user subclass rebuilt in a process that never
 * imported it. The suite runs on both graph backends: the store's N-Quads
 * file (one test each) and a real Virtuoso (one test starting it, with a step
 * per case; skipped naming the Debian package when it is not installed).
 */
import { join } from "node:path";
import {
  CSVDataSource,
  DataSource,
  DataSourceNotFoundError,
  DataSourceRepository,
  type FieldDeclarations,
  FileDataSource,
  IdentifierSyntaxError,
  LocalFileDataSource,
  SCHEMA_NS,
  StoreNotFoundError,
  UnknownKindError,
} from "../../mod.ts";
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { quadToLine } from "../../lib/graph/nquads.ts";
import { virtuosoRequirement, withVirtuoso } from "../_virtuoso.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const MOD = new URL("../../mod.ts", import.meta.url).href;

/** The graph backend the cases run on: `OWM_GRAPH`'s value (`file`, or a Virtuoso's `sparql:…`). */
let graph = "file";

async function withRepo(fn: (repo: DataSourceRepository, home: string) => Promise<void>) {
  const home = await Deno.makeTempDir({ prefix: "owm-repository-" });
  try {
    await fn(await DataSourceRepository.open({ home, create: true, graph }), home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

/** Every statement of the store, as sorted N-Quads lines (the file's data lines). */
async function bodyLines(repo: DataSourceRepository): Promise<string[]> {
  return (await repo.store.readAll()).map(quadToLine).sort();
}

/** The cases run on every backend. */
const cases: [string, () => Promise<void>][] = [];

/** A case of the suite: a test on the file backend now, a step on Virtuoso at the end. */
function repoTest(name: string, fn: () => Promise<void>): void {
  cases.push([name, fn]);
  Deno.test(name, fn);
}

class RepoConnectomeCSV extends CSVDataSource {}
class RepoNeuronCSV extends RepoConnectomeCSV {
  static override readonly ownFields: FieldDeclarations = {
    neuronCount: { displayName: "Neuron count", multiple: false, default: 302 },
    verified: { displayName: "Verified", multiple: false },
    weight: { displayName: "Weight", multiple: false },
  };
}

const seed = () =>
  new RepoConnectomeCSV({
    key: "2000_connections",
    csvFileName: "connectome.csv",
    torrentFileName: "d9da5ce947c6f1c127dfcdc2ede63320.torrent",
  });

Deno.test("DataSourceRepository.open() without create refuses a missing store", async () => {
  const home = await Deno.makeTempDir({ prefix: "owm-repository-" });
  try {
    await assertRejects(
      () => DataSourceRepository.open({ home }),
      StoreNotFoundError,
      `No graph store at ${home}`,
    );
    assertEquals([...Deno.readDirSync(home)], [], "nothing is created");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

repoTest("DataSourceRepository.get() returns a saved DataSource as its own class", async () => {
  await withRepo(async (repo) => {
    await repo.save([seed()]);
    const ds = await repo.get("RepoConnectomeCSV:2000_connections");
    assert(ds instanceof RepoConnectomeCSV, `got a ${ds.className}`);
    assertEquals(ds.identifier, seed().identifier);
    assertEquals(ds.key, "2000_connections");
    assertEquals([...ds.storedValues()], [...seed().storedValues()]);
    assertEquals((ds as RepoConnectomeCSV).csvFieldDelimiter, ",", "the default is back");
  });
});

repoTest("DataSourceRepository.get() accepts a CURIE, a full <IRI> and a bare IRI", async () => {
  await withRepo(async (repo) => {
    await repo.save([seed()]);
    const iri = seed().identifier;
    for (const id of [`<${iri}>`, iri, "RepoConnectomeCSV:2000_connections"]) {
      assertEquals((await repo.get(id)).identifier, iri, id);
    }
  });
});

repoTest("DataSourceRepository.get() refuses an unknown id and a malformed one", async () => {
  await withRepo(async (repo) => {
    await repo.save([seed()]);
    const error = await assertRejects(
      () => repo.get("RepoConnectomeCSV:nope"),
      DataSourceNotFoundError,
      "No data source 'RepoConnectomeCSV:nope' in the store",
    );
    assertEquals(error.iri, "http://data.openworm.org/data_sources/RepoConnectomeCSV#nope");
    assertEquals(await repo.find("RepoConnectomeCSV:nope"), undefined);
    await assertRejects(() => repo.get("no colon"), IdentifierSyntaxError);
    await assertRejects(
      () => repo.get(`<${SCHEMA_NS}RepoConnectomeCSV>`),
      DataSourceNotFoundError,
      "",
    );
  });
});

repoTest("DataSourceRepository.save() does not store defaults", async () => {
  await withRepo(async (repo) => {
    await repo.save([seed()]);
    const instance = (await bodyLines(repo)).filter((l) => l.includes("#2000_connections>"));
    assertEquals(instance.length, 4, instance.join("\n")); // type + 3 fields
    assertEquals(instance.some((l) => l.includes("csv_field_delimiter")), false);
  });
});

repoTest("DataSourceRepository.save() again replaces the DataSource's statements", async () => {
  await withRepo(async (repo) => {
    await repo.save([seed()]);
    await repo.save([new RepoConnectomeCSV({ key: "2000_connections", csvFileName: "v2.csv" })]);
    const ds = await repo.get("RepoConnectomeCSV:2000_connections");
    assertEquals(ds.getAll("csvFileName"), ["v2.csv"]);
    assertEquals(ds.getAll("fileName"), ["v2.csv"]);
    assertEquals(ds.getAll("torrentFileName"), [], "a field no longer set is gone");
    const text = (await bodyLines(repo)).join("\n");
    assertEquals(text.includes("connectome.csv"), false);
    assertEquals(text.includes("d9da5ce947c6f1c127dfcdc2ede63320"), false);
  });
});

repoTest("DataSourceRepository.save() of several DataSources keeps each", async () => {
  await withRepo(async (repo) => {
    const many = Array.from(
      { length: 25 },
      (_, i) => new RepoConnectomeCSV({ key: `k${i}`, csvFileName: `f${i}.csv` }),
    );
    const summary = await repo.save(many, { count: true });
    assert(summary.quads > 0);
    for (const [i, expected] of many.entries()) {
      assertEquals((await repo.get(`RepoConnectomeCSV:k${i}`)).get("fileName"), `f${i}.csv`);
      assertEquals((await repo.get(expected.identifier)).key, `k${i}`);
    }
  });
});

repoTest("DataSourceRepository round-trips literal types and JSON order", async () => {
  await withRepo(async (repo) => {
    const header = ["post", "pre", "weight", "a"];
    await repo.save([
      new RepoNeuronCSV({
        key: "typed",
        csvHeader: header,
        neuronCount: 279,
        verified: false,
        weight: 0.25,
        description: "two\nlines with \"quotes\" and 'apostrophes' and é",
        fileName: ["b.csv", "a.csv"],
      } as never),
    ]);
    const ds = await repo.get("RepoNeuronCSV:typed");
    assertEquals(ds.get("csvHeader"), header);
    assertEquals(ds.get("neuronCount"), 279);
    assertEquals(ds.get("verified"), false);
    assertEquals(ds.get("weight"), 0.25);
    assertEquals(ds.description, "two\nlines with \"quotes\" and 'apostrophes' and é");
    assertEquals(new Set(ds.getAll("fileName")), new Set(["a.csv", "b.csv"]));
  });
});

repoTest("DataSourceRepository round-trips an object field naming another DataSource", async () => {
  await withRepo(async (repo) => {
    const raw = new CSVDataSource({ key: "raw data", csvFileName: "raw.csv" });
    const derived = new DataSource({ key: "derived", source: raw });
    const byCurie = new FileDataSource({ key: "by-curie", source: "CSVDataSource:raw data" });
    await repo.save([raw, derived, byCurie]);
    const got = await repo.get("DataSource:derived");
    assertEquals(got.get("source"), raw.identifier);
    assertEquals(
      (await repo.get("FileDataSource:by-curie")).get("source"),
      raw.identifier,
      "a CURIE is stored as the IRI it names",
    );
    const source = await repo.get(String(got.get("source")));
    assertEquals(source.get("fileName"), "raw.csv");
  });
});

repoTest("DataSourceRepository round-trips keys that need quoting", async () => {
  await withRepo(async (repo) => {
    const key = "2000 connections/é?#";
    await repo.save([new RepoConnectomeCSV({ key, csvFileName: "q.csv" })]);
    const ds = await repo.get(`RepoConnectomeCSV:${key}`);
    assertEquals(ds.key, key);
    assertEquals(
      (await repo.list()).map((s) => s.id),
      ["RepoConnectomeCSV:2000%20connections/%C3%A9%3F%23"],
    );
    assertEquals((await repo.get("RepoConnectomeCSV:2000%20connections/%C3%A9%3F%23")).key, key);
  });
});

repoTest("DataSourceRepository reads a DataSource saved in two contexts once", async () => {
  await withRepo(async (repo) => {
    const ds = new CSVDataSource({ key: "twice", csvFileName: "a.csv", md5: "abc" });
    await repo.save([ds], { context: "http://example.org/ctx/a" });
    await repo.save([ds], { context: "http://example.org/ctx/b" });
    const got = await repo.get("CSVDataSource:twice");
    assertEquals(got.getAll("fileName"), ["a.csv"]);
    assertEquals(got.getAll("md5"), ["abc"]);
    assertEquals((await repo.list()).map((s) => s.id), ["CSVDataSource:twice"]);
  });
});

repoTest(
  "DataSourceRepository.list() lists every DataSource with CURIE, IRI and kind",
  async () => {
    await withRepo(async (repo) => {
      await repo.save([
        seed(),
        new CSVDataSource({ key: "plain" }),
        new RepoNeuronCSV({ key: "neurons" }),
        new FileDataSource({ key: "file" }),
        new LocalFileDataSource({ key: "local" }),
      ]);
      const list = await repo.list();
      const byId = new Map(list.map((s) => [s.id, s]));
      assertEquals(list.length, 5);
      assertEquals(byId.get("RepoConnectomeCSV:2000_connections"), {
        id: "RepoConnectomeCSV:2000_connections",
        iri: seed().identifier,
        kind: "RepoConnectomeCSV",
      });
      assertEquals(
        [...byId.values()].map((s) => s.kind).sort(),
        [
          "CSVDataSource",
          "FileDataSource",
          "LocalFileDataSource",
          "RepoConnectomeCSV",
          "RepoNeuronCSV",
        ],
      );
    });
  },
);

repoTest("DataSourceRepository.list() with kind includes subclasses only", async () => {
  await withRepo(async (repo) => {
    await repo.save([
      seed(),
      new CSVDataSource({ key: "plain" }),
      new RepoNeuronCSV({ key: "neurons" }),
      new FileDataSource({ key: "file" }),
      new LocalFileDataSource({ key: "local" }),
    ]);
    const ids = async (kind: string) => (await repo.list({ kind })).map((s) => s.id).sort();
    assertEquals(await ids("RepoNeuronCSV"), ["RepoNeuronCSV:neurons"]);
    assertEquals(await ids("RepoConnectomeCSV"), [
      "RepoConnectomeCSV:2000_connections",
      "RepoNeuronCSV:neurons",
    ]);
    assertEquals(await ids("CSVDataSource"), [
      "CSVDataSource:plain",
      "RepoConnectomeCSV:2000_connections",
      "RepoNeuronCSV:neurons",
    ]);
    assertEquals((await ids("LocalFileDataSource")).length, 4);
    assertEquals((await ids("FileDataSource")).length, 5);
    assertEquals((await ids("DataSource")).length, 5);
    assertEquals(await ids(`<${SCHEMA_NS}RepoNeuronCSV>`), ["RepoNeuronCSV:neurons"]);
  });
});

repoTest("DataSourceRepository.list() with an unknown kind is an UnknownKindError", async () => {
  await withRepo(async (repo) => {
    await repo.save([seed()]);
    const error = await assertRejects(
      () => repo.list({ kind: "Nope" }),
      UnknownKindError,
      "Unknown kind 'Nope': known kinds are ",
    );
    assert(error.message.includes("RepoConnectomeCSV"), error.message);
  });
});

repoTest("DataSourceRepository.list() of an empty store is empty", async () => {
  await withRepo(async (repo) => {
    assertEquals(await repo.list(), []);
  });
});

repoTest("DataSourceRepository.remove() deletes the DataSource and nothing else", async () => {
  await withRepo(async (repo) => {
    const other = new RepoConnectomeCSV({ key: "other", csvFileName: "o.csv" });
    await repo.save([seed(), other]);
    await repo.save([seed()], { context: "http://example.org/ctx/extra" });
    await repo.remove("RepoConnectomeCSV:2000_connections");
    await assertRejects(
      () => repo.get("RepoConnectomeCSV:2000_connections"),
      DataSourceNotFoundError,
    );
    assertEquals((await repo.list()).map((s) => s.id), ["RepoConnectomeCSV:other"]);
    assertEquals((await repo.get("RepoConnectomeCSV:other")).get("fileName"), "o.csv");
    assert(
      (await repo.kinds()).some((k) => k.name === "RepoConnectomeCSV"),
      "the class stays known",
    );
  });
});

repoTest("DataSourceRepository.remove() of an unknown id fails and changes nothing", async () => {
  await withRepo(async (repo) => {
    await repo.save([seed()]);
    const before = await bodyLines(repo);
    await assertRejects(
      () => repo.remove("RepoConnectomeCSV:nope"),
      DataSourceNotFoundError,
      "'RepoConnectomeCSV:nope'",
    );
    await assertRejects(
      () => repo.remove(`<${SCHEMA_NS}RepoConnectomeCSV>`),
      DataSourceNotFoundError,
      "",
    );
    assertEquals(await bodyLines(repo), before);
  });
});

repoTest("DataSourceRepository.kinds() lists built-in and saved classes with parents", async () => {
  await withRepo(async (repo) => {
    await repo.save([new RepoNeuronCSV({ key: "n" })]);
    const kinds = await repo.kinds();
    const parent = new Map(kinds.map((k) => [k.name, k.parent]));
    assertEquals(parent.get("DataSource"), undefined);
    assert(parent.has("DataSource"));
    assertEquals(parent.get("FileDataSource"), "DataSource");
    assertEquals(parent.get("LocalFileDataSource"), "FileDataSource");
    assertEquals(parent.get("CSVDataSource"), "LocalFileDataSource");
    assertEquals(parent.get("RepoConnectomeCSV"), "CSVDataSource");
    assertEquals(parent.get("RepoNeuronCSV"), "RepoConnectomeCSV");
    assertEquals(
      kinds.find((k) => k.name === "RepoNeuronCSV")?.iri,
      `${SCHEMA_NS}RepoNeuronCSV`,
    );
    const names = kinds.map((k) => k.name);
    assertEquals(names, [...names].sort(), "sorted by name");
  });
});

// --- across processes ----------------------------------------------------------

async function runChild(dir: string, name: string, code: string, home: string) {
  const path = join(dir, name);
  await Deno.writeTextFile(path, code);
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--config",
      join(ROOT, "deno.json"),
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-net=127.0.0.1",
      path,
      home,
    ],
    cwd: ROOT,
    env: { OWM_GRAPH: graph },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 0, `${name} failed:\n${stderr}\n${stdout}`);
  return stdout;
}

const SAVER = `
import { CSVDataSource, DataSourceRepository, type FieldDeclarations } from "${MOD}";

export class MyCSV extends CSVDataSource {
  static override readonly ownFields: FieldDeclarations = {
    rowCount: {
      displayName: "Row count",
      description: "Number of data rows",
      multiple: false,
      default: 0,
    },
    curator: { displayName: "Curator" },
    checkedBy: { displayName: "Checked by", also: ["curator"] },
    licence: { displayName: "Licence", default: "CC-BY-4.0", multiple: false },
  };
}

const repo = await DataSourceRepository.open({ home: Deno.args[0], create: true });
await repo.save([
  new MyCSV({
    key: "2000_connections",
    csvFileName: "connectome.csv",
    torrentFileName: "d9da5ce947c6f1c127dfcdc2ede63320.torrent",
    csvHeader: ["pre", "post", "weight"],
    rowCount: 2000,
    checkedBy: ["Alice", "Bob"],
  } as never),
]);
console.log("saved");
`;

const READER = `
import { CSVDataSource, DataSourceRepository, formatDataSource, LocalFileDataSource } from "${MOD}";

const repo = await DataSourceRepository.open({ home: Deno.args[0] });
const ds = await repo.get("MyCSV:2000_connections");
const fields = Object.fromEntries(
  [...ds.fields.values()].map((f) => [f.name, { displayName: f.displayName, default: f.default ?? null, multiple: f.multiple, also: f.also }]),
);
console.log(JSON.stringify({
  className: ds.className,
  constructorName: ds.constructor.name,
  isCSVDataSource: ds instanceof CSVDataSource,
  isLocalFileDataSource: ds instanceof LocalFileDataSource,
  key: ds.key,
  identifier: ds.identifier,
  stored: Object.fromEntries(ds.storedValues()),
  rowCount: ds.get("rowCount"),
  licence: ds.get("licence"),
  hasLicence: ds.has("licence"),
  csvFieldDelimiter: (ds as CSVDataSource).csvFieldDelimiter,
  fileNameGetter: (ds as CSVDataSource).fileName,
  fields,
  format: formatDataSource(ds, await repo.store.prefixes()),
  listedAsCSV: (await repo.list({ kind: "CSVDataSource" })).map((s) => s.id),
  kinds: (await repo.kinds()).filter((k) => k.name === "MyCSV"),
}));
`;

repoTest(
  "DataSourceRepository round-trips a user subclass into a process that never imported it",
  async () => {
    const home = await Deno.makeTempDir({ prefix: "owm-repository-" });
    const dir = await Deno.makeTempDir({ prefix: "owm-children-" });
    try {
      assertEquals((await runChild(dir, "saver.ts", SAVER, home)).trim(), "saved");
      const got = JSON.parse(await runChild(dir, "reader.ts", READER, home));
      assertEquals(got.className, "MyCSV");
      assertEquals(got.constructorName, "MyCSV");
      assertEquals(got.isCSVDataSource, true);
      assertEquals(got.isLocalFileDataSource, true);
      assertEquals(got.key, "2000_connections");
      assertEquals(got.identifier, "http://data.openworm.org/data_sources/MyCSV#2000_connections");
      assertEquals(got.stored, {
        fileName: ["connectome.csv"],
        torrentFileName: ["d9da5ce947c6f1c127dfcdc2ede63320.torrent"],
        csvFileName: ["connectome.csv"],
        csvHeader: [["pre", "post", "weight"]],
        rowCount: [2000],
        curator: ["Alice", "Bob"],
        checkedBy: ["Alice", "Bob"],
      });
      assertEquals(got.rowCount, 2000);
      assertEquals(got.licence, "CC-BY-4.0", "a user field's default survives");
      assertEquals(got.hasLicence, false);
      assertEquals(got.csvFieldDelimiter, ",", "an inherited default survives");
      assertEquals(got.fileNameGetter, "connectome.csv", "the parent's getters work");
      assertEquals(got.fields.rowCount, {
        displayName: "Row count",
        default: 0,
        multiple: false,
        also: [],
      });
      assertEquals(got.fields.licence.default, "CC-BY-4.0");
      assertEquals(got.fields.checkedBy, {
        displayName: "Checked by",
        default: null,
        multiple: true,
        also: ["curator"],
      });
      assertEquals(got.fields.csvFileName.also, ["fileName"]);
      assertEquals(
        got.format,
        [
          "MyCSV",
          "    Checked by: 'Alice', 'Bob'",
          "    CSV file name: 'connectome.csv'", // sorted by RDF name: csv_file_name,
          '    Header column names: \'["pre","post","weight"]\'', // csv_header,
          "    Curator: 'Alice', 'Bob'", // curator
          "    File name: 'connectome.csv'",
          "    Row count: '2000'",
          "    Torrent file name: 'd9da5ce947c6f1c127dfcdc2ede63320.torrent'",
        ].join("\n"),
      );
      assertEquals(got.listedAsCSV, ["MyCSV:2000_connections"]);
      assertEquals(got.kinds, [{
        name: "MyCSV",
        iri: `${SCHEMA_NS}MyCSV`,
        parent: "CSVDataSource",
      }]);
    } finally {
      await Deno.remove(home, { recursive: true });
      await Deno.remove(dir, { recursive: true });
    }
  },
);

repoTest(
  "DataSourceRepository.get() in-process rebuilds a stored class it does not know",
  async () => {
    await withRepo(async (repo, home) => {
      const dir = await Deno.makeTempDir({ prefix: "owm-children-" });
      try {
        await runChild(dir, "saver.ts", SAVER, home);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
      const ds = await repo.get("MyCSV:2000_connections");
      assert(ds instanceof CSVDataSource);
      assertEquals(ds.className, "MyCSV");
      assertEquals(ds.get("rowCount"), 2000);
      assertEquals(ds.get("licence"), "CC-BY-4.0");
      assert((await repo.get("MyCSV:2000_connections")).constructor === ds.constructor);
    });
  },
);

Deno.test({
  name: "DataSourceRepository: the suite on Virtuoso (OWM_GRAPH=sparql:…)",
  ignore: virtuosoRequirement.ignore,
}, async (t) => {
  if (virtuosoRequirement.missing) virtuosoRequirement.check();
  await withVirtuoso(async (virtuoso) => {
    graph = virtuoso.graph;
    try {
      for (const [name, fn] of cases) {
        await virtuoso.clear();
        await t.step(name, fn);
      }
    } finally {
      graph = "file";
    }
  });
});
