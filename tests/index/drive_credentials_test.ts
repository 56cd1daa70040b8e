import { join } from "node:path";
import {
  DRIVE_FILE_SCOPE,
  DRIVE_READONLY_SCOPE,
  driveScopes,
  scopeAllowsPublish,
} from "../../lib/index/drive_credentials.ts";
import { DriveIndex } from "../../lib/index/drive_index.ts";
import { IndexAuthError } from "../../lib/index/torrent_index.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_assert.ts";
import { startDriveServer } from "./_drive_server.ts";
import { writeDriveStore } from "./_drive_store.ts";
import { bytesOf, withTempDir } from "./_temp.ts";

function storeIndex(home: string, url: string): DriveIndex {
  return new DriveIndex({ storeHome: home, rootUrl: url, retry: false });
}

Deno.test("DriveIndex without credentials.json says how to create it (missing-credentials)", async () => {
  await withTempDir(async (home) => {
    await using server = startDriveServer();
    const error = await assertRejects(
      () => storeIndex(home, server.url).find("a.torrent"),
      IndexAuthError,
    );
    assertEquals(error.reason, "missing-credentials");
    assertStringIncludes(error.message, join(home, "credentials.json"));
    assertStringIncludes(error.message, '"Desktop app"');
    assertStringIncludes(error.message, "owm drive auth");
    assertEquals(server.log.length, 0);
  });
});

Deno.test("DriveIndex without drive-token.json says how to authorize (missing-credentials)", async () => {
  await withTempDir(async (home) => {
    await using server = startDriveServer();
    await writeDriveStore(home, server, null);
    const index = storeIndex(home, server.url);
    const error = await assertRejects(() => index.fetch("a.torrent"), IndexAuthError);
    assertEquals(error.reason, "missing-credentials");
    assertStringIncludes(error.message, join(home, "drive-token.json"));
    assertStringIncludes(error.message, "owm drive auth");
    assertEquals(server.log.length, 0);

    // Once the file exists, the same index works: a failed load is not cached.
    await Deno.writeTextFile(
      join(home, "drive-token.json"),
      JSON.stringify({ access_token: "test-token" }),
    );
    assertEquals(await index.find("a.torrent"), undefined);
  });
});

Deno.test("DriveIndex refuses malformed credential files (malformed-credentials)", async () => {
  const cases: [string, string, string][] = [
    ["credentials.json", "{not json", "not valid JSON"],
    ["credentials.json", JSON.stringify({ other: {} }), 'no "installed" or "web"'],
    ["credentials.json", JSON.stringify({ web: { client_secret: "x" } }), '"client_id" is missing'],
    ["drive-token.json", "[]", "not a JSON object"],
    ["drive-token.json", '{"access_token": 5}', '"access_token" is not a string'],
    ["drive-token.json", '{"scope": "x"}', 'neither "access_token" nor "refresh_token"'],
    ["drive-token.json", "gASV pickle", "not valid JSON"],
  ];
  for (const [file, text, message] of cases) {
    await withTempDir(async (home) => {
      await using server = startDriveServer();
      await writeDriveStore(home, server);
      await Deno.writeTextFile(join(home, file), text);
      const error = await assertRejects(
        () => storeIndex(home, server.url).find("a.torrent"),
        IndexAuthError,
      );
      assertEquals([file, error.reason], [file, "malformed-credentials"]);
      assertStringIncludes(error.message, message);
      assertStringIncludes(error.message, join(home, file));
      assertEquals(server.log.length, 0);
    });
  }
});

Deno.test("DriveIndex with an expired token and no refresh token fails as expired, sending nothing", async () => {
  await withTempDir(async (home) => {
    await using server = startDriveServer();
    await writeDriveStore(home, server, {
      access_token: "test-token",
      expiry_date: Date.now() - 60_000,
    });
    const error = await assertRejects(
      () => storeIndex(home, server.url).find("a.torrent"),
      IndexAuthError,
    );
    assertEquals(error.reason, "expired");
    assertStringIncludes(error.message, "no refresh token");
    assertEquals(server.log.length, 0);
  });
});

