/**
 * The `owm` command line, run as a real process: the seed scenario from the
 * issue, `--json`, exit codes, and every bad input leaving the store as it was.
 */
import { shellEnv } from "../_env.ts";
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../_assert.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const OWM = join(ROOT, "scripts/owm.ts");
const SEED_ID = "ConnectomeCSVDataSource:2000_connections";
const SEED_SHOW = [
  "ConnectomeCSVDataSource",
  "    CSV file name: 'connectome.csv'",
  "    File name: 'connectome.csv'",
  "    Torrent file name: 'd9da5ce947c6f1c127dfcdc2ede63320.torrent'",
].join("\n");

/** The module from the issue, verbatim, importing the SDK by path. */
const SEED_MODULE_BY_PATH = `import { CSVDataSource, type SaveContext } from "../mod.ts";
export class ConnectomeCSVDataSource extends CSVDataSource {}
export function owmData(ctx: SaveContext) {
  ctx.add(new ConnectomeCSVDataSource({
    key: "2000_connections",
    csvFileName: "connectome.csv",
    torrentFileName: "d9da5ce947c6f1c127dfcdc2ede63320.torrent",
  }));
}
`;
/** The same module importing the SDK through the import map. */
const SEED_MODULE_BY_MAP = SEED_MODULE_BY_PATH.replace('"../mod.ts"', '"owmeta-torrent"');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const decoder = new TextDecoder();

