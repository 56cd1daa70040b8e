/**
 * `owm verify <id|path> [--md5 H] [--sha256 H] [--sha512 H] [--torrent F]
 * [--content PATH] [--json]`.
 *
 * @module
 */
import { basename } from "node:path";
import { locateContent } from "../loader/located_content.ts";
import { ContentChangedError } from "../integrity/content_digest.ts";
import type { HashAlgorithm } from "../integrity/hash.ts";
import { legacyNameOf } from "../integrity/legacy.ts";
import { recordedIntegrity } from "../integrity/recorded.ts";
import { isNamedAsTorrent, torrentPiecesCheck } from "../integrity/torrent_pieces.ts";
import { TreeEntryError } from "../integrity/tree.ts";
import { type Metainfo, MetainfoError, parseMetainfo } from "../torrent/metainfo.ts";
import {
  type ExpectedIntegrity,
  parseHexDigest,
  verify,
  type VerifyReport,
} from "../integrity/verify.ts";
import { type CliIo, ExitCode, printJson, UsageError } from "./io.ts";
import { type GlobalOptions, openRepository } from "./store_commands.ts";
import { configuredIndexes, isOffline } from "./transfer_context.ts";
import { userPath } from "./user_path.ts";

/** Options of `owm verify`. */
export interface VerifyCommandOptions {
  /** `--md5 H`: the expected MD5 of a path. */
  md5?: string | undefined;
  /** `--sha256 H`: the expected SHA-256 of a path. */
  sha256?: string | undefined;
  /** `--sha512 H`: the expected SHA-512 of a path. */
  sha512?: string | undefined;
  /** `--torrent F`: a `.torrent` file (its legacy `<md5>.torrent` name, and its piece hashes). */
  torrent?: string | undefined;
  /** `--content PATH`: where a data source's content is (needed with an id for now). */
  content?: string | undefined;
  /** `--index SPEC`, repeated: where to find the torrent of a data source id. */
  index?: readonly string[] | undefined;
  /** `--offline` (or `OWM_OFFLINE=1`): only folder indexes are read, never the network. */
  offline?: boolean | undefined;
}

const SYNOPSIS =
  "owm verify <path> [--md5 H] [--sha256 H] [--sha512 H] [--torrent F], or owm verify <ClassName:key> --content PATH";

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function givenHashes(options: VerifyCommandOptions): ExpectedIntegrity {
  const out: ExpectedIntegrity = {};
  for (const algorithm of ["md5", "sha256", "sha512"] as const satisfies HashAlgorithm[]) {
    const value = options[algorithm];
    if (value === undefined) continue;
    try {
      out[algorithm] = parseHexDigest(algorithm, value);
    } catch (error) {
      throw new UsageError(`--${algorithm}: ${(error as Error).message}`);
    }
  }
  return out;
}

