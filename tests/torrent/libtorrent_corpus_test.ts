/**
 * libtorrent's torrent-file corpus (tests/testdata/libtorrent/, see its
 * README.md): every file through parseMetainfo, following EXPECTED.json, and
 * a deterministic fuzz run over mutated copies.
 */
import { dirname, join, relative } from "node:path";
import { decodeBencode } from "../../lib/torrent/bencode.ts";
import { type Metainfo, MetainfoError, parseMetainfo } from "../../lib/torrent/metainfo.ts";
import { confinedJoin } from "../../lib/fs/confine.ts";
import { assert, assertEquals } from "../_assert.ts";

const CORPUS = new URL("../testdata/libtorrent/", import.meta.url);
const expected: { loads: string[]; rejects: Record<string, string>; other: string[] } = JSON
  .parse(Deno.readTextFileSync(new URL("EXPECTED.json", CORPUS)));
const names = [...Deno.readDirSync(CORPUS)]
  .map((entry) => entry.name)
  .filter((name) => name.endsWith(".torrent"))
  .sort();
const read = (name: string) => Deno.readFileSync(new URL(name, CORPUS));

/** Parses `bytes`, failing the test if that takes a second or more. */
function timedParse(bytes: Uint8Array, label: string): Metainfo {
  const start = performance.now();
  try {
    return parseMetainfo(bytes);
  } finally {
    const ms = performance.now() - start;
    assert(ms < 1000, `${label}: parsing took ${ms.toFixed(0)} ms`);
  }
}

/** Whether `bytes` is a BitTorrent v2-only torrent (meta version 2 and no v1 `pieces`). */
function isV2Only(bytes: Uint8Array): boolean {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0x0a) end--;
  const root = decodeBencode(bytes.subarray(0, end));
  if (root.type !== "dictionary") return false;
  const info = root.value.get("info");
  if (info?.type !== "dictionary") return false;
  const version = info.value.get("meta version");
  return version?.type === "integer" && version.value === 2n && !info.value.has("pieces");
}

async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    out.push(path);
    if (entry.isDirectory) out.push(...await listTree(path));
  }
  return out;
}

/**
 * Writes every non-pad file of `meta` as an empty file under a download
 * directory that is the only child of a fresh parent, and checks that nothing
 * lands outside it and no two files share a path.
 */
