/**
 * `<store>/bridge.json`: the running bridge's URL, pid and token (mode 0600),
 * for clients on the same machine. The token is made once and kept across
 * restarts, so clients keep working, unless the file was readable by group or
 * others (then the old token may have leaked and a new one is made). One
 * bridge runs per store: a bridge whose recorded URL still answers is not
 * replaced, a stale entry (its process gone, its URL silent) is; a stopping
 * bridge clears only its own entry. The path must be a plain file: a symbolic
 * link or a folder there is refused, never followed.
 *
 * @module
 */
import type { BridgeFile } from "../lib/bridge/api_types.ts";
import { atomicWriteFile } from "../lib/fs/atomic_write.ts";
import { withFileLock } from "../lib/fs/file_lock.ts";
import { OwmError } from "../lib/errors/owm_error.ts";
import { StoreLayout } from "../lib/settings/store_layout.ts";

/** The path of the bridge file in a store. */
export function bridgeFilePath(home: string): string {
  return new StoreLayout(home).bridgeFile;
}

/**
 * `bridge.json` is not a plain file (a symbolic link, a folder, a device…):
 * the bridge refuses to follow or replace it.
 */
export class BridgeFileError extends OwmError {
  /** The error's code: `bridge-file`. */
  override readonly code: string = "bridge-file";
  /** The path. */
  readonly path: string;
  /** Creates the error. */
  constructor(path: string, message: string) {
    super(message);
    this.name = "BridgeFileError";
    this.path = path;
  }
}

/** Another bridge already runs on the store (its URL answers). */
export class BridgeRunningError extends OwmError {
  /** The error's code: `bridge-running`. */
  override readonly code: string = "bridge-running";
  /** The running bridge's URL. */
  readonly url: string;
  /** Its process id, when recorded. */
  readonly pid: number | undefined;
  /** Creates the error. */
  constructor(home: string, url: string, pid: number | undefined) {
    super(
      `A bridge already runs on the store ${home}: ${url}${
        pid === undefined ? "" : ` (pid ${pid})`
      }. Use it, or stop it first${pid === undefined ? "" : ` (kill ${pid})`}`,
    );
    this.name = "BridgeRunningError";
    this.url = url;
    this.pid = pid;
  }
}

/** A new random token (32 bytes, base64url). */
export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(
    /=+$/,
    "",
  );
}

/** What is at `<store>/bridge.json`. */
export interface BridgeFileState {
  /** Its content, when it is a readable JSON object. */
  file: Partial<BridgeFile> | undefined;
  /** Its permission bits, when it exists. */
  mode: number | undefined;
}

/**
 * Reads the bridge file, refusing what is not a plain file.
 *
 * @throws {BridgeFileError} for a symbolic link, a folder or another non-file.
 */
export async function readBridgeFileState(home: string): Promise<BridgeFileState> {
  const path = bridgeFilePath(home);
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { file: undefined, mode: undefined };
    throw error;
  }
  assertPlainFile(path, info);
  let file: Partial<BridgeFile> | undefined;
  try {
    const parsed = JSON.parse(await Deno.readTextFile(path));
    file = parsed && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : undefined;
  } catch {
    file = undefined; // unreadable or not JSON: replaced by the bridge that starts
  }
  return { file, mode: (info.mode ?? 0o600) & 0o777 };
}

function assertPlainFile(path: string, info: Deno.FileInfo): void {
  if (info.isSymlink) {
    throw new BridgeFileError(
      path,
      `${path} is a symbolic link: the bridge does not follow it (it would write its token where the link points); remove it and start again`,
    );
  }
  if (!info.isFile) {
    const what = info.isDirectory ? "a folder" : "not a regular file";
    throw new BridgeFileError(
      path,
      `${path} is ${what}: the bridge keeps its URL and token in a file there; move it away and start again`,
    );
  }
}

