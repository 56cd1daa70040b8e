/**
 * A second process for the concurrent-add test: waits for `<go>` to exist,
 * then adds `<content>` (with the torrent `<torrent>`) to the cache in
 * `<cacheDir>` as store `<home>`, and prints the entry's record as JSON.
 *
 * Usage: deno run -A _add_worker.ts <cacheDir> <content> <torrent> <home> <go>
 *
 * @module
 */
import { ContentCache } from "../../lib/cache/content_cache.ts";
import { parseMetainfo } from "../../lib/torrent/metainfo.ts";

const [cacheDir, content, torrent, home, go] = Deno.args;
const meta = parseMetainfo(await Deno.readFile(torrent!));
for (;;) {
  try {
    await Deno.stat(go!);
    break;
  } catch {
    await new Promise((r) => setTimeout(r, 5));
  }
}
const entry = await new ContentCache(cacheDir!).add(content!, meta, { home: home! });
console.log(JSON.stringify(entry.record));
