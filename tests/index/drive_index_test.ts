/**
 * The Drive index through the real `@googleapis/drive` client, pointed at the
 * Drive-v3-compatible test server on loopback.
 */
import { auth, drive } from "@googleapis/drive";
import { md5Hex } from "../../lib/index/_bytes.ts";
import { DriveIndex, type DriveIndexOptions } from "../../lib/index/drive_index.ts";
import { driveNameQuery } from "../../lib/index/drive_query.ts";
import {
  IndexAuthError,
  IndexError,
  TorrentExistsError,
  TorrentNotFoundError,
} from "../../lib/index/torrent_index.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_assert.ts";
import { type DriveServer, startDriveServer } from "./_drive_server.ts";
import { writeDriveStore } from "./_drive_store.ts";
import { bytesOf, withTempDir } from "./_temp.ts";

const FILE_SCOPE = "https://www.googleapis.com/auth/drive.file";

/** An index using an explicit OAuth2 client with an access token: no refresh is ever attempted. */
function indexWithToken(
  server: DriveServer,
  token = "test-token",
  extra: Partial<DriveIndexOptions> = {},
) {
  const client = new auth.OAuth2({
    clientId: "test-client",
    endpoints: { oauth2TokenUrl: server.tokenUrl },
  });
  client.setCredentials({ access_token: token });
  return new DriveIndex({ auth: client, rootUrl: server.url, retry: false, ...extra });
}

function assertAllLoopback(server: DriveServer, expectedCalls: number) {
  assertEquals(server.log.length, expectedCalls, "every request reached the test server");
}

Deno.test("DriveIndex.find() follows nextPageToken through every page (25 files, pageSize 10, target on page 3)", async () => {
  await using server = startDriveServer();
  for (let i = 0; i < 25; i++) {
    server.addFile(`f${String(i).padStart(2, "0")}.torrent`, bytesOf(50 + i, i));
  }
  const target = server.files[22]!;
  const index = indexWithToken(server, "test-token", { pageSize: 10 });
  const entry = await index.find("f22.torrent");
  assertEquals(entry, {
    name: "f22.torrent",
    id: target.id,
    size: 72,
    md5: md5Hex(target.bytes),
  });
  const lists = server.log.filter((r) => r.path === "/drive/v3/files");
  assertEquals(lists.length, 3, "three pages were read");
  assertEquals(lists.map((r) => r.params.has("pageToken")), [false, true, true]);
  for (const r of lists) {
    assertEquals(r.params.get("q"), "name = 'f22.torrent' and trashed = false");
    assertEquals(r.params.get("pageSize"), "10");
    assertEquals(
      r.params.get("fields"),
      "nextPageToken, files(id, name, size, description, md5Checksum)",
    );
    assertEquals(r.authorization, "Bearer test-token");
  }
  assertAllLoopback(server, 3);

  // Like Drive, the server may return empty pages before the end: reading only the first
  // page (as the original did) misses the file.
  const client = new auth.OAuth2();
  client.setCredentials({ access_token: "test-token" });
  const api = drive({ version: "v3", auth: client, rootUrl: server.url });
  const first = await api.files.list({ q: driveNameQuery("f22.torrent"), pageSize: 10 });
  assertEquals(first.data.files, []);
  assert(first.data.nextPageToken);
});

Deno.test("DriveIndex.list() returns every *.torrent across pages, not just the first 10", async () => {
  await using server = startDriveServer();
  for (let i = 0; i < 25; i++) {
    server.addFile(`t${String(i).padStart(2, "0")}.torrent`, bytesOf(5, i));
  }
  server.addFile("notes.txt", bytesOf(3));
  server.addFile("gone.torrent", bytesOf(3), { trashed: true });
  const list = await indexWithToken(server, "test-token", { pageSize: 10 }).list();
  assertEquals(list.length, 25);
  assertEquals(list[0]?.name, "t00.torrent");
  assertEquals(list[24]?.name, "t24.torrent");
});

Deno.test("DriveIndex.find() matches exact names with quotes; the query escapes quotes and backslashes", async () => {
  await using server = startDriveServer();
  const tricky = `it's "the" data.torrent`;
  server.addFile(`its "the" data.torrent`, bytesOf(3, 1));
  const id = server.addFile(tricky, bytesOf(3, 2));
  const index = indexWithToken(server);
  assertEquals((await index.find(tricky))?.id, id);
  assertEquals(
    server.log[0]?.params.get("q"),
    `name = 'it\\'s "the" data.torrent' and trashed = false`,
  );

  // Backslashes are refused in torrent names, but the query syntax must still escape them:
  // send such a query through the real client and check the server parsed the exact name.
  const slashId = server.addFile("back\\slash 'q'.x", bytesOf(3, 3));
  const client = new auth.OAuth2();
  client.setCredentials({ access_token: "test-token" });
  const api = drive({ version: "v3", auth: client, rootUrl: server.url });
  const res = await api.files.list({
    q: driveNameQuery("back\\slash 'q'.x"),
    fields: "files(id, name)",
  });
  assertEquals(res.data.files, [{ id: slashId, name: "back\\slash 'q'.x" }]);
});

