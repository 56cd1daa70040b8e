/**
 * The API fuzzer's canary: a file (and a folder) outside the bridge's store,
 * holding a secret line. A read is seen two ways: the secret (or a line of a
 * well-known system file) in an answer or in the bridge's log, and the
 * canary's access time moving. Access times are set far in the past first,
 * so that even a `relatime` mount records the next read; a self-check reads
 * the canary on purpose and tells whether atime checking works here.
 *
 * @module
 */
import { join } from "node:path";

/** The canary's paths and secret. */
export interface Canary {
  /** The folder holding the canary. */
  dir: string;
  /** The canary file. */
  file: string;
  /** A folder inside `dir` with one file (a walk of it is a read too). */
  folder: string;
  /** The secret every line of the canary carries. */
  secret: string;
  /** Whether a read moves the access time on this file system (see {@linkcode selfCheck}). */
  atimeWorks: boolean;
}

/** Texts whose presence in an answer or log means a file outside was read. */
export function markers(canary: Pick<Canary, "secret">): string[] {
  return [canary.secret, "root:x:0:0:"];
}

/** The first marker found in `text`, if any. */
export function leakedMarker(text: string, canary: Pick<Canary, "secret">): string | undefined {
  return markers(canary).find((marker) => text.includes(marker));
}

const PAST = new Date("2001-01-01T00:00:00Z");

/** Sets the access times of the canary's paths far in the past (modification times kept). */
export async function resetAtimes(canary: Canary): Promise<void> {
  for (const path of watched(canary)) {
    const info = await Deno.stat(path);
    await Deno.utime(path, PAST, info.mtime ?? new Date());
  }
}

function watched(canary: Canary): string[] {
  return [canary.file, canary.folder, join(canary.folder, "secret.csv")];
}

/** The canary paths whose access time moved since {@linkcode resetAtimes}. */
export async function readPaths(canary: Canary): Promise<string[]> {
  if (!canary.atimeWorks) return [];
  const moved: string[] = [];
  for (const path of watched(canary)) {
    const atime = (await Deno.stat(path)).atime;
    if (atime && atime.getTime() > PAST.getTime() + 1000) moved.push(path);
  }
  return moved;
}

/**
 * Makes the canary in `dir`: `canary.csv` and `folder/secret.csv`, each line
 * carrying a fresh secret; then checks that a deliberate read moves the access
 * time (`atimeWorks`), and sets the access times back.
 */
export async function makeCanary(dir: string): Promise<Canary> {
  await Deno.mkdir(join(dir, "folder"), { recursive: true });
  const secret = `OWM-CANARY-${crypto.randomUUID()}`;
  const lines = `name,value\n${secret},1\n${secret},2\n`;
  const file = join(dir, "canary.csv");
  await Deno.writeTextFile(file, lines);
  await Deno.writeTextFile(join(dir, "folder", "secret.csv"), lines);
  const canary: Canary = { dir, file, folder: join(dir, "folder"), secret, atimeWorks: true };
  canary.atimeWorks = await selfCheck(canary);
  await resetAtimes(canary);
  return canary;
}

/** Reads the canary file on purpose: true when its access time moved. */
export async function selfCheck(canary: Canary): Promise<boolean> {
  await resetAtimes(canary);
  const before = (await Deno.stat(canary.file)).atime?.getTime();
  if (before === undefined) return false;
  await Deno.readTextFile(canary.file);
  const after = (await Deno.stat(canary.file)).atime?.getTime();
  return after !== undefined && after !== before;
}
