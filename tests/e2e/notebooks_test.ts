/**
 * Executes every notebook in notebooks/ headless, as CI does: Debian's
 * Jupyter (`jupyter nbconvert --execute`) with the Deno kernel, each in a
 * fresh store (OWM_HOME) with DHT and local discovery off. The quickstart
 * fetches from a seeder in this process on 127.0.0.1 (its `.torrent` put in
 * the store's index folder, its address given as OWM_PEERS); the publish
 * notebook publishes into a temporary publish root. A test fails when any cell
 * has an error output, and checks the outputs that matter: the progress bar
 * is one output updated in place to 100%, verification passes, the CSV table
 * and the magnet link are shown.
 *
 * Deno 2.9's kernel may send a cell's `execute_result` and stream output after
 * it reports the cell idle, and nbclient then drops them (about one cell in 20
 * here); awaited `Deno.jupyter.display` calls always arrive in time. So the
 * notebooks show what matters with `display()`, and the checks below look only
 * at display outputs.
 *
 * Needs `jupyter` and the `deno` kernelspec (scripts/ci/install_jupyter_kernel.sh).
 * Without `jupyter` on PATH the executing tests are ignored with one line
 * naming the Debian packages, or fail under OWM_TEST_REQUIRE_ALL=1 (as in CI:
 * tests/_require.ts); with `jupyter` but no usable kernel they fail, saying
 * what to install. Set
 * OWM_NB_TEST_KEEP=DIR to keep the executed notebooks and nbconvert's logs in DIR.
 */
import { join } from "node:path";
import { shellEnv } from "../_env.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";
import { seedContent } from "../bridge/_seeder.ts";
import { requireProgram } from "../_require.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const NOTEBOOKS = join(ROOT, "notebooks");
const CELL_TIMEOUT_S = 120;
const decoder = new TextDecoder();

const JUPYTER_PACKAGES = [
  "jupyter-core",
  "jupyter-client",
  "jupyter-nbconvert",
  "python3-nbclient",
  "python3-nbformat",
];
const jupyter = requireProgram("jupyter", {
  debian: JUPYTER_PACKAGES,
  what: "the notebook tests",
  hint: "then bash scripts/ci/install_jupyter_kernel.sh",
});

const INSTALL_HINT = "install Jupyter and the Deno kernel as CI does: apt-get install -y " +
  "--no-install-recommends jupyter-core jupyter-client jupyter-nbconvert python3-nbclient " +
  "python3-nbformat, then bash scripts/ci/install_jupyter_kernel.sh";

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}

interface Notebook {
  cells: Cell[];
  nbformat: number;
}

/** The end of a long log. */
const tail = (log: string, chars = 8000) => log.length > chars ? `…${log.slice(-chars)}` : log;

const joined = (text: string | string[] | undefined) =>
  Array.isArray(text) ? text.join("") : text ?? "";

