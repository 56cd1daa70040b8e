/**
 * The launcher's permission computation (lib/runtime/permissions.ts,
 * command_paths.ts, recorded_folders.ts, deno_dir.ts): which paths are
 * readable and writable for which settings, and that the child's flags never
 * carry --allow-run, --allow-ffi, --allow-sys or --allow-all.
 */
import { dirname, join, resolve } from "node:path";
import { defaultCacheDir } from "../../lib/cache/env.ts";
import { resolveStoreHome } from "../../lib/graph/store.ts";
import { childCommand, PROJECT_DIR } from "../../lib/runtime/launch.ts";
import { denoDir } from "../../lib/runtime/deno_dir.ts";
import { ENV_NAMES } from "../../lib/runtime/env_names.ts";
import { UnlistablePathError } from "../../lib/runtime/errors.ts";
import {
  childPermissions,
  coverPaths,
  permissionFlags,
  storeHome,
} from "../../lib/runtime/permissions.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";

const NAMES = [
  "OWM_HOME",
  "OWM_CACHE",
  "OWM_CACHE_DIR",
  "XDG_CACHE_HOME",
  "HOME",
  "DENO_DIR",
  "INIT_CWD",
  "OWM_INDEXES",
  "OWM_LOCK",
];

/** Runs `fn` with exactly `vars` among NAMES set, then restores them. */
async function withEnv<T>(vars: Record<string, string>, fn: () => T | Promise<T>): Promise<T> {
  const saved = new Map(NAMES.map((n) => [n, Deno.env.get(n)]));
  try {
    for (const n of NAMES) Deno.env.delete(n);
    for (const [n, v] of Object.entries(vars)) Deno.env.set(n, v);
    return await fn();
  } finally {
    for (const [n, v] of saved) v === undefined ? Deno.env.delete(n) : Deno.env.set(n, v);
  }
}

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "owm-perm-" }));
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const BASE = { HOME: "/h", OWM_CACHE_DIR: "/c" };

Deno.test("bridge: writes the store and the cache; reads them, the project and DENO_DIR; nothing else", async () => {
  await withEnv({ ...BASE, DENO_DIR: "/d" }, () => {
    const p = childPermissions("bridge", ["--port", "0"], "/proj");
    assertEquals(p.write, coverPaths([resolve(".owm"), "/c"]));
    assertEquals(p.read, coverPaths(["/proj", "/d", resolve(".owm"), "/c"]));
  });
});

Deno.test("bridge: --home, --publish-root, --index dir: and OWM_INDEXES", async () => {
  await withEnv({ ...BASE, DENO_DIR: "/d", OWM_INDEXES: "dir:/idx-env,https://x.example/" }, () => {
    const p = childPermissions("bridge", ["--home=/s", "--publish-root", "/pub"], "/proj");
    assertEquals(p.write, ["/c", "/idx-env", "/s"]);
    assert(p.read.includes("/pub") && !p.write.includes("/pub"), "the publish root is read only");
    const q = childPermissions("bridge", ["--home", "/s", "--index", "dir:/i1"], "/proj");
    assertEquals(q.write, ["/c", "/i1", "/s"], "--index replaces OWM_INDEXES");
  });
});

Deno.test("the store and cache are where the programs look (resolveStoreHome, defaultCacheDir)", async () => {
  for (
    const vars of [
      { HOME: "/h" },
      { HOME: "/h", XDG_CACHE_HOME: "/x" },
      { HOME: "/h", OWM_CACHE_DIR: "rel/cache", OWM_HOME: "rel/store" },
      { HOME: "/h", OWM_CACHE: "0", OWM_HOME: "/abs/store" },
    ]
  ) {
    await withEnv(vars, () => {
      assertEquals(storeHome(undefined), resolveStoreHome(), JSON.stringify(vars));
      assertEquals(storeHome("x"), resolveStoreHome("x"));
      const cache = defaultCacheDir();
      const p = childPermissions("owm", ["source", "list"], "/proj");
      assertEquals(p.write, coverPaths([resolveStoreHome(), ...(cache ? [cache] : [])]));
    });
  }
  await withEnv({ HOME: "/h", OWM_CACHE: "0" }, () => {
    const p = childPermissions("bridge", [], "/proj");
    assert(!p.read.some((r) => r.includes("owmeta-torrent")), "OWM_CACHE=0: no cache path");
  });
});

