/**
 * Bounded requests on the real bridge: JSON bodies past the limit (declared
 * or streamed) are 413, strings past 64 KiB and ids past 2048 characters are
 * 400 naming the field, deep nesting is 400, a body that stops arriving is
 * 408, and multipart uploads with two parts or two files of the same name are
 * answered 400 at once with nothing left in `.incoming-*`.
 */
import { join } from "node:path";
import type { ApiError } from "../../lib/bridge/api_types.ts";
import { createExtension } from "../../kernel/extensions.ts";
import { assertEquals, assertStringIncludes } from "../_assert.ts";
import { startTestBridge, type TestBridge } from "./_bridge.ts";

const KIB = 1024;

async function post(bridge: TestBridge, path: string, body: BodyInit) {
  return await bridge.json<ApiError & Record<string, unknown>>(path, { method: "POST", body });
}

function streamOf(text: string, chunk = 64 * KIB): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}

Deno.test("JSON bodies past the limit are 413, declared or streamed; --max-json raises it", async () => {
  await using bridge = await startTestBridge({ limits: { maxJsonBytes: 64 * KIB } });
  const big = JSON.stringify({ class: "CSVDataSource", key: "k", pad: "x".repeat(100 * KIB) });
  const declared = await post(bridge, "/api/datasources", big);
  assertEquals([declared.status, declared.body.error.code], [413, "too-large"]);
  assertStringIncludes(declared.body.error.message, "--max-json");
  const streamed = await post(bridge, "/api/datasources", streamOf(big));
  assertEquals([streamed.status, streamed.body.error.code], [413, "too-large"], "no length given");
  for (
    const path of ["/api/publish", "/api/translations", "/api/datasources/CSVDataSource:k/fetch"]
  ) {
    const other = await post(bridge, path, big);
    assertEquals(other.status, 413, path);
  }
  assertEquals((await bridge.json("/api/datasources")).body, [], "nothing was created");

  await using roomy = await startTestBridge({ limits: { maxJsonBytes: 1024 * KIB } });
  const fine = await post(
    roomy,
    "/api/datasources",
    JSON.stringify({
      class: "CSVDataSource",
      key: "k",
      fields: { description: "x".repeat(60 * KIB) },
    }),
  );
  assertEquals(fine.status, 201, JSON.stringify(fine.body));
});

Deno.test("strings past 64 KiB, ids past 2048 characters and deep nesting are 400 naming the field", async () => {
  await using bridge = await startTestBridge();
  const long = await post(
    bridge,
    "/api/datasources",
    JSON.stringify({
      class: "CSVDataSource",
      key: "k",
      fields: { description: "x".repeat(64 * KIB + 1) },
    }),
  );
  assertEquals([long.status, long.body.error.code], [400, "too-long"]);
  assertStringIncludes(long.body.error.message, "'fields.description'");
  const longKey = await post(
    bridge,
    "/api/datasources",
    JSON.stringify({ class: "CSVDataSource", key: "k".repeat(2049) }),
  );
  assertEquals([longKey.status, longKey.body.error.code], [400, "too-long"]);
  assertStringIncludes(longKey.body.error.message, "'key'");
  const longId = await bridge.json<ApiError>(`/api/datasources/CSVDataSource:${"k".repeat(3000)}`);
  assertEquals([longId.status, longId.body.error.code], [400, "too-long"]);
  assertStringIncludes(longId.body.error.message, "'id'");
  let deep: unknown = "x";
  for (let i = 0; i < 40; i++) deep = [deep];
  const nested = await post(
    bridge,
    "/api/datasources",
    JSON.stringify({ class: "CSVDataSource", key: "k", fields: { csvHeader: deep } }),
  );
  assertEquals([nested.status, nested.body.error.code], [400, "too-deep"]);
  assertEquals((await bridge.json("/api/datasources")).body, [], "nothing was created");
});