async function run(
  cmd: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(cmd, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    ...(options.env ? { env: options.env, clearEnv: true } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  }).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** Fails (with what to install) unless `jupyter` runs and the deno kernelspec is usable. */
async function requireJupyter(): Promise<void> {
  let listing;
  try {
    listing = await run("jupyter", ["kernelspec", "list", "--json"]);
  } catch (error) {
    throw new Error(`'jupyter' is not on PATH (${error}): ${INSTALL_HINT}`);
  }
  if (listing.code !== 0) {
    throw new Error(`'jupyter kernelspec list' failed: ${listing.stderr.trim()}: ${INSTALL_HINT}`);
  }
  const specs = JSON.parse(listing.stdout).kernelspecs as Record<
    string,
    { resource_dir: string; spec: { argv: string[]; env?: Record<string, string> } }
  >;
  const deno = specs.deno;
  if (!deno) {
    throw new Error(
      `No 'deno' Jupyter kernelspec (found: ${
        Object.keys(specs).join(", ") || "none"
      }): ${INSTALL_HINT}`,
    );
  }
  const bin = deno.spec.argv[0] ?? "";
  const info = await Deno.stat(bin).catch(() => undefined);
  if (!info?.isFile) {
    throw new Error(
      `The deno kernelspec (${deno.resource_dir}) starts '${bin}', which does not exist: ${INSTALL_HINT}`,
    );
  }
  const nbconvert = await run("jupyter", ["nbconvert", "--version"]).catch(() => undefined);
  if (nbconvert?.code !== 0) throw new Error(`'jupyter nbconvert' does not run: ${INSTALL_HINT}`);
}

/** Runs `notebook` with nbconvert in `env`, returning the executed notebook. */
async function execute(
  notebook: string,
  outDir: string,
  env: Record<string, string>,
): Promise<{ nb: Notebook; log: string }> {
  const result = await run("jupyter", [
    "nbconvert",
    "--to",
    "notebook",
    "--execute",
    "--ExecutePreprocessor.kernel_name=deno",
    `--ExecutePreprocessor.timeout=${CELL_TIMEOUT_S}`,
    // No allow_errors: a cell whose execute_reply says error stops nbconvert
    // (exit 1, the cell and its traceback in the log), even when the kernel's
    // error output arrives too late to be recorded (see assertNoErrors).
    // The debug log lists the kernel's messages (display_data, update_display_data).
    "--log-level=DEBUG",
    join(NOTEBOOKS, notebook),
    "--output-dir",
    outDir,
    "--output",
    "out.ipynb",
  ], { env: shellEnv({ NO_COLOR: "1", OWM_DHT: "0", OWM_LSD: "0", ...env }), cwd: ROOT });
  const log = `${result.stdout}\n${result.stderr}`;
  if (result.code !== 0) {
    throw new Error(`nbconvert failed on ${notebook} (${result.code}):\n${tail(log)}`);
  }
  const executed = await Deno.readTextFile(join(outDir, "out.ipynb"));
  const keep = Deno.env.get("OWM_NB_TEST_KEEP"); // a folder to keep the executed notebooks in
  if (keep) {
    await Deno.writeTextFile(join(keep, notebook), executed);
    await Deno.writeTextFile(join(keep, `${notebook}.log`), log);
  }
  return { nb: JSON.parse(executed) as Notebook, log };
}

/**
 * Throws listing every error output of `nb` (a second net behind nbconvert's
 * own failure on an error reply).
 */
function assertNoErrors(name: string, nb: Notebook): void {
  const errors: string[] = [];
  nb.cells.forEach((cell, index) => {
    for (const output of cell.outputs ?? []) {
      if (output.output_type === "error") {
        errors.push(
          `cell ${index}:\n${joined(cell.source)}\n→ ${output.ename}: ${output.evalue}\n${
            (output.traceback ?? []).join("\n")
          }`,
        );
      }
    }
  });
  if (errors.length > 0) {
    throw new Error(`${name}: ${errors.length} cell(s) failed:\n\n${errors.join("\n\n")}`);
  }
}

/** The outputs of the one code cell whose source contains `marker`. */
function cellOutputs(nb: Notebook, marker: string): Output[] {
  const cells = nb.cells.filter((c) => c.cell_type === "code" && joined(c.source).includes(marker));
  assertEquals(cells.length, 1, `code cells containing ${JSON.stringify(marker)}`);
  return cells[0]!.outputs ?? [];
}

/** The rich outputs (display data and results) of a cell whose HTML has `className`. */
function richOutputs(outputs: Output[], className: string): Output[] {
  return outputs.filter((o) => joined(o.data?.["text/html"]).includes(`class="${className}"`));
}

function html(output: Output | undefined): string {
  return joined(output?.data?.["text/html"]);
}

function text(output: Output | undefined): string {
  return joined(output?.data?.["text/plain"]);
}

/** Checks that every cell ran and that the notebook has outputs (it is committed without). */
function assertExecuted(nb: Notebook): void {
  const code = nb.cells.filter((c) => c.cell_type === "code");
  assert(code.length > 0, "the notebook has code cells");
  assert(code.some((c) => (c.outputs ?? []).length > 0), "the executed notebook has outputs");
}

/** A reproducible CSV of synaptic connections, large enough for several pieces. */
function connectomeCsv(rows: number): string {
  const neurons = ["ADAL", "ADAR", "ADEL", "ADER", "ADFL", "AVAL", "AVAR", "AVBL", "PVCL", "RIAL"];
  const lines = ["pre,post,type,synapses"];
  for (let i = 0; i < rows; i++) {
    const pre = neurons[i % neurons.length]!;
    const post = neurons[(i * 7 + 3) % neurons.length]!;
    lines.push(`${pre},${post},${i % 3 === 0 ? "GapJunction" : "Send"},${(i * 13) % 29 + 1}`);
  }
  return lines.join("\n") + "\n";
}

Deno.test("the committed notebooks are valid nbformat 4 with no outputs", async () => {
  const names = [...Deno.readDirSync(NOTEBOOKS)].filter((e) => e.name.endsWith(".ipynb"));
  assert(names.length >= 2, "notebooks/ holds the quickstart and publish notebooks");
  for (const { name } of names) {
    const nb = JSON.parse(await Deno.readTextFile(join(NOTEBOOKS, name))) as Notebook & {
      metadata: { kernelspec?: { name?: string } };
    };
    assertEquals(nb.nbformat, 4, `${name}: nbformat`);
    assertEquals(nb.metadata.kernelspec?.name, "deno", `${name}: kernel`);
    for (const cell of nb.cells) {
      if (cell.cell_type !== "code") continue;
      assertEquals(cell.outputs, [], `${name}: outputs of a committed code cell`);
    }
  }
});

Deno.test("the notebooks' code type-checks (deno check of their code cells as one module)", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "owm-nb-check-" });
  try {
    const mod = new URL("../../mod.ts", import.meta.url).href;
    const files: string[] = [];
    for (const { name } of Deno.readDirSync(NOTEBOOKS)) {
      if (!name.endsWith(".ipynb")) continue;
      const nb = JSON.parse(await Deno.readTextFile(join(NOTEBOOKS, name))) as Notebook;
      const code = nb.cells.filter((c) => c.cell_type === "code").map((c) => joined(c.source))
        .join("\n\n").replaceAll(`from "../mod.ts"`, `from ${JSON.stringify(mod)}`);
      const file = join(tmp, name.replace(/\.ipynb$/, ".ts"));
      await Deno.writeTextFile(file, `${code}\nexport {};\n`);
      files.push(file);
    }
    const check = await run(Deno.execPath(), [
      "check",
      "--quiet",
      `--config=${join(ROOT, "deno.json")}`,
      ...files,
    ], { cwd: ROOT });
    assertEquals(check.code, 0, `deno check of the notebooks' code:\n${check.stderr}`);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("notebooks/README.md lists every notebook, what it shows and how to run it", async () => {
  const readme = await Deno.readTextFile(join(NOTEBOOKS, "README.md"));
  for (const entry of Deno.readDirSync(NOTEBOOKS)) {
    if (!entry.name.endsWith(".ipynb")) continue;
    assertMatch(readme, new RegExp(`^\\| \`${entry.name.replace(".", "\\.")}\` +\\| \\S`, "m"));
  }
  assertStringIncludes(readme, "jupyter lab notebooks/");
  assertStringIncludes(readme, "jupyter nbconvert --to notebook --execute");
});

Deno.test("every notebook in notebooks/ has an environment in this test", () => {
  const names = [...Deno.readDirSync(NOTEBOOKS)].map((e) => e.name).filter((n) =>
    n.endsWith(".ipynb")
  ).sort();
  assertEquals(names, ["publish.ipynb", "quickstart.ipynb", "reproducible.ipynb"]);
});

Deno.test({
  name: "quickstart.ipynb: saves, fetches from a loopback seeder with a live bar, verifies, reads",
  ignore: jupyter.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    jupyter.check();
    await requireJupyter();
    const tmp = await Deno.makeTempDir({ prefix: "owm-nb-quickstart-" });
    const home = join(tmp, "store");
    const seedDir = join(tmp, "seed");
    await Deno.mkdir(seedDir, { recursive: true });
    const csv = connectomeCsv(40_000);
    await Deno.writeTextFile(join(seedDir, "connectome.csv"), csv);
    try {
      await using seeded = await seedContent(tmp, {
        content: join(seedDir, "connectome.csv"),
        index: join(home, "torrents"),
        // About two seconds for the download, so the bar moves while the cell runs.
        session: { tracker: false, uploadLimit: 512 * 1024 },
      });
      const { nb, log } = await execute("quickstart.ipynb", tmp, {
        OWM_HOME: home,
        OWM_PEERS: seeded.peer,
        OWM_NB_TORRENT: seeded.torrentFileName,
        OWM_NB_CSV: "connectome.csv",
      });
      assertNoErrors("quickstart.ipynb", nb);
      assertExecuted(nb);

      // The saved DataSource, as a table of display names.
      const saved = richOutputs(cellOutputs(nb, "repo.save("), "owm-datasource");
      assertEquals(saved.length, 1, "the saved DataSource is shown");
      assertStringIncludes(html(saved[0]), "Torrent file name");
      assertStringIncludes(html(saved[0]), seeded.torrentFileName);

      // One progress output, updated in place (not one output per update), ending at 100%.
      const fetchOutputs = cellOutputs(nb, "progressBar(");
      const bars = richOutputs(fetchOutputs, "owm-progress");
      assertEquals(bars.length, 1, `one progress output in the fetch cell (log:\n${tail(log)})`);
      assertEquals(
        fetchOutputs.filter((o) => o.output_type === "display_data").length,
        1,
        "the fetch cell has a single display output",
      );
      assertStringIncludes(html(bars[0]), 'data-state="done"');
      assertStringIncludes(html(bars[0]), 'value="100.0"');
      assertStringIncludes(text(bars[0]), "100.0%");
      const updates = log.match(/msg_type: update_display_data/g)?.length ?? 0;
      assert(updates >= 2, `the bar was updated in place (${updates} update_display_data)`);

      // What the fetch recorded, and the torrent's status.
      const after = cellOutputs(nb, "const fetched");
      assertStringIncludes(html(richOutputs(after, "owm-datasource")[0]), seeded.infoHash);
      assertStringIncludes(html(richOutputs(after, "owm-torrent")[0]), "100.0%");

      // Verification passes, check by check.
      const verified = richOutputs(cellOutputs(nb, "bridge.verify("), "owm-verify");
      assertEquals(verified.length, 1, "the verify report is shown");
      assertStringIncludes(text(verified[0]), ": pass");
      for (const kind of ["legacy-md5", "pieces"]) {
        assertStringIncludes(text(verified[0]), `pass ${kind}`);
      }
      assert(!text(verified[0]).includes("FAIL"), "no failed check");

      // The CSV, read into a table.
      const table = richOutputs(cellOutputs(nb, "parseCsv("), "owm-table");
      assertEquals(table.length, 1, "the CSV table is shown");
      const firstRow = csv.split("\n")[1]!.split(",");
      for (const value of ["pre", "post", "synapses", ...firstRow]) {
        assertStringIncludes(html(table[0]), `>${value}<`);
      }
      assertStringIncludes(html(table[0]), "40000 rows, first 10 shown");
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test({
  name: "publish.ipynb: publishes a folder through the bridge, shows the magnet link, verifies",
  ignore: jupyter.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    jupyter.check();
    await requireJupyter();
    const tmp = await Deno.makeTempDir({ prefix: "owm-nb-publish-" });
    const root = join(tmp, "publish-root");
    await Deno.mkdir(root);
    try {
      const { nb } = await execute("publish.ipynb", tmp, {
        OWM_HOME: join(tmp, "store"),
        OWM_PUBLISH_ROOT: root,
      });
      assertNoErrors("publish.ipynb", nb);
      assertExecuted(nb);

      const published = richOutputs(cellOutputs(nb, "bridge.publish("), "owm-published");
      assertEquals(published.length, 1, "the publish result is shown");
      const magnet = /magnet:\?xt=urn:btih:([0-9a-f]{40})/.exec(text(published[0]));
      assert(magnet, `a magnet link in ${text(published[0])}`);
      assertStringIncludes(html(published[0]), `<a href="magnet:?xt=urn:btih:${magnet[1]}`);
      assertStringIncludes(text(published[0]), "CSVDataSource:worm_counts");

      const shown = cellOutputs(nb, "bridge.show(published.id)");
      const ds = richOutputs(shown, "owm-datasource");
      assertEquals(ds.length, 1, "the DataSource is shown");
      assertStringIncludes(html(ds[0]), "Magnet link");
      assertStringIncludes(html(ds[0]), magnet[1]!);
      const printed = shown.filter((o) => o.output_type === "display_data").map(text);
      assert(
        printed.some((t) => t.startsWith(`magnet:?xt=urn:btih:${magnet[1]}`)),
        `the magnet link on its own in ${JSON.stringify(printed)}`,
      );

      const verified = richOutputs(cellOutputs(nb, "bridge.verify("), "owm-verify");
      assertEquals(verified.length, 1, "the verify report is shown");
      assertStringIncludes(text(verified[0]), ": pass");
      assert(!text(verified[0]).includes("FAIL"), "no failed check");

      const status = richOutputs(cellOutputs(nb, "bridge.status("), "owm-torrent");
      assertStringIncludes(text(status[0]), "100.0%");

      // The dataset the notebook wrote is the one published, under the publish root.
      const csv = await Deno.readTextFile(join(root, "worm_counts", "counts.csv"));
      assertStringIncludes(csv, "adult male,385,1031");
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "reproducible.ipynb: pins, requires, translates, queries and traces; a rerun offline reproduces it",
  ignore: jupyter.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    jupyter.check();
    await requireJupyter();
    const tmp = await Deno.makeTempDir({ prefix: "owm-nb-reproducible-" });
    const home = join(tmp, "store");
    const lockFile = join(tmp, "owm.lock");
    const seedDir = join(tmp, "seed");
    await Deno.mkdir(seedDir, { recursive: true });
    await Deno.writeTextFile(join(seedDir, "connectome.csv"), connectomeCsv(3_000));
    try {
      await using seeded = await seedContent(tmp, {
        content: join(seedDir, "connectome.csv"),
        index: join(home, "torrents"),
        session: { tracker: false },
      });
      const env = {
        OWM_HOME: home,
        OWM_LOCK: lockFile,
        OWM_PEERS: seeded.peer,
        OWM_NB_TORRENT: seeded.torrentFileName,
        OWM_NB_CSV: "connectome.csv",
      };
      const first = await execute("reproducible.ipynb", tmp, env);
      assertNoErrors("reproducible.ipynb", first.nb);
      assertExecuted(first.nb);

      // The pin: written to OWM_LOCK, shown file by file.
      const lock = JSON.parse(await Deno.readTextFile(lockFile));
      const entries = Object.values(lock.dataSources) as {
        id: string;
        infoHash: string;
        files: Record<string, { sha256: string }>;
      }[];
      assertEquals(entries.map((e) => e.id), ["ConnectomeCSVDataSource:2000_connections"]);
      assertEquals(entries[0]!.infoHash, seeded.infoHash);
      // Pinning is one call.
      const pinCell = first.nb.cells.find((c) =>
        c.cell_type === "code" && joined(c.source).includes("owm.lock(ID")
      )!;
      assertEquals(joined(pinCell.source).match(/await /g)?.length, 2, "owm.lock, then display");
      const pin = richOutputs(cellOutputs(first.nb, "owm.lock(ID"), "owm-table");
      assertStringIncludes(html(pin[0]), seeded.infoHash);
      assertStringIncludes(html(pin[0]), entries[0]!.files["connectome.csv"]!.sha256);

      const required = richOutputs(cellOutputs(first.nb, "locked: true"), "owm-table");
      assertStringIncludes(html(required[0]), "verified against owm.lock");

      // The translation's output, and the queries over its statements.
      const output = richOutputs(cellOutputs(first.nb, "runTranslation("), "owm-datasource");
      assertStringIncludes(html(output[0]), "GraphDataSource");
      const queries = richOutputs(cellOutputs(first.nb, "byNeuron"), "owm-table");
      assertEquals(queries.length, 2, "two query tables");
      // connectomeCsv(3000): every third row is a GapJunction.
      assertStringIncludes(html(queries[0]), ">GapJunction<");
      assertStringIncludes(html(queries[0]), ">Send<");
      assertStringIncludes(html(queries[1]), "5 rows");

      // The provenance chain.
      const chain = richOutputs(cellOutputs(first.nb, "provenanceTree("), "owm-provenance");
      assertEquals(chain.length, 1, "the chain is shown");
      const lines = text(chain[0]).split("\n");
      assertEquals(lines[0], "GraphDataSource:2000_connections-graph");
      assertStringIncludes(lines[1]!, "← csv-to-rdf 1 at ");
      assertEquals(
        lines[2],
        `   └─ ConnectomeCSVDataSource:2000_connections (torrent ${seeded.infoHash})`,
      );

      // Next year: the seeder is gone, the network is off; the pinned pipeline reruns the same.
      const graph1 = await graphStatements(home);
      await seeded.close();
      const second = await execute("reproducible.ipynb", tmp, { ...env, OWM_OFFLINE: "1" });
      assertNoErrors("reproducible.ipynb (offline rerun)", second.nb);
      assertEquals(JSON.parse(await Deno.readTextFile(lockFile)), lock, "the lock is unchanged");
      assertEquals(await graphStatements(home), graph1, "the same statements");
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

/** The statements of the translated graph (N-Quads lines), sorted. */
async function graphStatements(home: string): Promise<string[]> {
  const text = await Deno.readTextFile(join(home, "graph.nq"));
  return text.split("\n").filter((l) => l.includes("<http://data.openworm.org/graphs/")).sort();
}
