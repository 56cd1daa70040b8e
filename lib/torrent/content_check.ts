/**
 * The checks made before seeding existing content, so that an unusable data
 * folder is a clear error rather than a seed stuck at 0%: the content exists
 * and has the right shape, and every file is present, a regular file, of the
 * right size, and readable. (Its bytes are then hashed by the engine.)
 *
 * @module
 */
import { lstat, open } from "node:fs/promises";
import { TorrentError } from "./errors.ts";
import type { Layout } from "./layout.ts";

/**
 * Checks the content `layout` points at.
 *
 * @throws {TorrentError} With code `io` (not a directory, not a regular file,
 *   unreadable) or `content-mismatch` (missing, wrong size).
 */
export async function checkContent(layout: Layout, fileCount: number): Promise<void> {
  const single = layout.base !== layout.contentPath;
  const root = await lstat(layout.contentPath).catch(() => null);
  if (!root) {
    throw new TorrentError(
      "content-mismatch",
      `Cannot seed ${JSON.stringify(layout.contentPath)}: it does not exist`,
    );
  }
  if (!single && !root.isDirectory()) {
    throw new TorrentError(
      "io",
      `Cannot seed ${
        JSON.stringify(layout.contentPath)
      }: it is not a directory, and the torrent holds ${fileCount} files`,
    );
  }
  for (const file of layout.files) {
    if (!file.path || file.length === 0) continue;
    const info = await lstat(file.path).catch((error: Error) => error);
    if (info instanceof Error) {
      if ((info as { code?: string }).code === "ENOENT") {
        throw new TorrentError(
          "content-mismatch",
          `Cannot seed: ${JSON.stringify(file.path)} is missing`,
        );
      }
      throw new TorrentError("io", `Cannot read ${JSON.stringify(file.path)}: ${info.message}`, {
        cause: info,
      });
    }
    if (!info.isFile()) {
      throw new TorrentError(
        "io",
        `Cannot seed: ${JSON.stringify(file.path)} is not a regular file`,
      );
    }
    if (info.size !== file.length) {
      throw new TorrentError(
        "content-mismatch",
        `Cannot seed: ${
          JSON.stringify(file.path)
        } has ${info.size} bytes, the torrent says ${file.length}`,
      );
    }
    try {
      const handle = await open(file.path, "r");
      try {
        await handle.read(new Uint8Array(1), 0, 1, 0);
      } finally {
        await handle.close();
      }
    } catch (cause) {
      throw new TorrentError("io", `Cannot read ${JSON.stringify(file.path)}: ${cause}`, { cause });
    }
  }
}
