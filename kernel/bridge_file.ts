/**
 * `<store>/bridge.json`: the running bridge's URL and its token (mode 0600),
 * for clients on the same machine. The token is made once and kept across
 * restarts, so clients keep working.
 *
 * @module
 */
import { join } from "node:path";
import type { BridgeFile } from "../lib/bridge/api_types.ts";
import { atomicWriteFile } from "../lib/graph/atomic_write.ts";

/** The path of the bridge file in a store. */
export function bridgeFilePath(home: string): string {
  return join(home, "bridge.json");
}

/** A new random token (32 bytes, base64url). */
export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(
    /=+$/,
    "",
  );
}

/** The token already in the store's bridge file, if any. */
export async function existingToken(home: string): Promise<string | undefined> {
  try {
    const parsed = JSON.parse(await Deno.readTextFile(bridgeFilePath(home)));
    return typeof parsed?.token === "string" && parsed.token.length >= 32
      ? parsed.token
      : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the bridge file (mode 0600) atomically. */
export async function writeBridgeFile(home: string, file: BridgeFile): Promise<void> {
  const path = bridgeFilePath(home);
  await atomicWriteFile(path, [new TextEncoder().encode(JSON.stringify(file, null, 2) + "\n")], {
    mode: 0o600,
  });
  await Deno.chmod(path, 0o600);
}

/** Removes the URL from the bridge file when the bridge stops (the token stays). */
export async function markStopped(home: string, token: string): Promise<void> {
  await writeBridgeFile(home, { url: "", token });
}