Deno.test("DriveIndex refreshes an expired token at the configured endpoint and saves it", async () => {
  await withTempDir(async (home) => {
    await using server = startDriveServer({ refreshTokens: { "rt-good": DRIVE_READONLY_SCOPE } });
    server.addFile("a.torrent", bytesOf(20));
    await writeDriveStore(home, server, {
      access_token: "old",
      refresh_token: "rt-good",
      expiry_date: Date.now() - 1,
      scope: DRIVE_READONLY_SCOPE,
    });
    assertEquals(await storeIndex(home, server.url).fetch("a.torrent"), bytesOf(20));
    assertEquals(server.log[0]?.path, "/token");
    const saved = JSON.parse(await Deno.readTextFile(join(home, "drive-token.json")));
    assert(saved.access_token.startsWith("at-"), "the new access token was saved");
    assertEquals(saved.refresh_token, "rt-good", "the refresh token was kept");
    assert(saved.expiry_date > Date.now());
    assertEquals((await Deno.stat(join(home, "drive-token.json"))).mode! & 0o777, 0o600);

    // The next run uses the saved token without refreshing again.
    const before = server.log.length;
    await storeIndex(home, server.url).find("a.torrent");
    assertEquals(server.log.slice(before).map((r) => r.path), ["/drive/v3/files"]);
  });
});

Deno.test("DriveIndex renews an access token that Drive rejects with 401 (no expiry recorded)", async () => {
  await withTempDir(async (home) => {
    await using server = startDriveServer({ refreshTokens: { "rt-good": DRIVE_READONLY_SCOPE } });
    await writeDriveStore(home, server, { access_token: "invalidated", refresh_token: "rt-good" });
    assertEquals(await storeIndex(home, server.url).find("a.torrent"), undefined);
    assertEquals(server.log.map((r) => r.path), ["/drive/v3/files", "/token", "/drive/v3/files"]);
  });
});

Deno.test("DriveIndex with a revoked refresh token fails as revoked", async () => {
  await withTempDir(async (home) => {
    await using server = startDriveServer({ revokedRefreshTokens: ["rt-revoked"] });
    await writeDriveStore(home, server, {
      access_token: "old",
      refresh_token: "rt-revoked",
      expiry_date: Date.now() - 1,
    });
    const error = await assertRejects(
      () => storeIndex(home, server.url).find("a.torrent"),
      IndexAuthError,
    );
    assertEquals(error.reason, "revoked");
    assertStringIncludes(error.message, "Token has been expired or revoked.");
    assertStringIncludes(error.message, "owm drive auth");
    assertEquals(server.log.map((r) => r.path), ["/token"]);
  });
});

Deno.test("DriveIndex maps other refusals at the token endpoint: invalid_grant as expired, invalid_client", async () => {
  await withTempDir(async (home) => {
    await using server = startDriveServer();
    await writeDriveStore(home, server, { refresh_token: "rt-unknown" });
    const expired = await assertRejects(
      () => storeIndex(home, server.url).find("a.torrent"),
      IndexAuthError,
    );
    assertEquals(expired.reason, "expired");
  });
  await withTempDir(async (home) => {
    await using server = startDriveServer({
      clientId: "another-client",
      refreshTokens: { rt: DRIVE_FILE_SCOPE },
    });
    await writeDriveStore(home, server, { refresh_token: "rt" });
    const client = await assertRejects(
      () => storeIndex(home, server.url).find("a.torrent"),
      IndexAuthError,
    );
    assertEquals(client.reason, "malformed-credentials");
    assertStringIncludes(client.message, "invalid_client");
  });
});

Deno.test("driveScopes() asks for the narrowest scopes; scopeAllowsPublish() reads a token's scope", () => {
  assertEquals(driveScopes("read"), [DRIVE_READONLY_SCOPE]);
  assertEquals(driveScopes("publish"), [DRIVE_FILE_SCOPE]);
  assertEquals(driveScopes("read-publish"), [DRIVE_READONLY_SCOPE, DRIVE_FILE_SCOPE]);
  assert(scopeAllowsPublish(`${DRIVE_READONLY_SCOPE} ${DRIVE_FILE_SCOPE}`));
  assert(scopeAllowsPublish("https://www.googleapis.com/auth/drive"));
  assert(!scopeAllowsPublish(DRIVE_READONLY_SCOPE));
});
