/**
 * Undoing a publish that failed half-way (an index push, the seed, the store
 * write): the seed is stopped and forgotten, the DataSource removed, and the
 * `.torrent` (with its description) taken back out of every local folder
 * index that did not hold it before.
 *
 * @module
 */
import { readdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { LocalFolderIndex } from "../lib/index/local_folder_index.ts";
import { digestContent } from "../lib/integrity/content_digest.ts";
import { legacyTorrentFileName } from "../lib/integrity/legacy.ts";
import type { BridgeState } from "./bridge_state.ts";

/** What was there before a publish. */
export interface PublishSnapshot {
  /** Infohashes in the session. */
  torrents: Set<string>;
  /** File names in each local folder index, by folder. */
  indexFiles: Map<string, Set<string>>;
}

async function names(dir: string): Promise<Set<string>> {
  try {
    return new Set(await readdir(dir));
  } catch {
    return new Set();
  }
}

/** Records the session's torrents and the local indexes' files before a publish. */
export async function snapshotPublishState(state: BridgeState): Promise<PublishSnapshot> {
  const indexFiles = new Map<string, Set<string>>();
  for (const index of state.indexes) {
    if (index instanceof LocalFolderIndex) indexFiles.set(index.dir, await names(index.dir));
  }
  return { torrents: new Set(state.session.torrents.map((h) => h.infoHash)), indexFiles };
}

async function attempt(what: string, step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`bridge: upload rollback: cannot ${what}: ${message}`);
  }
}

/**
 * Undoes what a failed publish of `contentPath` as the DataSource `iri` may
 * have done since `before`. Each step is tried even when another fails.
 */
export async function rollbackPublish(
  state: BridgeState,
  before: PublishSnapshot,
  contentPath: string,
  iri: string,
): Promise<void> {
  for (const handle of state.session.torrents) {
    if (before.torrents.has(handle.infoHash) || handle.contentPath !== resolve(contentPath)) {
      continue;
    }
    const infoHash = handle.infoHash;
    await attempt(`stop seeding ${infoHash}`, () => handle.remove());
    await attempt(`forget the seed ${infoHash}`, () => state.forget(infoHash));
    await attempt(
      `remove the seed's torrent ${infoHash}`,
      () =>
        rm(state.stack.layout.publishedTorrent(infoHash), {
          force: true,
        }),
    );
  }
  await attempt(`remove <${iri}>`, async () => {
    if (await state.repo.find(`<${iri}>`)) await state.repo.remove(`<${iri}>`);
  });
  await attempt("take the torrent out of the indexes", async () => {
    const { digests } = await digestContent(contentPath, ["md5"]);
    const fileName = legacyTorrentFileName(digests.md5);
    for (const [dir, had] of before.indexFiles) {
      for (const name of await names(dir)) {
        if (name.startsWith(fileName) && !had.has(name)) await rm(join(dir, name), { force: true });
      }
    }
  });
}
