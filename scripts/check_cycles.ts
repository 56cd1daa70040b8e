/**
 * `deno task check` (and so CI) runs this: it fails when folders under `lib/`
 * import each other in a cycle (`lib/a` imports `lib/b`, which imports, maybe
 * through other folders, `lib/a`), like Deno std's circular-dependency check.
 *
 * The imports come from `deno info --json` on every `.ts` file under `lib/`,
 * so they are the ones Deno itself resolves: static imports, re-exports,
 * `import type`, and dynamic `import()` with a literal specifier. A cycle is
 * reported as the folders in order, each step with one file-level import that
 * makes it, e.g.:
 *
 * ```text
 * import cycle between lib/ folders: lib/loader -> lib/translate -> lib/loader
 *   lib/loader/registry.ts imports lib/translate/chain.ts
 *   lib/translate/run.ts imports lib/loader/registry.ts
 * ```
 *
 * Usage: `deno run --allow-read --allow-write --allow-run scripts/check_cycles.ts [root]`
 * (root: the project folder, the one holding `lib/` and `deno.json`;
 * default the current folder). Exit 0 when there is no cycle, 1 when there
 * is one (each listed), 2 when `deno info` fails.
 *
 * @module
 */
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** One file's import of another, both paths relative to the root, `/`-separated. */
export interface FileEdge {
  /** The importing file, e.g. `lib/loader/registry.ts`. */
  from: string;
  /** The imported file, e.g. `lib/translate/chain.ts`. */
  to: string;
}

/** A cycle of folders, and for each step one file import that makes it. */
export interface FolderCycle {
  /** The folders in cycle order, the first repeated at the end. */
  folders: string[];
  /** For each step `folders[i] -> folders[i + 1]`, one import that makes it. */
  edges: FileEdge[];
  /** The other folders tangled with these (in the same strongly connected group). */
  alsoTangled: string[];
}

/**
 * The `lib/` folder a file belongs to (`lib/loader/registry.ts` ->
 * `lib/loader`), or undefined for a file outside a `lib/` folder.
 *
 * @example
 * ```ts
 * import { libFolderOf } from "./check_cycles.ts";
 * console.log(libFolderOf("lib/loader/registry.ts")); // "lib/loader"
 * console.log(libFolderOf("kernel/server.ts")); // undefined
 * ```
 */
export function libFolderOf(path: string): string | undefined {
  const parts = path.split("/");
  return parts.length >= 3 && parts[0] === "lib" ? `${parts[0]}/${parts[1]}` : undefined;
}

/**
 * The cycles among the folders that `edges` connect (one per strongly
 * connected group of two or more folders), each with file imports naming why.
 *
 * @example
 * ```ts
 * import { folderCycles } from "./check_cycles.ts";
 * const cycles = folderCycles([
 *   { from: "lib/a/x.ts", to: "lib/b/y.ts" },
 *   { from: "lib/b/y.ts", to: "lib/a/z.ts" },
 * ]);
 * console.log(cycles[0]?.folders); // ["lib/a", "lib/b", "lib/a"]
 * ```
 */
export function folderCycles(edges: readonly FileEdge[]): FolderCycle[] {
  // folder -> folder -> one file edge making it
  const graph = new Map<string, Map<string, FileEdge>>();
  for (const edge of edges) {
    const a = libFolderOf(edge.from);
    const b = libFolderOf(edge.to);
    if (a === undefined || b === undefined || a === b) continue;
    let out = graph.get(a);
    if (!out) graph.set(a, out = new Map());
    if (!graph.has(b)) graph.set(b, new Map());
    const known = out.get(b);
    if (!known || `${edge.from} ${edge.to}` < `${known.from} ${known.to}`) out.set(b, edge);
  }
  const cycles: FolderCycle[] = [];
  for (const group of stronglyConnected(graph)) {
    if (group.length < 2) continue;
    const members = new Set(group);
    const start = [...group].sort()[0]!;
    const path = shortestCycle(graph, start, members);
    const stepEdges: FileEdge[] = [];
    for (let i = 0; i + 1 < path.length; i++) {
      stepEdges.push(graph.get(path[i]!)!.get(path[i + 1]!)!);
    }
    const alsoTangled = group.filter((folder) => !path.includes(folder)).sort();
    cycles.push({ folders: path, edges: stepEdges, alsoTangled });
  }
  return cycles.sort((x, y) => x.folders.join().localeCompare(y.folders.join()));
}