async function spawn(args: string[], options: { cwd?: string; env?: Record<string, string> }) {
  // As from a user's shell: no INIT_CWD inherited (npx, which may run this suite, sets it
  // to the project root, and deno task keeps an INIT_CWD it inherits).
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: options.cwd ?? ROOT,
    clearEnv: true,
    env: shellEnv({ NO_COLOR: "1", ...options.env }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** `deno run … scripts/owm.ts --home <home> …args`. */
function owm(home: string, ...args: string[]): Promise<Run> {
  return spawn([
    "run",
    "--quiet",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    OWM,
    "--home",
    home,
    ...args,
  ], {});
}

/** `deno task owm …args` from `cwd`, with the store in OWM_HOME. */
function task(cwd: string, home: string, ...args: string[]): Promise<Run> {
  return spawn(["task", "--quiet", "owm", ...args], { cwd, env: { OWM_HOME: home } });
}

/** A temporary directory inside the project, so that `../mod.ts` resolves. */
async function withProjectDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ dir: ROOT, prefix: ".owm-cli-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function withHome(fn: (home: string) => Promise<void>): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "owm-cli-home-" });
  try {
    await fn(home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

/** A store holding the seed, saved through the CLI; `fn` gets its home and module dir. */
async function withSeedStore(fn: (home: string, dir: string) => Promise<void>): Promise<void> {
  await withProjectDir(async (dir) => {
    await withHome(async (home) => {
      await Deno.writeTextFile(join(dir, "t.ts"), SEED_MODULE_BY_PATH);
      const saved = await owm(home, "save", join(dir, "t.ts"));
      assertEquals(saved.code, 0, saved.stderr);
      await fn(home, dir);
    });
  });
}

/** The store's files (but the lock file, whose pid changes) and their bytes. */
async function snapshot(home: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for await (const entry of Deno.readDir(home)) {
    if (entry.name === "graph.lock") continue;
    files.set(entry.name, await Deno.readFile(join(home, entry.name)));
  }
  return files;
}

/** Asserts one line on stderr, starting `owm: ` and including each of `parts`. */
function assertOneErrorLine(run: Run, ...parts: string[]): void {
  const lines = run.stderr.split("\n").filter((line) => line !== "");
  assertEquals(lines.length, 1, `expected one stderr line, got:\n${run.stderr}`);
  assertMatch(lines[0]!, /^owm: \S/);
  for (const part of parts) {
    assert(lines[0]!.includes(part), `stderr should include ${JSON.stringify(part)}: ${lines[0]}`);
  }
}

// --- the seed scenario --------------------------------------------------------

Deno.test("owm save then source show prints the seed exactly (module imports ../mod.ts)", async () => {
  await withProjectDir(async (dir) => {
    await withHome(async (home) => {
      await Deno.writeTextFile(join(dir, "t.ts"), SEED_MODULE_BY_PATH);
      // Exactly the commands, run from the module's directory.
      const saved = await task(dir, home, "save", "t.ts");
      assertEquals(saved.code, 0, saved.stderr);
      assertEquals(saved.stdout, `${SEED_ID}\n`);
      assertEquals(saved.stderr, `owm: saved 1 data source to ${home}\n`);
      const shown = await task(dir, home, "source", "show", SEED_ID);
      assertEquals(shown.code, 0, shown.stderr);
      assertEquals(shown.stdout, `${SEED_SHOW}\n`);
      assertEquals(shown.stderr, "");
    });
  });
});

Deno.test("owm save then source show prints the seed exactly (module imports owmeta-torrent)", async () => {
  await withProjectDir(async (dir) => {
    await withHome(async (home) => {
      await Deno.writeTextFile(join(dir, "t.ts"), SEED_MODULE_BY_MAP);
      const saved = await owm(home, "save", join(dir, "t.ts"));
      assertEquals(saved.code, 0, saved.stderr);
      assertEquals(saved.stdout, `${SEED_ID}\n`);
      const shown = await owm(home, "source", "show", SEED_ID);
      assertEquals(shown.code, 0, shown.stderr);
      assertEquals(shown.stdout, `${SEED_SHOW}\n`);
    });
  });
});

Deno.test("owm source show accepts the full <IRI> and several ids", async () => {
  await withSeedStore(async (home) => {
    const iri = "http://data.openworm.org/data_sources/ConnectomeCSVDataSource#2000_connections";
    const byIri = await owm(home, "source", "show", `<${iri}>`);
    assertEquals(byIri.code, 0, byIri.stderr);
    assertEquals(byIri.stdout, `${SEED_SHOW}\n`);
    const twice = await owm(home, "source", "show", SEED_ID, iri);
    assertEquals(twice.code, 0, twice.stderr);
    assertEquals(twice.stdout, `${SEED_SHOW}\n\n${SEED_SHOW}\n`);
  });
});

Deno.test("owm uses OWM_HOME, and --home overrides it", async () => {
  await withSeedStore(async (home) => {
    const viaEnv = await spawn(
      ["run", "--quiet", "--allow-read", "--allow-write", "--allow-env", OWM, "source", "list"],
      { env: { OWM_HOME: home } },
    );
    assertEquals(viaEnv.code, 0, viaEnv.stderr);
    assertEquals(viaEnv.stdout, `${SEED_ID}\n`);
    const missing = join(home, "no-such-store");
    const overridden = await spawn(
      [
        "run",
        "--quiet",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        OWM,
        "--home",
        home,
        "source",
        "list",
      ],
      { env: { OWM_HOME: missing } },
    );
    assertEquals(overridden.code, 0, overridden.stderr);
    assertEquals(overridden.stdout, `${SEED_ID}\n`);
  });
});

Deno.test("owm demo (deno task demo) prints the seed's show output", async () => {
  await withHome(async (home) => {
    const run = await spawn(["task", "--quiet", "demo"], { env: { OWM_HOME: home } });
    assertEquals(run.code, 0, run.stderr);
    assert(run.stdout.endsWith(`\n\n${SEED_SHOW}\n`), run.stdout);
    assertEquals(run.stdout, `saved ${SEED_ID}\n\n${SEED_SHOW}\n`);
    const before = await snapshot(home);
    const again = await owm(home, "demo");
    assertEquals(again.code, 0, again.stderr);
    assert(again.stdout.endsWith(`${SEED_SHOW}\n`));
    assertEquals(
      (await snapshot(home)).get("graph.nq"),
      before.get("graph.nq"),
      "saving the same DataSource again changes nothing",
    );
  });
});

Deno.test("owm init creates the store once", async () => {
  await withHome(async (home) => {
    const store = join(home, "store");
    const first = await owm(store, "init", "--json");
    assertEquals(first.code, 0, first.stderr);
    assertEquals(JSON.parse(first.stdout), { home: store, created: true });
    const second = await owm(store, "init");
    assertEquals(second.code, 0, second.stderr);
    assertEquals(second.stdout, `Graph store already exists at ${store}\n`);
    const list = await owm(store, "source", "list");
    assertEquals([list.code, list.stdout], [0, ""]);
  });
});

// --- --json ---------------------------------------------------------------------

Deno.test("owm --json on source show, list and list-kinds prints parseable JSON", async () => {
  await withSeedStore(async (home) => {
    const show = await owm(home, "source", "show", SEED_ID, "--json");
    assertEquals(show.code, 0, show.stderr);
    assertEquals(JSON.parse(show.stdout), {
      id: "http://data.openworm.org/data_sources/ConnectomeCSVDataSource#2000_connections",
      class: "ConnectomeCSVDataSource",
      key: "2000_connections",
      fields: {
        fileName: ["connectome.csv"],
        torrentFileName: ["d9da5ce947c6f1c127dfcdc2ede63320.torrent"],
        csvFileName: ["connectome.csv"],
      },
      curie: SEED_ID,
    });

    const list = await owm(home, "--json", "source", "list");
    assertEquals(list.code, 0, list.stderr);
    assertEquals(JSON.parse(list.stdout), [{
      id: SEED_ID,
      iri: "http://data.openworm.org/data_sources/ConnectomeCSVDataSource#2000_connections",
      kind: "ConnectomeCSVDataSource",
    }]);

    const kinds = await owm(home, "source", "list-kinds", "--json");
    assertEquals(kinds.code, 0, kinds.stderr);
    const parsed = JSON.parse(kinds.stdout) as { name: string; iri: string; parent?: string }[];
    assertEquals(parsed.find((k) => k.name === "ConnectomeCSVDataSource"), {
      name: "ConnectomeCSVDataSource",
      iri: "http://schema.openworm.org/2020/07/ConnectomeCSVDataSource",
      parent: "CSVDataSource",
    });
    for (const name of ["DataSource", "FileDataSource", "LocalFileDataSource", "CSVDataSource"]) {
      assert(parsed.some((k) => k.name === name), `list-kinds should include ${name}`);
    }
    const plainKinds = await owm(home, "source", "list-kinds");
    assertEquals(plainKinds.stdout.trim().split("\n"), parsed.map((k) => k.name));
  });
});

Deno.test("owm source list --kind includes subclasses and refuses unknown kinds", async () => {
  await withSeedStore(async (home) => {
    for (
      const kind of ["ConnectomeCSVDataSource", "CSVDataSource", "FileDataSource", "DataSource"]
    ) {
      const run = await owm(home, "source", "list", "--kind", kind);
      assertEquals([run.code, run.stdout], [0, `${SEED_ID}\n`], kind);
    }
    const unknown = await owm(home, "source", "list", "--kind", "NoSuchKind");
    assertEquals(unknown.code, 1);
    assertOneErrorLine(unknown, "Unknown kind 'NoSuchKind'", "CSVDataSource");
  });
});

// --- rm -------------------------------------------------------------------------

Deno.test("owm source rm removes the DataSource; show then exits 1", async () => {
  await withSeedStore(async (home) => {
    const rm = await owm(home, "source", "rm", SEED_ID);
    assertEquals(rm.code, 0, rm.stderr);
    assertEquals(rm.stderr, `owm: removed ${SEED_ID}\n`);
    const show = await owm(home, "source", "show", SEED_ID);
    assertEquals(show.code, 1);
    assertEquals(show.stdout, "");
    assertOneErrorLine(show, `No data source '${SEED_ID}'`, "owm source list");
    const list = await owm(home, "source", "list");
    assertEquals([list.code, list.stdout], [0, ""]);
  });
});

// --- exit codes and bad input -------------------------------------------------

Deno.test("owm usage errors exit 2 and leave the store unchanged", async () => {
  await withSeedStore(async (home) => {
    const before = await snapshot(home);
    const cases: [string[], string][] = [
      [["frobnicate"], "unknown command 'frobnicate'"],
      [["--bogus", "source", "list"], "bogus"],
      [["source", "list", "--bogus"], "bogus"],
      [[], ""],
      [["source"], "source needs a subcommand"],
      [["source", "frob"], "unknown subcommand 'source frob'"],
      [["source", "show"], "source show needs an id"],
      [["source", "rm"], "source rm needs an id"],
      [["save"], "save takes one module path"],
      [["save", "a.ts", "b.ts"], "save takes one module path"],
      [["source", "show", SEED_ID, "--kind", "CSVDataSource"], "--kind does not apply"],
      [["source", "list", "extra"], "source list takes no arguments"],
    ];
    const runs = await Promise.all(cases.map(([args]) => owm(home, ...args)));
    for (const [i, [args, message]] of cases.entries()) {
      const run = runs[i]!;
      assertEquals(run.code, 2, `owm ${args.join(" ")}: ${run.stderr}`);
      if (args.length === 0) {
        assert(run.stdout.startsWith("owm: describe"), "no command prints the usage");
      } else {
        assertMatch(run.stderr, /^owm: /);
        assert(run.stderr.includes(message), `owm ${args.join(" ")}: ${run.stderr}`);
      }
    }
    assertEquals(await snapshot(home), before);
  });
});

Deno.test("owm help and --version exit 0", async () => {
  await withHome(async (home) => {
    const help = await owm(home, "help");
    assertEquals(help.code, 0);
    assert(
      help.stdout.includes("Exit codes: 0 ok, 1 not found, failed or mismatch, 2 usage error."),
    );
    const version = await owm(home, "--version");
    assertEquals(version.code, 0);
    assertMatch(version.stdout, /^owm \d+\.\d+\.\d+\n$/);
  });
});

Deno.test("owm malformed ids exit 2 with one line and change nothing", async () => {
  await withSeedStore(async (home) => {
    const before = await snapshot(home);
    for (
      const [args, detail] of [
        [["source", "show", "2000_connections"], "it has no ':' after a class name"],
        [["source", "show", "Bad Name:key"], "'Bad Name' is not a class name"],
        [["source", "rm", "<http://example.org/x"], "must end with '>'"],
        [["source", "show", "Connectome:"], "the key after ':' is empty"],
      ] as const
    ) {
      const run = await owm(home, ...args);
      assertEquals(run.code, 2, run.stderr);
      assertOneErrorLine(
        run,
        "Malformed data source id",
        detail,
        "use ClassName:key or a full <IRI>",
      );
    }
    assertEquals(await snapshot(home), before);
  });
});

Deno.test("owm unknown ids exit 1 with one line and change nothing", async () => {
  await withSeedStore(async (home) => {
    const before = await snapshot(home);
    for (const sub of ["show", "rm"]) {
      const run = await owm(home, "source", sub, "ConnectomeCSVDataSource:nope");
      assertEquals(run.code, 1, run.stderr);
      assertEquals(run.stdout, "");
      assertOneErrorLine(
        run,
        "No data source 'ConnectomeCSVDataSource:nope' in the store",
        "<http://data.openworm.org/data_sources/ConnectomeCSVDataSource#nope>",
      );
    }
    assertEquals(await snapshot(home), before);
  });
});

Deno.test("owm commands on a missing store exit 1 and create nothing", async () => {
  await withHome(async (home) => {
    const store = join(home, "nothing-here");
    for (
      const args of [["source", "list"], ["source", "show", SEED_ID], ["source", "list-kinds"]]
    ) {
      const run = await owm(store, ...args);
      assertEquals(run.code, 1, run.stderr);
      assertOneErrorLine(run, `No graph store at ${store}`, "owm init");
    }
    assertEquals([...Deno.readDirSync(home)], []);
  });
});

const BAD_MODULES: Record<string, [text: string, ...parts: string[]]> = {
  "syntax.ts": [
    "export function owmData( {\n",
    "it does not import: SyntaxError",
    "syntax.ts:1:",
  ],
  "no_owmdata.ts": [
    "export function somethingElse() {}\n",
    "it exports no function owmData(ctx)",
  ],
  "throws.ts": [
    `import { CSVDataSource, type SaveContext } from "../mod.ts";
export function owmData(ctx: SaveContext) {
  ctx.add(new CSVDataSource({ key: "added-before-the-throw", csvFileName: "x.csv" }));
  throw new Error("the dataset server is down");
}
`,
    "owmData() threw Error: the dataset server is down",
  ],
  "not_a_datasource.ts": [
    `import type { SaveContext } from "../mod.ts";
export function owmData(ctx: SaveContext) {
  ctx.add({ key: "2000_connections", csvFileName: "connectome.csv" } as never);
}
`,
    "owmData() threw FieldError: ctx.add() takes DataSource objects, not object",
  ],
  "bad_field.ts": [
    `import { CSVDataSource, type SaveContext } from "../mod.ts";
export function owmData(ctx: SaveContext) {
  ctx.add(new CSVDataSource({ key: "k", csvFilename: "typo.csv" } as never));
}
`,
    "CSVDataSource has no field 'csvFilename'",
  ],
};

Deno.test("owm save of a bad module exits 1 with one line and leaves the store byte-identical", async () => {
  await withSeedStore(async (home, dir) => {
    const before = await snapshot(home);
    for (const [name, [text, ...parts]] of Object.entries(BAD_MODULES)) {
      await Deno.writeTextFile(join(dir, name), text);
      const run = await owm(home, "save", join(dir, name));
      assertEquals(run.code, 1, `${name}: ${run.stderr}`);
      assertEquals(run.stdout, "", name);
      assertOneErrorLine(run, `Cannot load data module ${join(dir, name)}`, ...parts);
      assertEquals(await snapshot(home), before, `${name} changed the store`);
    }
    const missing = await owm(home, "save", join(dir, "missing.ts"));
    assertEquals(missing.code, 1);
    assertOneErrorLine(missing, "no such file");
    assertEquals(await snapshot(home), before);
    const list = await owm(home, "source", "list");
    assertEquals(list.stdout, `${SEED_ID}\n`, "nothing of the bad modules was saved");
  });
});

Deno.test("owm save of a bad module creates no store", async () => {
  await withProjectDir(async (dir) => {
    await withHome(async (home) => {
      const [text] = BAD_MODULES["throws.ts"]!;
      await Deno.writeTextFile(join(dir, "throws.ts"), text);
      const store = join(home, "store");
      const run = await owm(store, "save", join(dir, "throws.ts"));
      assertEquals(run.code, 1);
      assertOneErrorLine(run, "owmData() threw");
      assertEquals([...Deno.readDirSync(home)], []);
    });
  });
});

/** Runs every command against a damaged store: each fails with one line and changes nothing. */
async function assertEveryCommandRefuses(home: string, dir: string, ...parts: string[]) {
  const before = await snapshot(home);
  const commands = [
    ["source", "show", SEED_ID],
    ["source", "list"],
    ["source", "list", "--json"],
    ["source", "list-kinds"],
    ["source", "rm", SEED_ID],
    ["save", join(dir, "t.ts")],
    ["init"],
    ["demo"],
  ];
  for (const args of commands) {
    const run = await owm(home, ...args);
    assertEquals(run.code, 1, `owm ${args.join(" ")}: ${run.stderr}`);
    if (args[0] !== "demo") assertEquals(run.stdout, "", `owm ${args.join(" ")}`);
    const lines = run.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("owm: saving"));
    assertOneErrorLine({ ...run, stderr: lines.join("\n") }, ...parts);
    assertEquals(await snapshot(home), before, `owm ${args.join(" ")} changed the store`);
  }
}

Deno.test("owm on a store with a garbage line exits 1 naming the file and line", async () => {
  await withSeedStore(async (home, dir) => {
    const path = join(home, "graph.nq");
    const lines = (await Deno.readTextFile(path)).split("\n");
    const at = lines.findIndex((l) => !l.startsWith("#")) + 3;
    lines.splice(at, 0, "this is not N-Quads");
    await Deno.writeTextFile(path, lines.join("\n"));
    await assertEveryCommandRefuses(
      home,
      dir,
      `Graph store ${path} is corrupt at line ${at + 1}`,
      "restore the previous good copy",
    );
  });
});

Deno.test("owm on a store with a line overwritten in place exits 1 as corrupt", async () => {
  await withSeedStore(async (home, dir) => {
    // Same length, so the header's byte count still matches: the fast lookup must notice.
    const path = join(home, "graph.nq");
    const lines = (await Deno.readTextFile(path)).split("\n");
    const at = lines.findIndex((l) => l.startsWith(`<${"http://data.openworm.org/data_sources/"}`));
    lines[at] = "x".repeat(lines[at]!.length);
    await Deno.writeTextFile(path, lines.join("\n"));
    await assertEveryCommandRefuses(home, dir, `Graph store ${path} is corrupt at line ${at + 1}`);
  });
});

Deno.test("owm on a store of a newer format exits 1 asking for an upgrade", async () => {
  await withSeedStore(async (home, dir) => {
    const path = join(home, "graph.nq");
    const text = await Deno.readTextFile(path);
    await Deno.writeTextFile(path, text.replace("# format: 1\n", "# format: 2\n"));
    await assertEveryCommandRefuses(
      home,
      dir,
      `Graph store ${path} has format 2`,
      "upgrade owmeta-torrent",
    );
  });
});
