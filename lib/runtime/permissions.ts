/**
 * The Deno permissions the launcher gives the bridge and `owm`: computed at
 * start from the store, the shared cache, the publish root, folder indexes,
 * the project's code and the paths a command names. Never `--allow-run`,
 * `--allow-ffi` or `--allow-all`; always `--no-prompt`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { isAbsolute, relative, resolve } from "node:path";
import { type EnvReader, processEnv } from "../settings/env.ts";
import { cacheDirFrom, SettingError, storeHomeFrom } from "../settings/settings.ts";
import { commandPaths, indexFolders, indexSpecs } from "./command_paths.ts";
import { denoDir } from "./deno_dir.ts";
import { ENV_NAMES } from "./env_names.ts";
import { UnlistablePathError } from "./errors.ts";
import { recordedFolders } from "./recorded_folders.ts";

/** A program the launcher runs. */
export type Program = "bridge" | "owm";

/** What the launched program may do. */
export interface ChildPermissions {
  /** `--allow-read=`: absolute paths, none inside another. */
  read: string[];
  /** `--allow-write=`: absolute paths, none inside another. */
  write: string[];
  /** `--allow-env=`: variable names. */
  env: string[];
}

const env: EnvReader = processEnv;

function inside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * `paths` made absolute, deduplicated, without those inside another, sorted.
 *
 * @example
 * ```ts
 * import { coverPaths } from "./permissions.ts";
 * coverPaths(["/a/b", "/a", "/c"]); // ["/a", "/c"]
 * ```
 */
export function coverPaths(paths: readonly string[]): string[] {
  const sorted = [...new Set(paths.map((p) => resolve(p)))].sort();
  const kept: string[] = [];
  for (const path of sorted) {
    if (!kept.some((k) => inside(path, k))) kept.push(path);
  }
  return kept;
}

/**
 * The shared cache's folder, as the launched program will compute it; with
 * an `OWM_CACHE` the program will refuse (and name), none.
 */
function launcherCacheDir(): string | undefined {
  try {
    return cacheDirFrom(env);
  } catch (error) {
    if (error instanceof SettingError) return undefined;
    throw error;
  }
}

/**
 * The store directory a program uses: `--home`, else `OWM_HOME`, else
 * `./.owm`, from the working directory (as `resolveStoreHome`).
 */
export function storeHome(home: string | undefined): string {
  return storeHomeFrom(env, home);
}

/**
 * The permissions of `program` run with `args` from the project in
 * `projectDir`:
 *
 * - read and write: the store, the shared cache (when on), folder indexes
 *   (`--index dir:…`, `OWM_INDEXES`), and what an `owm` command names as an
 *   output (see `command_paths.ts`);
 * - read only: the project (its modules and `node_modules`), Deno's cache
 *   (`DENO_DIR`), the content folders the store records (published from or
 *   fetched into outside the store), the bridge's `--publish-root`, and what
 *   an `owm` command names as an input;
 * - env: {@linkcode ENV_NAMES}.
 *
 * @example
 * ```ts
 * import { childPermissions } from "./permissions.ts";
 * const p = childPermissions("bridge", ["--home", "/srv/store"], "/opt/owmeta-torrent");
 * console.log(p.write); // ["/srv/store", "/home/me/.cache/owmeta-torrent"]
 * ```
 *
 * @param program `bridge` (kernel/server.ts) or `owm` (scripts/owm.ts).
 * @param args The program's arguments.
 * @param projectDir The folder of deno.json.
 * @returns The permissions.
 */
export function childPermissions(
  program: Program,
  args: readonly string[],
  projectDir: string,
): ChildPermissions {
  const { values } = parseArgs({
    args: [...args],
    strict: false,
    allowPositionals: true,
    options: {
      home: { type: "string" },
      "publish-root": { type: "string" },
      index: { type: "string", multiple: true },
    },
  });
  const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const indexes = Array.isArray(values.index)
    ? values.index.filter((v) => typeof v === "string")
    : [];
  const store = storeHome(text(values.home));
  const write = [store];
  const cache = launcherCacheDir();
  if (cache) write.push(cache);
  const read = [projectDir, ...recordedFolders(store)];
  const deno = denoDir(env);
  if (deno) read.push(deno);
  if (program === "bridge") {
    const root = text(values["publish-root"]);
    if (root) read.push(resolve(root));
    write.push(...indexFolders(indexSpecs(indexes)));
  } else {
    const named = commandPaths(args);
    read.push(...named.read);
    write.push(...named.write);
  }
  const writable = coverPaths(write);
  return {
    read: coverPaths([...read, ...writable]),
    write: writable,
    env: Object.keys(ENV_NAMES),
  };
}

/**
 * The `deno run` permission flags for `permissions`: `--no-prompt`,
 * `--allow-net`, `--allow-read=`, `--allow-write=`, `--allow-env=`, and
 * nothing else (no run, ffi, sys or all).
 *
 * @throws {UnlistablePathError} when a path contains a comma.
 * @example
 * ```ts
 * import { childPermissions, permissionFlags } from "./permissions.ts";
 * console.log(permissionFlags(childPermissions("owm", ["source", "list"], Deno.cwd())));
 * ```
 */
export function permissionFlags(permissions: ChildPermissions): string[] {
  const list = (paths: string[]) => {
    const bad = paths.find((p) => p.includes(","));
    if (bad !== undefined) throw new UnlistablePathError(bad);
    return paths.join(",");
  };
  return [
    "--no-prompt",
    "--allow-net",
    `--allow-read=${list(permissions.read)}`,
    `--allow-write=${list(permissions.write)}`,
    `--allow-env=${permissions.env.join(",")}`,
  ];
}
