/**
 * The translation runner, the provenance it records, the translation loader
 * and content translation, with small translators of the test's own (the
 * built-in translators have their own tests).
 */
import { join } from "node:path";
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertStringIncludes,
} from "../_assert.ts";
import { LocalFileDataSource } from "../../lib/datasource/local_file_data_source.ts";
import { DataSourceRepository } from "../../lib/datasource/repository.ts";
import { DEFAULT_DATA_GRAPH } from "../../lib/datasource/namespaces.ts";
import { literal, namedNode, quad } from "../../lib/graph/rdf.ts";
import { digestContent } from "../../lib/integrity/content_digest.ts";
import { loadedIndexPath } from "../../lib/loader/located_content.ts";
import { LoaderRegistry } from "../../lib/loader/registry.ts";
import { LoadFailedError } from "../../lib/loader/errors.ts";
import { InvalidInputError } from "../../lib/errors/invalid_input.ts";
import { derivationTree, formatChain, provenanceTree } from "../../lib/translate/chain.ts";
import { readTranslation, translationsUsing } from "../../lib/translate/provenance.ts";
import { TranslatorRegistry } from "../../lib/translate/registry.ts";
import { runTranslation, translationBase } from "../../lib/translate/run.ts";
import { TranslationDataSourceDirLoader } from "../../lib/translate/translation_loader.ts";
import { translateLoadedContent } from "../../lib/translate/content_translation.ts";
import { type DataTranslator, TranslationError } from "../../lib/translate/translator.ts";

/** Upper-cases a text file: output `<name>.upper`. */
function upper(version = "1"): DataTranslator {
  return {
    name: "upper",
    version,
    description: "Upper-cases a text file",
    inputKinds: ["LocalFileDataSource"],
    outputKind: LocalFileDataSource,
    async translate([input], outputDir, context) {
      const text = await Deno.readTextFile(input!.contentPath);
      if (text.includes("FAIL")) throw new TranslationError("upper", "line 1: the text says FAIL");
      const suffix = context.options.suffix ?? "";
      const name = `${input!.source.get("fileName")}.upper`;
      await Deno.writeTextFile(join(outputDir, name), text.toUpperCase() + suffix);
      return { fields: { fileName: name } };
    },
  };
}

/** Joins several text files; writes statements into a graph of its own. */
const concat: DataTranslator = {
  name: "concat",
  version: "1",
  description: "Concatenates text files",
  inputKinds: ["LocalFileDataSource"],
  inputCount: { min: 2, max: Infinity },
  outputKind: LocalFileDataSource,
  async translate(inputs, outputDir, context) {
    let text = "";
    for (const input of inputs) text += await Deno.readTextFile(input.contentPath);
    await Deno.writeTextFile(join(outputDir, "all.txt"), text);
    const graph = `http://example.org/graphs/${context.outputKey}`;
    return {
      fields: { fileName: "all.txt" },
      quads: [
        quad(
          namedNode(`${graph}#text`),
          namedNode("http://example.org/length"),
          literal(String(text.length)),
          namedNode(graph),
        ),
      ],
      replaceGraphs: [graph],
    };
  },
};

interface Fixture extends AsyncDisposable {
  home: string;
  repo: DataSourceRepository;
  raw: LocalFileDataSource;
  rawDir: string;
}

