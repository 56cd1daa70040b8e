/**
 * `POST /api/uploads` against the real bridge on an ephemeral port: real
 * multipart bodies (fetch + FormData, and streamed bodies with no length),
 * folders, zips, single files; and every refusal leaving nothing behind: no
 * folder under `<store>/uploads/`, no DataSource, no `.torrent` in the index,
 * no seed.
 */
import { join } from "node:path";
import { parseByteSize } from "../../lib/fs/byte_size.ts";
import { createExtension } from "../../kernel/extensions.ts";
import { type RunningBridge, startBridge, type StartBridgeOptions } from "../../kernel/server.ts";
import { digestContent } from "../../lib/integrity/content_digest.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertStringIncludes,
  assertThrows,
} from "../_assert.ts";
import { makeZip } from "../archive/_zip_writer.ts";

const MIB = 1024 * 1024;
const LIMITS = { maxEntries: 100, maxExpandedBytes: 2 * MIB };
const MAX_UPLOAD = 3 * MIB;
const encoder = new TextEncoder();

interface Answer {
  status: number;
  body: { error?: { code: string; message: string } } & Record<string, unknown>;
}

async function start(options: StartBridgeOptions = {}): Promise<RunningBridge> {
  const root = await Deno.makeTempDir({ prefix: "owm-uploads-test-" });
  const bridge = await startBridge({
    home: join(root, "store"),
    port: 0,
    dht: false,
    lsd: false,
    torrentPort: 0,
    maxUploadBytes: MAX_UPLOAD,
    extend: createExtension(LIMITS),
    ...options,
  });
  const close = async () => {
    await bridge.close();
    await Deno.remove(root, { recursive: true });
  };
  return { ...bridge, close, [Symbol.asyncDispose]: close };
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

function form(
  fields: Record<string, string>,
  files: { name: string; data: Uint8Array | string; type?: string }[],
): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  for (const file of files) {
    const bytes = typeof file.data === "string" ? encoder.encode(file.data) : file.data;
    body.append("file", new File([new Uint8Array(bytes)], file.name, { type: file.type ?? "" }));
  }
  return body;
}

async function upload(
  bridge: RunningBridge,
  body: BodyInit,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return await answer(
    await fetch(`${bridge.url}/api/uploads`, {
      method: "POST",
      headers: { authorization: `Bearer ${bridge.token}`, ...headers },
      body,
    }),
  );
}

