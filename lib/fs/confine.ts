/**
 * Confinement of paths built from data.
 *
 * Every name that comes from a DataSource (`fileName`, `csvFileName`,
 * `torrentFileName`, …), a torrent, an index record, an API field or a
 * translator option is untrusted: before it becomes a path it goes through
 * this module.
 *
 * - {@linkcode checkRelativeName} refuses a name that is not a plain relative
 *   path (absolute, `..`, NUL, backslash, drive letter), naming the field it
 *   came from ({@linkcode UnsafeFieldPathError});
 * - {@linkcode confinedJoin} joins a relative path to a folder and refuses a
 *   result outside it, lexically ({@linkcode PathEscapeError});
 * - {@linkcode confinedPath} and {@linkcode confinedRealPath} also follow the
 *   symbolic links already on disk and refuse a path that is, or passes
 *   through, a link leading out of the folder ({@linkcode LinkEscapeError}).
 *
 * @module
 */
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { OwmError } from "../errors/owm_error.ts";

/** A path that would resolve outside the directory it must stay in. */
export class PathEscapeError extends OwmError {
  /** The error's code: `path-escape`. */
  override readonly code: string = "path-escape";
  /** The directory that confines the path. */
  readonly dir: string;
  /** The relative path that escaped. */
  readonly path: string;
  /**
   * Creates the error for `path` escaping `dir`.
   *
   * @example
   * ```ts
   * import { PathEscapeError } from "./confine.ts";
   * const error = new PathEscapeError("/data", "../etc/passwd");
   * console.log(error.path); // "../etc/passwd"
   * ```
   */
  constructor(dir: string, path: string, options?: ErrorOptions & { message?: string }) {
    super(
      options?.message ??
        `Refusing path ${JSON.stringify(path)}: it resolves outside ${
          JSON.stringify(dir)
        }; sanitise torrent paths with sanitizeTorrentPath() before writing`,
      options,
    );
    this.name = "PathEscapeError";
    this.dir = dir;
    this.path = path;
  }
}

/**
 * A path inside a folder that is, or passes through, a symbolic link leading
 * out of the folder. The link is not followed.
 */
export class LinkEscapeError extends PathEscapeError {
  /** The error's code: `link-escape`. */
  override readonly code: string = "link-escape";
  /** The link, relative to the folder, with `/` separators. */
  readonly link: string;
  /** Where the link leads (as far as it could be resolved). */
  readonly target: string;
  /**
   * Creates the error for `path` below `dir`, refused because of `link`.
   *
   * @example
   * ```ts
   * import { LinkEscapeError } from "./confine.ts";
   * const error = new LinkEscapeError("/data", "set/a.csv", "set", "/etc");
   * console.log(error.link, error.target); // "set" "/etc"
   * ```
   */
  constructor(dir: string, path: string, link: string, target: string) {
    super(dir, path, {
      message: `Refusing ${JSON.stringify(path)} in ${JSON.stringify(dir)}: ${
        JSON.stringify(link)
      } is a symbolic link leading outside the folder (to ${
        JSON.stringify(target)
      }), which is never followed; replace the link with the file it points to, or remove it`,
    });
    this.name = "LinkEscapeError";
    this.link = link;
    this.target = target;
  }
}

/**
 * A name taken from data (a DataSource field, an index record, an API field,
 * a translator option) that cannot name a file inside its folder.
 */
export class UnsafeFieldPathError extends OwmError {
  /** The error's code: `unsafe-path`. */
  override readonly code: string = "unsafe-path";
  /** Whose field it is, e.g. `CSVDataSource:worms`; `""` when unknown. */
  readonly owner: string;
  /** The field, e.g. `csvFileName`. */
  readonly field: string;
  /** The value refused. */
  readonly value: string;
  /** What is wrong with it, e.g. `leads outside its content folder`. */
  readonly reason: string;
  /**
   * Creates the error.
   *
   * @example
   * ```ts
   * import { UnsafeFieldPathError } from "./confine.ts";
   * const error = new UnsafeFieldPathError("csvFileName", "../../x.csv",
   *   "leads outside its content folder", "CSVDataSource:worms");
   * console.log(error.message);
   * // CSVDataSource:worms: csvFileName '../../x.csv' leads outside its content folder: use a name inside the dataset
   * ```
   */
  constructor(field: string, value: string, reason: string, owner = "") {
    super(
      `${owner ? `${owner}: ` : ""}${field} ${
        JSON.stringify(value).replace(/^"|"$/g, "'")
      } ${reason}: use a name inside the dataset`,
    );
    this.name = "UnsafeFieldPathError";
    this.owner = owner;
    this.field = field;
    this.value = value;
    this.reason = reason;
  }
}