async function torrentExpectations(
  torrent: string,
  target: string,
  io: CliIo,
): Promise<ExpectedIntegrity | undefined> {
  const path = userPath(torrent);
  let meta: Metainfo;
  try {
    meta = parseMetainfo(await Deno.readFile(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.IsADirectory) {
      throw new UsageError(`--torrent '${torrent}' is not a .torrent file: no such file`);
    }
    if (error instanceof MetainfoError || error instanceof Deno.errors.PermissionDenied) {
      io.err(`owm: cannot use --torrent '${torrent}': ${error.message}`);
      return undefined;
    }
    throw error;
  }
  if (!isNamedAsTorrent(meta, target)) {
    throw new UsageError(
      `--torrent '${torrent}' names its content '${meta.name}', but the path given is '${target}': piece hashes follow the torrent's names, so give the path ending in '${meta.name}'`,
    );
  }
  const out: ExpectedIntegrity = { pieces: torrentPiecesCheck(meta) };
  if (legacyNameOf(path) !== undefined) out.legacyTorrentName = basename(path);
  return out;
}

/**
 * The human form of a report: one line per check (`ok   md5 …` or
 * `FAIL md5 expected … got …`), then a summary line.
 *
 * @example
 * ```ts ignore
 * for (const line of formatVerifyReport(await verify("a.zip", { md5 }))) console.log(line);
 * ```
 *
 * @param report A report from `verify`.
 * @returns The lines, without line ends.
 */
function formatVerifyReport(report: VerifyReport): string[] {
  const lines = report.checks.map((c) => {
    const detail = c.detail === undefined ? "" : ` (${c.detail})`;
    return c.ok
      ? `ok   ${c.kind.padEnd(10)} ${c.actual}${detail}`
      : `FAIL ${c.kind.padEnd(10)} expected ${c.expected} got ${c.actual}${detail}`;
  });
  const n = report.checks.length;
  const failed = report.checks.filter((c) => !c.ok).length;
  if (n === 0) {
    lines.push(
      `NOT VERIFIED '${report.target}': nothing recorded to check; record an md5, sha256 or sha512, or a <md5>.torrent name`,
    );
  } else if (failed === 0) {
    lines.push(`verified '${report.target}': ${n} of ${n} check${n === 1 ? "" : "s"} passed`);
  } else {
    lines.push(
      `NOT VERIFIED '${report.target}': ${failed} of ${n} check${
        n === 1 ? "" : "s"
      } failed; the content is damaged, incomplete or not the recorded dataset: fetch it again`,
    );
  }
  return lines;
}

/**
 * `owm verify <id|path>`: checks content and returns the exit code, 0 when
 * every check passed, 1 on a mismatch, unreadable content or nothing to check.
 * An argument that exists as a file or folder is a path, checked against
 * `--md5`, `--sha256`, `--sha512` and `--torrent`; anything else is a data
 * source id whose recorded hashes and legacy torrent name are checked against
 * the content at `--content PATH` (required for now, until a loader knows
 * where content lives).
 *
 * @example
 * ```ts ignore
 * const code = await verifyCommand(["data.zip"], { sha256: "e3b0…" }, { home: undefined, json: false }, processIo);
 * ```
 *
 * @param args One id or path.
 * @param options The command's options.
 * @param global `--home` and `--json`.
 * @param io Where to write.
 * @returns The exit code.
 * @throws {UsageError} for a wrong command line (exit 2).
 */
export async function verifyCommand(
  args: string[],
  options: VerifyCommandOptions,
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  if (args.length !== 1) {
    throw new UsageError(
      args.length === 0
        ? `verify needs an id or a path: ${SYNOPSIS}`
        : `verify takes one id or path, got ${args.length}: ${SYNOPSIS}`,
    );
  }
  const arg = args[0]!;
  const hashes = givenHashes(options);
  let target: string;
  let expected: ExpectedIntegrity;
  const asPath = userPath(arg);
  if (exists(asPath)) {
    if (options.content !== undefined) {
      throw new UsageError(`--content applies to a data source id, not to a path: ${SYNOPSIS}`);
    }
    target = asPath;
    expected = { ...hashes };
    if (options.torrent !== undefined) {
      const fromTorrent = await torrentExpectations(options.torrent, target, io);
      if (fromTorrent === undefined) return ExitCode.Failed;
      Object.assign(expected, fromTorrent);
    }
    if (Object.keys(expected).length === 0) {
      throw new UsageError(
        `verify '${arg}' needs something to check against: --md5 H, --sha256 H, --sha512 H or --torrent F`,
      );
    }
  } else {
    if (!arg.includes(":")) {
      throw new UsageError(
        `No file or folder '${arg}', and it is not a data source id (ClassName:key or <IRI>): ${SYNOPSIS}`,
      );
    }
    if (Object.keys(hashes).length > 0) {
      throw new UsageError(
        `--md5, --sha256 and --sha512 apply to a path; for data source '${arg}' its recorded hashes are checked`,
      );
    }
    const repo = await openRepository(global, io);
    const ds = await repo.get(arg);
    expected = recordedIntegrity(ds);
    if (options.content !== undefined) target = userPath(options.content);
    else {
      const found = await locateContent(
        repo.store.home,
        ds,
        configuredIndexes(repo.store.home, options.index, isOffline(options)),
        repo.store,
      );
      if (!found) {
        io.err(
          `owm: data source '${arg}' has not been fetched or published here: fetch it (owm fetch ${arg}) or give its content with --content PATH`,
        );
        return ExitCode.Failed;
      }
      target = found.contentPath;
      if (options.torrent === undefined && found.meta) {
        expected.pieces = torrentPiecesCheck(found.meta);
      }
    }
    if (options.torrent !== undefined) {
      const fromTorrent = await torrentExpectations(options.torrent, target, io);
      if (fromTorrent === undefined) return ExitCode.Failed;
      Object.assign(expected, fromTorrent);
    }
  }
  let report: VerifyReport;
  try {
    report = await verify(target, expected);
  } catch (error) {
    if (
      error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied ||
      error instanceof TreeEntryError || error instanceof ContentChangedError
    ) {
      io.err(`owm: cannot verify '${target}': ${error.message}`);
      return ExitCode.Failed;
    }
    throw error;
  }
  if (global.json) {
    printJson(io, report);
    if (report.checks.length === 0) io.err(`owm: nothing recorded to check for '${arg}'`);
  } else {
    io.out(formatVerifyReport(report).join("\n"));
  }
  return report.ok ? ExitCode.Ok : ExitCode.Failed;
}