Deno.test("owm: existing paths the command names are readable; made-up ones are not", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(join(dir, "data"));
    await Deno.writeTextFile(join(dir, "t.torrent"), "x");
    await withEnv({ ...BASE, INIT_CWD: dir }, () => {
      const p = childPermissions("owm", [
        "publish",
        "data",
        "--class",
        "C",
        "--key",
        "k",
        "--description",
        join(dir, "nothing-here"),
      ], "/proj");
      assert(p.read.includes(join(dir, "data")), "a relative path from INIT_CWD");
      assert(!p.read.some((r) => r.startsWith(join(dir, "nothing"))), "not an existing path");
      assert(!p.write.some((w) => w.startsWith(dir)), "publish writes nothing of the user's");
      const v = childPermissions("owm", ["verify", "C:k", `--content=${dir}/data`], "/proj");
      assert(v.read.includes(join(dir, "data")), "--option=value");
      const s = childPermissions("owm", ["seed", "t.torrent"], "/proj");
      assert(s.read.includes(dir), "seed <file.torrent>: content in the user's directory");
    });
  });
});

Deno.test("owm: outputs are writable: --dir, --out, torrent create, lock, --index dir:", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(join(dir, "outdir"));
    await withEnv({ ...BASE, INIT_CWD: dir }, () => {
      const write = (args: string[]) => childPermissions("owm", args, "/proj").write;
      assert(write(["fetch", "C:k", "--dir", "dl"]).includes(join(dir, "dl")), "--dir");
      assert(write(["torrent", "create", "x", "--out", "o/x.torrent"]).includes(join(dir, "o")));
      assert(write(["torrent", "create", "x", "--out", "outdir"]).includes(join(dir, "outdir")));
      assert(write(["torrent", "create", "x"]).includes(dir), "<name>.torrent in INIT_CWD");
      assert(write(["lock"]).includes(dir), "owm.lock's folder");
      assert(write(["lock", "--lock", "/l/p.lock"]).includes("/l"), "--lock's folder");
      assert(write(["fetch", "C:k", "--index", "dir:/i"]).includes("/i"));
      assert(!write(["source", "list"]).includes(dir), "no write of INIT_CWD otherwise");
      const f = childPermissions("owm", ["fetch", "C:k", "--locked"], "/proj");
      assert(f.read.includes(join(dir, "owm.lock")) && !f.write.includes(dir), "fetch reads it");
    });
    await withEnv({ ...BASE, INIT_CWD: dir, OWM_LOCK: "/elsewhere/x.lock" }, () => {
      assert(childPermissions("owm", ["lock"], "/proj").write.includes("/elsewhere"), "OWM_LOCK");
    });
  });
});

Deno.test("owm save: the data module's folder is readable (it is imported)", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(join(dir, "datasets"));
    await Deno.writeTextFile(join(dir, "datasets", "t.ts"), "export {};");
    await withEnv({ ...BASE, INIT_CWD: dir }, () => {
      const p = childPermissions("owm", ["save", "datasets/t.ts"], "/proj");
      assert(p.read.includes(join(dir, "datasets")), p.read.join(","));
    });
  });
});

Deno.test("content folders the store records are readable, and only read", async () => {
  await withTemp(async (dir) => {
    const store = join(dir, "store");
    await Deno.mkdir(join(store, "data_source_data"), { recursive: true });
    await Deno.writeTextFile(
      join(store, "data_source_data", "index.json"),
      JSON.stringify({
        "http://x#a": { loader: "published", directory: "/pub/worms", loadedAt: "" },
        "http://x#b": { loader: "translation", directory: "/t/out@zip-to-directory" },
        "http://x#c": { loader: "bad", directory: "relative/dir" },
        "http://x#d": null,
      }),
    );
    await withEnv(BASE, () => {
      const p = childPermissions("bridge", ["--home", store], "/proj");
      for (const d of ["/pub/worms", "/t/out@zip-to-directory", "/t/out"]) {
        assert(p.read.includes(d), d);
        assert(!p.write.includes(d), d);
      }
      assert(!p.read.some((r) => r.endsWith("relative/dir")), "relative entries are ignored");
    });
    await Deno.writeTextFile(join(store, "data_source_data", "index.json"), "{not json");
    await withEnv({ ...BASE, DENO_DIR: "/d" }, () => {
      assertEquals(childPermissions("bridge", ["--home", store], "/proj").read, [
        "/c",
        "/d",
        "/proj",
        store,
      ], "a damaged index adds nothing");
    });
  });
});