async function materialise(meta: Metainfo, label: string): Promise<void> {
  const parent = await Deno.makeTempDir({ prefix: "owm-corpus-" });
  try {
    const download = join(parent, "download");
    await Deno.mkdir(download);
    for (const file of meta.files) {
      assert(!file.path.startsWith("/") && !file.path.includes("\\"), `${label}: ${file.path}`);
      assert(file.path.split("/").every((part) => part !== "" && part !== "." && part !== ".."));
      const target = confinedJoin(download, file.path);
      if (file.pad) continue;
      await Deno.mkdir(dirname(target), { recursive: true });
      await Deno.writeFile(target, new Uint8Array(), { createNew: true });
    }
    const siblings = [...Deno.readDirSync(parent)].map((entry) => entry.name);
    assertEquals(siblings, ["download"], `${label}: nothing outside the download directory`);
    for (const path of await listTree(download)) {
      const rel = relative(download, await Deno.realPath(path));
      assert(rel !== "" && !rel.startsWith(".."), `${label}: ${path} resolves outside`);
    }
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
}

Deno.test("libtorrent corpus: EXPECTED.json names only files that are present", () => {
  const listed = [...expected.loads, ...Object.keys(expected.rejects), ...expected.other];
  for (const name of listed) assert(names.includes(name), `${name} is missing`);
  assert(names.length >= 100, `only ${names.length} corpus files`);
});

Deno.test("libtorrent corpus: valid torrents load with every path inside the directory, or are refused as v2-only", async (t) => {
  const valid = names.filter((name) => !(name in expected.rejects));
  let loaded = 0;
  for (const name of valid) {
    await t.step(name, async () => {
      const bytes = read(name);
      let meta: Metainfo;
      try {
        meta = timedParse(bytes, name);
      } catch (error) {
        assert(error instanceof MetainfoError, `${name}: ${error}`);
        assertEquals(error.code, "v2-only-unsupported", `${name}: ${error.message}`);
        assert(isV2Only(bytes), `${name} is not v2-only, yet was refused: ${error.message}`);
        return;
      }
      loaded++;
      assertEquals(meta.pieceHashes.length, meta.pieceCount * 20);
      assertEquals(meta.files.reduce((sum, file) => sum + file.length, 0), meta.length);
      await materialise(meta, name);
    });
  }
  assert(loaded >= 50, `only ${loaded} corpus torrents loaded`);
});

Deno.test("libtorrent corpus: invalid torrents are refused with a MetainfoError", async (t) => {
  for (const name of Object.keys(expected.rejects)) {
    await t.step(`${name} (libtorrent: ${expected.rejects[name]})`, () => {
      try {
        timedParse(read(name), name);
      } catch (error) {
        assert(error instanceof MetainfoError, `${name} threw ${error}`);
        assert(!error.message.includes("\n"));
        return;
      }
      throw new Error(`${name} was accepted`);
    });
  }
});

/** mulberry32: a small seeded PRNG, so the fuzz run is the same every time. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(input: Uint8Array, random: () => number): Uint8Array {
  const int = (n: number) => Math.floor(random() * n);
  const bytes = [...input];
  const interesting = [..."ield:0123456789-"].map((c) => c.charCodeAt(0));
  const rounds = 1 + int(3);
  for (let round = 0; round < rounds && bytes.length > 0; round++) {
    const at = int(bytes.length);
    switch (int(7)) {
      case 0: // flip a bit
        bytes[at] = bytes[at]! ^ (1 << int(8));
        break;
      case 1: // truncate
        bytes.length = at;
        break;
      case 2: // a bencode-significant byte
        bytes[at] = interesting[int(interesting.length)]!;
        break;
      case 3: // insert bytes
        bytes.splice(at, 0, ...Array.from({ length: 1 + int(8) }, () => int(256)));
        break;
      case 4: // delete a run
        bytes.splice(at, 1 + int(32));
        break;
      case 5: // duplicate a chunk
        bytes.splice(at, 0, ...bytes.slice(int(bytes.length), int(bytes.length) + 64));
        break;
      default: // change a digit, to stretch lengths and integers
        for (let i = at; i < bytes.length; i++) {
          if (bytes[i]! >= 0x30 && bytes[i]! <= 0x39) {
            bytes[i] = 0x30 + int(10);
            break;
          }
        }
    }
  }
  return new Uint8Array(bytes);
}

Deno.test("parseMetainfo() survives 2,000 mutated corpus files: MetainfoError or a confined result", () => {
  const random = prng(0x5eed);
  const inputs = names.map(read);
  let accepted = 0;
  for (let i = 0; i < 2000; i++) {
    const source = names[i % names.length]!;
    const bytes = mutate(inputs[i % inputs.length]!, random);
    const label = `fuzz #${i} (from ${source})`;
    let meta: Metainfo;
    try {
      meta = timedParse(bytes, label);
    } catch (error) {
      assert(error instanceof MetainfoError, `${label} threw ${error}`);
      continue;
    }
    accepted++;
    assertEquals(meta.pieceHashes.length, meta.pieceCount * 20, label);
    const seen = new Set<string>();
    let offset = 0;
    for (const file of meta.files) {
      assertEquals(file.offset, offset, label);
      offset += file.length;
      confinedJoin("/download", file.path);
      if (!file.pad) {
        const key = file.path.normalize("NFC").toLowerCase();
        assert(!seen.has(key), `${label}: duplicate path ${file.path}`);
        seen.add(key);
      }
    }
    assertEquals(offset, meta.length, label);
  }
  assert(accepted > 50, `only ${accepted} mutated inputs parsed; the fuzzing is too destructive`);
});