async function list(dir: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

/** What an upload could leave behind, to compare before and after a refusal. */
async function leftovers(bridge: RunningBridge) {
  const home = bridge.state.repo.store.home;
  return {
    uploads: await list(join(home, "uploads")),
    torrents: await list(join(home, "torrents")),
    dataSources: (await bridge.state.repo.list()).map((d) => d.id).sort(),
    seeds: bridge.state.session.torrents.map((t) => t.infoHash).sort(),
  };
}

/** Runs `send`, expects `status` and `code`, and checks that nothing was kept. */
async function refused(
  bridge: RunningBridge,
  send: () => Promise<Answer>,
  status: number,
  code?: string,
): Promise<Answer> {
  const before = await leftovers(bridge);
  const got = await send();
  assertEquals(got.status, status, JSON.stringify(got.body));
  if (code) assertEquals(got.body.error?.code, code, JSON.stringify(got.body));
  assertEquals(await leftovers(bridge), before, "nothing is kept");
  return got;
}

function zipForm(key: string, zip: Uint8Array, name = "data.zip"): FormData {
  return form({ class: "CSVDataSource", key }, [{ name, data: zip, type: "application/zip" }]);
}

/** Bytes that deflate about twice (random hex digits). */
function hexText(size: number): string {
  const bytes = new Uint8Array(size / 2);
  for (let at = 0; at < bytes.length; at += 65536) {
    crypto.getRandomValues(bytes.subarray(at, at + 65536));
  }
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test({
  name: "POST /api/uploads publishes uploads and refuses hostile ones, keeping nothing",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using bridge = await start();
    const home = bridge.state.repo.store.home;

    await t.step(
      "several files become a folder named after the key, published and seeded",
      async () => {
        const got = await upload(
          bridge,
          form({ class: "CSVDataSource", key: "two files", description: "Two small files" }, [
            { name: "a.csv", data: "x,y\n1,2\n" },
            { name: "notes.txt", data: "hello" },
          ]),
        );
        assertEquals(got.status, 201, JSON.stringify(got.body));
        assertEquals(got.body.id, "CSVDataSource:two%20files");
        assertMatch(String(got.body.magnetLink), /^magnet:\?xt=urn:btih:[0-9a-f]{40}/);
        assertEquals(Object.keys(got.body).sort(), [
          "id",
          "infoHash",
          "magnetLink",
          "md5",
          "sha256",
          "torrentFileName",
        ]);
        const folder = join(home, "uploads", "two%20files");
        assertEquals(await list(folder), ["a.csv", "notes.txt"]);
        assertEquals(await Deno.readTextFile(join(folder, "a.csv")), "x,y\n1,2\n");
        const { digests } = await digestContent(folder, ["md5"]);
        assertEquals(got.body.md5, digests.md5);
        assertEquals(got.body.torrentFileName, `${digests.md5}.torrent`);
        assert((await list(join(home, "torrents"))).includes(`${digests.md5}.torrent`));
        const ds = await bridge.state.repo.get("CSVDataSource:two%20files");
        assertEquals(ds.get("fileName"), "two%20files");
        assertEquals(ds.get("description"), "Two small files");
        const seed = bridge.state.session.get(String(got.body.infoHash));
        assert(seed, "the upload is seeded");
        assertEquals(seed.contentPath, folder);
        assertEquals((await list(join(home, "uploads"))).filter((n) => n.startsWith(".")), []);
      },
    );

    await t.step("a .zip is checked, extracted to a folder and published", async () => {
      const zip = makeZip([
        { name: "tables/" },
        { name: "tables/neurons.csv", data: "name\nAVAL\nAVAR\n".repeat(50), deflate: true },
        { name: "README.txt", data: "about" },
      ]);
      const got = await upload(bridge, zipForm("zipped", zip));
      assertEquals(got.status, 201, JSON.stringify(got.body));
      const folder = join(home, "uploads", "zipped");
      assertEquals(await list(folder), ["README.txt", "tables"]);
      assertEquals(
        await Deno.readTextFile(join(folder, "tables", "neurons.csv")),
        "name\nAVAL\nAVAR\n".repeat(50),
      );
      assert(bridge.state.session.get(String(got.body.infoHash)));
    });

    await t.step("a single other file is published as it is, its name sanitised", async () => {
      const got = await upload(
        bridge,
        form({ class: "CSVDataSource", key: "single" }, [
          { name: "../../evil name.csv", data: "a\n1\n" },
        ]),
      );
      assertEquals(got.status, 201, JSON.stringify(got.body));
      assertEquals(await list(join(home, "uploads", "single")), ["evil name.csv"]);
      const ds = await bridge.state.repo.get("CSVDataSource:single");
      assertEquals(ds.get("fileName"), "evil name.csv");
      assertEquals(await list(join(home, "..")), ["store"]);
    });

    await t.step("an upload over the size limit is 413 and nothing is kept", async () => {
      const big = new Uint8Array(MAX_UPLOAD + MIB);
      await refused(
        bridge,
        () =>
          upload(
            bridge,
            form({ class: "CSVDataSource", key: "big" }, [{ name: "big.bin", data: big }]),
          ),
        413,
        "too-large",
      );
    });

    await t.step("an oversize body streamed without a length is cut off with 413", async () => {
      const boundary = "owm-test-boundary";
      const head = encoder.encode(
        `--${boundary}\r\nContent-Disposition: form-data; name="class"\r\n\r\nCSVDataSource\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="key"\r\n\r\nstreamed\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="s.bin"\r\n` +
          `Content-Type: application/octet-stream\r\n\r\n`,
      );
      let sent = 0;
      const chunk = new Uint8Array(256 * 1024);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(head);
        },
        pull(controller) {
          if (sent > MAX_UPLOAD + 2 * MIB) {
            controller.enqueue(encoder.encode(`\r\n--${boundary}--\r\n`));
            controller.close();
            return;
          }
          sent += chunk.length;
          controller.enqueue(chunk);
        },
      });
      await refused(
        bridge,
        () => upload(bridge, body, { "content-type": `multipart/form-data; boundary=${boundary}` }),
        413,
        "too-large",
      );
    });

    await t.step("zip slip: an entry climbing out with '..' is refused", async () => {
      const zip = makeZip([{ name: "ok.csv", data: "a" }, { name: "../evil.csv", data: "pwned" }]);
      const got = await refused(
        bridge,
        () => upload(bridge, zipForm("slip", zip)),
        422,
        "zip-unsafe",
      );
      assertStringIncludes(got.body.error!.message, "evil.csv");
      assertEquals(await list(join(home, "..")), ["store"]);
      assertEquals((await list(home)).includes("evil.csv"), false);
    });

    await t.step("a zip entry with an absolute path is refused", async () => {
      const zip = makeZip([{ name: "/tmp/owm-absolute-evil.csv", data: "pwned" }]);
      await refused(bridge, () => upload(bridge, zipForm("absolute", zip)), 422, "zip-unsafe");
      assertEquals(await list("/tmp").then((n) => n.includes("owm-absolute-evil.csv")), false);
    });

    await t.step("a zip holding a symlink is refused", async () => {
      const zip = makeZip([
        { name: "data.csv", data: "a" },
        { name: "passwd", data: "/etc/passwd", mode: 0o120777 },
      ]);
      const got = await refused(
        bridge,
        () => upload(bridge, zipForm("symlink", zip)),
        422,
        "zip-unsafe",
      );
      assertStringIncludes(got.body.error!.message, "symlink");
    });

    await t.step("zip bomb: an entry expanding over the ratio limit is refused", async () => {
      const zip = makeZip([{ name: "zeros.bin", data: new Uint8Array(1.5 * MIB), deflate: true }]);
      assert(zip.length < 8 * 1024, "the fixture is a tiny zip");
      const got = await refused(
        bridge,
        () => upload(bridge, zipForm("bomb", zip)),
        413,
        "zip-too-large",
      );
      assertStringIncludes(got.body.error!.message, "times");
    });

    await t.step(
      "zip bomb: a huge declared size is refused before anything is written",
      async () => {
        const zip = makeZip([
          {
            name: "huge.bin",
            data: new Uint8Array(1000),
            deflate: true,
            declaredSize: 4_000_000_000,
          },
        ]);
        await refused(bridge, () => upload(bridge, zipForm("declared", zip)), 413, "zip-too-large");
      },
    );

    await t.step("a zip expanding past the total size limit is refused", async () => {
      const zip = makeZip([
        { name: "a.txt", data: hexText(1.2 * MIB), deflate: true },
        { name: "b.txt", data: hexText(1.2 * MIB), deflate: true },
      ]);
      await refused(bridge, () => upload(bridge, zipForm("total", zip)), 413, "zip-too-large");
    });

    await t.step("a zip whose entry expands past its declared size is refused", async () => {
      const zip = makeZip([
        { name: "liar.txt", data: "a".repeat(100_000), deflate: true, declaredSize: 10 },
      ]);
      await refused(bridge, () => upload(bridge, zipForm("liar", zip)), 422, "bad-zip");
    });

    await t.step("a zip with too many entries is refused", async () => {
      const zip = makeZip(
        Array.from({ length: 101 }, (_, i) => ({ name: `f${i}.txt`, data: "x" })),
      );
      await refused(bridge, () => upload(bridge, zipForm("many", zip)), 413, "zip-too-large");
    });

    await t.step("a zip with a duplicate name is refused", async () => {
      const zip = makeZip([{ name: "a.csv", data: "1" }, { name: "./a.csv", data: "2" }]);
      await refused(bridge, () => upload(bridge, zipForm("dup", zip)), 422, "zip-unsafe");
    });

    await t.step("a .zip that is not a zip is refused", async () => {
      await refused(
        bridge,
        () => upload(bridge, zipForm("notzip", encoder.encode("just text, not a zip"))),
        422,
        "bad-zip",
      );
    });

    await t.step("a body that is not multipart is 415", async () => {
      await refused(
        bridge,
        () =>
          upload(bridge, JSON.stringify({ class: "CSVDataSource", key: "json" }), {
            "content-type": "application/json",
          }),
        415,
        "unsupported-type",
      );
    });

    await t.step("missing class or key, no file, bad class: 400", async () => {
      const file = [{ name: "a.csv", data: "1" }];
      await refused(bridge, () => upload(bridge, form({ key: "k" }, file)), 400, "bad-request");
      await refused(
        bridge,
        () => upload(bridge, form({ class: "CSVDataSource" }, file)),
        400,
        "bad-request",
      );
      await refused(
        bridge,
        () => upload(bridge, form({ class: "CSVDataSource", key: "k" }, [])),
        400,
        "no-file",
      );
      await refused(
        bridge,
        () => upload(bridge, form({ class: "NoSuchClass", key: "k" }, file)),
        400,
        "unknown-kind",
      );
      await refused(
        bridge,
        () => upload(bridge, form({ class: "DataSource", key: "k" }, file)),
        400,
        "bad-class",
      );
    });

    await t.step("a file part named '..' is refused", async () => {
      const boundary = "b0undary";
      const body =
        `--${boundary}\r\nContent-Disposition: form-data; name="class"\r\n\r\nCSVDataSource\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="key"\r\n\r\ndots\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename=".."\r\n\r\nx\r\n` +
        `--${boundary}--\r\n`;
      await refused(
        bridge,
        () => upload(bridge, body, { "content-type": `multipart/form-data; boundary=${boundary}` }),
        400,
        "bad-file-name",
      );
    });

    await t.step("an existing DataSource or upload key is 409", async () => {
      await refused(
        bridge,
        () =>
          upload(
            bridge,
            form({ class: "CSVDataSource", key: "single" }, [{ name: "b.csv", data: "2" }]),
          ),
        409,
        "exists",
      );
    });

    await t.step("the /api guard applies: no token 401, wrong token 401", async () => {
      const send = (headers: Record<string, string>) => async () =>
        await answer(
          await fetch(`${bridge.url}/api/uploads`, {
            method: "POST",
            headers,
            body: form({ class: "CSVDataSource", key: "anon" }, [{ name: "a.csv", data: "1" }]),
          }),
        );
      await refused(bridge, send({}), 401, "unauthorized");
      await refused(bridge, send({ authorization: "Bearer wrong" }), 401, "unauthorized");
      const kinds = await fetch(`${bridge.url}/api/kinds`);
      assertEquals(kinds.status, 401);
      await kinds.body?.cancel();
    });

    await t.step("a cross-origin upload is 403, even with the token", async () => {
      await refused(
        bridge,
        () =>
          upload(
            bridge,
            form({ class: "CSVDataSource", key: "cross" }, [{ name: "a", data: "1" }]),
            {
              origin: "http://evil.example",
            },
          ),
        403,
        "cross-origin",
      );
    });

    await t.step("GET /api/kinds lists the classes an upload can use", async () => {
      const res = await fetch(`${bridge.url}/api/kinds`, {
        headers: { authorization: `Bearer ${bridge.token}` },
      });
      const kinds = await res.json() as { name: string; publishable: boolean }[];
      assertEquals(kinds.find((k) => k.name === "CSVDataSource")?.publishable, true);
      assertEquals(kinds.find((k) => k.name === "DataSource")?.publishable, false);
    });

    await t.step("GET / serves the page without the token, with a strict CSP", async () => {
      const res = await fetch(`${bridge.url}/`);
      const html = await res.text();
      assertEquals(res.status, 200);
      assertStringIncludes(res.headers.get("content-type") ?? "", "text/html");
      assertEquals(html.includes(bridge.token), false, "the token is never in the page");
      const csp = res.headers.get("content-security-policy") ?? "";
      assertStringIncludes(csp, "default-src 'none'");
      assertStringIncludes(csp, "frame-ancestors 'none'");
      assertEquals(res.headers.get("access-control-allow-origin"), null);
      for (const id of ["token", "files", "class", "key", "description"]) {
        assertStringIncludes(html, `<label for="${id}">`);
      }
    });
  },
});

