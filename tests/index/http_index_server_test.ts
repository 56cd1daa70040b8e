import { join } from "node:path";
import { sha256Hex } from "../../lib/index/_bytes.ts";
import { parseHttpIndexListing } from "../../lib/index/http_index_format.ts";
import { serveHttpIndex } from "../../lib/index/http_index_server.ts";
import { assertEquals, assertThrows } from "../_assert.ts";
import { bytesOf, namesIn, withTempDir } from "./_temp.ts";

Deno.test("serveHttpIndex() serves index.json built from the folder, on loopback", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeFile(join(dir, "a.torrent"), bytesOf(12));
    await Deno.writeTextFile(join(dir, "a.torrent.description"), "first");
    await Deno.writeTextFile(join(dir, "README.txt"), "not listed");
    await using server = serveHttpIndex(dir);
    assertEquals(new URL(server.url).hostname, "127.0.0.1");
    const res = await fetch(server.url + "index.json");
    assertEquals(res.headers.get("content-type"), "application/json");
    const listing = parseHttpIndexListing(await res.json());
    assertEquals(listing, {
      version: 1,
      torrents: [{
        name: "a.torrent",
        size: 12,
        sha256: sha256Hex(bytesOf(12)),
        description: "first",
      }],
    });
  });
});

Deno.test("serveHttpIndex() serves nothing outside plain *.torrent names in its folder", async () => {
  await withTempDir(async (dir) => {
    const folder = join(dir, "index");
    await Deno.mkdir(folder);
    await Deno.writeFile(join(dir, "secret.torrent"), bytesOf(3));
    await Deno.writeTextFile(join(folder, "README.txt"), "private");
    await using server = serveHttpIndex(folder);
    for (
      const path of [
        "../secret.torrent",
        "%2e%2e/secret.torrent",
        "%2e%2e%2fsecret.torrent",
        "README.txt",
        "%ZZ",
      ]
    ) {
      const res = await fetch(server.url + path);
      await res.body?.cancel();
      assertEquals([path, res.status === 404 || res.status === 400], [path, true]);
    }
    const put = await fetch(server.url + "..%2fevil.torrent", { method: "PUT", body: "x" });
    await put.body?.cancel();
    assertEquals(put.status, 404);
    assertEquals(await namesIn(dir), ["index", "secret.torrent"]);
  });
});

Deno.test("serveHttpIndex() answers 405, 413 and honours If-None-Match", async () => {
  await withTempDir(async (dir) => {
    await using server = serveHttpIndex(dir, { maxUploadBytes: 100 });
    const del = await fetch(server.url + "a.torrent", { method: "DELETE" });
    await del.body?.cancel();
    assertEquals([del.status, del.headers.get("allow")], [405, "GET, HEAD, PUT"]);
    const big = await fetch(server.url + "a.torrent", { method: "PUT", body: new Uint8Array(101) });
    await big.body?.cancel();
    assertEquals(big.status, 413);
    const created = await fetch(server.url + "a.torrent", { method: "PUT", body: "one" });
    assertEquals([created.status, (await created.json()).size], [201, 3]);
    const conflict = await fetch(server.url + "a.torrent", {
      method: "PUT",
      body: "two",
      headers: { "if-none-match": "*" },
    });
    await conflict.body?.cancel();
    assertEquals(conflict.status, 412);
    const replaced = await fetch(server.url + "a.torrent", { method: "PUT", body: "two" });
    await replaced.body?.cancel();
    assertEquals(replaced.status, 200);
    assertEquals(await Deno.readTextFile(join(dir, "a.torrent")), "two");
  });
  await withTempDir(async (dir) => {
    await using server = serveHttpIndex(dir, { readOnly: true });
    const put = await fetch(server.url + "a.torrent", { method: "PUT", body: "x" });
    await put.body?.cancel();
    assertEquals(put.status, 405);
  });
});

Deno.test("parseHttpIndexListing() validates the format", () => {
  assertEquals(parseHttpIndexListing({ torrents: [] }), { version: 1, torrents: [] });
  assertEquals(
    parseHttpIndexListing({
      torrents: [{ name: "a.torrent", size: 1, sha256: "A".repeat(64), extra: 1 }],
    }),
    { version: 1, torrents: [{ name: "a.torrent", size: 1, sha256: "a".repeat(64) }] },
  );
  const bad: [unknown, string][] = [
    [[], "not a JSON object"],
    [{ version: 2, torrents: [] }, "upgrade owmeta-torrent"],
    [{ torrents: {} }, '"torrents" is not an array'],
    [{ torrents: [{ name: "a.torrent" }] }, "torrents[0].size"],
    [{ torrents: [{ name: "a.torrent", size: -1 }] }, "torrents[0].size"],
    [{ torrents: [{ name: "a.torrent", size: 1, sha256: "xyz" }] }, "64 hex digits"],
    [{ torrents: [{ name: "a/b.torrent", size: 1 }] }, "plain *.torrent"],
    [{ torrents: [{ name: "a.torrent", size: 1, url: 3 }] }, ".url"],
  ];
  for (const [json, message] of bad) {
    assertThrows(() => parseHttpIndexListing(json), SyntaxError, message);
  }
});
