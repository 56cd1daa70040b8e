/**
 * Many sources and many sinks at once, real sessions on loopback (#15 point
 * 4): a download from four seeders takes data from more than one of them,
 * and a seeder serves four leechers at the same time (none waits for another
 * to finish, and its upload limit is shared between them), each getting a
 * verified copy. Seeders are throttled so that no single connection can
 * finish the transfer before the others are up; the assertions are about who
 * sent what, never about how long it took.
 */
import { join } from "node:path";
import { TorrentSession } from "../../lib/torrent/session.ts";
import type { TorrentHandle } from "../../lib/torrent/handle.ts";
import { assert, assertEquals } from "../_assert.ts";
import {
  assertSameTree,
  makeDataset,
  tempDir,
  testSessionOptions,
  torrentOf,
  until,
} from "./_fixtures.ts";

const TIMEOUT = 60_000;

Deno.test("a download from 4 seeders takes data from more than one of them", async () => {
  const tmp = await tempDir();
  const src = await makeDataset(join(tmp, "src"), { a: 1_200_000, b: 600_001, c: 200_000 });
  const { bytes: torrent, metainfo } = await torrentOf(src);
  const seeders: TorrentSession[] = [];
  const seeds: TorrentHandle[] = [];
  try {
    for (let i = 0; i < 4; i++) {
      // 512 KiB/s each: one seeder alone would need 4 s, the four together 1.
      const session = await TorrentSession.open(
        testSessionOptions(join(tmp, `seeder-${i}`), { uploadLimit: 512 * 1024 }),
      );
      seeders.push(session);
      seeds.push(await session.seed(src, torrent));
    }
    await using leecher = await TorrentSession.open({
      ...testSessionOptions(join(tmp, "leecher")),
      tracker: false,
    });
    const handle = await leecher.add(torrent, {
      dir: join(tmp, "dl"),
      peers: seeders.map((s) => `127.0.0.1:${s.port}`),
    });
    await handle.done({ timeoutMs: TIMEOUT });
    await assertSameTree(join(tmp, "dl", "dataset"), src);
    const sent = seeds.map((s) => s.status().uploaded);
    const givers = sent.filter((bytes) => bytes > 0).length;
    assert(givers >= 2, `only ${givers} of 4 seeders sent data: ${sent.join(", ")} bytes`);
    assert(
      sent.reduce((a, b) => a + b, 0) >= metainfo.length,
      `the seeders sent ${sent.join(" + ")} bytes of ${metainfo.length}`,
    );
  } finally {
    for (const session of seeders) await session.close();
  }
});

Deno.test("a seeder serves 4 leechers at once, each a verified copy", async () => {
  const tmp = await tempDir();
  const src = await makeDataset(join(tmp, "src"), { a: 600_000, b: 300_001, c: 100_000 });
  const { bytes: torrent, metainfo } = await torrentOf(src);
  // 1 MiB/s in all: the four copies take about 4 s, so a seeder that served
  // one leecher at a time would leave three waiting while the first downloads.
  await using seeder = await TorrentSession.open(
    testSessionOptions(join(tmp, "seeder"), { uploadLimit: 1024 * 1024 }),
  );
  const seed = await seeder.seed(src, torrent);
  const leechers: TorrentSession[] = [];
  try {
    for (let i = 0; i < 4; i++) {
      // No tracker, DHT or local discovery, and PEX first speaks after 65 s:
      // the leechers know only the seeder, so every byte they get is its.
      leechers.push(
        await TorrentSession.open({
          ...testSessionOptions(join(tmp, `leecher-${i}`)),
          tracker: false,
        }),
      );
    }
    // The four ask at once, so that none has a head start to finish alone.
    const handles: TorrentHandle[] = await Promise.all(
      leechers.map((session, i) =>
        session.add(torrent, { dir: join(tmp, `dl-${i}`), peers: [`127.0.0.1:${seeder.port}`] })
      ),
    );
    const midway = () =>
      handles.every((h) => {
        const s = h.status();
        return s.bytesDone > 0 && s.bytesDone < s.bytesTotal;
      });
    await until(midway, TIMEOUT, "all four leechers part-way through at the same time", 5);
    // The limit is shared between them: when the first has its copy, each
    // other one has at least a quarter of its own (a seeder whose limit went
    // first come, first served left the others near nothing).
    const share = () =>
      handles.map((h) => {
        const s = h.status();
        return s.bytesDone / s.bytesTotal;
      });
    let atFirst: number[] = [];
    await until(() => (atFirst = share()).some((f) => f === 1), TIMEOUT, "a first copy", 5);
    assert(
      atFirst.every((f) => f >= 0.25),
      `when the first leecher had its copy the others had ${
        atFirst.map((f) => `${Math.round(f * 100)}%`).join(", ")
      }`,
    );
    await Promise.all(handles.map((h) => h.done({ timeoutMs: TIMEOUT })));
    for (let i = 0; i < 4; i++) {
      await assertSameTree(join(tmp, `dl-${i}`, "dataset"), src);
      assert(handles[i]!.status().downloaded >= metainfo.length, `leecher ${i} downloaded`);
    }
    assert(
      seed.status().uploaded >= 4 * metainfo.length,
      `the seeder sent ${seed.status().uploaded} bytes for 4 copies of ${metainfo.length}`,
    );
    assertEquals(handles.map((h) => h.status().state), [
      "seeding",
      "seeding",
      "seeding",
      "seeding",
    ]);
  } finally {
    for (const session of leechers) await session.close();
  }
});