Deno.test("DriveIndex restricted to a folder looks and publishes only there", async () => {
  await using server = startDriveServer();
  server.addFile("a.torrent", bytesOf(3, 1), { parents: ["other"] });
  const inside = server.addFile("a.torrent", bytesOf(3, 2), { parents: ["F0lder_1-x"] });
  const index = indexWithToken(server, "test-token", { folderId: "F0lder_1-x" });
  assertEquals(index.location, "drive:F0lder_1-x");
  assertEquals((await index.find("a.torrent"))?.id, inside);
  assertEquals(
    server.log[0]?.params.get("q"),
    "name = 'a.torrent' and trashed = false and 'F0lder_1-x' in parents",
  );
  await index.publish("b.torrent", bytesOf(4));
  assertEquals(server.files.at(-1)?.parents, ["F0lder_1-x"]);
});

Deno.test("DriveIndex.fetch() streams the file byte-identical and checks its MD5", async () => {
  await using server = startDriveServer();
  const bytes = bytesOf(3 * 1024 * 1024 + 17, 9);
  const id = server.addFile("big.torrent", bytes);
  const index = indexWithToken(server);
  const got = await index.fetch("big.torrent");
  assertEquals(got.length, bytes.length);
  assert(md5Hex(got) === md5Hex(bytes), "byte-identical");
  const media = server.log.find((r) => r.params.get("alt") === "media");
  assertEquals(media?.path, `/drive/v3/files/${id}`);
});

Deno.test("DriveIndex.fetch() refuses corrupted downloads and files over maxBytes", async () => {
  let tamper = false;
  await using server = startDriveServer({
    intercept: (_req, url) =>
      tamper && url.searchParams.get("alt") === "media"
        ? new Response(bytesOf(2_000_000, 7) as Uint8Array<ArrayBuffer>)
        : undefined,
  });
  server.addFile("a.torrent", bytesOf(1000, 1));
  server.addFile("huge.torrent", bytesOf(2_000_000, 2));
  const index = indexWithToken(server);

  const listed = await assertRejects(
    () => index.fetch("huge.torrent", { maxBytes: 1_000_000 }),
    IndexError,
  );
  assertStringIncludes(listed.message, "larger than 1000000 bytes");
  assert(!server.log.some((r) => r.params.get("alt") === "media"), "refused before downloading");

  tamper = true;
  const streamed = await assertRejects(
    () => index.fetch("a.torrent", { maxBytes: 100_000 }),
    IndexError,
  );
  assertStringIncludes(streamed.message, "larger than 100000 bytes");
  const md5 = await assertRejects(() => index.fetch("a.torrent"), IndexError);
  assertStringIncludes(md5.message, "does not match Drive's MD5");
});

Deno.test("DriveIndex.publish() uploads (multipart) with a description; find sees it", async () => {
  await using server = startDriveServer();
  const index = indexWithToken(server);
  const bytes = bytesOf(5000, 4);
  const entry = await index.publish("new.torrent", bytes, {
    description: "Connectome ✓, 'quoted'",
  });
  assertEquals(entry.name, "new.torrent");
  assertEquals(entry.size, 5000);
  assertEquals(entry.description, "Connectome ✓, 'quoted'");
  const upload = server.log.find((r) => r.method === "POST")!;
  assertEquals(upload.path, "/upload/drive/v3/files");
  assertEquals(upload.params.get("uploadType"), "multipart");
  assertStringIncludes(upload.contentType ?? "", "multipart/related");
  const stored = server.files.find((f) => f.id === entry.id)!;
  assertEquals(stored.bytes, bytes, "uploaded byte-identical");
  assertEquals(stored.mimeType, "application/x-bittorrent");
  assertEquals(await index.find("new.torrent"), entry);
  assertEquals(await index.fetch("new.torrent"), bytes);
});

Deno.test("DriveIndex.publish(): identical bytes are a no-op, different bytes need replace", async () => {
  await using server = startDriveServer();
  const index = indexWithToken(server);
  const first = await index.publish("x.torrent", bytesOf(100, 1));
  assertEquals(await index.publish("x.torrent", bytesOf(100, 1)), first);
  assertEquals(server.files.length, 1);
  await assertRejects(() => index.publish("x.torrent", bytesOf(100, 2)), TorrentExistsError);
  const replaced = await index.publish("x.torrent", bytesOf(100, 2), {
    replace: true,
    description: "v2",
  });
  assertEquals([replaced.id, replaced.description], [first.id, "v2"]);
  assertEquals(server.files.length, 1);
  assertEquals(await index.fetch("x.torrent"), bytesOf(100, 2));
  assert(server.log.some((r) => r.method === "PATCH"), "updated in place");
});

Deno.test("DriveIndex.find() refuses to choose between same-named files with different contents", async () => {
  await using server = startDriveServer();
  server.addFile("dup.torrent", bytesOf(10, 1));
  server.addFile("dup.torrent", bytesOf(10, 2));
  const error = await assertRejects(() => indexWithToken(server).find("dup.torrent"), IndexError);
  assertStringIncludes(error.message, "2 different files are named");
  server.files.pop();
  server.addFile("dup.torrent", bytesOf(10, 1)); // same content twice is fine
  assertEquals((await indexWithToken(server).find("dup.torrent"))?.size, 10);
});