/** Reads one answer's head and its Content-Length body from `conn` (not waiting for the close). */
async function readAnswer(conn: Deno.Conn): Promise<{ status: number; body: string }> {
  const buffer = new Uint8Array(65536);
  let text = "";
  for (;;) {
    const n = await conn.read(buffer);
    if (n === null) throw new Error(`The connection closed after: ${text}`);
    text += new TextDecoder().decode(buffer.subarray(0, n));
    const end = text.indexOf("\r\n\r\n");
    if (end === -1) continue;
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end))?.[1] ?? "0");
    if (text.length - end - 4 < length) continue;
    return {
      status: Number(text.split(" ")[1]),
      body: text.slice(end + 4, end + 4 + length),
    };
  }
}

Deno.test("a JSON body that stops arriving is answered 408 (the client may then close)", async () => {
  await using bridge = await startTestBridge({ limits: { bodyDeadlineMs: 500 } });
  const port = bridge.bridge.port;
  // Declares 100 bytes, sends 10 and then nothing; the answer comes without the rest.
  using conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(
    new TextEncoder().encode(
      `POST /api/datasources HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${bridge.bridge.token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"class": `,
    ),
  );
  const answer = await readAnswer(conn);
  assertEquals(answer.status, 408, answer.body);
  assertEquals(JSON.parse(answer.body).error.code, "request-timeout");
  assertEquals((await bridge.json("/api/datasources")).body, [], "nothing was created");
});

function multipart(boundary: string, parts: { name: string; file?: string; value: string }[]) {
  return parts.map((p) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${
      p.file === undefined ? "" : `; filename="${p.file}"`
    }\r\n\r\n${p.value}\r\n`
  ).join("") + `--${boundary}--\r\n`;
}

async function leftovers(home: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(join(home, "uploads")))).map((e) => e.name);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

Deno.test("uploads with two parts or two files of the same name are 400 at once, leaving nothing", async () => {
  await using bridge = await startTestBridge({ extend: createExtension() });
  const boundary = "----dup";
  const cases: [string, { name: string; file?: string; value: string }[], string][] = [
    ["two files of one name", [
      { name: "class", value: "CSVDataSource" },
      { name: "key", value: "dup" },
      { name: "file", file: "a.csv", value: "a,b\n1,2\n" },
      { name: "file", file: "a.csv", value: "a,b\n3,4\n" },
    ], "duplicate-file"],
    ["two files whose names become one", [
      { name: "class", value: "CSVDataSource" },
      { name: "key", value: "dup" },
      { name: "file", file: "a.csv", value: "a,b\n1,2\n" },
      { name: "file", file: "x/a.csv", value: "a,b\n3,4\n" },
    ], "duplicate-file"],
    ["two key parts", [
      { name: "class", value: "CSVDataSource" },
      { name: "key", value: "one" },
      { name: "key", value: "two" },
      { name: "file", file: "a.csv", value: "a,b\n1,2\n" },
    ], "duplicate-field"],
    ["two class parts", [
      { name: "class", value: "CSVDataSource" },
      { name: "class", value: "FileDataSource" },
      { name: "key", value: "dup" },
      { name: "file", file: "a.csv", value: "a,b\n1,2\n" },
    ], "duplicate-field"],
  ];
  for (const [what, parts, code] of cases) {
    // Streamed (no length) and in one piece: the answer must not wait for anything more.
    for (const body of [multipart(boundary, parts), streamOf(multipart(boundary, parts), 16)]) {
      const res = await bridge.api("/api/uploads", {
        method: "POST",
        headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
        body,
      });
      const got = await res.json() as ApiError;
      assertEquals([res.status, got.error.code], [400, code], `${what}: ${got.error.message}`);
      assertEquals(await leftovers(bridge.home), [], `${what}: nothing left in uploads/`);
    }
  }
  assertEquals((await bridge.json("/api/datasources")).body, [], "nothing was created");
  // The bridge still serves uploads afterwards.
  const ok = await bridge.api("/api/uploads", {
    method: "POST",
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    body: multipart(boundary, [
      { name: "class", value: "CSVDataSource" },
      { name: "key", value: "fine" },
      { name: "file", file: "a.csv", value: "a,b\n1,2\n" },
    ]),
  });
  assertEquals(ok.status, 201, await ok.text());
});
