/**
 * torrentPiecesCheck: verify()'s piece-hash check from a parsed torrent.
 */
import { join } from "node:path";
import { isNamedAsTorrent, torrentPiecesCheck } from "../../lib/integrity/torrent_pieces.ts";
import { verify } from "../../lib/integrity/verify.ts";
import { parseMetainfo } from "../../lib/torrent/metainfo.ts";
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { makeTorrent, pseudoRandomBytes, withTempDir, writeTree } from "./_fixtures.ts";

const FILES = {
  "data/a.bin": pseudoRandomBytes(40_000, 1),
  "data/sub/b.bin": pseudoRandomBytes(30_000, 2),
};

Deno.test("torrentPiecesCheck() passes intact content and names bad pieces and missing files", async () => {
  await withTempDir(async (dir) => {
    await writeTree(dir, FILES);
    const meta = parseMetainfo(
      makeTorrent("data", { "a.bin": FILES["data/a.bin"], "sub/b.bin": FILES["data/sub/b.bin"] }),
    );
    const target = join(dir, "data");
    assert(isNamedAsTorrent(meta, target));
    const good = await verify(target, { pieces: torrentPiecesCheck(meta) });
    assertEquals(good.checks, [
      { kind: "pieces", expected: "5/5 pieces", actual: "5/5 pieces", ok: true },
    ]);

    const bytes = FILES["data/a.bin"].slice();
    bytes[20_000] = bytes[20_000]! ^ 0xff;
    await Deno.writeFile(join(target, "a.bin"), bytes);
    await Deno.remove(join(target, "sub", "b.bin"));
    const bad = await verify(target, { pieces: torrentPiecesCheck(meta) });
    assertEquals(bad.ok, false);
    assertEquals(bad.checks[0]!.actual, "1/5 pieces");
    assertEquals(bad.checks[0]!.detail, "bad pieces: 1, 2, 3, 4; missing: data/sub/b.bin");
  });
});

Deno.test("torrentPiecesCheck() refuses content not named as the torrent names it", async () => {
  await withTempDir(async (dir) => {
    await writeTree(dir, { "renamed.bin": "abc" });
    const meta = parseMetainfo(makeTorrent("orig.bin", { "orig.bin": "abc" }));
    const target = join(dir, "renamed.bin");
    assertEquals(isNamedAsTorrent(meta, target), false);
    await assertRejects(
      () => verify(target, { pieces: torrentPiecesCheck(meta) }),
      TypeError,
      "give the path ending in 'orig.bin'",
    );
  });
});
