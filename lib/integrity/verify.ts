/**
 * Checking content against what is recorded about it: MD5, SHA-256, SHA-512,
 * the legacy `<md5>.torrent` name, and the torrent's own piece hashes.
 *
 * For a folder, `md5`, `sha256` and `sha512` (and the legacy name) are the
 * owm folder digest with that algorithm, defined in `content_digest.ts`: the
 * digest over the regular files in byte-wise order of their UTF-8
 * `/`-separated relative paths, of each file's path, NUL, decimal length, NUL
 * and bytes. For a file they are the plain digest of its bytes.
 *
 * @module
 */
import { type ContentDigests, digestContent } from "./content_digest.ts";
import type { HashAlgorithm, HashOptions } from "./hash.ts";
import { legacyNameOf } from "./legacy.ts";
import { InvalidInputError } from "../errors/invalid_input.ts";
import { OwmError } from "../errors/owm_error.ts";

/** What a check compares, as the report names it. */
export const CHECK_KINDS = ["md5", "sha256", "sha512", "legacy-md5", "pieces"] as const;

/** One of {@linkcode CHECK_KINDS}. */
export type CheckKind = typeof CHECK_KINDS[number];

/** One comparison in a {@linkcode VerifyReport}. */
export interface IntegrityCheck {
  /** What was compared. */
  kind: CheckKind;
  /** The recorded value (lower-case hex; for `pieces`, `N/N pieces`). */
  expected: string;
  /** The value found (lower-case hex; for `pieces`, `good/N pieces`). */
  actual: string;
  /** Whether they agree. */
  ok: boolean;
  /** More about the check, e.g. `folder digest of 12 files` or the bad pieces. */
  detail?: string;
}

/** The result of {@linkcode verify}. */
export interface VerifyReport {
  /** True when at least one check ran and every check passed. */
  ok: boolean;
  /** The content checked, as given. */
  target: string;
  /** The checks, in the order of {@linkcode CHECK_KINDS}; empty when nothing was recorded. */
  checks: IntegrityCheck[];
}

/** What a piece-hash check returns (see {@linkcode ExpectedIntegrity.pieces}). */
export interface PiecesResult {
  /** Whether every piece matched its hash. */
  ok: boolean;
  /** Indexes of the pieces that did not match (or could not be read). */
  piecesBad: number[];
  /** Number of pieces in the torrent. */
  piecesTotal: number;
  /** What else is wrong, e.g. missing files; shown in the check's `detail`. */
  detail?: string | undefined;
}

/** Checks the content at `target` against a torrent's piece hashes. */
export type PiecesCheck = (target: string) => Promise<PiecesResult>;

/** What is recorded about some content; only what is given is checked. */
export interface ExpectedIntegrity {
  /** Hex MD5 (32 digits, any case). */
  md5?: string | undefined;
  /** Hex SHA-256 (64 digits, any case). */
  sha256?: string | undefined;
  /** Hex SHA-512 (128 digits, any case). */
  sha512?: string | undefined;
  /** A legacy torrent file name, `<md5>.torrent`, whose MD5 the content must have. */
  legacyTorrentName?: string | undefined;
  /** The torrent's piece-hash check, called with the target. */
  pieces?: PiecesCheck | undefined;
}

/**
 * Results already computed over the same bytes, e.g. by the single pass of a
 * download (lib/torrent/single_pass.ts), which a fresh re-hash would repeat.
 */
export interface KnownIntegrity {
  /** The content's digests; used when it holds every algorithm a check needs. */
  content?: ContentDigests | undefined;
  /** The piece check's result; used instead of calling `expected.pieces`. */
  pieces?: PiecesResult | undefined;
}

/** Options for {@linkcode verify}: cancellation, progress and read size of the hashing. */
export interface VerifyOptions extends HashOptions {
  /** Results already computed over these very bytes: those checks read nothing. */
  known?: KnownIntegrity | undefined;
}

const HEX_LENGTH: Record<HashAlgorithm, number> = { md5: 32, sha256: 64, sha512: 128 };
const DISPLAY: Record<HashAlgorithm, string> = { md5: "MD5", sha256: "SHA-256", sha512: "SHA-512" };

/**
 * Checks that `value` is a hex digest of `algorithm` and returns it in lower case.
 *
 * @example
 * ```ts
 * import { parseHexDigest } from "./verify.ts";
 * console.log(parseHexDigest("md5", "D41D8CD98F00B204E9800998ECF8427E")); // "d41d8cd98f00b204e9800998ecf8427e"
 * ```
 *
 * @param algorithm `md5`, `sha256` or `sha512`.
 * @param value The digest as recorded or typed.
 * @returns The digest in lower case.
 * @throws {TypeError} when `value` has the wrong length or a non-hex character.
 */
export function parseHexDigest(algorithm: HashAlgorithm, value: string): string {
  const length = HEX_LENGTH[algorithm];
  if (value.length !== length || !/^[0-9a-f]*$/i.test(value)) {
    const what = value.length !== length ? `${value.length} characters long` : "not hexadecimal";
    throw new InvalidInputError(
      `Expected ${algorithm} '${value}' is ${what}: a ${
        DISPLAY[algorithm]
      } digest is ${length} hexadecimal digits`,
    );
  }
  return value.toLowerCase();
}

function listBad(bad: readonly number[]): string {
  const shown = bad.slice(0, 20).join(", ");
  return `bad pieces: ${shown}${bad.length > 20 ? `, … (${bad.length} in all)` : ""}`;
}

