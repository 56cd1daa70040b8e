/**
 * The public surface: deno.json's `exports` (mod.ts, the SDK, and one
 * `lib/<part>/mod.ts` per subpath) and the `owmeta-torrent/<part>` import-map
 * names agree; every entry point loads; and every name the notebooks, the
 * examples and the README import from the package is exported where they
 * import it from (read from the files and from `deno doc --json`).
 */
import { dirname, join, resolve } from "node:path";
import { assert, assertEquals } from "../_assert.ts";

const ROOT = resolve(new URL("../../", import.meta.url).pathname);

interface DenoJson {
  exports: Record<string, string>;
  imports: Record<string, string>;
}

const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))) as DenoJson;

/** The names (values and types) an entry point exports, from `deno doc --json`. */
async function exportedNames(file: string): Promise<Set<string>> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", file],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  assert(output.success, new TextDecoder().decode(output.stderr));
  const doc = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    nodes: Record<string, { symbols?: { name: string }[] }>;
  };
  const names = new Set<string>();
  for (const module of Object.values(doc.nodes)) {
    for (const symbol of module.symbols ?? []) names.add(symbol.name);
  }
  return names;
}

/** `import { a, type B } from "spec"` statements in `text`: [spec, names]. */
function importsIn(text: string): [string, string[]][] {
  const found: [string, string[]][] = [];
  for (
    const match of text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*"([^"]+)"/g)
  ) {
    const names = match[1]!.split(",")
      .map((part) => part.replace(/^\s*\*?\s*(type\s+)?/, "").trim())
      .map((part) => part.split(/\s+as\s+/)[0]!.trim())
      .filter((part) => part !== "");
    found.push([match[2]!, names]);
  }
  return found;
}

Deno.test("every subpath in deno.json's exports is a lib/<part>/mod.ts, mapped as owmeta-torrent/<part>", async () => {
  assertEquals(config.exports["."], "./mod.ts");
  const subpaths = Object.keys(config.exports).filter((key) => key !== ".");
  assert(subpaths.length >= 10, `${subpaths.length} subpaths`);
  for (const subpath of subpaths) {
    const part = subpath.slice(2);
    assertEquals(config.exports[subpath], `./lib/${part}/mod.ts`, subpath);
    assertEquals(config.imports[`owmeta-torrent/${part}`], `./lib/${part}/mod.ts`, subpath);
    const module = await import(join(ROOT, "lib", part, "mod.ts")) as Record<string, unknown>;
    assert(Object.keys(module).length > 0, `${subpath} exports something`);
  }
});

Deno.test("what the notebooks, examples and README import from the package is exported there", async () => {
  const entry = new Map<string, string>(); // resolved file -> entry point file
  for (const file of Object.values(config.exports)) entry.set(join(ROOT, file), file);
  const names = new Map<string, Set<string>>();
  const sources: string[] = ["README.md"];
  for (const dir of ["notebooks", "examples"]) {
    for await (const item of Deno.readDir(join(ROOT, dir))) {
      if (/\.(ipynb|ts|md)$/.test(item.name)) sources.push(join(dir, item.name));
    }
  }
  let checked = 0;
  for (const source of sources.sort()) {
    const raw = await Deno.readTextFile(join(ROOT, source));
    const text = source.endsWith(".ipynb")
      ? (JSON.parse(raw) as { cells: { source: string[] | string }[] }).cells
        .map((cell) => [cell.source].flat().join("")).join("\n")
      : raw;
    for (const [spec, imported] of importsIn(text)) {
      let file: string | undefined;
      if (spec === "owmeta-torrent") file = "./mod.ts";
      else if (spec.startsWith("owmeta-torrent/")) file = config.imports[spec];
      else if (spec.startsWith(".")) {
        // README blocks are written from the project root.
        const base = source === "README.md" ? ROOT : dirname(join(ROOT, source));
        file = entry.get(resolve(base, spec));
      }
      if (file === undefined) continue;
      if (!names.has(file)) names.set(file, await exportedNames(file));
      for (const name of imported) {
        assert(names.get(file)!.has(name), `${source}: '${name}' is not exported by ${spec}`);
        checked++;
      }
    }
  }
  assert(checked >= 15, `checked ${checked} imported names`);
});
