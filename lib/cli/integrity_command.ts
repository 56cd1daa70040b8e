/**
 * `deno task integrity <md5>.torrent <content>`: the legacy check that
 * replaces the original `integrity.py`. Only the torrent's file name is used
 * (the file need not exist): the content's MD5 (owm folder digest for a
 * folder) must equal the `<md5>` in the name. A relative content path is
 * taken from the user's directory (`INIT_CWD`) when it exists there.
 *
 * @module
 */
import { type CliIo, ExitCode } from "./io.ts";
import { ContentChangedError } from "../integrity/content_digest.ts";
import { legacyNameOf } from "../integrity/legacy.ts";
import { TreeEntryError } from "../integrity/tree.ts";
import { verify } from "../integrity/verify.ts";
import { userPath } from "./user_path.ts";

/** The usage line of the integrity script. */
export const INTEGRITY_USAGE = "Usage: deno task integrity <md5>.torrent <content file or folder>";

/**
 * Runs the legacy integrity check and returns the exit code: 0 when the
 * content's MD5 matches the torrent's name, 1 on a mismatch or unreadable
 * content, 2 for a wrong command line.
 *
 * @example
 * ```ts ignore
 * Deno.exit(await integrityCommand(["d9da5ce947c6f1c127dfcdc2ede63320.torrent", "worm.zip"]));
 * ```
 *
 * @param args The torrent file name (or path) and the content path.
 * @param io Where to write (the process's stdout and stderr by default).
 * @returns The exit code.
 */
export async function integrityCommand(args: string[], io: CliIo): Promise<number> {
  if (args.length === 1 && (args[0] === "--help" || args[0] === "-h")) {
    io.out(INTEGRITY_USAGE);
    return ExitCode.Ok;
  }
  if (args.length !== 2) {
    io.err(`integrity: expected 2 arguments, got ${args.length}`);
    io.err(INTEGRITY_USAGE);
    return ExitCode.Usage;
  }
  const [torrent, content] = args as [string, string];
  const md5 = legacyNameOf(torrent);
  if (md5 === undefined) {
    io.err(
      `integrity: '${torrent}' is not named <md5>.torrent (32 hexadecimal digits, then .torrent), so it records no MD5 to check`,
    );
    io.err(INTEGRITY_USAGE);
    return ExitCode.Usage;
  }
  let report;
  try {
    report = await verify(userPath(content), { legacyTorrentName: torrent });
  } catch (error) {
    const known = error instanceof Deno.errors.NotFound ||
      error instanceof Deno.errors.PermissionDenied || error instanceof TreeEntryError ||
      error instanceof ContentChangedError || error instanceof TypeError;
    if (!known) throw error;
    io.err(`integrity: cannot check '${content}': ${(error as Error).message}`);
    return ExitCode.Failed;
  }
  const check = report.checks[0]!;
  const what = check.detail === undefined ? "md5" : `md5 (${check.detail})`;
  if (report.ok) {
    io.out(`ok: '${content}' matches ${md5}.torrent: ${what} ${check.actual}`);
    return ExitCode.Ok;
  }
  io.out(
    `MISMATCH: '${content}' ${what} is ${check.actual}, expected ${check.expected} from the torrent's name: the content is damaged, incomplete or not this torrent's; fetch it again`,
  );
  return ExitCode.Failed;
}
