/**
 * The folders a store records as holding content: where DataSources were
 * published from or fetched into with `--dir`, outside the store
 * (`<store>/data_source_data/index.json`). The launched program reads them to
 * verify, lock, translate and seed that content.
 *
 * @module
 */
import { isAbsolute } from "node:path";
import { StoreLayout } from "../settings/store_layout.ts";

/**
 * The absolute content folders recorded in the store at `storeHome` (none
 * when it has no index or the index is unreadable). A folder recorded as a
 * content translator's output (`<dir>@<translator>`) gives `<dir>` too.
 *
 * @example
 * ```ts
 * import { recordedFolders } from "./recorded_folders.ts";
 * console.log(recordedFolders("/home/me/project/.owm")); // e.g. ["/home/me/worm_data"]
 * ```
 *
 * @param storeHome The store directory.
 * @returns Folders, as recorded.
 */
export function recordedFolders(storeHome: string): string[] {
  let index: unknown;
  try {
    index = JSON.parse(Deno.readTextFileSync(new StoreLayout(storeHome).loadedIndex));
  } catch {
    return [];
  }
  if (typeof index !== "object" || index === null) return [];
  const folders: string[] = [];
  for (const entry of Object.values(index)) {
    const directory: unknown = (entry as { directory?: unknown } | null)?.directory;
    if (typeof directory !== "string" || !isAbsolute(directory)) continue;
    folders.push(directory);
    const at = directory.lastIndexOf("@");
    if (at > directory.lastIndexOf("/") && at > 0) folders.push(directory.slice(0, at));
  }
  return folders;
}