async function fixture(text = "hello\n"): Promise<Fixture> {
  const home = await Deno.makeTempDir({ prefix: "owm-translate-" });
  const repo = await DataSourceRepository.open({ home, create: true });
  const rawDir = join(home, "raw");
  await Deno.mkdir(rawDir);
  await Deno.writeTextFile(join(rawDir, "a.txt"), text);
  const sha256 = (await digestContent(join(rawDir, "a.txt"), ["sha256"])).digests.sha256;
  const raw = new LocalFileDataSource({ key: "raw", fileName: "a.txt", sha256 });
  await repo.save([raw]);
  await new LoaderRegistry(loadedIndexPath(home)).remember(raw, "local", rawDir);
  return {
    home,
    repo,
    raw,
    rawDir,
    // `await using` removes the temporary store when the test ends.
    [Symbol.asyncDispose]: () => Deno.remove(home, { recursive: true }).catch(() => {}),
  };
}

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) if (e.name !== ".locks") names.push(e.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

Deno.test("runTranslation() writes the output, links source and translation, and records the Translation", async () => {
  await using fx = await fixture();
  const { home, repo } = fx;
  const clock = [new Date("2026-01-02T03:04:05.000Z"), new Date("2026-01-02T03:04:06.500Z")];
  const run = await runTranslation(repo, upper(), ["LocalFileDataSource:raw"], {
    key: "raw-upper",
    options: { suffix: "!" },
    now: () => clock.shift()!,
  });
  assertEquals(run.directory, join(translationBase(home), "raw-upper"));
  assertEquals(await Deno.readTextFile(run.contentPath), "HELLO\n!");
  const saved = await repo.get("LocalFileDataSource:raw-upper");
  assertEquals(saved.get("fileName"), "a.txt.upper");
  assertEquals(
    saved.get("sha256"),
    (await digestContent(run.contentPath, ["sha256"])).digests.sha256,
  );
  assertEquals(saved.getAll("source"), [new LocalFileDataSource({ key: "raw" }).identifier]);
  assertEquals(saved.get("translation"), run.record.iri);
  const record = await readTranslation(repo.store, run.record.iri);
  assertEquals(record, {
    iri: run.record.iri,
    translator: "upper",
    translatorVersion: "1",
    inputs: [new LocalFileDataSource({ key: "raw" }).identifier],
    output: saved.identifier,
    options: { suffix: "!" },
    startedAt: "2026-01-02T03:04:05.000Z",
    endedAt: "2026-01-02T03:04:06.500Z",
  });
  // PROV-O statements for tools that know PROV and not us.
  const prov = await repo.store.match({ subject: namedNode(run.record.iri) });
  assert(prov.some((q) =>
    q.predicate.value === "http://www.w3.org/ns/prov#used" &&
    q.object.value === new LocalFileDataSource({ key: "raw" }).identifier
  ));
  assert(prov.some((q) => q.object.value === "http://www.w3.org/ns/prov#Activity"));
  // The output is remembered where it was written, and is a DataSource in lists; the record is not.
  const entry = await new LoaderRegistry(loadedIndexPath(home)).loaded(saved);
  assertEquals(entry?.directory, run.directory);
  assertEquals((await repo.list()).map((i) => i.id).sort(), [
    "LocalFileDataSource:raw",
    "LocalFileDataSource:raw-upper",
  ]);
});

Deno.test("runTranslation() again replaces the output and its record instead of adding new ones", async () => {
  await using fx = await fixture();
  const { repo } = fx;
  const first = await runTranslation(repo, upper(), ["LocalFileDataSource:raw"], { key: "u" });
  const second = await runTranslation(repo, upper(), ["LocalFileDataSource:raw"], { key: "u" });
  assertEquals(second.record.iri, first.record.iri);
  const records = await translationsUsing(repo.store, first.record.inputs[0]!);
  assertEquals(records.length, 1);
  // Other options make another Translation; the old record is dropped with the old output.
  const third = await runTranslation(repo, upper(), ["LocalFileDataSource:raw"], {
    key: "u",
    options: { suffix: "?" },
  });
  assert(third.record.iri !== first.record.iri);
  assertEquals(await readTranslation(repo.store, first.record.iri), undefined);
  assertEquals((await translationsUsing(repo.store, first.record.inputs[0]!)).length, 1);
  assertEquals(await Deno.readTextFile(third.contentPath), "HELLO\n?");
});

Deno.test("a failing translator leaves no output directory and an unchanged graph", async () => {
  await using fx = await fixture("FAIL here\n");
  const { home, repo } = fx;
  const before = await Deno.readTextFile(join(home, "graph.nq"));
  const error = await assertRejects(
    () => runTranslation(repo, upper(), ["LocalFileDataSource:raw"], { key: "bad" }),
    TranslationError,
  );
  assertStringIncludes(error.message, "line 1: the text says FAIL");
  assertEquals(await Deno.readTextFile(join(home, "graph.nq")), before);
  assertEquals(await listDir(translationBase(home)), []);
  // A translator that throws something else is wrapped, and also cleaned up.
  const throwing: DataTranslator = {
    ...upper(),
    name: "throwing",
    async translate(_inputs, outputDir) {
      await Deno.writeTextFile(join(outputDir, "partial"), "x");
      throw new RangeError("boom at entry 7");
    },
  };
  const wrapped = await assertRejects(
    () => runTranslation(repo, throwing, ["LocalFileDataSource:raw"], { key: "bad2" }),
    TranslationError,
  );
  assertEquals(wrapped.message, "throwing: boom at entry 7");
  assertEquals(await listDir(translationBase(home)), []);
  assertEquals(await Deno.readTextFile(join(home, "graph.nq")), before);
});

Deno.test("a failed rerun keeps the earlier output and record", async () => {
  await using fx = await fixture();
  const { home, repo, rawDir } = fx;
  const first = await runTranslation(repo, upper(), ["LocalFileDataSource:raw"], { key: "keep" });
  const graphBefore = await Deno.readTextFile(join(home, "graph.nq"));
  // The input changes so that it no longer verifies: refused before anything is written.
  await Deno.writeTextFile(join(rawDir, "a.txt"), "FAIL\n");
  const error = await assertRejects(
    () => runTranslation(repo, upper(), ["LocalFileDataSource:raw"], { key: "keep" }),
    TranslationError,
  );
  assertMatch(error.message, /does not verify \(sha256: expected [0-9a-f]{64}, got [0-9a-f]{64}\)/);
  assertEquals(await Deno.readTextFile(first.contentPath), "HELLO\n");
  assertEquals(await Deno.readTextFile(join(home, "graph.nq")), graphBefore);
});

Deno.test("runTranslation() refuses wrong kinds, wrong counts, missing inputs and a key taken by plain data", async () => {
  await using fx = await fixture();
  const { home, repo } = fx;
  const count = await assertRejects(
    () => runTranslation(repo, concat, ["LocalFileDataSource:raw"], { key: "c" }),
    TranslationError,
  );
  assertStringIncludes(count.message, "takes 2 to any number inputs");
  await repo.save([new LocalFileDataSource({ key: "elsewhere", fileName: "x.txt" })]);
  const missing = await assertRejects(
    () => runTranslation(repo, upper(), ["LocalFileDataSource:elsewhere"], { key: "m" }),
    TranslationError,
  );
  assertStringIncludes(missing.message, "is not present on this machine");
  const taken = await assertRejects(
    () => runTranslation(repo, upper(), ["LocalFileDataSource:raw"], { key: "elsewhere" }),
    TranslationError,
  );
  assertStringIncludes(taken.message, "was not made by a translation");
  const onlyCsv: DataTranslator = { ...upper(), name: "only-csv", inputKinds: ["CSVDataSource"] };
  const kind = await assertRejects(
    () => runTranslation(repo, onlyCsv, ["LocalFileDataSource:raw"], { key: "k" }),
    TranslationError,
  );
  assertStringIncludes(kind.message, "input 1 must be a CSVDataSource");
  assertEquals(await listDir(translationBase(home)), []);
});

Deno.test("a translator may not write outside a named graph of its own", async () => {
  await using fx = await fixture();
  const { home, repo } = fx;
  const sneaky: DataTranslator = {
    ...upper(),
    name: "sneaky",
    async translate(inputs, outputDir, context) {
      const result = await upper().translate(inputs, outputDir, context);
      return {
        ...result,
        quads: [quad(
          namedNode(inputs[0]!.source.identifier),
          namedNode("http://example.org/p"),
          literal("x"),
          namedNode(DEFAULT_DATA_GRAPH),
        )],
      };
    },
  };
  const error = await assertRejects(
    () => runTranslation(repo, sneaky, ["LocalFileDataSource:raw"], { key: "s" }),
    TranslationError,
  );
  assertStringIncludes(error.message, "outside a named graph of its own");
  assertEquals(await listDir(translationBase(home)), []);
});

Deno.test("statements a translator returns are stored atomically with the output, replacing its graph's", async () => {
  await using fx = await fixture();
  const { home, repo } = fx;
  const other = new LocalFileDataSource({ key: "other", fileName: "b.txt" });
  await Deno.writeTextFile(join(home, "raw", "b.txt"), "world\n");
  await repo.save([other]);
  await new LoaderRegistry(loadedIndexPath(home)).remember(other, "local", join(home, "raw"));
  const ids = ["LocalFileDataSource:raw", "LocalFileDataSource:other"];
  const run = await runTranslation(repo, concat, ids, { key: "both" });
  assertEquals(await Deno.readTextFile(run.contentPath), "hello\nworld\n");
  const graph = namedNode("http://example.org/graphs/both");
  assertEquals((await repo.store.match({ graph })).map((q) => q.object.value), ["12"]);
  assertEquals(run.statements, 1);
  // Order of inputs is kept in the record.
  assertEquals(run.record.inputs, [
    new LocalFileDataSource({ key: "raw" }).identifier,
    other.identifier,
  ]);
  const again = await runTranslation(repo, concat, [...ids].reverse(), { key: "both" });
  assertEquals((await repo.store.match({ graph })).length, 1);
  assertEquals(
    (await readTranslation(repo.store, again.record.iri))?.inputs,
    [other.identifier, new LocalFileDataSource({ key: "raw" }).identifier],
  );
});

Deno.test("derivs and provenance follow the chain both ways", async () => {
  await using fx = await fixture();
  const { repo } = fx;
  await runTranslation(repo, upper(), ["LocalFileDataSource:raw"], { key: "one" });
  await runTranslation(repo, upper(), ["LocalFileDataSource:one"], { key: "two" });
  await runTranslation(repo, upper(), ["LocalFileDataSource:raw"], { key: "side" });
  const down = await derivationTree(repo, "LocalFileDataSource:raw");
  assertEquals(down.steps.map((s) => s.sources.map((n) => n.id)), [
    ["LocalFileDataSource:one"],
    ["LocalFileDataSource:side"],
  ]);
  assertEquals(down.steps[0]!.sources[0]!.steps[0]!.sources[0]!.id, "LocalFileDataSource:two");
  const text = formatChain(down, "→");
  assertEquals(text[0], "LocalFileDataSource:raw");
  assertMatch(text[1]!, /^├─ → upper 1 at \d{4}-\d\d-\d\dT/);
  assertEquals(text[2], "│  └─ LocalFileDataSource:one");
  assertMatch(text[3]!, /^│ {5}└─ → upper 1 at /);
  assertEquals(text[4], "│        └─ LocalFileDataSource:two");
  const up = await provenanceTree(repo, "LocalFileDataSource:two");
  assertEquals(up.id, "LocalFileDataSource:two");
  assertEquals(up.steps[0]!.translator, "upper");
  assertEquals(up.steps[0]!.sources[0]!.id, "LocalFileDataSource:one");
  assertEquals(up.steps[0]!.sources[0]!.steps[0]!.sources[0]!.id, "LocalFileDataSource:raw");
  assertEquals(up.steps[0]!.sources[0]!.steps[0]!.sources[0]!.steps, []);
  // A removed input still shows, marked.
  await repo.remove("LocalFileDataSource:one");
  const gap = await provenanceTree(repo, "LocalFileDataSource:two");
  assertEquals(gap.steps[0]!.sources[0]!.stored, false);
  assertStringIncludes(
    formatChain(gap, "←").join("\n"),
    "LocalFileDataSource:one (not in the store)",
  );
});

Deno.test("the translation loader returns a present output and makes a missing one again, reproducibly", async () => {
  await using fx = await fixture();
  const { home, repo } = fx;
  const translators = new TranslatorRegistry().register(upper());
  const registry = new LoaderRegistry(loadedIndexPath(home));
  const loader = new TranslationDataSourceDirLoader(translationBase(home), {
    repository: repo,
    translators,
    loaders: () => registry,
  });
  registry.add(loader);
  const first = await runTranslation(repo, upper(), ["LocalFileDataSource:raw"], { key: "one" });
  await runTranslation(repo, upper(), ["LocalFileDataSource:one"], { key: "two" });
  const two = await repo.get("LocalFileDataSource:two");
  assert(loader.canLoad(two));
  // Delete both outputs: loading the second makes the first again, then the second.
  await Deno.remove(first.directory, { recursive: true });
  await Deno.remove(join(translationBase(home), "two"), { recursive: true });
  const loaded = await registry.load(two);
  assertEquals(loaded.origin, "translation", "made again by its translation");
  const dir = loaded.directory;
  assertEquals(await Deno.readTextFile(join(dir, "a.txt.upper.upper")), "HELLO\n");
  assertEquals(await Deno.readTextFile(join(first.directory, "a.txt.upper")), "HELLO\n");
  // A changed translator version is refused, not silently used.
  const v2 = new TranslationDataSourceDirLoader(translationBase(home), {
    repository: repo,
    translators: new TranslatorRegistry().register(upper("2")),
    loaders: () => registry,
  });
  await Deno.remove(dir, { recursive: true });
  const error = await assertRejects(() => v2.load(two), LoadFailedError);
  assertStringIncludes(error.message, "made by upper version 1, but this program has version 2");
  // A translator that no longer reproduces the recorded bytes is refused; nothing replaced.
  const drifting: DataTranslator = {
    ...upper(),
    async translate(inputs, outputDir, context) {
      const result = await upper().translate(inputs, outputDir, context);
      await Deno.writeTextFile(join(outputDir, String(result.fields.fileName)), "different");
      return result;
    },
  };
  const v1drift = new TranslationDataSourceDirLoader(translationBase(home), {
    repository: repo,
    translators: new TranslatorRegistry().register(drifting),
    loaders: () => registry,
  });
  const drift = await assertRejects(() => v1drift.load(two), LoadFailedError);
  assertMatch(drift.message, /did not reproduce .*sha256 expected [0-9a-f]{64}, got [0-9a-f]{64}/);
  assertEquals((await repo.get("LocalFileDataSource:two")).get("sha256"), two.get("sha256"));
});

Deno.test("translateLoadedContent() applies the DataSource's content translator once and reuses its output", async () => {
  await using fx = await fixture();
  const { home, repo, raw, rawDir } = fx;
  const translators = new TranslatorRegistry().register(upper());
  assertEquals(
    await translateLoadedContent(raw, rawDir, join(rawDir, "a.txt"), {
      translators,
      repository: repo,
    }),
    rawDir,
  );
  const ds = new LocalFileDataSource({ key: "raw", fileName: "a.txt", contentTranslator: "upper" });
  const out = await translateLoadedContent(ds, rawDir, join(rawDir, "a.txt"), {
    translators,
    repository: repo,
  });
  assertEquals(out, join(home, "raw@upper"));
  assertEquals(await Deno.readTextFile(join(out, "a.txt.upper")), "HELLO\n");
  const record = JSON.parse(await Deno.readTextFile(`${out}.json`));
  assertEquals(record.translator, "upper");
  // Unchanged input: the output is reused (a marker file survives).
  await Deno.writeTextFile(join(out, "a.txt.upper"), "HELLO\n");
  const mtime = (await Deno.stat(join(out, "a.txt.upper"))).mtime;
  await translateLoadedContent(ds, rawDir, join(rawDir, "a.txt"), {
    translators,
    repository: repo,
  });
  assertEquals((await Deno.stat(join(out, "a.txt.upper"))).mtime, mtime);
  // A damaged output is made again.
  await Deno.writeTextFile(join(out, "a.txt.upper"), "tampered");
  await translateLoadedContent(ds, rawDir, join(rawDir, "a.txt"), {
    translators,
    repository: repo,
  });
  assertEquals(await Deno.readTextFile(join(out, "a.txt.upper")), "HELLO\n");
  // An unknown translator is a clear error.
  const unknown = new LocalFileDataSource({
    key: "raw",
    fileName: "a.txt",
    contentTranslator: "nope",
  });
  const error = await assertRejects(
    () =>
      translateLoadedContent(unknown, rawDir, join(rawDir, "a.txt"), {
        translators,
        repository: repo,
      }),
    TranslationError,
  );
  assertStringIncludes(error.message, "Unknown translator 'nope': known translators are upper");
});

Deno.test("runs of one output wait for each other; a killed run's leftovers are cleaned and its earlier output restored", async () => {
  await using fx = await fixture();
  const { home, repo } = fx;
  const base = translationBase(home);
  // Concurrent runs of one output key would collide in the swap without the lock.
  const slow: DataTranslator = {
    ...upper(),
    async translate(inputs, outputDir, context) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return await upper().translate(inputs, outputDir, context);
    },
  };
  const runs = await Promise.all(
    Array.from(
      { length: 6 },
      () => runTranslation(repo, slow, ["LocalFileDataSource:raw"], { key: "same" }),
    ),
  );
  assertEquals(new Set(runs.map((r) => r.record.iri)).size, 1);
  assertEquals(await listDir(base), ["same"]);
  // A run killed after moving the output aside and before moving the new one in.
  await Deno.rename(join(base, "same"), join(base, ".old-same-killed"));
  await Deno.mkdir(join(base, ".tmp-same-killed"));
  await Deno.writeTextFile(join(base, ".tmp-same-killed", "partial"), "x");
  await runTranslation(repo, upper(), ["LocalFileDataSource:raw"], { key: "other" });
  assertEquals(await listDir(base), [".old-same-killed", ".tmp-same-killed", "other"]);
  // The next run of that output (here one that fails) first puts the earlier output back.
  const failing: DataTranslator = {
    ...upper(),
    translate: () => Promise.reject(new TranslationError("upper", "row 1: refused")),
  };
  await assertRejects(
    () => runTranslation(repo, failing, ["LocalFileDataSource:raw"], { key: "same" }),
    TranslationError,
  );
  assertEquals(await listDir(base), ["other", "same"]);
  assertEquals(await Deno.readTextFile(join(base, "same", "a.txt.upper")), "HELLO\n");
});

Deno.test("runTranslation() refuses an output key too long for a folder name, given or made from the input's key", async () => {
  await using fx = await fixture();
  const { home, repo, rawDir } = fx;
  const long = new LocalFileDataSource({ key: "k".repeat(240), fileName: "a.txt" });
  await repo.save([long]);
  await new LoaderRegistry(loadedIndexPath(home)).remember(long, "local", rawDir);
  // No --key: the default `<input key>-upper` is too long.
  const made = await assertRejects(
    () => runTranslation(repo, upper(), [long.identifier]),
    InvalidInputError,
  );
  assertEquals(made.code, "bad-key");
  await assertRejects(
    () => runTranslation(repo, upper(), ["LocalFileDataSource:raw"], { key: "x".repeat(300) }),
    InvalidInputError,
  );
  assertEquals(await listDir(translationBase(home)), []);
});