Deno.test("the child's flags: --no-prompt, net, the lists; never run, ffi, sys or all", async () => {
  await withEnv({ ...BASE, DENO_DIR: "/d" }, () => {
    for (const program of ["bridge", "owm"] as const) {
      const args = childCommand(program, ["--home", "/s"]);
      assertEquals(args[0], "run");
      assert(args.includes("--no-prompt"), "--no-prompt");
      for (const a of args) {
        assert(!/^--allow-(run|ffi|sys|all)|^-A$/.test(a), `${program}: ${a}`);
      }
      const read = args.find((a) => a.startsWith("--allow-read="))!;
      assertEquals(read.slice(13).split(",").sort(), ["/c", "/d", PROJECT_DIR, "/s"].sort());
      assertEquals(
        args.find((a) => a.startsWith("--allow-env="))!.slice(12).split(","),
        Object.keys(ENV_NAMES),
      );
      assert(args.includes(`${PROJECT_DIR}/lib/runtime/env_view.ts`), "the env view is preloaded");
      assert(!args.some((a) => a.endsWith("permission_probe.ts")), "no probe unless asked");
      assertEquals(
        args.at(-3),
        `${PROJECT_DIR}/${program === "bridge" ? "kernel/server.ts" : "scripts/owm.ts"}`,
      );
    }
    const probed = childCommand("bridge", [], { probe: ["/x"] });
    assert(probed.some((a) => a.endsWith("permission_probe.ts")), "the probe when asked");
    assert(probed.find((a) => a.startsWith("--allow-env="))!.endsWith(",OWM_PERMISSION_PROBE"));
  });
});

Deno.test("a path with a comma is refused by name (Deno's lists cannot hold it)", () => {
  const error = assertThrows(
    () => permissionFlags({ read: ["/a,b"], write: [], env: [] }),
    UnlistablePathError,
  );
  assertEquals(error.path, "/a,b");
});

Deno.test("coverPaths keeps the outermost of nested paths, sorted", () => {
  assertEquals(coverPaths(["/a/b", "/a", "/c/", "/ab", "/c/d/../e"]), ["/a", "/ab", "/c"]);
});

Deno.test("DENO_DIR: the variable, else the OS cache folder, as Deno computes it", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assertEquals(denoDir(env({ DENO_DIR: "rel", HOME: "/h" }), "linux"), resolve("rel"));
  assertEquals(denoDir(env({ HOME: "/h", XDG_CACHE_HOME: "/x" }), "linux"), "/x/deno");
  assertEquals(denoDir(env({ HOME: "/h", XDG_CACHE_HOME: "x" }), "linux"), "/h/.cache/deno");
  assertEquals(denoDir(env({ HOME: "/h" }), "darwin"), "/h/Library/Caches/deno");
  assertEquals(denoDir(env({}), "linux"), undefined);
});

Deno.test("DENO_DIR as computed is where this deno keeps its cache (deno info --json)", async () => {
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { denoDir: string };
  assertEquals(denoDir((name) => Deno.env.get(name)), info.denoDir);
});

Deno.test("every environment variable our code reads is in ENV_NAMES", async () => {
  const names = new Set<string>();
  const files: string[] = [join(PROJECT_DIR, "scripts", "owm.ts"), join(PROJECT_DIR, "mod.ts")];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(dir)) {
      const path = join(dir, e.name);
      if (e.isDirectory) await walk(path);
      else if (e.name.endsWith(".ts")) files.push(path);
    }
  };
  await walk(join(PROJECT_DIR, "lib"));
  // lib/runtime is the launcher's (it reads DENO_DIR, LOCALAPPDATA…), not the launched program's.
  files.splice(0, files.length, ...files.filter((f) => !f.includes("/lib/runtime/")));
  await walk(join(PROJECT_DIR, "kernel"));
  // Reads through lib/settings (processEnv, rawEnv, an env reader, envSwitch), and every
  // OWM_ name written as a string or in backticks (a name in code, not an identifier such
  // as a symbol's constant).
  const read =
    /(?:Deno\.env\.get|readEnv|processEnv|rawEnv|\benv|envSwitch\(\s*\w+\s*,)\s*\(?\s*"([A-Z_][A-Z0-9_]*)"|["'`](OWM_[A-Z0-9_]+)(?:=[^"'`]*)?["'`]/g;
  for (const file of files) {
    for (const m of (await Deno.readTextFile(file)).matchAll(read)) names.add(m[1] ?? m[2]!);
  }
  assert(names.has("OWM_HOME") && names.has("INIT_CWD") && names.has("XDG_CACHE_HOME"), "found");
  const missing = [...names].filter((n) => !(n in ENV_NAMES));
  assertEquals(missing, [], `read by our code but not allowed: ${missing.join(", ")}`);
  assertEquals(dirname(join(PROJECT_DIR, "deno.json")), PROJECT_DIR);
});
