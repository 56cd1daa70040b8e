/**
 * The bridge's guards on the real server: the bearer token, the Host
 * allowlist (sent by hand over TCP, since `fetch()` sets Host itself), the
 * Origin check on changes, CORS only for configured origins, `bridge.json`,
 * and binding loopback only unless told otherwise.
 */
import { join } from "node:path";
import type { ApiError, BridgeFile } from "../../lib/bridge/api_types.ts";
import { startBridge } from "../../kernel/server.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_assert.ts";
import { requirement } from "../_require.ts";
import { tempDir } from "../torrent/_fixtures.ts";
import { rawRequest, startTestBridge, type TestBridge } from "./_bridge.ts";

const NEW_SOURCE = JSON.stringify({ class: "CSVDataSource", key: "k" });

function get(bridge: TestBridge, path: string, host: string, token = bridge.bridge.token) {
  return rawRequest(
    bridge.bridge.port,
    `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`,
  );
}

Deno.test("/api answers 401 without the bearer token or with a wrong one", async () => {
  await using bridge = await startTestBridge();
  const url = bridge.bridge.url;
  const token = bridge.bridge.token;
  const calls: [string, string, string | undefined][] = [
    ["GET", "/api/torrents", undefined],
    ["GET", "/api/events", undefined],
    ["GET", "/api/datasources", undefined],
    ["POST", "/api/datasources", NEW_SOURCE],
    ["DELETE", "/api/datasources/CSVDataSource:k", undefined],
  ];
  const wrong = [
    undefined,
    `Bearer ${token.slice(0, -1)}x`,
    `Bearer ${token}x`,
    "Bearer ",
    `Basic ${token}`,
    token,
  ];
  for (const [method, path, body] of calls) {
    for (const authorization of wrong) {
      const res = await fetch(url + path, {
        method,
        headers: authorization === undefined ? {} : { authorization },
        ...(body === undefined ? {} : { body }),
      });
      const answer = await res.json() as ApiError;
      assertEquals([res.status, answer.error.code], [401, "unauthorized"], `${method} ${path}`);
      assertStringIncludes(res.headers.get("www-authenticate") ?? "", "Bearer");
    }
  }
  assertEquals((await bridge.json("/api/datasources")).body, [], "nothing was created");
  const ok = await fetch(url + "/api/health", { headers: { authorization: `bearer ${token}` } });
  assertEquals(ok.status, 200, "the scheme is case-insensitive");
  await ok.body?.cancel();
});

Deno.test("requests with a foreign Host are refused (403) before anything else", async () => {
  await using bridge = await startTestBridge({ allowedHosts: ["bridge.example"] });
  const port = bridge.bridge.port;
  for (const host of ["evil.example", `evil.example:${port}`, "127.0.0.1.evil.example", ""]) {
    for (const path of ["/api/torrents", "/openapi.json", "/nothing"]) {
      const answer = await get(bridge, path, host);
      assertEquals(answer.status, 403, `${host} ${path}`);
      assertEquals(JSON.parse(answer.body).error.code, "bad-host");
    }
    const noToken = await get(bridge, "/api/torrents", host, "");
    assertEquals(noToken.status, 403, "the Host is checked before the token");
  }
  const allowed = [
    `127.0.0.1:${port}`,
    `localhost:${port}`,
    `LOCALHOST:${port}`,
    `[::1]:${port}`,
    "bridge.example",
  ];
  for (const host of allowed) {
    const answer = await get(bridge, "/api/torrents", host);
    assertEquals([answer.status, answer.body], [200, "[]"], host);
  }
  const noHost = await rawRequest(port, "GET /api/torrents HTTP/1.0\r\n\r\n");
  assertEquals(noHost.status, 403, "a request without Host is refused");
});

Deno.test("cross-origin changes are refused (403); same-origin changes and foreign reads pass", async () => {
  await using bridge = await startTestBridge();
  const self = bridge.bridge.url;
  for (const origin of ["http://evil.example", "null", `http://localhost:${bridge.bridge.port}`]) {
    const post = await bridge.json<ApiError>("/api/datasources", {
      method: "POST",
      headers: { origin },
      body: NEW_SOURCE,
    });
    assertEquals([post.status, post.body.error.code], [403, "cross-origin"], origin);
  }
  assertEquals((await bridge.json("/api/datasources")).body, [], "nothing was created");

  const same = await bridge.json("/api/datasources", {
    method: "POST",
    headers: { origin: self },
    body: NEW_SOURCE,
  });
  assertEquals(same.status, 201);
  const noOrigin = await bridge.json("/api/datasources", { method: "POST", body: NEW_SOURCE });
  assertEquals(noOrigin.status, 201, "scripts send no Origin");

  const removal = await bridge.json("/api/datasources/CSVDataSource:k", {
    method: "DELETE",
    headers: { origin: "http://evil.example" },
  });
  assertEquals(removal.status, 403);
  const read = await bridge.api("/api/datasources", { headers: { origin: "http://evil.example" } });
  assertEquals(read.status, 200, "reading is allowed (the token is still needed)");
  assertEquals((await read.json()).length, 1, "the cross-origin DELETE removed nothing");
  assertEquals(read.headers.get("access-control-allow-origin"), null, "no CORS by default");
  const preflight = await fetch(self + "/api/datasources", {
    method: "OPTIONS",
    headers: { origin: "http://evil.example", "access-control-request-method": "POST" },
  });
  await preflight.body?.cancel();
  assertEquals(preflight.headers.get("access-control-allow-origin"), null);
  assertEquals(preflight.headers.get("access-control-allow-methods"), null);
});

