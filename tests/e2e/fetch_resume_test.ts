/**
 * `owm fetch` killed with SIGKILL mid-download continues when run again: the
 * partial files are work in progress (the session's resume record says so),
 * not damaged content, so no --repair is needed and verified pieces are kept.
 */
import { join } from "node:path";
import { digestContent } from "../../lib/integrity/content_digest.ts";
import { legacyTorrentFileName } from "../../lib/integrity/legacy.ts";
import { createTorrent } from "../../lib/torrent/create.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import { owm, owmCommand } from "../_owm.ts";
import { assertEquals } from "../_assert.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

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
    for (let i = 0; i < 200; i++) {
      const size = await Deno.stat(target).then((s) => s.size, () => 0);
      if (size > 0 && i > 20) break; // some data written, about 2 s in
      await new Promise((r) => setTimeout(r, 100));
    }
    first.kill("SIGKILL");
    await first.status;
    await first.stdout.cancel();
    await first.stderr.cancel();

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
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
