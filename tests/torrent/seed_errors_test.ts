/**
 * Unusable data folders are reported as clear errors, never as silent
 * progress 0.
 *
 * Tests run as root, where `chmod 000` restricts nothing, so the folders are
 * made unusable in ways that hold for root too: a regular file where a folder
 * is expected (ENOTDIR), a folder where a file is expected (EISDIR), a file
 * of the wrong size or with other bytes, a missing file, and a path under
 * /proc, where nobody can create a folder.
 */
import { join } from "node:path";
import { TorrentError } from "../../lib/torrent/errors.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_assert.ts";
import { bytes, makeDataset, tempDir, testSessionOptions, torrentOf } from "./_fixtures.ts";

async function setup() {
  const tmp = await tempDir();
  const src = await makeDataset(join(tmp, "src"));
  const { bytes: torrent, metainfo } = await torrentOf(src);
  const session = await TorrentSession.open(testSessionOptions(join(tmp, "state")));
  return { tmp, src, torrent, metainfo, session };
}

Deno.test("TorrentSession.seed() refuses a data folder that is a regular file", async () => {
  const { tmp, torrent, session } = await setup();
  await using _ = session;
  await Deno.writeFile(join(tmp, "file"), new Uint8Array(10));
  const error = await assertRejects(() => session.seed(join(tmp, "file"), torrent), TorrentError);
  assertEquals(error.code, "io");
  assertStringIncludes(error.message, "is not a directory");
  assertEquals(session.torrents, []);
});

Deno.test("TorrentSession.seed() refuses a folder where a file should be", async () => {
  const { src, torrent, session } = await setup();
  await using _ = session;
  await Deno.remove(join(src, "nested", "c.csv"));
  await Deno.mkdir(join(src, "nested", "c.csv"));
  const error = await assertRejects(() => session.seed(src, torrent), TorrentError);
  assertEquals(error.code, "io");
  assertStringIncludes(error.message, "c.csv");
  assertStringIncludes(error.message, "not a regular file");
});

Deno.test("TorrentSession.seed() reports a missing file and a file of the wrong size", async () => {
  const { src, torrent, session } = await setup();
  await using _ = session;
  await Deno.writeFile(join(src, "a.bin"), new Uint8Array(5));
  let error = await assertRejects(() => session.seed(src, torrent), TorrentError);
  assertEquals(error.code, "content-mismatch");
  assertStringIncludes(error.message, "has 5 bytes, the torrent says 1500000");
  await Deno.remove(join(src, "a.bin"));
  error = await assertRejects(() => session.seed(src, torrent), TorrentError);
  assertEquals(error.code, "content-mismatch");
  assertStringIncludes(error.message, "a.bin");
  assertStringIncludes(error.message, "is missing");
});

Deno.test("TorrentSession.seed() hashes the content and refuses other bytes", async () => {
  const { src, torrent, metainfo, session } = await setup();
  await using _ = session;
  await Deno.writeFile(join(src, "nested", "c.csv"), bytes(300_000, 77));
  const error = await assertRejects(() => session.seed(src, torrent), TorrentError);
  assertEquals(error.code, "content-mismatch");
  assertStringIncludes(error.message, `of ${metainfo.pieceCount} pieces fail their hash`);
  assertEquals(session.torrents, [], "the failed seed is not left in the session");
});

Deno.test("TorrentSession.seed() works from a folder it may not write to", async () => {
  const { src, torrent, session } = await setup();
  await using _ = session;
  // Read-only files (root ignores modes, but the store opens files read-only anyway).
  for (const name of ["a.bin", "empty.txt"]) await Deno.chmod(join(src, name), 0o444);
  const handle = await session.seed(src, torrent);
  assertEquals(handle.status().state, "seeding");
});

Deno.test("TorrentSession.add() reports a download folder that cannot be created", async () => {
  const { tmp, torrent, session } = await setup();
  await using _ = session;
  await Deno.writeFile(join(tmp, "file"), new Uint8Array(1));
  let error = await assertRejects(
    () => session.add(torrent, { dir: join(tmp, "file") }),
    TorrentError,
  );
  assertEquals(error.code, "io");
  assertStringIncludes(error.message, "Cannot create download directory");
  error = await assertRejects(
    () => session.add(torrent, { dir: "/proc/owm-torrent-test" }),
    TorrentError,
  );
  assertEquals(error.code, "io");
});

Deno.test("TorrentHandle fails with a clear error when the torrent's folder is a regular file", async () => {
  const { tmp, torrent, session, src } = await setup();
  await using _ = session;
  await using seeder = await TorrentSession.open(testSessionOptions(join(tmp, "seed-state")));
  await seeder.seed(src, torrent);
  await Deno.mkdir(join(tmp, "dl"));
  await Deno.writeFile(join(tmp, "dl", "dataset"), new Uint8Array(3));
  const handle = await session.add(torrent, {
    dir: join(tmp, "dl"),
    peers: [`127.0.0.1:${seeder.port}`],
  });
  const events: string[] = [];
  handle.addEventListener("error", (e) => events.push(e.message));
  const error = await assertRejects(() => handle.done({ timeoutMs: 30_000 }), TorrentError);
  assertEquals(error.code, "io");
  assertStringIncludes(error.message, join(tmp, "dl", "dataset"));
  const status = handle.status();
  assertEquals(status.state, "error");
  assert(status.error?.includes("Cannot write"), status.error);
  assertEquals(events.length, 1);
  assertEquals(
    await Deno.readFile(join(tmp, "dl", "dataset")),
    new Uint8Array(3),
    "the file is untouched",
  );
});