/**
 * What is wrong with `name` as a relative path inside a folder, or
 * `undefined` when it is fine. Subfolders (`a/b.csv`) are allowed; `..`
 * segments, absolute paths, drive letters, backslashes, NUL and other control
 * characters are not.
 *
 * @param name The name from data.
 * @returns A short reason (`"leads outside its content folder"`, …) or `undefined`.
 *
 * @example
 * ```ts
 * import { relativeNameProblem } from "./confine.ts";
 * relativeNameProblem("tables/a.csv"); // undefined
 * relativeNameProblem("../../x.csv");  // "leads outside its content folder"
 * relativeNameProblem("/etc/passwd");  // "is an absolute path"
 * ```
 */
export function relativeNameProblem(name: unknown): string | undefined {
  if (typeof name !== "string") return "is not a string";
  if (name === "") return "is empty";
  if (name.includes("\0")) return "holds a NUL character";
  // deno-lint-ignore no-control-regex
  if (/[\u0001-\u001f\u007f]/.test(name)) return "holds a control character";
  if (name.includes("\\")) return "holds a backslash (a Windows path separator)";
  if (/^[A-Za-z]:/.test(name)) return "starts with a drive letter";
  if (name.startsWith("/")) return "is an absolute path";
  const segments = name.split("/");
  if (segments.includes("..")) return "leads outside its content folder";
  if (segments.every((s) => s === "" || s === ".")) {
    return "names the folder itself, not a file in it";
  }
  return undefined;
}

/**
 * Checks that `value`, taken from the field `field` of `owner`, is a plain
 * relative name (see {@linkcode relativeNameProblem}).
 *
 * @param value The name from data.
 * @param field The field it came from, named in the error (e.g. `csvFileName`).
 * @param owner Whose field it is (e.g. a DataSource id), named in the error.
 * @returns `value`, unchanged.
 * @throws {UnsafeFieldPathError} When the name cannot name a file inside a folder.
 *
 * @example
 * ```ts
 * import { checkRelativeName } from "./confine.ts";
 * checkRelativeName("a.csv", "csvFileName", "CSVDataSource:worms"); // "a.csv"
 * // checkRelativeName("../../x.csv", "csvFileName", "CSVDataSource:worms") throws
 * // UnsafeFieldPathError: CSVDataSource:worms: csvFileName '../../x.csv' leads outside …
 * ```
 */
export function checkRelativeName(value: unknown, field: string, owner = ""): string {
  const problem = relativeNameProblem(value);
  if (problem) throw new UnsafeFieldPathError(field, String(value), problem, owner);
  return value as string;
}

/**
 * Joins `relPath` to `dir`, and checks that the result lies strictly inside
 * `dir` (not `dir` itself). Every writer of torrent data calls this. The check
 * is lexical: it does not follow symbolic links already on disk (use
 * {@linkcode confinedPath} for that).
 *
 * @param dir The confining directory.
 * @param relPath A relative path, `/`-separated.
 * @returns The absolute path.
 * @throws {PathEscapeError} When the result is `dir` itself or outside it, or `relPath` holds NUL.
 *
 * @example
 * ```ts
 * import { confinedJoin } from "./confine.ts";
 *
 * confinedJoin("/data", "set/a.csv"); // "/data/set/a.csv"
 * // confinedJoin("/data", "../etc/passwd") throws PathEscapeError
 * ```
 */
export function confinedJoin(dir: string, relPath: string): string {
  const base = resolve(dir);
  const target = resolve(base, relPath);
  const rel = relative(base, target);
  if (
    relPath.includes("\0") || rel === "" || rel === ".." || rel.startsWith(`..${sep}`) ||
    isAbsolute(rel)
  ) {
    throw new PathEscapeError(dir, relPath);
  }
  return target;
}

/** Whether `path` is `root` or below it (both absolute and normalised). */
function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

async function realPathOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await Deno.realPath(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return undefined;
    }
    throw error;
  }
}

async function lstatOrUndefined(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return undefined;
    }
    throw error;
  }
}

/** The most links followed in one chain before giving up, as Linux does. */
const MAX_LINK_HOPS = 40;

/**
 * Resolves `dir/relPath` on disk, following symbolic links, and refuses it
 * when the result (or a dangling link on the way) leads outside `dir`.
 * Returns the real path (the part that does not exist yet appended as is).
 */
