import { join } from "node:path";
import { sha256Hex } from "../../lib/index/_bytes.ts";
import { HttpIndex } from "../../lib/index/http_index.ts";
import { serveHttpIndex } from "../../lib/index/http_index_server.ts";
import {
  IndexAuthError,
  IndexError,
  TorrentExistsError,
  TorrentNotFoundError,
} from "../../lib/index/torrent_index.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_assert.ts";
import { bytesOf, withTempDir } from "./_temp.ts";

/** A static server for hand-written listings: `routes` maps paths to responses. */
function staticServer(routes: Record<string, () => Response>) {
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    seen.push(`${req.method} ${path}`);
    return routes[path]?.() ?? new Response("not found", { status: 404 });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/`,
    seen,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

Deno.test("HttpIndex lists, finds and fetches torrents served by serveHttpIndex", async () => {
  await withTempDir(async (dir) => {
    const a = bytesOf(4000, 1);
    await Deno.writeFile(join(dir, "a.torrent"), a);
    await Deno.writeFile(join(dir, "b c.torrent"), bytesOf(10, 2));
    await using server = serveHttpIndex(dir);
    const index = new HttpIndex(server.url);
    assertEquals(index.kind, "http");
    assertEquals(index.location, server.url);
    const list = await index.list();
    assertEquals(list.map((e) => [e.name, e.size]), [["a.torrent", 4000], ["b c.torrent", 10]]);
    assertEquals(list[0]?.sha256, sha256Hex(a));
    assertEquals(list[1]?.url, `${server.url}b%20c.torrent`);
    assertEquals((await index.find("a.torrent"))?.size, 4000);
    assertEquals(await index.find("missing.torrent"), undefined);
    assertEquals(await index.fetch("a.torrent"), a);
    assertEquals(await index.fetch("b c.torrent"), bytesOf(10, 2));
  });
});

Deno.test("HttpIndex.fetch() of an unlisted torrent throws TorrentNotFoundError", async () => {
  await withTempDir(async (dir) => {
    await using server = serveHttpIndex(dir);
    const error = await assertRejects(
      () => new HttpIndex(server.url).fetch("nope.torrent"),
      TorrentNotFoundError,
    );
    assertEquals(error.locations, [server.url]);
  });
});

Deno.test("HttpIndex.publish() uploads with a description; the token is required and checked", async () => {
  await withTempDir(async (dir) => {
    await using server = serveHttpIndex(dir, { token: "s3cret" });
    const bytes = bytesOf(777, 5);

    const anonymous = new HttpIndex(server.url);
    const missing = await assertRejects(
      () => anonymous.publish("x.torrent", bytes),
      IndexAuthError,
    );
    assertEquals(missing.reason, "missing-credentials");
    assertStringIncludes(missing.message, "401");

    const wrong = new HttpIndex(server.url, { token: "guess" });
    const forbidden = await assertRejects(() => wrong.publish("x.torrent", bytes), IndexAuthError);
    assertEquals(forbidden.reason, "forbidden");
    assertStringIncludes(forbidden.message, "403");
    assertEquals(await anonymous.list(), [], "nothing was published");

    const index = new HttpIndex(server.url, { token: "s3cret" });
    const entry = await index.publish("x.torrent", bytes, { description: 'Données, "quoted" ✓' });
    assertEquals(entry.description, 'Données, "quoted" ✓');
    assertEquals(entry.sha256, sha256Hex(bytes));
    assertEquals(await Deno.readFile(join(dir, "x.torrent")), bytes);
    const found = await anonymous.find("x.torrent");
    assertEquals([found?.size, found?.description], [777, 'Données, "quoted" ✓']);
    assertEquals(await anonymous.fetch("x.torrent"), bytes, "reads need no token");

    await index.publish("x.torrent", bytes); // identical: accepted
    await assertRejects(() => index.publish("x.torrent", bytesOf(777, 6)), TorrentExistsError);
    assertEquals(await anonymous.fetch("x.torrent"), bytes);
    await index.publish("x.torrent", bytesOf(777, 6), { replace: true });
    assertEquals(await anonymous.fetch("x.torrent"), bytesOf(777, 6));
  });
});

Deno.test("HttpIndex with protectReads: 401 without a token, 403 with a wrong one", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeFile(join(dir, "a.torrent"), bytesOf(5));
    await using server = serveHttpIndex(dir, { token: "t", protectReads: true });
    const none = await assertRejects(
      () => new HttpIndex(server.url).find("a.torrent"),
      IndexAuthError,
    );
    assertEquals(none.reason, "missing-credentials");
    const wrong = await assertRejects(
      () => new HttpIndex(server.url, { token: "x" }).fetch("a.torrent"),
      IndexAuthError,
    );
    assertEquals(wrong.reason, "forbidden");
    assertEquals(await new HttpIndex(server.url, { token: "t" }).fetch("a.torrent"), bytesOf(5));
  });
});

Deno.test("HttpIndex.fetch() refuses bytes that do not match the listed sha256 or size", async () => {
  const good = bytesOf(64, 1);
  const evil = bytesOf(64, 2);
  await using server = staticServer({
    "/index.json": () =>
      Response.json({
        torrents: [
          { name: "a.torrent", size: 64, sha256: sha256Hex(good) },
          { name: "b.torrent", size: 10, url: "files/b.torrent" },
        ],
      }),
    "/a.torrent": () => new Response(evil as Uint8Array<ArrayBuffer>),
    "/files/b.torrent": () => new Response(evil as Uint8Array<ArrayBuffer>),
  });
  const index = new HttpIndex(server.url);
  const sha = await assertRejects(() => index.fetch("a.torrent"), IndexError);
  assertStringIncludes(sha.message, "does not match the sha256");
  const size = await assertRejects(() => index.fetch("b.torrent"), IndexError);
  assertStringIncludes(size.message, "listing says 10");
  assert(server.seen.includes("GET /files/b.torrent"), "the entry's relative url is used");
});

Deno.test("HttpIndex.fetch() streams with a size limit, refusing an over-long body", async () => {
  let served = 0;
  const chunk = new Uint8Array(64 * 1024);
  await using server = staticServer({
    "/big.torrent": () =>
      new Response(
        new ReadableStream({
          pull(controller) {
            served += chunk.length;
            controller.enqueue(chunk);
            if (served > 64 * 1024 * 1024) controller.close();
          },
        }),
      ),
  });
  const index = new HttpIndex(server.url); // no listing: direct GET
  const error = await assertRejects(
    () => index.fetch("big.torrent", { maxBytes: 1024 * 1024 }),
    IndexError,
  );
  assertStringIncludes(error.message, "larger than 1048576 bytes");
  assert(served < 8 * 1024 * 1024, `the download stopped early (served ${served} bytes)`);
});

Deno.test("HttpIndex refuses a listed size over maxBytes before downloading", async () => {
  await using server = staticServer({
    "/index.json": () => Response.json({ torrents: [{ name: "a.torrent", size: 20_000_000 }] }),
  });
  const error = await assertRejects(() => new HttpIndex(server.url).fetch("a.torrent"), IndexError);
  assertStringIncludes(error.message, "larger than 16777216 bytes");
  assertEquals(server.seen, ["GET /index.json"]);
});

Deno.test("HttpIndex without a listing falls back to HEAD and GET of <base>/<name>", async () => {
  await using server = staticServer({
    "/a.torrent": () => new Response(new Uint8Array([1, 2, 3])),
  });
  const index = new HttpIndex(server.url.replace(/\/$/, "")); // the final / is added
  assertEquals((await index.find("a.torrent"))?.size, 3);
  assertEquals(await index.find("b.torrent"), undefined);
  assertEquals(await index.fetch("a.torrent"), new Uint8Array([1, 2, 3]));
  await assertRejects(() => index.fetch("b.torrent"), TorrentNotFoundError);
  await assertRejects(() => index.list(), IndexError, "404");
});

Deno.test("HttpIndex rejects malformed listings and non-http entry URLs", async () => {
  await using server = staticServer({
    "/bad/index.json": () => new Response("{not json"),
    "/dup/index.json": () =>
      Response.json({ torrents: [{ name: "a.torrent", size: 1 }, { name: "a.torrent", size: 1 }] }),
    "/path/index.json": () => Response.json({ torrents: [{ name: "../a.torrent", size: 1 }] }),
    "/file/index.json": () =>
      Response.json({ torrents: [{ name: "a.torrent", size: 1, url: "file:///etc/passwd" }] }),
  });
  await assertRejects(
    () => new HttpIndex(server.url + "bad/").find("a.torrent"),
    IndexError,
    "not a valid torrent listing",
  );
  await assertRejects(
    () => new HttpIndex(server.url + "dup/").find("a.torrent"),
    IndexError,
    "listed twice",
  );
  await assertRejects(
    () => new HttpIndex(server.url + "path/").list(),
    IndexError,
    "not a plain *.torrent file name",
  );
  await assertRejects(
    () => new HttpIndex(server.url + "file/").fetch("a.torrent"),
    IndexError,
    "only http: and https:",
  );
});

Deno.test("HttpIndex maps other statuses to IndexError with the status, and refuses bad URLs", async () => {
  await using server = staticServer({ "/index.json": () => new Response("oops", { status: 503 }) });
  const error = await assertRejects(() => new HttpIndex(server.url).find("a.torrent"), IndexError);
  assertEquals(error.status, 503);
  const closed = await assertRejects(
    () => new HttpIndex("http://127.0.0.1:9/").find("a.torrent"),
    IndexError,
  );
  assertStringIncludes(closed.message, "cannot reach");
  for (const bad of ["ftp://x/", "not a url", "https://user:pw@host/"]) {
    let threw = false;
    try {
      new HttpIndex(bad);
    } catch (e) {
      threw = e instanceof TypeError;
    }
    assert(threw, bad);
  }
});

Deno.test("HttpIndex sends its token only to its own origin (another port is another origin)", async () => {
  const auths: (string | null)[] = [];
  const other = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    auths.push(req.headers.get("authorization"));
    return new Response(new Uint8Array([9]));
  });
  try {
    await using server = staticServer({
      "/index.json": () =>
        Response.json({
          torrents: [{
            name: "a.torrent",
            size: 1,
            url: `http://127.0.0.1:${other.addr.port}/a.torrent`,
          }],
        }),
    });
    assertEquals(
      await new HttpIndex(server.url, { token: "secret" }).fetch("a.torrent"),
      new Uint8Array([9]),
    );
    assertEquals(auths, [null]);
  } finally {
    await other.shutdown();
  }
});

Deno.test("HttpIndex calls are cancelled by their signal, without being reported as index errors", async () => {
  await withTempDir(async (dir) => {
    await using server = serveHttpIndex(dir);
    const reason = new Error("stop");
    const controller = new AbortController();
    controller.abort(reason);
    const error = await assertRejects(
      () => new HttpIndex(server.url).find("a.torrent", { signal: controller.signal }),
      Error,
    );
    assertEquals(error, reason);
  });
});