/**
 * Checks the content at `target` (a file or a folder) against everything
 * recorded in `expected`, hashing it once for all the digests asked for. The
 * report is ok only when at least one check ran and all passed: a report with
 * no checks (nothing recorded) is not ok.
 *
 * @example Check a download against its recorded SHA-256 and legacy name
 * ```ts ignore
 * const report = await verify("downloads/Merged_Nuclei_Stained_Worm.zip", {
 *   sha256: ds.sha256,
 *   legacyTorrentName: ds.torrentFileName,
 * });
 * if (!report.ok) console.error(report.checks.filter((c) => !c.ok));
 * ```
 *
 * @param target The content: a file, or a folder (owm folder digest).
 * @param expected What is recorded; `undefined` entries are not checked.
 * @param options Cancellation, progress and read size of the hashing.
 * @returns A report with one check per recorded value.
 * @throws {TypeError} when an expected value is malformed (before any reading).
 */
export async function verify(
  target: string,
  expected: ExpectedIntegrity,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const wanted: [HashAlgorithm, string][] = [];
  for (const algorithm of ["md5", "sha256", "sha512"] as const) {
    const value = expected[algorithm];
    if (value !== undefined) wanted.push([algorithm, parseHexDigest(algorithm, value)]);
  }
  let legacy: string | undefined;
  if (expected.legacyTorrentName !== undefined) {
    legacy = legacyNameOf(expected.legacyTorrentName);
    if (legacy === undefined) {
      throw new InvalidInputError(
        `Torrent file name '${expected.legacyTorrentName}' is not a legacy '<md5>.torrent' name: it must be 32 hexadecimal digits followed by .torrent`,
        { status: 422, code: "bad-field" },
      );
    }
  }
  const algorithms = new Set(wanted.map(([algorithm]) => algorithm));
  if (legacy !== undefined) algorithms.add("md5");

  const checks: IntegrityCheck[] = [];
  if (algorithms.size > 0) {
    const known = options.known?.content;
    const content = known && [...algorithms].every((a) => known.digests[a] !== undefined)
      ? known
      : await digestContent(target, [...algorithms], options);
    const detail = content.kind === "folder"
      ? `folder digest of ${content.files} file${content.files === 1 ? "" : "s"}`
      : undefined;
    const check = (kind: CheckKind, want: string, actual: string): IntegrityCheck => ({
      kind,
      expected: want,
      actual,
      ok: want === actual,
      ...(detail === undefined ? {} : { detail }),
    });
    for (const [algorithm, want] of wanted) {
      checks.push(check(algorithm, want, content.digests[algorithm]));
    }
    if (legacy !== undefined) checks.push(check("legacy-md5", legacy, content.digests.md5));
  }
  if (expected.pieces) {
    const result = options.known?.pieces ?? await expected.pieces(target);
    const good = result.piecesTotal - result.piecesBad.length;
    checks.push({
      kind: "pieces",
      expected: `${result.piecesTotal}/${result.piecesTotal} pieces`,
      actual: `${good}/${result.piecesTotal} pieces`,
      ok: result.ok && result.piecesBad.length === 0,
    });
    const details = [
      ...(result.piecesBad.length > 0 ? [listBad(result.piecesBad)] : []),
      ...(result.detail ? [result.detail] : []),
    ];
    if (details.length > 0) checks[checks.length - 1]!.detail = details.join("; ");
  }
  return { ok: checks.length > 0 && checks.every((c) => c.ok), target, checks };
}

/** Content that failed verification, or had nothing recorded to verify it by. */
export class IntegrityError extends OwmError {
  /** The error's code: `integrity`. */
  override readonly code: string = "integrity";
  /** The content checked. */
  readonly target: string;
  /** The first failed check's kind; `undefined` when nothing was recorded. */
  readonly kind: CheckKind | undefined;
  /** The first failed check's recorded value; `undefined` when nothing was recorded. */
  readonly expected: string | undefined;
  /** The first failed check's found value; `undefined` when nothing was recorded. */
  readonly actual: string | undefined;
  /** The whole report. */
  readonly report: VerifyReport;

  /** Creates the error from a report that is not ok. */
  constructor(report: VerifyReport) {
    const failed = report.checks.filter((c) => !c.ok);
    super(
      report.checks.length === 0
        ? `Nothing recorded to check '${report.target}' against: record an md5, sha256 or sha512, a legacy <md5>.torrent name, or give the torrent for its piece hashes`
        : `Content '${report.target}' failed ${failed.length} of ${report.checks.length} integrity checks: ${
          failed.map((c) => `${c.kind} expected ${c.expected}, got ${c.actual}`).join("; ")
        }; the content is damaged, incomplete or not the recorded dataset: fetch it again`,
    );
    this.name = "IntegrityError";
    this.target = report.target;
    this.kind = failed[0]?.kind;
    this.expected = failed[0]?.expected;
    this.actual = failed[0]?.actual;
    this.report = report;
  }
}

/**
 * Throws unless `report` is ok, for callers that want verification failures as errors.
 *
 * @example
 * ```ts ignore
 * assertVerified(await verify(dir, { sha256: ds.sha256 }));
 * ```
 *
 * @param report A report from {@linkcode verify}.
 * @throws {IntegrityError} when a check failed or nothing was checked.
 */
export function assertVerified(report: VerifyReport): void {
  if (!report.ok) throw new IntegrityError(report);
}