async function resolveConfined(dir: string, relPath: string): Promise<string> {
  const lexical = confinedJoin(dir, relPath);
  const root = await realPathOrUndefined(resolve(dir));
  if (root === undefined) return lexical; // nothing exists below a missing folder
  const parts = relative(resolve(dir), lexical).split(sep);
  const linkOf = (i: number) => parts.slice(0, i + 1).join("/");
  // The longest existing prefix, resolved by the OS.
  let i = parts.length;
  let real: string | undefined;
  while (
    i > 0 && (real = await realPathOrUndefined(join(root, ...parts.slice(0, i)))) === undefined
  ) {
    i--;
  }
  real ??= root;
  if (!within(root, real)) {
    // Name the first link on the way that leads out.
    for (let k = 0; k < i; k++) {
      const step = join(root, ...parts.slice(0, k + 1));
      if ((await lstatOrUndefined(step))?.isSymlink) {
        const to = await realPathOrUndefined(step) ?? step;
        if (!within(root, to)) throw new LinkEscapeError(dir, relPath, linkOf(k), to);
      }
    }
    throw new LinkEscapeError(dir, relPath, linkOf(i - 1), real);
  }
  if (i === parts.length) return real;
  // parts[i] does not resolve: missing, or a dangling link (maybe a chain of them).
  let next = join(real, parts[i]!);
  let hops = 0;
  for (
    let info = await lstatOrUndefined(next);
    info?.isSymlink;
    info = await lstatOrUndefined(next)
  ) {
    if (++hops > MAX_LINK_HOPS) {
      throw new LinkEscapeError(dir, relPath, linkOf(i), `${next} (too many links)`);
    }
    const to = resolve(dirname(next), await Deno.readLink(next));
    const toParent = await realPathOrUndefined(dirname(to));
    next = toParent === undefined ? to : join(toParent, relative(dirname(to), to));
    if (!within(root, next)) throw new LinkEscapeError(dir, relPath, linkOf(i), to);
  }
  return join(next, ...parts.slice(i + 1));
}

/**
 * Joins `relPath` to `dir` like {@linkcode confinedJoin}, then follows the
 * symbolic links already on disk: a path that is, or passes through, a link
 * leading out of `dir` (a link chain too, and a dangling link whose target
 * would be outside) is refused. Links that stay inside `dir` are allowed.
 * `dir` itself may be reached through links.
 *
 * @param dir The confining directory.
 * @param relPath A relative path, `/`-separated.
 * @returns The lexical path, `dir` joined with `relPath` (what to show users).
 * @throws {PathEscapeError} When `relPath` leads outside lexically.
 * @throws {LinkEscapeError} When a link on the way leads outside `dir`.
 *
 * @example
 * ```ts ignore
 * import { confinedPath } from "./confine.ts";
 * const path = await confinedPath("/data/set", "tables/a.csv"); // "/data/set/tables/a.csv"
 * // with /data/set/tables -> /etc: throws LinkEscapeError naming "tables"
 * ```
 */
export async function confinedPath(dir: string, relPath: string): Promise<string> {
  await resolveConfined(dir, relPath);
  return confinedJoin(dir, relPath);
}

/**
 * Like {@linkcode confinedPath}, but returns the real path, every link
 * resolved (the part that does not exist yet appended as given). Open this
 * one to be sure that what is read is what was checked.
 *
 * @param dir The confining directory.
 * @param relPath A relative path, `/`-separated.
 * @returns The real absolute path, inside the real path of `dir`.
 * @throws {PathEscapeError} When `relPath` leads outside lexically.
 * @throws {LinkEscapeError} When a link on the way leads outside `dir`.
 *
 * @example
 * ```ts ignore
 * import { confinedRealPath } from "./confine.ts";
 * const real = await confinedRealPath("/data/set", "current/a.csv");
 * // "/data/set/v2/a.csv" when current -> v2
 * ```
 */
export async function confinedRealPath(dir: string, relPath: string): Promise<string> {
  return await resolveConfined(dir, relPath);
}

/**
 * Checks an absolute `path` that must lie inside `dir`, following links as
 * {@linkcode confinedPath} does: for paths built elsewhere (a remembered
 * content path, a translator input).
 *
 * @param dir The confining directory.
 * @param path A path inside `dir` (absolute, or relative to the working directory).
 * @returns `path`, resolved.
 * @throws {PathEscapeError} When `path` is not strictly inside `dir`.
 * @throws {LinkEscapeError} When a link on the way leads outside `dir`.
 *
 * @example
 * ```ts ignore
 * import { assertInside } from "./confine.ts";
 * await assertInside("/data/set", "/data/set/a.csv"); // "/data/set/a.csv"
 * ```
 */
export async function assertInside(dir: string, path: string): Promise<string> {
  const rel = relative(resolve(dir), resolve(path));
  return await confinedPath(dir, rel.split(sep).join("/"));
}

/**
 * {@linkcode checkRelativeName} then {@linkcode confinedPath}: the path of
 * the name `value` (from `field` of `owner`) inside `dir`, links checked.
 *
 * @param dir The confining directory.
 * @param value The name from data.
 * @param field The field it came from, named in the error.
 * @param owner Whose field it is, named in the error.
 * @returns The lexical path inside `dir`.
 * @throws {UnsafeFieldPathError} When the name is not a plain relative name.
 * @throws {LinkEscapeError} When a link on the way leads outside `dir`.
 *
 * @example
 * ```ts ignore
 * import { confinedFieldPath } from "./confine.ts";
 * await confinedFieldPath("/data/set", "a.csv", "csvFileName", "CSVDataSource:worms");
 * ```
 */
export async function confinedFieldPath(
  dir: string,
  value: unknown,
  field: string,
  owner = "",
): Promise<string> {
  return await confinedPath(dir, checkRelativeName(value, field, owner));
}
