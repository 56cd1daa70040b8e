/**
 * Tests that need something the machine may lack (a Debian program such as
 * Chromium, Jupyter or a BitTorrent client; python3; an IPv6 loopback).
 *
 * On a developer's machine a missing need makes the test *ignored*, with one
 * line on the console naming what is missing and the Debian packages to
 * install, so `deno task test` passes on a fresh machine. With
 * `OWM_TEST_REQUIRE_ALL=1` (set by `.ci/run`) a missing need is a *failure*:
 * the test runs and throws {@linkcode MissingRequirementError} at once, so
 * CI never looks green with tests left out.
 *
 * ```ts
 * const chromium = requireProgram("chromium", { debian: "chromium", what: "upload page tests" });
 * Deno.test({ name: "…", ignore: chromium.ignore, fn: () => { chromium.check(); … } });
 * ```
 *
 * @module
 */
import { delimiter, isAbsolute, join } from "node:path";

/** The variable that turns a missing need into a failure (`.ci/run` sets it). */
export const REQUIRE_ALL_VAR = "OWM_TEST_REQUIRE_ALL";

/** What a test needs that is missing, under `OWM_TEST_REQUIRE_ALL=1`. */
export class MissingRequirementError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "MissingRequirementError";
  }
}

/** The outcome of a check: give `ignore` to `Deno.test` and call `check()` first in its body. */
export interface Requirement {
  /** True when the need is missing and missing needs are skipped (not in CI). */
  ignore: boolean;
  /** Whether the need is missing. */
  missing: boolean;
  /** Empty when present; else one line: what is missing and what to install. */
  reason: string;
  /** The program's path, when it is a program and was found. */
  path?: string;
  /** Throws {@linkcode MissingRequirementError} (with `reason`) when the need is missing. */
  check(): void;
}

/** Options of {@linkcode requireProgram} and {@linkcode requirement}. */
export interface RequireOptions {
  /** The Debian package(s) that provide it. */
  debian?: string | string[];
  /** What needs it, for the skip line ("the notebook tests"). */
  what?: string;
  /** Extra advice after the install line. */
  hint?: string;
  /** The environment to read PATH and OWM_TEST_REQUIRE_ALL from. @default Deno.env */
  env?: Record<string, string | undefined>;
}

const reported = new Set<string>();

function envOf(options: RequireOptions): (name: string) => string | undefined {
  return options.env ? (name) => options.env![name] : (name) => Deno.env.get(name);
}

/** Whether missing needs fail (`OWM_TEST_REQUIRE_ALL` is `1`, `true` or `yes`). */
export function requireAll(env?: Record<string, string | undefined>): boolean {
  const value = (env ? env[REQUIRE_ALL_VAR] : Deno.env.get(REQUIRE_ALL_VAR)) ?? "";
  return ["1", "true", "yes"].includes(value.toLowerCase());
}

/** The path of `program` on `PATH` (or `program` itself when absolute), if it is an executable file. */
export function findProgram(
  program: string,
  path = Deno.env.get("PATH") ?? "",
): string | undefined {
  const candidates = isAbsolute(program)
    ? [program]
    : path.split(delimiter).filter((dir) => dir !== "").map((dir) => join(dir, program));
  for (const candidate of candidates) {
    try {
      const info = Deno.statSync(candidate);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * A need given as a fact: `present` or not. Missing, it is reported once on
 * the console (unless under `OWM_TEST_REQUIRE_ALL=1`, where the test fails).
 *
 * @param need What is needed ("an IPv6 loopback address").
 * @param present Whether it is there.
 * @param options The Debian packages, what needs it, the environment.
 */
export function requirement(
  need: string,
  present: boolean,
  options: RequireOptions = {},
): Requirement {
  if (present) return { ignore: false, missing: false, reason: "", check() {} };
  const packages = [options.debian ?? []].flat();
  const install = packages.length
    ? `: install the Debian package${packages.length > 1 ? "s" : ""} ` +
      `(apt-get install -y --no-install-recommends ${packages.join(" ")})`
    : "";
  const reason = `${options.what ?? "this test"} needs ${need}, which is missing${install}` +
    (options.hint ? `; ${options.hint}` : "");
  const strict = requireAll(options.env ? options.env : undefined);
  if (!strict && !reported.has(reason)) {
    reported.add(reason);
    console.warn(`SKIPPING ${reason} (${REQUIRE_ALL_VAR}=1 makes this a failure)`);
  }
  return {
    ignore: !strict,
    missing: true,
    reason,
    check() {
      throw new MissingRequirementError(`${reason} (${REQUIRE_ALL_VAR} is set: not skipped)`);
    },
  };
}

/**
 * A program the test runs: found on PATH (the `env`'s, by default the
 * process's), or missing and then skipped with one line, or failed under
 * `OWM_TEST_REQUIRE_ALL=1`.
 *
 * @example
 * ```ts
 * const jupyter = requireProgram("jupyter", { debian: ["jupyter-core"], what: "the notebook tests" });
 * ```
 */
export function requireProgram(program: string, options: RequireOptions = {}): Requirement {
  const path = findProgram(program, envOf(options)("PATH") ?? "");
  const found = requirement(`'${program}' on PATH`, path !== undefined, options);
  return path ? { ...found, path } : found;
}

/** Several programs at once: missing if any is. */
export function requirePrograms(programs: string[], options: RequireOptions = {}): Requirement {
  const path = envOf(options)("PATH") ?? "";
  const missing = programs.filter((p) => findProgram(p, path) === undefined);
  return requirement(
    missing.map((p) => `'${p}'`).join(" and ") + " on PATH",
    missing.length === 0,
    options,
  );
}
