/**
 * The interop matrix run against each real client (see `_clients.ts`): both
 * directions, single-file and multi-file torrents (with an empty file and a
 * nested folder), via the local tracker and via direct peers, results checked
 * byte for byte by SHA-256; and the client's view of our `.torrent` files'
 * infohashes.
 *
 * @module
 */
import { join } from "node:path";
import { CSVDataSource } from "../../lib/datasource/csv_data_source.ts";
import { LocalFolderIndex } from "../../lib/index/local_folder_index.ts";
import { digestContent } from "../../lib/integrity/content_digest.ts";
import { BitTorrentDataSourceDirLoader } from "../../lib/loader/bittorrent_loader.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import { assert, assertEquals } from "../_assert.ts";
import {
  bytes,
  makeDataset,
  readTree,
  tempDir,
  testSessionOptions,
  torrentOf,
  writeTree,
} from "../torrent/_fixtures.ts";
import { startTracker, type Tracker } from "../../lib/tracker/tracker.ts";
import type { RealClient } from "./_clients.ts";
import type { Requirement } from "../_require.ts";

const DEBUG = Deno.env.get("OWM_INTEROP_DEBUG") === "1";
const debug = (...args: unknown[]) => DEBUG && console.error("[interop]", ...args);

/** Generous: Transmission uploads slowly, and CI machines are small. */
const TRANSFER_MS = 60_000;

/** How a client takes part in the matrix. */
export interface MatrixOptions {
  /** The client's name in test names. */
  name: string;
  /** Starts the client with its own profile under `profile`. */
  start(profile: string): Promise<RealClient>;
  /**
   * Whether the client's programs are here (tests/_require.ts): missing, every
   * test is ignored with one line naming the Debian packages, or fails under
   * OWM_TEST_REQUIRE_ALL=1.
   */
  requirement: Requirement;
  /** The client dials peers on 127.0.0.1 (Transmission 3 does not: we dial it). */
  dialsLoopback: boolean;
  /** The client can be given a peer to dial (aria2 cannot: it uses the tracker). */
  takesDirectPeers: boolean;
  /** The client creates zero-length files (Transmission 3 does not). @default true */
  createsEmptyFiles?: boolean;
}

type Shape = "multi-file" | "single-file";
type Route = "tracker" | "direct peer";
type Case = { shape: Shape; route: Route };

const CASES: Case[] = [
  { shape: "multi-file", route: "tracker" },
  { shape: "single-file", route: "tracker" },
  { shape: "multi-file", route: "direct peer" },
  { shape: "single-file", route: "direct peer" },
];

/**
 * Makes the content of one case under `dir/src` (different bytes for each
 * case, so each has its own infohash); returns its path.
 */
async function content(dir: string, shape: Shape, variant = 0): Promise<string> {
  if (shape === "multi-file") {
    // a.bin, nested/deeper/b.bin, nested/c.csv and the empty empty.txt
    return await makeDataset(join(dir, "src"), {
      a: 1_500_000 + variant,
      b: 700_001 + variant,
      c: 300_000 + variant,
    });
  }
  await writeTree(join(dir, "src"), { "single.bin": bytes(1_234_567 + variant, 7 + variant) });
  return join(dir, "src", "single.bin");
}

