/**
 * Throughput against real BitTorrent clients on loopback, both directions,
 * with the same 256 MiB dataset (override with `--mib N`): for each of aria2,
 * qBittorrent and Transmission, the client seeds → we download (TorrentSession
 * with the client as a direct peer), and we seed → the client downloads (aria2
 * through the local tracker, qBittorrent given us as a peer, Transmission
 * dialled by us). Prints wall time and MiB/s side by side; each result is
 * checked by SHA-256 (outside the timing).
 *
 * Run: `deno task bench:interop` (needs aria2c, qbittorrent-nox and
 * transmission-daemon; a missing client is reported and skipped).
 *
 * @module
 */
import { join } from "node:path";
import { createTorrent } from "../../lib/torrent/create.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import {
  available,
  type RealClient,
  startAria2,
  startQBittorrent,
  startTransmission,
} from "../../tests/interop/_clients.ts";
import { startTracker } from "../../lib/tracker/tracker.ts";

const MiB = 1024 * 1024;
const mibArg = Deno.args.indexOf("--mib");
const SIZE_MIB = mibArg >= 0 ? Number(Deno.args[mibArg + 1]) : 256;
const TIMEOUT_MS = 600_000;

interface ClientSpec {
  name: string;
  binaries: string[];
  start(profile: string): Promise<RealClient>;
  /** How the client finds us when it downloads. */
  route: "tracker" | "direct peer" | "we dial it";
}

const CLIENTS: ClientSpec[] = [
  { name: "aria2", binaries: ["aria2c"], start: startAria2, route: "tracker" },
  {
    name: "qBittorrent",
    binaries: ["qbittorrent-nox"],
    start: startQBittorrent,
    route: "direct peer",
  },
  {
    name: "Transmission",
    binaries: ["transmission-daemon", "transmission-show"],
    start: startTransmission,
    route: "we dial it",
  },
];

async function sha256File(path: string): Promise<string> {
  const data = await Deno.readFile(path);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function writeDataset(path: string): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const chunk = new Uint8Array(MiB);
  try {
    for (let i = 0; i < SIZE_MIB; i++) {
      for (let o = 0; o < chunk.length; o += 65536) {
        crypto.getRandomValues(chunk.subarray(o, o + 65536));
      }
      let written = 0;
      while (written < chunk.length) written += await file.write(chunk.subarray(written));
    }
  } finally {
    file.close();
  }
}

interface Row {
  client: string;
  direction: string;
  route: string;
  seconds: number | null;
  note: string;
}

const tmp = await Deno.makeTempDir({ prefix: "owm-interop-bench-" });
const rows: Row[] = [];
try {
  await using tracker = await startTracker({ interval: 2000 });
  const srcDir = join(tmp, "src");
  await Deno.mkdir(srcDir);
  const src = join(srcDir, "bench.bin");
  console.error(`writing the ${SIZE_MIB} MiB dataset…`);
  await writeDataset(src);
  const want = await sha256File(src);
  const { bytes: torrent, metainfo } = await createTorrent(src, { trackers: [tracker.httpUrl] });
  console.error(`infohash ${metainfo.infoHash}, piece length ${metainfo.pieceLength}`);

  for (const spec of CLIENTS) {
    if (!available(spec.name, spec.binaries)) {
      rows.push({ client: spec.name, direction: "-", route: "-", seconds: null, note: "missing" });
      continue;
    }
    // The client seeds, we download (the client as a direct peer).
    {
      const dir = join(tmp, `${spec.name}-seeds`);
      const client = await spec.start(join(dir, "client"));
      try {
        await client.seed(torrent, srcDir, metainfo.infoHash);
        await using session = await TorrentSession.open({
          stateDir: join(dir, "session"),
          dht: false,
          lsd: false,
          tracker: false,
          port: 0,
          hostname: "127.0.0.1",
        });
        const t0 = performance.now();
        const handle = await session.add(torrent, { dir: join(dir, "got"), peers: [client.peer] });
        await handle.done({ timeoutMs: TIMEOUT_MS });
        const seconds = (performance.now() - t0) / 1000;
        const ok = (await sha256File(join(dir, "got", "bench.bin"))) === want;
        rows.push({
          client: spec.name,
          direction: `${spec.name} seeds → we download`,
          route: "direct peer",
          seconds,
          note: ok ? "sha256 ok" : "SHA-256 MISMATCH",
        });
      } catch (error) {
        rows.push({
          client: spec.name,
          direction: `${spec.name} seeds → we download`,
          route: "direct peer",
          seconds: null,
          note: String(error).slice(0, 200),
        });
      } finally {
        await client.stop();
      }
    }
    // We seed, the client downloads.
    {
      const dir = join(tmp, `${spec.name}-downloads`);
      const got = join(dir, "got");
      await Deno.mkdir(got, { recursive: true });
      const client = await spec.start(join(dir, "client"));
      try {
        await using session = await TorrentSession.open({
          stateDir: join(dir, "session"),
          dht: false,
          lsd: false,
          port: 0,
          hostname: "127.0.0.1",
        });
        let t0: number;
        if (spec.route === "we dial it") {
          await client.download(torrent, got, metainfo.infoHash);
          t0 = performance.now();
          await session.seed(src, torrent, { peers: [client.peer] });
        } else {
          await session.seed(src, torrent);
          t0 = performance.now();
          await client.download(
            torrent,
            got,
            metainfo.infoHash,
            spec.route === "direct peer" ? [`127.0.0.1:${session.port}`] : [],
          );
        }
        await client.waitComplete(metainfo.infoHash, TIMEOUT_MS);
        const seconds = (performance.now() - t0) / 1000;
        const ok = (await sha256File(join(got, "bench.bin"))) === want;
        rows.push({
          client: spec.name,
          direction: `we seed → ${spec.name} downloads`,
          route: spec.route,
          seconds,
          note: ok ? "sha256 ok" : "SHA-256 MISMATCH",
        });
      } catch (error) {
        rows.push({
          client: spec.name,
          direction: `we seed → ${spec.name} downloads`,
          route: spec.route,
          seconds: null,
          note: String(error).slice(0, 200),
        });
      } finally {
        await client.stop();
      }
    }
  }
} finally {
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
}

console.log(
  `\n${SIZE_MIB} MiB, loopback, one file (${Deno.build.os}, Deno ${Deno.version.deno})\n`,
);
console.log("| direction | route | wall time | MiB/s | check |");
console.log("| --- | --- | --- | --- | --- |");
for (const r of rows) {
  const time = r.seconds === null ? "-" : `${r.seconds.toFixed(1)} s`;
  const rate = r.seconds === null ? "-" : (SIZE_MIB / r.seconds).toFixed(1);
  console.log(`| ${r.direction} | ${r.route} | ${time} | ${rate} | ${r.note} |`);
}
Deno.exit(0);
