/**
 * The paths an `owm` command line names: the user's intent, which the
 * launcher adds to what the command may read or write.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { dirname, resolve } from "node:path";
import { userCwd, userOutputPath, userPath } from "../cli/user_path.ts";
import { processEnv } from "../settings/env.ts";
import { indexSpecsFrom, lockFileFrom } from "../settings/settings.ts";

/** Paths to read and to read and write. */
export interface NamedPaths {
  /** Readable. */
  read: string[];
  /** Readable and writable. */
  write: string[];
}

function stat(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.statSync(path);
  } catch {
    return undefined;
  }
}

/** The folders of `dir:` index specs (relative to the working directory, as lib/index/config.ts). */
export function indexFolders(specs: readonly string[]): string[] {
  return specs.filter((s) => s.startsWith("dir:") && s.length > 4).map((s) => resolve(s.slice(4)));
}

/** `--index` values, else `OWM_INDEXES`. */
export function indexSpecs(given: readonly string[] | undefined): string[] {
  return indexSpecsFrom(processEnv, given);
}

/**
 * The paths `owm <args>` names, derived conservatively:
 *
 * - every argument (or `--option=value` value, or `dir:` index) naming an
 *   existing path, taken as the command takes it (from `INIT_CWD` under
 *   `deno task`): readable;
 * - `save <module.ts>`: the module's folder, readable (it is imported);
 * - `--dir DIR`: readable and writable; `--out F`: its folder (or F when a
 *   folder) writable; `torrent create` without `--out`: the user's directory
 *   writable (`<name>.torrent` goes there);
 * - `lock`: the lockfile's folder writable (atomic write and its lock);
 *   `fetch`: the lockfile readable (`--lock`, `OWM_LOCK` or `./owm.lock`);
 * - `seed <file.torrent>` without `--dir`: the user's directory readable;
 * - `--index dir:PATH` (or `OWM_INDEXES`): readable and writable (publish
 *   pushes torrents there).
 *
 * The store and the shared cache are added by `permissions.ts`.
 *
 * @example
 * ```ts
 * import { commandPaths } from "./command_paths.ts";
 * console.log(commandPaths(["fetch", "Class:key", "--dir", "/tmp/out"]).write); // ["/tmp/out"]
 * ```
 *
 * @param args The `owm` arguments.
 * @returns The paths, absolute.
 */
export function commandPaths(args: readonly string[]): NamedPaths {
  const read: string[] = [];
  const write: string[] = [];
  const { values, positionals } = parseArgs({
    args: [...args],
    strict: false,
    allowPositionals: true,
    options: {
      home: { type: "string" },
      graph: { type: "string" }, // a URL (sparql:…), no path: read so it is no positional
      dir: { type: "string" },
      out: { type: "string" },
      lock: { type: "string" },
      index: { type: "string", multiple: true },
    },
  });
  const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  for (const arg of args) {
    const value = arg.startsWith("--") && arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : arg;
    for (const candidate of [value, value.startsWith("dir:") ? value.slice(4) : undefined]) {
      if (!candidate) continue;
      for (const path of [userPath(candidate), resolve(candidate)]) {
        if (stat(path)) read.push(resolve(path));
      }
    }
  }
  const [first, second] = positionals;
  const command = first === "torrent" || first === "source" || first === "cache" ||
      first === "drive" || first === "translator"
    ? `${first} ${second ?? ""}`
    : first ?? "";
  const operands = positionals.slice(command.includes(" ") ? 2 : 1);
  if (command === "save") {
    for (const module of operands) read.push(dirname(resolve(userPath(module))));
  }
  const dir = text(values.dir);
  if (dir) write.push(userOutputPath(dir));
  const out = text(values.out);
  if (out) {
    const target = userOutputPath(out);
    write.push(stat(target)?.isDirectory ? target : dirname(target));
  } else if (command === "torrent create") {
    write.push(userCwd());
  }
  const lock = text(values.lock);
  const lockFile = lock ? userOutputPath(lock) : defaultLockFile();
  if (command === "lock") write.push(dirname(lockFile));
  if (command === "fetch") read.push(lockFile);
  if (command === "seed" && !dir && operands.some((o) => o.endsWith(".torrent"))) {
    read.push(userCwd());
  }
  const indexes = Array.isArray(values.index)
    ? values.index.filter((v) => typeof v === "string")
    : [];
  write.push(...indexFolders(indexSpecs(indexes)));
  return { read, write };
}

/** `OWM_LOCK` (from the user's directory), else `owm.lock` there, as lib/lock/lock_file.ts. */
function defaultLockFile(): string {
  return lockFileFrom(processEnv, undefined, userCwd());
}
