/**
 * Child process for resume_test.ts: downloads a torrent with a download
 * limit, printing one JSON status line per progress event, until killed.
 *
 * Usage: deno run … _download_child.ts <torrent> <dir> <stateDir> <peer> <limit>
 */
import { TorrentSession } from "../../lib/torrent/session.ts";

const [torrent, dir, stateDir, peer, limit] = Deno.args;
const session = await TorrentSession.open({
  stateDir: stateDir!,
  dht: false,
  lsd: false,
  tracker: false,
  port: 0,
  hostname: "127.0.0.1",
  downloadLimit: Number(limit),
});
const handle = await session.add(torrent!, { dir: dir!, peers: [peer!] });
handle.addEventListener("progress", (e) => console.log(JSON.stringify(e.detail)));
await handle.done();
console.log(JSON.stringify({ ...handle.status(), finished: true }));
await session.close();
