/**
 * Shared fixtures for the engine tests: content folders, torrents made from
 * them, tree comparison, a web seed server, and session options for loopback.
 *
 * @module
 */
import "../_cache_env.ts"; // a temporary shared cache, never the user's
import { join, relative } from "node:path";
import { createTorrent, type CreateTorrentOptions } from "../../lib/torrent/create.ts";
import type { Metainfo } from "../../lib/torrent/metainfo.ts";
import type { TorrentSessionOptions } from "../../lib/torrent/session.ts";
import type { TorrentStatus } from "../../lib/torrent/handle.ts";
import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../_assert.ts";

/** Deterministic pseudo-random bytes (xorshift), so failures reproduce. */
export function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Writes `files` (relative path → bytes) under `root`. */
export async function writeTree(root: string, files: Record<string, Uint8Array>): Promise<void> {
  for (const [path, data] of Object.entries(files)) {
    const full = join(root, path);
    await Deno.mkdir(join(full, ".."), { recursive: true });
    await Deno.writeFile(full, data);
  }
}

/** Reads every file under `root` (relative path → bytes). */
export async function readTree(root: string): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  async function walk(dir: string) {
    for await (const entry of Deno.readDir(dir)) {
      const full = join(dir, entry.name);
      if (entry.isDirectory) await walk(full);
      else out[relative(root, full)] = await Deno.readFile(full);
    }
  }
  await walk(root);
  return out;
}

/** Asserts that two folders hold the same files with the same bytes. */
export async function assertSameTree(actual: string, expected: string): Promise<void> {
  const a = await readTree(actual);
  const b = await readTree(expected);
  assertEquals(Object.keys(a).sort(), Object.keys(b).sort(), "file lists differ");
  for (const [path, data] of Object.entries(b)) {
    const got = a[path]!;
    assertEquals(got.length, data.length, `size of ${path}`);
    let same = true;
    for (let i = 0; i < data.length && same; i++) same = got[i] === data[i];
    assertEquals(same, true, `bytes of ${path} differ`);
  }
}

/** A dataset folder `<parent>/dataset` with a nested folder and an empty file. */
export async function makeDataset(
  parent: string,
  sizes = { a: 1_500_000, b: 700_001, c: 300_000 },
): Promise<string> {
  const root = join(parent, "dataset");
  await writeTree(root, {
    "a.bin": bytes(sizes.a, 1),
    "nested/deeper/b.bin": bytes(sizes.b, 2),
    "nested/c.csv": bytes(sizes.c, 3),
    "empty.txt": new Uint8Array(0),
  });
  return root;
}

/** Makes a torrent of `path`. */
export async function torrentOf(
  path: string,
  options: CreateTorrentOptions = {},
): Promise<{ bytes: Uint8Array; metainfo: Metainfo }> {
  return await createTorrent(path, { pieceLength: 32768, ...options });
}

/** Session options for tests: loopback, no DHT, no LSD, any port; `extra` added over them. */
export function testSessionOptions(
  stateDir: string,
  extra: Partial<TorrentSessionOptions> = {},
): TorrentSessionOptions {
  return { stateDir, dht: false, lsd: false, port: 0, hostname: "127.0.0.1", ...extra };
}

/**
 * A BEP 19 web seed: serves files under `root` at `http://127.0.0.1:PORT/`
 * with Range support.
 */
export function startWebSeed(root: string): Deno.HttpServer<Deno.NetAddr> & { url: string } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = join(root, decodeURIComponent(new URL(req.url).pathname));
    if (!path.startsWith(root)) return new Response("no", { status: 403 });
    let data: Uint8Array<ArrayBuffer>;
    try {
      data = await Deno.readFile(path);
    } catch {
      return new Response("not found", { status: 404 });
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.get("range") ?? "");
    if (!range) return new Response(data);
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), data.length - 1) : data.length - 1;
    return new Response(data.slice(start, end + 1), {
      status: 206,
      headers: { "content-range": `bytes ${start}-${end}/${data.length}` },
    });
  });
  return Object.assign(server, { url: `http://127.0.0.1:${server.addr.port}/` });
}

const temps: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const path of temps) {
    try {
      Deno.removeSync(path, { recursive: true });
    } catch {
      // already gone
    }
  }
});

/** A temporary directory, deleted when the test process exits. */
export async function tempDir(): Promise<string> {
  const path = await Deno.makeTempDir({ prefix: "owm-torrent-test-" });
  temps.push(path);
  return path;
}

/** Runs `fn` with a new temporary directory, removed afterwards. */
export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "owm-torrent-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Resolves once `test()` holds (polled every `everyMs`), or rejects after `ms` naming `what`. */
export function until(test: () => boolean, ms: number, what: string, everyMs = 25): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (test()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started > ms) {
        clearInterval(timer);
        reject(new Error(`Timed out waiting for ${what}`));
      }
    }, everyMs);
  });
}

/** What {@linkcode killedDownload} is told. */
export interface KilledDownloadOptions {
  /** The `.torrent` file, the download folder and the session's state folder. */
  torrentPath: string;
  dir: string;
  state: string;
  /** The peer to download from (`host:port`). */
  peer: string;
  /** Download limit of the child, bytes per second (slow enough to kill it mid-way). */
  limit: number;
  /** True for the status at which to kill it. */
  killAt: (status: TorrentStatus) => boolean;
  /** Awaited between that status and the kill (e.g. a random delay, to kill mid-write). */
  beforeKill?: () => Promise<void>;
}

/**
 * Runs a download in a child process (tests/torrent/_download_child.ts) and
 * kills it with SIGKILL once `killAt` holds for a progress report; returns
 * that last report.
 */
export async function killedDownload(options: KilledDownloadOptions): Promise<TorrentStatus> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-net",
      fileURLToPath(new URL("./_download_child.ts", import.meta.url)),
      options.torrentPath,
      options.dir,
      options.state,
      options.peer,
      String(options.limit),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let last: TorrentStatus | null = null;
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    while (!last || !options.killAt(last)) {
      const { value, done } = await lines.read();
      assert(!done, "the child ended before the moment to kill it");
      buffer += value;
      let nl;
      while ((nl = buffer.indexOf("\n")) !== -1) {
        last = JSON.parse(buffer.slice(0, nl)) as TorrentStatus;
        buffer = buffer.slice(nl + 1);
      }
    }
    await options.beforeKill?.();
    child.kill("SIGKILL");
  } finally {
    await lines.cancel().catch(() => {});
    await child.status;
  }
  return last;
}