/** The token already in the store's bridge file, if any (and if it is a plain file). */
export async function existingToken(home: string): Promise<string | undefined> {
  try {
    const token = (await readBridgeFileState(home)).file?.token;
    return typeof token === "string" && token.length >= 32 ? token : undefined;
  } catch {
    return undefined;
  }
}

/** Whether process `pid` is gone (only known on systems with `/proc`; else `false`). */
async function processGone(pid: number): Promise<boolean> {
  try {
    await Deno.stat("/proc/self");
  } catch {
    return false; // no /proc: cannot tell
  }
  try {
    await Deno.stat(`/proc/${pid}`);
    return false;
  } catch {
    return true;
  }
}

const HEALTH_TIMEOUT_MS = 2000;

/** Whether a bridge answers `GET /api/health` at `url` with `token` (within 2 s). */
export async function bridgeAnswers(url: string, token: string): Promise<boolean> {
  const timeout = AbortSignal.timeout(HEALTH_TIMEOUT_MS);
  try {
    const res = await fetch(`${url}/api/health`, {
      headers: { authorization: `Bearer ${token}` },
      signal: timeout,
    });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/** What a starting bridge takes over from the bridge file. */
export interface ClaimedBridgeFile {
  /** The token to use: the kept one, or a new one. */
  token: string;
  /** Why the token is new, when an old one was not kept (for a warning). */
  renewed: string | undefined;
  /** Whether a stale entry of a bridge that is gone was found (and will be replaced). */
  stale: boolean;
}

/**
 * Before a bridge starts on `home`: refuses when another bridge runs there,
 * and picks the token (the kept one, or a new one when the file was readable
 * by group or others, or had none).
 *
 * @throws {BridgeRunningError} when the recorded bridge still answers.
 * @throws {BridgeFileError} when `bridge.json` is a link, a folder or another non-file.
 */
export async function claimBridgeFile(home: string): Promise<ClaimedBridgeFile> {
  const { file, mode } = await readBridgeFileState(home);
  const token = typeof file?.token === "string" && file.token.length >= 32 ? file.token : undefined;
  const url = typeof file?.url === "string" ? file.url : "";
  const pid = typeof file?.pid === "number" ? file.pid : undefined;
  let stale = false;
  if (url !== "") {
    const gone = pid !== undefined && pid !== Deno.pid && await processGone(pid);
    if (!gone && token && await bridgeAnswers(url, token)) {
      throw new BridgeRunningError(home, url, pid);
    }
    stale = true;
  }
  if (token && mode !== undefined && (mode & 0o077) !== 0) {
    const octal = mode.toString(8).padStart(4, "0");
    return {
      token: newToken(),
      renewed: `${
        bridgeFilePath(home)
      } was readable by group or others (mode ${octal}): made a new token, since the old one may have leaked; clients must read the new one`,
      stale,
    };
  }
  return { token: token ?? newToken(), renewed: undefined, stale };
}

/**
 * Writes the bridge file (mode 0600) atomically.
 *
 * @throws {BridgeFileError} when `bridge.json` is a link, a folder or another non-file.
 */
export async function writeBridgeFile(home: string, file: BridgeFile): Promise<void> {
  const path = bridgeFilePath(home);
  await readBridgeFileState(home); // refuses a link or a folder before replacing it
  await atomicWriteFile(path, [new TextEncoder().encode(JSON.stringify(file, null, 2) + "\n")], {
    mode: 0o600,
  });
  await Deno.chmod(path, 0o600);
}

/**
 * Removes the URL from the bridge file when the bridge at `url` stops (the
 * token stays). An entry another bridge wrote since is left alone.
 */
export async function markStopped(home: string, token: string, url?: string): Promise<void> {
  await withFileLock(new StoreLayout(home).bridgeLock, async () => {
    const { file } = await readBridgeFileState(home);
    const mine = url === undefined ||
      (file?.url === url && (file.pid === undefined || file.pid === Deno.pid));
    if (file && !mine) return;
    await writeBridgeFile(home, { url: "", token });
  });
}
