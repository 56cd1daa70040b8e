/**
 * A bridge process given SIGTERM stops within 10 s whatever is in flight (an
 * upload whose body stopped arriving, a client still sending its headers a
 * byte at a time, a fetch waiting for peers), clears its URL from
 * `bridge.json`, leaves no `.incoming-*` upload folder, and its store's locks
 * can be taken right after.
 */
import { join } from "node:path";
import type { BridgeFile, FetchAccepted } from "../../lib/bridge/api_types.ts";
import { withFileLock } from "../../lib/fs/file_lock.ts";
import { assert, assertEquals } from "../_assert.ts";
import { tempDir } from "../torrent/_fixtures.ts";
import { waitFor } from "./_bridge.ts";
import { spawnBridge } from "./_bridge_process.ts";

const encoder = new TextEncoder();

async function send(conn: Deno.Conn, text: string): Promise<void> {
  const bytes = encoder.encode(text);
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}

async function incoming(home: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(join(home, "uploads"))))
      .map((e) => e.name)
      .filter((name) => name.startsWith(".incoming-"));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

Deno.test("SIGTERM stops the bridge within 10 s with a stalled upload, a slow client and a fetch in flight", async () => {
  const home = join(await tempDir(), "store");
  await using bridge = await spawnBridge(home);
  const file = () =>
    Deno.readTextFile(join(home, "bridge.json")).then(JSON.parse) as Promise<BridgeFile>;
  const { token } = await file();
  assertEquals((await file()).url, bridge.url);
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };

  // A fetch that waits for peers for ever (nobody has this infohash).
  const created = await fetch(`${bridge.url}/api/datasources`, {
    method: "POST",
    headers,
    body: JSON.stringify({
      class: "CSVDataSource",
      key: "nowhere",
      fields: { infoHash: "ab".repeat(20) },
    }),
  });
  assertEquals(created.status, 201, await created.text());
  const started = await fetch(`${bridge.url}/api/datasources/CSVDataSource:nowhere/fetch`, {
    method: "POST",
    headers,
    body: "{}",
  });
  assertEquals(((await started.json()) as FetchAccepted).state, "started");

  // An upload that sends its first bytes and then nothing more.
  using upload = await Deno.connect({ hostname: "127.0.0.1", port: bridge.port });
  const boundary = "----stalled";
  const part = (name: string, value: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  await send(
    upload,
    `POST /api/uploads HTTP/1.1\r\nHost: 127.0.0.1:${bridge.port}\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 10000000\r\n\r\n` +
      part("class", "CSVDataSource") + part("key", "stalled") +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n` +
      "a,b\n1,2\n",
  );
  await waitFor(async () => (await incoming(home)).length > 0 || undefined, "the upload folder");

  // A client sending its request headers a byte at a time.
  using slow = await Deno.connect({ hostname: "127.0.0.1", port: bridge.port });
  const header = `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${bridge.port}\r\nX-Slow: `;
  await send(slow, header);
  let sending = true;
  const trickle = (async () => {
    while (sending) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      if (sending) await slow.write(encoder.encode("a")).catch(() => (sending = false));
    }
  })();

  bridge.child.kill("SIGTERM");
  const code = await bridge.exited(10_000);
  sending = false;
  await trickle;
  assertEquals(
    code,
    0,
    `the bridge exits within 10 s of SIGTERM, with 0\n${await Promise.race([
      bridge.stderr,
      Promise.resolve("(still running)"),
    ])}`,
  );
  const after = await file();
  assertEquals([after.url, after.token], ["", token], "its URL is cleared, its token kept");
  assertEquals(await incoming(home), [], "the stalled upload's folder is removed");
  // The store's locks are free: a lock taken now is granted (a held one would hang here).
  let granted = false;
  await withFileLock(join(home, "graph.lock"), () => Promise.resolve(granted = true));
  assert(granted);
  await withFileLock(join(home, "data_source_data", "index.json.lock"), async () => {});
  assert(!(await bridge.stderr).includes("    at "), "no stack trace on stderr");
});
