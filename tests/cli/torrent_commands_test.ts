/**
 * `owm torrent create` and `owm torrent info`, called in-process with a
 * capturing CliIo (main.ts wires them to the command line).
 */
import { shellEnv } from "../_env.ts";
import { join } from "node:path";
import type { CliIo } from "../../lib/cli/io.ts";
import { UsageError } from "../../lib/cli/io.ts";
import type { GlobalOptions } from "../../lib/cli/store_commands.ts";
import { torrentCreateCommand, torrentInfoCommand } from "../../lib/cli/torrent_commands.ts";
import { MetainfoError, parseMetainfo } from "../../lib/torrent/metainfo.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertStringIncludes,
} from "../_assert.ts";

const CORPUS = new URL("../testdata/libtorrent/", import.meta.url).pathname;
const TEXT: GlobalOptions = { home: undefined, json: false };
const JSON_OUT: GlobalOptions = { home: undefined, json: true };

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "owm-torrent-cli-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function makeFolder(dir: string): Promise<string> {
  const root = join(dir, "dataset");
  await Deno.mkdir(join(root, "sub"), { recursive: true });
  await Deno.writeTextFile(join(root, "a.csv"), "x,y\n1,2\n");
  await Deno.writeTextFile(join(root, "sub", "b.txt"), "hello");
  await Deno.writeFile(join(root, "empty"), new Uint8Array());
  return root;
}

Deno.test("torrentCreateCommand() writes the .torrent to --out and prints its path and infohash", async () => {
  await withTempDir(async (dir) => {
    const root = await makeFolder(dir);
    const out = join(dir, "made.torrent");
    const io = capture();
    const code = await torrentCreateCommand(
      [root],
      { out, tracker: ["udp://t.example:6969/announce"], "web-seed": ["https://w.example/"] },
      TEXT,
      io,
    );
    assertEquals(code, 0);
    const meta = parseMetainfo(await Deno.readFile(out));
    assertEquals(io.stdout, [`torrent:  ${out}`, `infohash: ${meta.infoHash}`]);
    assertEquals(meta.announce, ["udp://t.example:6969/announce"]);
    assertEquals(meta.urlList, ["https://w.example/"]);
    assertEquals(meta.createdBy, "owmeta-torrent");
    assertEquals(meta.files.map((f) => f.path), [
      "dataset/a.csv",
      "dataset/empty",
      "dataset/sub/b.txt",
    ]);
  });
});

Deno.test("torrentCreateCommand() names the file <name>.torrent in the current or --out folder", async () => {
  await withTempDir(async (dir) => {
    const root = await makeFolder(dir);
    const outDir = join(dir, "out");
    await Deno.mkdir(outDir);
    const io = capture();
    await torrentCreateCommand([root], { out: outDir }, JSON_OUT, io);
    const printed = JSON.parse(io.stdout.join("\n"));
    assertEquals(printed.path, join(outDir, "dataset.torrent"));
    assertMatch(printed.infoHash, /^[0-9a-f]{40}$/);
    assertStringIncludes(printed.magnet, `xt=urn:btih:${printed.infoHash}`);

    // The default: <name>.torrent in the current directory (a child process, as cwd is global).
    const module = new URL("../../lib/cli/torrent_commands.ts", import.meta.url).href;
    const script = `import { torrentCreateCommand } from ${JSON.stringify(module)};
      await torrentCreateCommand([${JSON.stringify(root)}], {}, { home: undefined, json: false },
        { out: (t) => console.log(t), err: (t) => console.error(t) });`;
    await Deno.remove(join(outDir, "dataset.torrent"));
    const child = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--no-config", script],
      cwd: outDir,
      clearEnv: true,
      env: shellEnv(),
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert(child.success, new TextDecoder().decode(child.stderr));
    assertStringIncludes(
      new TextDecoder().decode(child.stdout),
      `torrent:  ${join(outDir, "dataset.torrent")}`,
    );
    const again = parseMetainfo(await Deno.readFile(join(outDir, "dataset.torrent")));
    assertEquals(again.infoHash, printed.infoHash);
  });
});

