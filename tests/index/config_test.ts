import { join } from "node:path";
import { auth } from "@googleapis/drive";
import {
  fetchTorrent,
  findTorrent,
  resolveIndexes,
  TorrentLookupError,
} from "../../lib/index/config.ts";
import { DriveIndex } from "../../lib/index/drive_index.ts";
import { HttpIndex } from "../../lib/index/http_index.ts";
import { serveHttpIndex } from "../../lib/index/http_index_server.ts";
import { LocalFolderIndex } from "../../lib/index/local_folder_index.ts";
import { IndexAuthError, IndexError, TorrentNotFoundError } from "../../lib/index/torrent_index.ts";
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "../_assert.ts";
import { startDriveServer } from "./_drive_server.ts";
import { bytesOf, withTempDir } from "./_temp.ts";

Deno.test("resolveIndexes() parses dir:, file:, http(s): and drive: specs in order", () => {
  const indexes = resolveIndexes(
    [
      "dir:/srv/t",
      "file:///srv/u",
      "http://127.0.0.1:8000/base",
      "https://t.example/owm/",
      "drive:",
      "drive:F1_x-y",
    ],
    { storeHome: "/tmp/store" },
  );
  assertEquals(indexes.map((i) => [i.kind, i.location]), [
    ["dir", "dir:/srv/t"],
    ["dir", "dir:/srv/u"],
    ["http", "http://127.0.0.1:8000/base/"],
    ["http", "https://t.example/owm/"],
    ["drive", "drive:"],
    ["drive", "drive:F1_x-y"],
  ]);
  assert(indexes[0] instanceof LocalFolderIndex);
  assert(indexes[2] instanceof HttpIndex);
  assert(indexes[5] instanceof DriveIndex && indexes[5].folderId === "F1_x-y");
  assertEquals((resolveIndexes(["dir:rel"])[0] as LocalFolderIndex).dir, join(Deno.cwd(), "rel"));
});

Deno.test("resolveIndexes() refuses unknown or malformed specs with SyntaxError", () => {
  for (
    const spec of [
      "ftp://x/",
      "/plain/path",
      "dir:",
      "drive:bad'id",
      "https://user:pw@x/",
      "s3://bucket",
    ]
  ) {
    const error = assertThrows(() => resolveIndexes([spec]), SyntaxError);
    assert(error.message.length > 0, spec);
  }
  assertStringIncludes(
    assertThrows(() => resolveIndexes(["s3://bucket"]), SyntaxError).message,
    '"dir:<path>", "http(s)://host/base/", "drive:" or "drive:<folderId>"',
  );
});

Deno.test("findTorrent() and fetchTorrent() return the first index that has the torrent", async () => {
  await withTempDir(async (dir) => {
    const a = join(dir, "a");
    const b = join(dir, "b");
    await Deno.mkdir(a);
    await Deno.mkdir(b);
    await Deno.writeFile(join(b, "x.torrent"), bytesOf(10, 1));
    await using server = serveHttpIndex(a);
    await Deno.writeFile(join(a, "x.torrent"), bytesOf(10, 2));
    const indexes = resolveIndexes([`dir:${b}`, server.url]);
    const hit = await findTorrent(indexes, "x.torrent");
    assertEquals(hit.index, indexes[0]);
    assertEquals(hit.entry.size, 10);
    await Deno.remove(join(b, "x.torrent"));
    const fetched = await fetchTorrent(indexes, "x.torrent");
    assertEquals(fetched.index, indexes[1]);
    assertEquals(fetched.bytes, bytesOf(10, 2));
  });
});

Deno.test("findTorrent() throws TorrentNotFoundError naming every index when none has it", async () => {
  await withTempDir(async (dir) => {
    const indexes = resolveIndexes([`dir:${dir}`]);
    const error = await assertRejects(
      () => findTorrent(indexes, "x.torrent"),
      TorrentNotFoundError,
    );
    assertEquals(error.locations, [`dir:${dir}`]);
    await assertRejects(
      () => findTorrent([], "x.torrent"),
      TypeError,
      "No torrent index is configured",
    );
    await assertRejects(() => findTorrent(indexes, "../x.torrent"), TypeError);
  });
});

Deno.test("findTorrent() keeps looking past a failing index, and explains every failure when none has it", async () => {
  await withTempDir(async (dir) => {
    await using drive = startDriveServer();
    const client = new auth.OAuth2();
    client.setCredentials({ access_token: "wrong" });
    const driveOptions = { auth: client, rootUrl: drive.url, retry: false };
    await Deno.writeFile(join(dir, "x.torrent"), bytesOf(4));
    const found = await fetchTorrent(
      resolveIndexes(["drive:", `dir:${dir}`], { drive: driveOptions }),
      "x.torrent",
    );
    assertEquals(found.bytes, bytesOf(4));

    const indexes = resolveIndexes(["drive:", `dir:${dir}`], { drive: driveOptions });
    const error = await assertRejects(() => findTorrent(indexes, "y.torrent"), TorrentLookupError);
    assert(error instanceof IndexError);
    assertStringIncludes(
      error.message,
      'Torrent "y.torrent" was not found, and 1 of 2 torrent indexes failed',
    );
    assertStringIncludes(
      error.message,
      '\n  - Torrent index "drive:": Google Drive refused the access token',
    );
    assertStringIncludes(error.message, `\n  - Torrent index "dir:${dir}": not found`);
    assertEquals(error.failures.length, 1);
    assert(error.failures[0]?.error instanceof IndexAuthError);
    assert(error.cause instanceof AggregateError);
  });
});
