/**
 * Hostile torrents: paths with `..`, absolute or reserved names are confined
 * to the download folder whether the torrent comes as a file or by magnet
 * (metadata from a peer); torrents our parser refuses never reach the
 * engine; the libtorrent corpus goes through the engine without writing
 * anything outside the folder.
 */
import { createHash } from "node:crypto";
import { join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { encodeBencode } from "../../lib/torrent/bencode.ts";
import { TorrentError } from "../../lib/torrent/errors.ts";
import { magnetLink } from "../../lib/torrent/magnet.ts";
import { MetainfoError, parseMetainfo } from "../../lib/torrent/metainfo.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { bytes, readTree, tempDir, testSessionOptions } from "./_fixtures.ts";

const TIMEOUT = 60_000;
const CORPUS = fileURLToPath(new URL("../testdata/libtorrent/", import.meta.url));

function hostileTorrent(): { torrent: Uint8Array; data: Uint8Array[] } {
  const paths = [
    ["..", "..", "escape.txt"],
    ["sub", "..", "..", "..", "up.txt"],
    ["/etc", "passwd"],
    ["CON"],
  ];
  const data = paths.map((_, i) => bytes(20_000 + i * 7_000, 40 + i));
  const all = new Uint8Array(data.reduce((n, d) => n + d.length, 0));
  let at = 0;
  for (const d of data) {
    all.set(d, at);
    at += d.length;
  }
  const pieceLength = 16384;
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < all.length; i += pieceLength) {
    pieces.push(createHash("sha1").update(all.subarray(i, i + pieceLength)).digest());
  }
  const info = {
    name: "../evil",
    "piece length": pieceLength,
    pieces: new Uint8Array(Buffer.concat(pieces)),
    files: paths.map((path, i) => ({ length: data[i]!.length, path })),
  };
  return { torrent: encodeBencode({ info }), data };
}

async function allFiles(root: string): Promise<string[]> {
  return Object.keys(await readTree(root)).map((p) => p.split(sep).join("/")).sort();
}

Deno.test("TorrentSession keeps hostile paths inside the download folder (file and magnet)", async () => {
  const tmp = await tempDir();
  const { torrent, data } = hostileTorrent();
  const meta = parseMetainfo(torrent);
  const content = join(tmp, "content");
  for (const [i, file] of meta.files.entries()) {
    const rel = file.path.slice(file.path.indexOf("/") + 1);
    await Deno.mkdir(join(content, rel, ".."), { recursive: true });
    await Deno.writeFile(join(content, rel), data[i]!);
  }
  await using seeder = await TorrentSession.open(testSessionOptions(join(tmp, "s1")));
  await using leecher = await TorrentSession.open({
    ...testSessionOptions(join(tmp, "s2")),
    tracker: false,
  });
  await using byMagnet = await TorrentSession.open({
    ...testSessionOptions(join(tmp, "s3")),
    tracker: false,
  });
  await seeder.seed(content, torrent);
  const peers = [`127.0.0.1:${seeder.port}`];
  const a = await leecher.add(torrent, { dir: join(tmp, "box", "dl"), peers });
  const b = await byMagnet.add(magnetLink(meta, { peers }), { dir: join(tmp, "box2", "dl") });
  await Promise.all([a.done({ timeoutMs: TIMEOUT }), b.done({ timeoutMs: TIMEOUT })]);
  const expected = meta.files.map((f) => f.path).sort();
  assertEquals(await allFiles(join(tmp, "box")), expected.map((p) => `dl/${p}`));
  assertEquals(await allFiles(join(tmp, "box2")), expected.map((p) => `dl/${p}`));
  assert(expected.every((p) => p.startsWith(".._evil/")), `${expected}`);
  for (const [i, file] of meta.files.entries()) {
    assertEquals(await Deno.readFile(join(tmp, "box", "dl", file.path)), data[i]);
  }
  const everywhere = await allFiles(tmp);
  assertEquals(
    everywhere.filter((p) => p.endsWith("escape.txt")).length,
    3,
    "content + 2 downloads",
  );
});

Deno.test("TorrentSession.add() refuses a torrent the parser refuses, before any engine work", async () => {
  const tmp = await tempDir();
  await using session = await TorrentSession.open(testSessionOptions(join(tmp, "s")));
  const bad = encodeBencode({
    info: { name: "x", "piece length": 16384, pieces: new Uint8Array(20), length: -5 },
  });
  await assertRejects(() => session.add(bad, { dir: join(tmp, "dl") }), MetainfoError);
  await assertRejects(
    () => session.add(new TextEncoder().encode("garbage"), { dir: join(tmp, "dl") }),
    MetainfoError,
  );
  assertEquals(session.torrents, []);
  await assertRejects(() => Deno.stat(join(tmp, "dl")), Deno.errors.NotFound);
});

Deno.test("TorrentSession runs the libtorrent corpus without writing outside the folder", async () => {
  // The corpus is part of the repository: without it the test fails, it never skips.
  const names = [...Deno.readDirSync(CORPUS)].map((e) => e.name)
    .filter((n) => n.endsWith(".torrent")).sort();
  assert(names.length >= 50, `only ${names.length} torrents in the corpus at ${CORPUS}`);
  const expected = JSON.parse(await Deno.readTextFile(join(CORPUS, "EXPECTED.json"))) as {
    rejects: Record<string, string>;
  };
  const tmp = await tempDir();
  await using session = await TorrentSession.open({
    ...testSessionOptions(join(tmp, "state")),
    tracker: false,
  });
  const outcomes: Record<string, string> = {};
  for (const name of names) {
    const dir = join(tmp, "box", name, "dl");
    let handle;
    try {
      handle = await session.add(await Deno.readFile(join(CORPUS, name)), { dir, paused: true });
    } catch (error) {
      assert(error instanceof MetainfoError || error instanceof TorrentError, `${name}: ${error}`);
      outcomes[name] = `refused: ${error.message}`;
      continue;
    }
    assert(!(name in expected.rejects), `${name} must be refused`);
    await handle.resume();
    // Let the engine check (and so open, creating them empty) every file, then stop.
    const started = Date.now();
    while (
      ["metadata", "checking"].includes(handle.status().state) && Date.now() - started < 20_000
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const state = handle.status();
    outcomes[name] = state.state === "error" ? `error: ${state.error}` : state.state;
    await handle.remove({ deleteData: true });
  }
  for (const name of Object.keys(expected.rejects)) {
    if (names.includes(name)) {
      assert(outcomes[name]?.startsWith("refused"), `${name}: ${outcomes[name]}`);
    }
  }
  const accepted = Object.entries(outcomes).filter(([, o]) => !o.startsWith("refused"));
  assert(accepted.length > 40, `${accepted.length} torrents accepted`);
  if (Deno.env.get("OWM_SHOW_CORPUS")) console.log(outcomes);
  for (const [name, outcome] of accepted) {
    assert(outcome === "downloading" || outcome === "paused", `${name}: ${outcome}`);
  }
  // Everything the engine created is inside some <torrent>/dl; removal left no file behind.
  for (const path of await allFiles(join(tmp, "box"))) {
    const parts = path.split("/");
    assertEquals(parts[1], "dl", `${path} is outside its folder`);
  }
  assertEquals((await allFiles(join(tmp, "box"))).length, 0, "deleteData removed every file");
});
