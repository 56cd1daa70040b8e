/**
 * Host and Origin on the live bridge, over a raw TCP socket (fetch() would
 * set Host itself and never sends an absolute-form request line): the
 * bridge's own origin is built from the Host header, never from the request
 * line, and the Host parser takes only `name[:port]` or `[ipv6][:port]`.
 */
import { assertEquals } from "../_assert.ts";
import { rawRequest, startTestBridge } from "./_bridge.ts";

const BODY = JSON.stringify({ class: "CSVDataSource", key: "k" });

function post(port: number, target: string, headers: Record<string, string>, token: string) {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  return rawRequest(
    port,
    `POST ${target} HTTP/1.1\r\n${lines}Authorization: Bearer ${token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${BODY.length}\r\nConnection: close\r\n\r\n${BODY}`,
  );
}

Deno.test("an absolute-form request line does not make a foreign Origin our own", async () => {
  await using bridge = await startTestBridge();
  const { port, token } = bridge.bridge;
  const host = `127.0.0.1:${port}`;
  for (const evil of ["http://evil.example", `http://evil.example:${port}`]) {
    const answer = await post(
      port,
      `${evil}/api/datasources`,
      { Host: host, Origin: evil },
      token,
    );
    assertEquals(answer.status, 403, `${evil}: ${answer.body}`);
    assertEquals(JSON.parse(answer.body).error.code, "cross-origin");
  }
  const foreignHost = await post(
    port,
    "http://evil.example/api/datasources",
    { Host: "evil.example", Origin: "http://evil.example" },
    token,
  );
  assertEquals(foreignHost.status, 403);
  assertEquals(JSON.parse(foreignHost.body).error.code, "bad-host");
  assertEquals((await bridge.json("/api/datasources")).body, [], "nothing was created");

  // The bridge's own origin, as its page sends it, still may make changes (also absolute-form).
  const own = await post(port, "/api/datasources", { Host: host, Origin: `http://${host}` }, token);
  assertEquals(own.status, 201, own.body);
  const ownAbsolute = await post(
    port,
    `http://${host}/api/datasources`,
    { Host: host, Origin: `http://${host}` },
    token,
  );
  assertEquals(ownAbsolute.status, 201, ownAbsolute.body);
});

Deno.test("Host headers other than name[:port] or [ipv6][:port] are refused 403", async () => {
  await using bridge = await startTestBridge();
  const { port, token } = bridge.bridge;
  const odd = [
    "[::1]evil.example",
    `[::1]evil.example:${port}`,
    `127.0.0.1:${port}@evil.example`,
    `user@127.0.0.1:${port}`,
    "127.0.0.1:abc",
    `127.0.0.1:${port}:${port}`,
    "127.0.0.1:99999",
    "127.0.0.1:",
    `127.0.0.1/evil:${port}`,
    `localhost.:${port}`,
    `[::1:${port}`,
  ];
  for (const host of odd) {
    const answer = await rawRequest(
      port,
      `GET /api/health HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`,
    );
    assertEquals(answer.status, 403, `${host}: ${answer.body}`);
    assertEquals(JSON.parse(answer.body).error.code, "bad-host", host);
  }
  for (const host of ["", " ", `127.0.0.1 :${port}`]) {
    const answer = await rawRequest(
      port,
      `GET /api/health HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`,
    );
    assertEquals(answer.status, 403, JSON.stringify(host));
  }
  for (const host of [`127.0.0.1:${port}`, "127.0.0.1", `LocalHost:${port}`, `[::1]:${port}`]) {
    const answer = await rawRequest(
      port,
      `GET /api/health HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`,
    );
    assertEquals(answer.status, 200, host);
  }
});
