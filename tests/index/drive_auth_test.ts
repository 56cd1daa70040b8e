import { join } from "node:path";
import { authorizeDrive } from "../../lib/index/drive_auth.ts";
import { DRIVE_FILE_SCOPE, DRIVE_READONLY_SCOPE } from "../../lib/index/drive_credentials.ts";
import { DriveIndex } from "../../lib/index/drive_index.ts";
import { IndexAuthError } from "../../lib/index/torrent_index.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_assert.ts";
import { startDriveServer } from "./_drive_server.ts";
import { writeDriveStore } from "./_drive_store.ts";
import { bytesOf, withTempDir } from "./_temp.ts";

/** Plays the browser: opens the consent URL and follows its redirect to the loopback listener. */
async function browser(url: string): Promise<void> {
  const res = await fetch(url);
  await res.body?.cancel();
}

Deno.test("authorizeDrive() runs the loopback consent flow with PKCE and writes a usable token", async () => {
  await withTempDir(async (home) => {
    await using server = startDriveServer();
    await writeDriveStore(home, server, null);
    let shown = "";
    const token = await authorizeDrive({
      storeHome: home,
      access: "read-publish",
      openUrl: (url) => {
        shown = url;
        return browser(url);
      },
    });
    const consent = new URL(shown);
    assertEquals(consent.origin + consent.pathname, server.authUrl);
    assertEquals(consent.searchParams.get("scope"), `${DRIVE_READONLY_SCOPE} ${DRIVE_FILE_SCOPE}`);
    assertEquals(consent.searchParams.get("access_type"), "offline");
    assertEquals(consent.searchParams.get("code_challenge_method"), "S256");
    assert(consent.searchParams.get("redirect_uri")?.startsWith("http://127.0.0.1:"));
    assert(token.refresh_token?.startsWith("rt-"));

    const saved = JSON.parse(await Deno.readTextFile(join(home, "drive-token.json")));
    assertEquals(saved, token);
    assertEquals((await Deno.stat(join(home, "drive-token.json"))).mode! & 0o777, 0o600);

    const index = new DriveIndex({ storeHome: home, rootUrl: server.url, retry: false });
    await index.publish("a.torrent", bytesOf(30));
    assertEquals(await index.fetch("a.torrent"), bytesOf(30));
  });
});

Deno.test("authorizeDrive() reports refused consent as forbidden and writes nothing", async () => {
  await withTempDir(async (home) => {
    await using server = startDriveServer({ denyConsent: true });
    await writeDriveStore(home, server, null);
    const error = await assertRejects(
      () => authorizeDrive({ storeHome: home, openUrl: browser }),
      IndexAuthError,
    );
    assertEquals(error.reason, "forbidden");
    assertStringIncludes(error.message, "access_denied");
    await assertRejects(() => Deno.stat(join(home, "drive-token.json")), Deno.errors.NotFound);
  });
});

Deno.test("authorizeDrive() gives up when nobody answers in time", async () => {
  await withTempDir(async (home) => {
    await using server = startDriveServer();
    await writeDriveStore(home, server, null);
    const error = await assertRejects(
      () => authorizeDrive({ storeHome: home, timeoutMs: 50, openUrl: () => {} }),
      IndexAuthError,
    );
    assertStringIncludes(error.message, "no answer from the Google consent page");
  });
});

Deno.test("authorizeDrive() without credentials.json says how to create it", async () => {
  await withTempDir(async (home) => {
    const error = await assertRejects(
      () => authorizeDrive({ storeHome: home, openUrl: () => {} }),
      IndexAuthError,
    );
    assertEquals(error.reason, "missing-credentials");
  });
});
