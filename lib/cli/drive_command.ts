/**
 * `owm drive auth`: authorises owmeta-torrent to use Google Drive as a torrent
 * index and writes `<store>/drive-token.json`.
 *
 * @module
 */
import { authorizeDrive } from "../index/drive_auth.ts";
import type { DriveAccess } from "../index/drive_credentials.ts";
import { type CliIo, printJson, UsageError } from "./io.ts";
import { type GlobalOptions, openRepository } from "./store_commands.ts";

const ACCESS: readonly DriveAccess[] = ["read", "publish", "read-publish"];

/**
 * `owm drive auth [--access read|publish|read-publish]`: prints Google's
 * consent page URL, waits for the browser to come back to a one-shot listener
 * on 127.0.0.1, and saves the token (mode 0600).
 */
export async function driveAuthCommand(
  args: string[],
  options: { access?: string | undefined },
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  if (args.length > 0) throw new UsageError(`drive auth takes no arguments, got '${args[0]}'`);
  const access = (options.access ?? "read") as DriveAccess;
  if (!ACCESS.includes(access)) {
    throw new UsageError(`--access takes ${ACCESS.join(", ")}, got '${options.access}'`);
  }
  const repo = await openRepository(global, io, true);
  const token = await authorizeDrive({
    storeHome: repo.store.home,
    access,
    openUrl: (url) =>
      io.err(`owm: open this address in a browser to authorise Google Drive:\n${url}`),
  });
  if (global.json) printJson(io, { home: repo.store.home, scope: token.scope ?? null });
  else io.out(`Saved the Google Drive token in ${repo.store.home} (scope: ${token.scope ?? "?"})`);
  return 0;
}
