/**
 * `owm fetch` killed with SIGKILL mid-download continues when run again: the
 * partial files are work in progress (the session's resume record says so),
 * not damaged content, so no --repair is needed and verified pieces are kept.
 *
 * The first run is killed only once verified pieces are on disk (hashed here
 * against the torrent), and before all are; the rerun's seeder then sends
 * no more than the pieces that were missing (its upload counter), so the kept
 * pieces were not downloaded again.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { digestContent } from "../../lib/integrity/content_digest.ts";
import { legacyTorrentFileName } from "../../lib/integrity/legacy.ts";
import { createTorrent } from "../../lib/torrent/create.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import { owm, owmCommand } from "../_owm.ts";
import { assert, assertEquals } from "../_assert.ts";
import type { Metainfo } from "../../lib/torrent/metainfo.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** How many of a single-file torrent's pieces are on disk at `path` and match their SHA-1. */
async function verifiedPieces(path: string, meta: Metainfo): Promise<number> {
  const data = await Deno.readFile(path).catch(() => new Uint8Array(0));
  let good = 0;
  for (let i = 0; i < meta.pieceCount; i++) {
    const piece = data.subarray(i * meta.pieceLength, (i + 1) * meta.pieceLength);
    const expected = meta.pieceHashes.subarray(i * 20, i * 20 + 20);
    const actual = createHash("sha1").update(piece).digest();
    if (piece.length > 0 && actual.equals(expected)) good++;
  }
  return good;
}

Deno.test("owm fetch killed with SIGKILL continues where it stopped when run again", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "owm-e2e-resume-" });
  try {
    const source = join(tmp, "volume.raw");
    const data = new Uint8Array(6 * 1024 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) >>> 8;
    await Deno.writeFile(source, data);
    const { bytes, metainfo } = await createTorrent(source, {});
    const md5 = (await digestContent(source, ["md5"])).digests.md5;
    const home = join(tmp, "home");
    await Deno.mkdir(join(home, "torrents"), { recursive: true });
    await Deno.writeFile(join(home, "torrents", legacyTorrentFileName(md5)), bytes);
    const module = join(tmp, "describe.ts");
    await Deno.writeTextFile(
      module,
      `import { LocalFileDataSource, type SaveContext } from ${
        JSON.stringify(join(ROOT, "mod.ts"))
      };
export function owmData(ctx: SaveContext) {
  ctx.add(new LocalFileDataSource({ key: "volume", torrentFileName: "${
        legacyTorrentFileName(md5)
      }" }));
}
`,
    );
    assertEquals((await owm(["--home", home, "save", module])).code, 0);

    await using seeder = await TorrentSession.open({
      stateDir: join(tmp, "seeder-state"),
      dht: false,
      lsd: false,
      port: 0,
      hostname: "127.0.0.1",
      uploadLimit: 1024 * 1024,
    });
    await seeder.seed(source, bytes);
    const peer = `127.0.0.1:${seeder.port}`;
    const target = join(home, "data_source_data", "bittorrent", "volume", metainfo.name);

    const first = owmCommand([
      "--home",
      home,
      "fetch",
      "LocalFileDataSource:volume",
      "--peer",
      peer,
    ])
      .spawn();
    // Killed once a sixth of the pieces are written and verified (the seeder sends 1 MiB/s).
    const enough = Math.ceil(metainfo.pieceCount / 6); // about 1 MiB
    let kept = 0;
    for (let i = 0; i < 1200 && kept < enough; i++) {
      kept = await verifiedPieces(target, metainfo);
      if (kept < enough) await new Promise((r) => setTimeout(r, 50));
    }
    first.kill("SIGKILL");
    await first.status;
    await first.stdout.cancel();
    await first.stderr.cancel();
    kept = await verifiedPieces(target, metainfo);
    assert(kept > 0, "the first run wrote verified pieces before it was killed");
    assert(
      kept < metainfo.pieceCount,
      `the first run was killed mid-download (${kept} of ${metainfo.pieceCount} pieces)`,
    );
    const handle = seeder.get(metainfo.infoHash)!;
    const sentBefore = handle.status().uploaded;

    const again = await owm([
      "--home",
      home,
      "fetch",
      "LocalFileDataSource:volume",
      "--peer",
      peer,
      "--json",
    ]);
    assertEquals(again.code, 0, `the second fetch continues and completes: ${again.stderr}`);
    const result = JSON.parse(again.stdout);
    assertEquals(result.verified, true);
    assertEquals(await Deno.readFile(target), data, "byte-identical");
    // The kept pieces were not sent again: the seeder sent at most what was missing
    // (a piece whose write the kill cut short may be fetched again: one piece of slack).
    const sentAgain = handle.status().uploaded - sentBefore;
    const missing = metainfo.length - kept * metainfo.pieceLength;
    assert(
      sentAgain <= missing + metainfo.pieceLength,
      `the rerun downloaded ${sentAgain} bytes; only ${missing} were missing ` +
        `(${kept} of ${metainfo.pieceCount} pieces of ${metainfo.pieceLength} bytes kept)`,
    );
    assert(sentAgain < metainfo.length, "the rerun downloaded less than the whole");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
