/**
 * legacyNameOf, legacyTorrentFileName and legacyMd5.
 */
import { join } from "node:path";
import { folderDigest } from "../../lib/integrity/content_digest.ts";
import { legacyMd5, legacyNameOf, legacyTorrentFileName } from "../../lib/integrity/legacy.ts";
import { assertEquals, assertThrows } from "../_assert.ts";
import { VECTORS, withTempDir, writeTree } from "./_fixtures.ts";

Deno.test("legacyNameOf() returns the lower-case MD5 of a <32 hex>.torrent name", () => {
  const md5 = "d9da5ce947c6f1c127dfcdc2ede63320";
  assertEquals(legacyNameOf(`${md5}.torrent`), md5);
  assertEquals(legacyNameOf(`${md5.toUpperCase()}.TORRENT`), md5);
  assertEquals(legacyNameOf(`/some/dir/${md5}.torrent`), md5);
  assertEquals(legacyNameOf(`C:\\downloads\\${md5}.Torrent`), md5);
});

Deno.test("legacyNameOf() returns undefined for any other name", () => {
  for (
    const name of [
      "",
      ".torrent",
      "dataset.torrent",
      "d9da5ce947c6f1c127dfcdc2ede6332.torrent", // 31 digits
      "d9da5ce947c6f1c127dfcdc2ede633200.torrent", // 33 digits
      "g9da5ce947c6f1c127dfcdc2ede63320.torrent",
      "d9da5ce947c6f1c127dfcdc2ede63320",
      "d9da5ce947c6f1c127dfcdc2ede63320.torrent.bak",
      "xd9da5ce947c6f1c127dfcdc2ede63320.torrent",
      "d9da5ce947c6f1c127dfcdc2ede63320.torrent/",
      " d9da5ce947c6f1c127dfcdc2ede63320.torrent",
    ]
  ) {
    assertEquals(legacyNameOf(name), undefined, name);
  }
});

Deno.test("legacyTorrentFileName() names the torrent after the MD5, in lower case", () => {
  assertEquals(legacyTorrentFileName(VECTORS.abc.md5.toUpperCase()), `${VECTORS.abc.md5}.torrent`);
  assertThrows(() => legacyTorrentFileName("abc"), TypeError, "32 hexadecimal digits");
});

Deno.test("legacyMd5() of a file is md5sum's; of a folder, the owm folder digest", async () => {
  await withTempDir(async (dir) => {
    await writeTree(dir, { "one/abc": "abc", "one/sub/empty": "" });
    assertEquals(await legacyMd5(join(dir, "one", "abc")), VECTORS.abc.md5);
    assertEquals(
      await legacyMd5(join(dir, "one")),
      (await folderDigest(join(dir, "one"), ["md5"])).digests.md5,
    );
    assertEquals(
      legacyNameOf(legacyTorrentFileName(await legacyMd5(join(dir, "one")))),
      await legacyMd5(join(dir, "one")),
    );
  });
});
