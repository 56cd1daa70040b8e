/**
 * What `deno task fuzz:api` found, each pinned by a test against the live
 * bridge: methods a `Request` cannot carry (TRACE, CONNECT, TRACK) are 405,
 * not a 500 from building the bounded request; a relative IRI as a graph name
 * is refused before it reaches the store (it used to be written and then made
 * the whole store unreadable); a body the client breaks off is the caller's
 * 400, not a 500.
 */
import { join } from "node:path";
import { InvalidInputError } from "../../lib/errors/invalid_input.ts";
import { quadToLine } from "../../lib/graph/nquads.ts";
import { namedNode, quad } from "../../lib/graph/rdf.ts";
import { GraphStore } from "../../lib/graph/store.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { rawRequest, startTestBridge } from "./_bridge.ts";

Deno.test("TRACE, CONNECT and TRACK are answered 405 with Allow, never 500", async () => {
  await using bridge = await startTestBridge();
  const { port, token } = bridge.bridge;
  for (const method of ["TRACE", "TRACK", "PROPFIND"]) {
    const answer = await rawRequest(
      port,
      `${method} /api/datasources HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
        `Authorization: Bearer ${token}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    );
    assertEquals(answer.status, 405, `${method}: ${answer.body}`);
    assertEquals(JSON.parse(answer.body).error.code, "method-not-allowed");
    assert(answer.headers.get("allow")?.includes("GET"), "Allow names the methods served");
  }
  assertEquals((await bridge.json("/api/health")).status, 200);
});

Deno.test("a relative IRI is never written to the store: refused, and the store stays readable", async () => {
  assertThrows(
    () =>
      quadToLine(
        quad(namedNode("http://a/s"), namedNode("http://a/p"), namedNode("~/.ssh/id_rsa")),
      ),
    InvalidInputError,
    "not absolute",
  );
  await using bridge = await startTestBridge();
  const before = await bridge.json("/api/datasources");
  const { status, body } = await bridge.json<{ error: { code: string; message: string } }>(
    "/api/datasources",
    {
      method: "POST",
      body: JSON.stringify({
        class: "CSVDataSource",
        key: "relative-context",
        context: "~/.ssh/id_rsa",
      }),
    },
  );
  assert(status >= 400 && status < 500, `4xx, got ${status}: ${JSON.stringify(body)}`);
  assertEquals((await bridge.json("/api/datasources")).body, before.body);
  // The store file still opens and parses.
  const store = await GraphStore.open({ home: bridge.home });
  const text = await Deno.readTextFile(join(bridge.home, "graph.nq")).catch(() => "");
  assert(!text.includes("~/.ssh"), "the relative IRI was not written");
  assertEquals(store.home, bridge.home);
});

Deno.test("a body broken off by the client is not a 500", async () => {
  await using bridge = await startTestBridge();
  const { port, token } = bridge.bridge;
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const head = `POST /api/datasources HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
    `Authorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
    `Content-Length: 1000\r\n\r\n{"class": "CSVDataSource", `;
  await conn.write(new TextEncoder().encode(head));
  await conn.closeWrite();
  const chunks: string[] = [];
  const buffer = new Uint8Array(65536);
  for (;;) {
    const n = await conn.read(buffer).catch(() => null);
    if (n === null) break;
    chunks.push(new TextDecoder().decode(buffer.subarray(0, n)));
  }
  conn.close();
  const answer = chunks.join("");
  const status = Number(answer.split(" ")[1] ?? "0");
  // Either no answer at all (the connection is gone) or a 4xx: never a 500.
  assert(answer === "" || (status >= 400 && status < 500), `got: ${answer.slice(0, 300)}`);
  assertEquals((await bridge.json("/api/health")).status, 200);
});