Deno.test("torrentCreateCommand() refuses a bad command line with UsageError", async () => {
  await assertRejects(() => torrentCreateCommand([], {}, TEXT, capture()), UsageError);
  await assertRejects(() => torrentCreateCommand(["a", "b"], {}, TEXT, capture()), UsageError);
  await assertRejects(
    () => torrentCreateCommand(["x"], { tracker: ["nonsense"] }, TEXT, capture()),
    UsageError,
    "--tracker 'nonsense'",
  );
  await assertRejects(
    () => torrentCreateCommand(["x"], { "web-seed": ["udp://x:1"] }, TEXT, capture()),
    UsageError,
    "--web-seed",
  );
});

Deno.test("torrentInfoCommand() shows name, infohash, size, pieces, files, trackers and magnet", async () => {
  const io = capture();
  assertEquals(await torrentInfoCommand([join(CORPUS, "sample.torrent")], TEXT, io), 0);
  const text = io.stdout.join("\n");
  const meta = parseMetainfo(await Deno.readFile(join(CORPUS, "sample.torrent")));
  for (
    const part of [
      "name:          sample",
      `infohash:      ${meta.infoHash}`,
      "size:          16 KiB (16404 bytes)",
      "pieces:        2 of 16 KiB",
      "creation date: 2014-12-17T03:39:39Z",
      "files (2):",
      "sample/text_file2.txt",
      "trackers (2):",
      "  udp://tracker.opentracker.com:80/announce",
      "comment:       sample comment",
      `magnet:        magnet:?xt=urn:btih:${meta.infoHash}&dn=sample`,
    ]
  ) {
    assertStringIncludes(text, part);
  }
  assert(!text.includes("padding"), "pad files are not listed");
});

Deno.test("torrentInfoCommand() --json gives the same facts as an object", async () => {
  const io = capture();
  await torrentInfoCommand([join(CORPUS, "parent_path.torrent")], JSON_OUT, io);
  const info = JSON.parse(io.stdout.join("\n"));
  assertEquals(info.name, "temp");
  assertEquals(info.files, [{
    path: "temp/bar",
    length: 425,
    originalPath: ["temp", "..", "..", "bar"],
  }]);
  assertEquals([info.pieceCount, info.pieceLength, info.length], [1, 16384, 425]);
});

Deno.test("torrentInfoCommand() shows where a hostile path was renamed from", async () => {
  const io = capture();
  await torrentInfoCommand([join(CORPUS, "absolute_filename.torrent")], TEXT, io);
  assertStringIncludes(io.stdout.join("\n"), 'temp/_foobar  (renamed from "temp//foobar")');
});

Deno.test("torrentInfoCommand() refuses malformed and v2-only torrents with a one-line reason", async () => {
  for (
    const [name, part] of [
      ["negative_size.torrent", "length"],
      ["v2_deep_recursion.torrent", "nesting deeper than 100"],
      ["v2_only.torrent", "v2-only"],
      ["string.torrent", "Not a .torrent file"],
    ]
  ) {
    const path = join(CORPUS, name!);
    const error = await assertRejects(
      () => torrentInfoCommand([path], TEXT, capture()),
      MetainfoError,
      part,
    );
    assertStringIncludes(error.message, path);
    assert(!error.message.includes("\n"));
  }
});

Deno.test("torrentInfoCommand() reports a missing file, a folder and a bad command line", async () => {
  await assertRejects(
    () => torrentInfoCommand(["/nonexistent/x.torrent"], TEXT, capture()),
    Deno.errors.NotFound,
    "No such file",
  );
  await assertRejects(
    () => torrentInfoCommand([CORPUS], TEXT, capture()),
    UsageError,
    "not a file",
  );
  await assertRejects(() => torrentInfoCommand([], TEXT, capture()), UsageError);
});
