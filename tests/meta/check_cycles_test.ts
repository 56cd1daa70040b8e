/**
 * scripts/check_cycles.ts, the import-cycle check `deno task check` runs: a
 * real `deno run` of the script on small planted projects (a cycle between
 * two lib/ folders through a static, a type-only or a dynamic import; a
 * three-folder cycle; no cycle), and its pure cycle finder.
 */
import { dirname, join } from "node:path";
import { folderCycles } from "../../scripts/check_cycles.ts";
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";

const SCRIPT = new URL("../../scripts/check_cycles.ts", import.meta.url).pathname;

/** Writes `files` (path relative to a new temp folder -> text) and returns the folder. */
async function project(files: Record<string, string>): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "owm-cycles-test-" });
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(dirname(join(root, path)), { recursive: true });
    await Deno.writeTextFile(join(root, path), text);
  }
  return root;
}

/** Runs the script on `root`: exit code, stdout, stderr. */
async function check(root: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-run", SCRIPT, root],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder();
  return {
    code: output.code,
    stdout: text.decode(output.stdout),
    stderr: text.decode(output.stderr),
  };
}

Deno.test("check_cycles fails on a planted cycle between two lib/ folders, naming the imports", async () => {
  const root = await project({
    "lib/a/x.ts": 'import { y } from "../b/y.ts";\nexport const x = y + 1;\n',
    "lib/a/z.ts": "export const z = 1;\n",
    "lib/b/y.ts": 'import { z } from "../a/z.ts";\nexport const y = z;\n',
  });
  try {
    const run = await check(root);
    assertEquals(run.code, 1, run.stderr);
    assertStringIncludes(run.stderr, "import cycle between lib/ folders: lib/a -> lib/b -> lib/a");
    assertStringIncludes(run.stderr, "lib/a/x.ts imports lib/b/y.ts");
    assertStringIncludes(run.stderr, "lib/b/y.ts imports lib/a/z.ts");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("check_cycles counts type-only and dynamic imports; passes once the back edge is gone", async () => {
  for (
    const back of [
      'import type { Z } from "../a/z.ts";\nexport type Y = Z;\n',
      'export async function y() {\n  return (await import("../a/z.ts")).z;\n}\n',
    ]
  ) {
    const root = await project({
      "lib/a/x.ts": 'export * from "../b/y.ts";\n',
      "lib/a/z.ts": "export type Z = number;\nexport const z = 1;\n",
      "lib/b/y.ts": back,
    });
    try {
      const run = await check(root);
      assertEquals(run.code, 1, back);
      assertStringIncludes(run.stderr, "lib/a -> lib/b -> lib/a");
      await Deno.writeTextFile(join(root, "lib/b/y.ts"), "export const y = 2;\n");
      const fixed = await check(root);
      assertEquals(fixed.code, 0, fixed.stderr);
      assertStringIncludes(fixed.stdout, "no import cycle between lib/ folders");
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  }
});

Deno.test("check_cycles ignores imports inside one folder and from outside lib/", async () => {
  const root = await project({
    "lib/a/x.ts": 'import { y } from "./y.ts";\nexport const x = y;\n',
    "lib/a/y.ts":
      'import { x } from "./x.ts";\nexport const y = 1;\nexport const again = () => x;\n',
    "lib/b/w.ts": 'import { x } from "../a/x.ts";\nexport const w = x;\n',
    "kernel/k.ts": 'import { w } from "../lib/b/w.ts";\nexport const k = w;\n',
  });
  try {
    const run = await check(root);
    assertEquals(run.code, 0, run.stderr);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("folderCycles() finds a three-folder cycle and names one import per step", () => {
  const cycles = folderCycles([
    { from: "lib/a/one.ts", to: "lib/b/two.ts" },
    { from: "lib/b/two.ts", to: "lib/c/three.ts" },
    { from: "lib/c/three.ts", to: "lib/a/four.ts" },
    { from: "lib/c/three.ts", to: "lib/d/leaf.ts" },
    { from: "kernel/server.ts", to: "lib/a/one.ts" },
  ]);
  assertEquals(cycles.length, 1);
  assertEquals(cycles[0]!.folders, ["lib/a", "lib/b", "lib/c", "lib/a"]);
  assertEquals(cycles[0]!.edges.map((edge) => edge.from), [
    "lib/a/one.ts",
    "lib/b/two.ts",
    "lib/c/three.ts",
  ]);
  assertEquals(cycles[0]!.alsoTangled, []);
  assert(folderCycles([{ from: "lib/a/x.ts", to: "lib/b/y.ts" }]).length === 0);
});