Deno.test({
  name: "POST /api/uploads takes back everything when publishing fails half-way",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const index = await Deno.makeTempDir({ prefix: "owm-uploads-index-" });
    await using _cleanup = { [Symbol.asyncDispose]: () => Deno.remove(index, { recursive: true }) };
    // The folder index takes the torrent; the unreachable HTTP index then fails the publish.
    await using bridge = await start({ indexes: [`dir:${index}`, "http://127.0.0.1:9/"] });
    const before = await leftovers(bridge);
    const got = await upload(
      bridge,
      form({ class: "CSVDataSource", key: "half" }, [{ name: "a.csv", data: "a\n1\n" }]),
    );
    assert(got.status >= 500, JSON.stringify(got.body));
    assertEquals(await leftovers(bridge), before);
    assertEquals(await list(index), [], "the torrent is taken back out of the folder index");
    assertEquals(await list(join(bridge.state.repo.store.home, "uploads")), []);
  },
});

Deno.test("parseByteSize() reads --max-upload sizes and refuses nonsense", () => {
  assertEquals(parseByteSize("1048576"), MIB);
  assertEquals(parseByteSize("500M"), 500 * MIB);
  assertEquals(parseByteSize("2G"), 2 * 1024 * MIB);
  assertEquals(parseByteSize("1.5GiB"), 1.5 * 1024 * MIB);
  for (const bad of ["", "0", "-1", "lots", "1X"]) {
    assertThrows(() => parseByteSize(bad), TypeError, "not a positive size");
  }
});