Deno.test("DriveIndex maps 401, 403 and 404 answers to the typed errors", async () => {
  await using server = startDriveServer({ forbiddenTokens: ["reader-elsewhere"] });
  server.addFile("a.torrent", bytesOf(10));

  const invalid = await assertRejects(
    () => indexWithToken(server, "stale").find("a.torrent"),
    IndexAuthError,
  );
  assertEquals(invalid.reason, "expired");
  assertStringIncludes(invalid.message, "401 Invalid Credentials");
  assertStringIncludes(invalid.message, "owm drive auth");

  const forbidden = await assertRejects(
    () => indexWithToken(server, "reader-elsewhere").fetch("a.torrent"),
    IndexAuthError,
  );
  assertEquals(forbidden.reason, "forbidden");
  assertStringIncludes(forbidden.message, "403");

  const index = indexWithToken(server);
  assertEquals(await index.find("missing.torrent"), undefined);
  const missing = await assertRejects(() => index.fetch("missing.torrent"), TorrentNotFoundError);
  assertEquals(missing.locations, ["drive:"]);
});

Deno.test("DriveIndex maps a file vanishing between find and download (404) to TorrentNotFoundError", async () => {
  await using server = startDriveServer({
    intercept: (_req, url) =>
      url.searchParams.get("alt") === "media"
        ? Response.json({ error: { code: 404, message: "File not found: x." } }, { status: 404 })
        : undefined,
  });
  server.addFile("a.torrent", bytesOf(10));
  await assertRejects(() => indexWithToken(server).fetch("a.torrent"), TorrentNotFoundError);
});

Deno.test("DriveIndex maps a rate-limit 403 to IndexError, not to an auth problem", async () => {
  await using server = startDriveServer({
    intercept: () =>
      Response.json({
        error: {
          code: 403,
          message: "User Rate Limit Exceeded",
          errors: [{ reason: "userRateLimitExceeded" }],
        },
      }, { status: 403 }),
  });
  const error = await assertRejects(() => indexWithToken(server).find("a.torrent"), IndexError);
  assertEquals(error.status, 403);
  assertStringIncludes(error.message, "wait a minute");
});

Deno.test("DriveIndex.publish() with a read-only token is refused before any upload", async () => {
  await withTempDir(async (home) => {
    await using server = startDriveServer();
    await writeDriveStore(home, server, {
      access_token: "test-token",
      scope: "https://www.googleapis.com/auth/drive.readonly",
    });
    const index = new DriveIndex({ storeHome: home, rootUrl: server.url, retry: false });
    const error = await assertRejects(() => index.publish("a.torrent", bytesOf(3)), IndexAuthError);
    assertEquals(error.reason, "forbidden");
    assertStringIncludes(error.message, "read access only");
    assertEquals(server.log.length, 0);
    assert(FILE_SCOPE.endsWith("drive.file"));
  });
});

Deno.test("DriveIndex never calls a real Google host: every request of a full round reaches the test server", async () => {
  await withTempDir(async (home) => {
    await using server = startDriveServer({ refreshTokens: { "rt-1": FILE_SCOPE } });
    await writeDriveStore(home, server, {
      access_token: "old",
      refresh_token: "rt-1",
      expiry_date: Date.now() - 1000,
      scope: FILE_SCOPE,
    });
    const index = new DriveIndex({ storeHome: home, rootUrl: server.url, retry: false });
    await index.publish("a.torrent", bytesOf(10));
    await index.fetch("a.torrent");
    await index.list();
    const paths = server.log.map((r) => `${r.method} ${r.path}`);
    assertEquals(
      paths[0],
      "POST /token",
      "the expired token was refreshed at the configured endpoint",
    );
    assert(paths.includes("POST /upload/drive/v3/files"));
    assert(server.log.slice(1).every((r) => r.authorization?.startsWith("Bearer at-")));
  });
});

Deno.test("DriveIndex calls are cancelled by their signal, without being reported as index errors", async () => {
  await using server = startDriveServer();
  server.addFile("a.torrent", bytesOf(10));
  const index = indexWithToken(server);
  const reason = new Error("stop");
  const before = new AbortController();
  before.abort(reason);
  assertEquals(
    await assertRejects(() => index.find("a.torrent", { signal: before.signal }), Error),
    reason,
  );
  assertEquals(server.log.length, 0);

  const during = new AbortController();
  const stalled = startDriveServer({
    intercept: () => {
      during.abort(reason);
      return undefined;
    },
  });
  try {
    const error = await assertRejects(
      () => indexWithToken(stalled).fetch("a.torrent", { signal: during.signal }),
      Error,
    );
    assertEquals(error, reason);
  } finally {
    await stalled.shutdown();
  }
  assertEquals((await index.find("a.torrent"))?.size, 10, "the index still works");
});
