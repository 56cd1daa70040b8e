import { join } from "node:path";
import { shellEnv } from "../_env.ts";
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { startDriveServer } from "../index/_drive_server.ts";
import { writeDriveStore } from "../index/_drive_store.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("owm drive auth prints the consent address, waits for the browser and saves the token", async () => {
  const home = await Deno.makeTempDir({ prefix: "owm-drive-cli-" });
  try {
    await using server = startDriveServer();
    await writeDriveStore(home, server, null);
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--allow-all",
        `--config=${join(ROOT, "deno.json")}`,
        join(ROOT, "scripts/owm.ts"),
        "--home",
        home,
        "drive",
        "auth",
        "--access",
        "read-publish",
      ],
      clearEnv: true,
      env: shellEnv({ NO_COLOR: "1" }),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stdout = new Response(child.stdout).text();
    const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let err = "";
    while (!/\nhttp\S+\n/.test(err)) {
      const { value, done } = await reader.read();
      if (done) break;
      err += value;
    }
    const url = /\n(http\S+)\n/.exec(err)?.[1];
    assert(url, `a consent address on stderr: ${err}`);
    assert(url.startsWith(server.authUrl), url);
    const browser = await fetch(url); // the test server consents and redirects to owm's listener
    await browser.body?.cancel();
    const status = await child.status;
    reader.releaseLock();
    await child.stderr.cancel().catch(() => {});
    assertEquals(status.code, 0, err);
    assertStringIncludes(await stdout, "Saved the Google Drive token");
    const info = await Deno.stat(join(home, "drive-token.json"));
    assertEquals(info.mode! & 0o777, 0o600);
    const token = JSON.parse(await Deno.readTextFile(join(home, "drive-token.json")));
    assertStringIncludes(token.scope, "drive.file");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