Deno.test("CORS headers are given to configured origins only", async () => {
  const app = "http://notebook.example:8888";
  await using bridge = await startTestBridge({ allowedOrigins: [app] });
  const preflight = await fetch(bridge.bridge.url + "/api/datasources", {
    method: "OPTIONS",
    headers: {
      origin: app,
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization, content-type",
    },
  });
  await preflight.body?.cancel();
  assert(preflight.status === 204 || preflight.status === 200, `preflight ${preflight.status}`);
  assertEquals(preflight.headers.get("access-control-allow-origin"), app);
  assertStringIncludes(preflight.headers.get("access-control-allow-methods") ?? "", "POST");
  assertStringIncludes(
    preflight.headers.get("access-control-allow-headers") ?? "",
    "authorization",
  );

  const post = await bridge.api("/api/datasources", {
    method: "POST",
    headers: { origin: app },
    body: NEW_SOURCE,
  });
  await post.body?.cancel();
  assertEquals(post.status, 201, "a configured origin may make changes");
  assertEquals(post.headers.get("access-control-allow-origin"), app);
  assertStringIncludes(post.headers.get("vary") ?? "", "Origin");
  const refused = await bridge.api("/api/torrents", {
    headers: { origin: app.replace("8888", "1") },
  });
  await refused.body?.cancel();
  assertEquals(refused.headers.get("access-control-allow-origin"), null, "only that exact origin");
  const unauthorised = await fetch(bridge.bridge.url + "/api/torrents", {
    headers: { origin: app },
  });
  await unauthorised.body?.cancel();
  assertEquals(unauthorised.status, 401, "CORS does not replace the token");
});

Deno.test("bridge.json is 0600, holds the URL and token; the token survives restarts", async () => {
  const home = join(await tempDir(), "store");
  const file = join(home, "bridge.json");
  const read = async () => JSON.parse(await Deno.readTextFile(file)) as BridgeFile;
  let token: string;
  {
    await using bridge = await startTestBridge({ home });
    token = bridge.bridge.token;
    assert(token.length >= 32, "a long random token");
    assertEquals((await Deno.stat(file)).mode! & 0o777, 0o600);
    const running = await read();
    assertEquals([running.url, running.token], [bridge.bridge.url, token]);
    assertEquals(running.url, `http://127.0.0.1:${bridge.bridge.port}`);
  }
  const stopped = await read();
  assertEquals([stopped.url, stopped.token], ["", token], "a stopped bridge clears its URL");
  assertEquals((await Deno.stat(file)).mode! & 0o777, 0o600);

  await using again = await startTestBridge({ home });
  assertEquals(again.bridge.token, token, "the same token after a restart");
  assertEquals((await read()).url, again.bridge.url);
  assertEquals((await again.json("/api/health")).status, 200);

  const other = await startTestBridge();
  assert(other.bridge.token !== token, "another store has another token");
  await other.bridge.close();
});

Deno.test("startBridge() binds loopback only unless allowRemote is given", async () => {
  const home = join(await tempDir(), "store");
  for (const hostname of ["0.0.0.0", "::", "192.0.2.1", "127.0.0.2", "example.org"]) {
    await assertRejects(
      () => startBridge({ home, hostname, port: 0, dht: false, lsd: false, torrentPort: 0 }),
      TypeError,
      "--allow-remote",
    );
  }
  // 127.0.0.2 is loopback on Linux but not a name the bridge trusts by default; allowed
  // explicitly, it is served, its own address is an accepted Host, and the token is still needed.
  await using remote = await startTestBridge({ hostname: "127.0.0.2", allowRemote: true });
  assertEquals(remote.bridge.url, `http://127.0.0.2:${remote.bridge.port}`);
  assertEquals((await remote.json("/api/health")).status, 200);
  const anonymous = await fetch(remote.bridge.url + "/api/health");
  await anonymous.body?.cancel();
  assertEquals(anonymous.status, 401);
});

function hasIpv6Loopback(): boolean {
  try {
    Deno.listen({ hostname: "::1", port: 0 }).close();
    return true;
  } catch {
    return false; // no IPv6 here: nothing to bind
  }
}

const ipv6 = requirement("an IPv6 loopback address (::1)", hasIpv6Loopback(), {
  what: "the IPv6 test of startBridge()",
  hint: "enable IPv6 on the loopback interface (sysctl net.ipv6.conf.lo.disable_ipv6=0)",
});

Deno.test({
  name: "startBridge() accepts the IPv6 loopback address",
  ignore: ipv6.ignore,
}, async () => {
  ipv6.check();
  for (const hostname of ["::1", "[::1]"]) {
    await using bridge = await startTestBridge({ hostname });
    assertEquals(bridge.bridge.url, `http://[::1]:${bridge.bridge.port}`);
    assertEquals((await bridge.json("/api/health")).status, 200);
  }
});

Deno.test("startBridge() on a taken port fails and leaves nothing running", async () => {
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const torrentPort = probe.addr.port;
  probe.close();
  const home = join(await tempDir(), "store");
  await assertRejects(
    () => startBridge({ home, port: taken.addr.port, dht: false, lsd: false, torrentPort }),
    Deno.errors.AddrInUse,
  );
  // The torrent session it opened first was closed again: its port is free.
  Deno.listen({ hostname: "127.0.0.1", port: torrentPort }).close();
});
