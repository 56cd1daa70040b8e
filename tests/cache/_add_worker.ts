/**
 * A second process for the concurrent-add test: loads everything, prints
 * `ready`, waits for a line on stdin (the go signal, sent to every worker at
 * once), then adds `<content>` (with the torrent `<torrent>`) to the cache in
 * `<cacheDir>` as store `<home>`, and prints the entry's record as JSON.
 *
 * Usage: deno run -A _add_worker.ts <cacheDir> <content> <torrent> <home>
 *
 * @module
 */
import { ContentCache } from "../../lib/cache/content_cache.ts";
import { parseMetainfo } from "../../lib/torrent/metainfo.ts";

const [cacheDir, content, torrent, home] = Deno.args;
const meta = parseMetainfo(await Deno.readFile(torrent!));
const cache = new ContentCache(cacheDir!);
console.log("ready");
const reader = Deno.stdin.readable.getReader();
const { value } = await reader.read(); // the go signal
reader.releaseLock();
if (new TextDecoder().decode(value) !== "go\n") throw new Error("expected the go signal on stdin");
const entry = await cache.add(content!, meta, { home: home! });
console.log(JSON.stringify(entry.record));