async function sha256(data: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function fileHashes(path: string): Promise<Record<string, string>> {
  if ((await Deno.stat(path)).isFile) return { ".": await sha256(await Deno.readFile(path)) };
  const out: Record<string, string> = {};
  for (const [name, data] of Object.entries(await readTree(path))) {
    out[name] = await sha256(data as Uint8Array<ArrayBuffer>);
  }
  return out;
}

const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/**
 * Asserts the same names and bytes, checked by SHA-256 per file and over the
 * whole content. `createsEmptyFiles: false` (Transmission 3) lets zero-length
 * files be absent, and only those.
 */
async function assertSameContent(
  actual: string,
  expected: string,
  createsEmptyFiles = true,
): Promise<void> {
  const got = await fileHashes(actual);
  const want = await fileHashes(expected);
  if (!createsEmptyFiles) {
    for (const [name, hash] of Object.entries(want)) {
      if (hash === EMPTY_SHA256 && !(name in got)) delete want[name];
    }
  }
  assertEquals(got, want, "the same files with the same SHA-256");
  if (createsEmptyFiles) {
    const a = await digestContent(actual, ["sha256"]);
    const e = await digestContent(expected, ["sha256"]);
    assertEquals(a.digests.sha256, e.digests.sha256, "byte-identical content (SHA-256)");
  }
}

async function withClient(
  options: MatrixOptions,
  tmp: string,
  fn: (client: RealClient) => Promise<void>,
): Promise<void> {
  debug("starting", options.name);
  const client = await options.start(join(tmp, "client"));
  debug("started", options.name);
  try {
    await fn(client);
    debug("body done");
  } catch (error) {
    const log = await client.log();
    throw new Error(
      `${error instanceof Error ? error.stack : error}\n--- ${client.name} log:\n${log}`,
    );
  } finally {
    await client.stop();
    debug("stopped", options.name);
  }
}

interface Prepared extends Case {
  dir: string;
  src: string;
  torrent: Uint8Array;
  infoHash: string;
  name: string;
}

async function prepare(tmp: string, cases: Case[], tracker: Tracker): Promise<Prepared[]> {
  const out: Prepared[] = [];
  for (const [i, c] of cases.entries()) {
    const dir = join(tmp, `case${i}`);
    const src = await content(dir, c.shape, i);
    const { bytes: torrent, metainfo } = await torrentOf(
      src,
      c.route === "tracker" ? { trackers: [tracker.httpUrl] } : {},
    );
    out.push({ ...c, dir, src, torrent, infoHash: metainfo.infoHash, name: metainfo.name });
  }
  return out;
}

const label = (c: Case) => `${c.shape} via ${c.route}`;

/** Registers the matrix for one client. */
export function interopMatrix(options: MatrixOptions): void {
  const { requirement } = options;
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test({
      name: `${options.name} interop: ${name}`,
      ignore: requirement.ignore,
      fn: () => {
        requirement.check();
        return fn();
      },
    });
  const createsEmptyFiles = options.createsEmptyFiles ?? true;

  test("accepts our .torrent files and computes the same infohash", async () => {
    const tmp = await tempDir();
    await withClient(options, tmp, async (client) => {
      for (const shape of ["multi-file", "single-file"] as const) {
        const src = await content(join(tmp, shape), shape);
        const { bytes: torrent, metainfo } = await torrentOf(src, {
          trackers: ["http://127.0.0.1:9/announce"],
        });
        const seen = await client.infoHashOf(torrent, join(tmp, shape, "scratch"));
        assertEquals(seen, metainfo.infoHash, `${shape} infohash as ${client.name} sees it`);
      }
    });
  });

  // aria2 cannot be given a peer: when it downloads, it finds us through the tracker only.
  const weSeed = CASES.filter((c) =>
    c.route === "tracker" || options.takesDirectPeers || !options.dialsLoopback
  );
  test(`we seed, it downloads (${weSeed.map(label).join("; ")})`, async () => {
    const tmp = await tempDir();
    await using tracker = await startTracker({ interval: 2000 });
    const cases = await prepare(tmp, weSeed, tracker);
    await withClient(options, tmp, async (client) => {
      await using session = await TorrentSession.open(testSessionOptions(join(tmp, "session")));
      const us = `127.0.0.1:${session.port}`;
      await Promise.all(cases.map(async (c) => {
        const got = join(c.dir, "got");
        await Deno.mkdir(got, { recursive: true });
        if (options.dialsLoopback) {
          await session.seed(c.src, c.torrent);
          await client.download(c.torrent, got, c.infoHash, c.route === "direct peer" ? [us] : []);
        } else {
          // It never dials us: it must hold the torrent (and have announced it) before we
          // dial it, directly or as the tracker tells us.
          await client.download(c.torrent, got, c.infoHash);
          await session.seed(
            c.src,
            c.torrent,
            c.route === "direct peer" ? { peers: [client.peer] } : {},
          );
        }
        await client.waitComplete(c.infoHash, TRANSFER_MS);
        await assertSameContent(join(got, c.name), c.src, createsEmptyFiles);
      }));
    });
  });

  test(`it seeds, we download (${CASES.map(label).join("; ")})`, async () => {
    const tmp = await tempDir();
    await using tracker = await startTracker({ interval: 2000 });
    debug("tracker up");
    const cases = await prepare(tmp, CASES, tracker);
    debug("prepared");
    await withClient(options, tmp, async (client) => {
      await Promise.all(cases.map((c) => client.seed(c.torrent, join(c.src, ".."), c.infoHash)));
      debug("client seeding");
      await using session = await TorrentSession.open(testSessionOptions(join(tmp, "session")));
      await Promise.all(cases.map(async (c) => {
        const got = join(c.dir, "got");
        const handle = await session.add(c.torrent, {
          dir: got,
          ...(c.route === "direct peer" ? { peers: [client.peer] } : {}),
        });
        await handle.done({ timeoutMs: TRANSFER_MS });
        debug("downloaded", label(c));
        await assertSameContent(join(got, c.name), c.src);
      }));
    });
  });
  test("it seeds, we fetch through the BitTorrent loader (multi-file, direct peer)", async () => {
    const tmp = await tempDir();
    const src = await content(tmp, "multi-file");
    const { bytes: torrent, metainfo } = await torrentOf(src);
    const index = join(tmp, "index");
    await Deno.mkdir(index, { recursive: true });
    await Deno.writeFile(join(index, "interop.torrent"), torrent);
    await withClient(options, tmp, async (client) => {
      await client.seed(torrent, join(src, ".."), metainfo.infoHash);
      await using session = await TorrentSession.open({
        ...testSessionOptions(join(tmp, "session")),
        tracker: false,
      });
      const loader = new BitTorrentDataSourceDirLoader(join(tmp, "data"), {
        session,
        indexes: [new LocalFolderIndex(index)],
        peers: [client.peer],
        timeoutMs: TRANSFER_MS,
      });
      const ds = new CSVDataSource({ key: "interop", torrentFileName: "interop.torrent" });
      const result = await loader.load(ds);
      assert(result.contentPath, "the loader reports its result");
      assertEquals(result.directory, loader.directoryFor(ds));
      assertEquals(result.infoHash, metainfo.infoHash);
      assertEquals(result.report?.ok, true, "the loader verified the content");
      assertEquals(result.origin, "download");
      await assertSameContent(result.contentPath, src);
      assertEquals((await Deno.stat(join(result.contentPath, "empty.txt"))).size, 0);
    });
  });
}
