/**
 * A folder index reads nothing through a link leading out of its folder:
 * such a `.torrent` is not listed and is refused by name, and such a
 * description is not read.
 */
import { join } from "node:path";
import { DESCRIPTION_SUFFIX, LocalFolderIndex } from "../../lib/index/local_folder_index.ts";
import { IndexError } from "../../lib/index/torrent_index.ts";
import { LinkEscapeError } from "../../lib/fs/confine.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_assert.ts";
import { withTempDir } from "./_temp.ts";

Deno.test("a folder index neither lists, nor fetches, nor describes through a link out of its folder", async () => {
  await withTempDir(async (root) => {
    const dir = join(root, "torrents");
    await Deno.mkdir(dir);
    const outside = join(root, "secret.torrent");
    await Deno.writeTextFile(outside, "CANARY-TORRENT");
    await Deno.writeFile(join(dir, "a.torrent"), new Uint8Array([100, 101]));
    await Deno.symlink(outside, join(dir, "b.torrent"));
    await Deno.writeTextFile(join(root, "secret.txt"), "CANARY-DESCRIPTION");
    await Deno.symlink(join(root, "secret.txt"), join(dir, `a.torrent${DESCRIPTION_SUFFIX}`));
    // A link that stays inside the folder is fine.
    await Deno.symlink("a.torrent", join(dir, "c.torrent"));
    const index = new LocalFolderIndex(dir);

    const listed = await index.list();
    assertEquals(listed.map((e) => e.name), ["a.torrent", "c.torrent"]);
    assert(listed.every((e) => e.description === undefined), JSON.stringify(listed));
    assertEquals(await index.fetch("c.torrent"), new Uint8Array([100, 101]));

    const fetched = await assertRejects(() => index.fetch("b.torrent"), IndexError);
    assertStringIncludes(fetched.message, '"b.torrent" is a symbolic link leading outside');
    assert(fetched.cause instanceof LinkEscapeError, String(fetched.cause));
    await assertRejects(() => index.find("b.torrent"), IndexError, "symbolic link");
    // Publishing under that name never writes through the link.
    await assertRejects(() => index.publish("b.torrent", new Uint8Array([1])), IndexError);
    assertEquals(await Deno.readTextFile(outside), "CANARY-TORRENT");
  });
});