/** Tarjan's strongly connected components. */
function stronglyConnected(graph: Map<string, Map<string, FileEdge>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of [...graph.get(node)!.keys()].sort()) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      groups.push(group);
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return groups;
}

/** The shortest path from `start` back to itself inside `members` (breadth first). */
function shortestCycle(
  graph: Map<string, Map<string, FileEdge>>,
  start: string,
  members: Set<string>,
): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (const next of [...graph.get(node)!.keys()].sort()) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path: string[] = [];
        for (let at = node; at !== start; at = previous.get(at)!) path.unshift(at);
        return [start, ...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

/**
 * Describes the cycles for a person: one paragraph per cycle, or an empty
 * string when there are none.
 *
 * @example
 * ```ts
 * import { describeCycles } from "./check_cycles.ts";
 * console.log(describeCycles([])); // ""
 * ```
 */
export function describeCycles(cycles: readonly FolderCycle[]): string {
  return cycles.map((cycle) =>
    [
      `import cycle between lib/ folders: ${cycle.folders.join(" -> ")}`,
      ...cycle.edges.map((edge) => `  ${edge.from} imports ${edge.to}`),
      ...(cycle.alsoTangled.length > 0
        ? [`  (tangled with them too: ${cycle.alsoTangled.join(", ")})`]
        : []),
    ].join("\n")
  ).join("\n");
}

/** What `deno info --json` says about one module (the fields used here). */
interface InfoModule {
  specifier: string;
  dependencies?: { code?: { specifier?: string }; type?: { specifier?: string } }[];
}

/**
 * The file imports among the project's own files reachable from every `.ts`
 * file under `<root>/lib`, read from `deno info --json` (run with the root's
 * `deno.json`).
 *
 * @example
 * ```ts ignore
 * import { libImports } from "./check_cycles.ts";
 * const edges = await libImports(".");
 * console.log(edges.length);
 * ```
 */
export async function libImports(root: string): Promise<FileEdge[]> {
  const base = resolve(root);
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile && entry.name.endsWith(".ts")) files.push(path);
    }
  };
  await walk(join(base, "lib"));
  files.sort();
  const entry = await Deno.makeTempFile({ prefix: "owm-cycles-", suffix: ".ts" });
  try {
    await Deno.writeTextFile(
      entry,
      files.map((file) => `import ${JSON.stringify(pathToFileURL(file).href)};\n`).join(""),
    );
    const config = join(base, "deno.json");
    const args = ["info", "--json", "--no-lock"];
    try {
      await Deno.stat(config);
      args.push("--config", config);
    } catch {
      args.push("--no-config");
    }
    const output = await new Deno.Command(Deno.execPath(), {
      args: [...args, entry],
      cwd: base,
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    if (!output.success) {
      throw new Error(`deno info failed: ${new TextDecoder().decode(output.stderr).trim()}`);
    }
    const info = JSON.parse(new TextDecoder().decode(output.stdout)) as { modules: InfoModule[] };
    const local = (specifier: string | undefined): string | undefined => {
      if (!specifier?.startsWith("file:")) return undefined;
      const path = relative(base, fileURLToPath(specifier));
      if (path.startsWith("..")) return undefined;
      return path.split(sep).join("/");
    };
    const edges: FileEdge[] = [];
    for (const module of info.modules) {
      const from = local(module.specifier);
      if (from === undefined || !from.startsWith("lib/")) continue;
      for (const dependency of module.dependencies ?? []) {
        for (const target of [dependency.code?.specifier, dependency.type?.specifier]) {
          const to = local(target);
          if (to !== undefined) edges.push({ from, to });
        }
      }
    }
    return edges;
  } finally {
    await Deno.remove(entry);
  }
}

if (import.meta.main) {
  const root = Deno.args[0] ?? ".";
  let edges: FileEdge[];
  try {
    edges = await libImports(root);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    Deno.exit(2);
  }
  const cycles = folderCycles(edges);
  if (cycles.length > 0) {
    console.error(describeCycles(cycles));
    console.error(
      `${cycles.length} import cycle(s) between lib/ folders: move the shared piece to a folder both may import, or turn one import around`,
    );
    Deno.exit(1);
  }
  console.log(`no import cycle between lib/ folders (${edges.length} imports checked)`);
}
