/**
 * Locked fetches through the bridge, with a real loopback seeder:
 * `Bridge.fetch(id, {locked: true})` sends the lockfile's entry, and the
 * bridge refuses (`lock-mismatch`) a DataSource the lock does not pin, a
 * different torrent before downloading, content here with a changed byte
 * (showing expected and actual SHA-256), and downloaded content whose files
 * differ from the lock; it succeeds on a match, downloading when needed. The
 * Python client does the same with `fetch --locked`.
 */
import { join } from "node:path";
import { Bridge, BridgeError } from "../../mod.ts";
import { DataSourceRepository } from "../../lib/datasource/repository.ts";
import { LocalFolderIndex } from "../../lib/index/local_folder_index.ts";
import { hashFile } from "../../lib/integrity/hash.ts";
import { mergeLock, writeLockFile } from "../../lib/lock/lock_file.ts";
import type { LockEntry } from "../../lib/lock/lock_format.ts";
import { lockEntryFor } from "../../lib/lock/lock_sources.ts";
import { publish } from "../../lib/publish/publish.ts";
import { shellEnv } from "../_env.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertStringIncludes,
} from "../_assert.ts";
import { assertSameTree, makeDataset, tempDir } from "../torrent/_fixtures.ts";
import { startSeeder } from "../bridge/_seeder.ts";
import { flipByte } from "../lock/_fixtures.ts";

const LOOPBACK = { dht: false, lsd: false, torrentPort: 0 };
const IRI = (key: string) => `http://data.openworm.org/data_sources/CSVDataSource#${key}`;

function as(entry: LockEntry, key: string, change: Partial<LockEntry> = {}): LockEntry {
  return { ...entry, iri: IRI(key), id: `CSVDataSource:${key}`, ...change };
}

Deno.test("Bridge.fetch(id, {locked: true}) succeeds on a match and refuses every mismatch", async () => {
  const root = await tempDir();
  const home = join(root, "store");
  await using seeder = await startSeeder(root, home);
  await using bridge = await Bridge.connect({ home, startOptions: LOOPBACK });
  const peers = [seeder.peer];
  for (const key of ["remote", "unlocked"]) {
    await bridge.create({
      class: "CSVDataSource",
      key,
      fields: { torrentFileName: seeder.torrentFileName },
    });
  }
  // Another torrent in the same index, which "swapped" now names.
  const other = await publish(await makeDataset(join(root, "other"), { a: 1000, b: 2, c: 3 }), {
    class: "CSVDataSource",
    key: "other",
    repository: await DataSourceRepository.open({ home: join(root, "other-store"), create: true }),
    index: new LocalFolderIndex(join(home, "torrents")),
  });
  await bridge.create({
    class: "CSVDataSource",
    key: "swapped",
    fields: { torrentFileName: other.torrentFileName },
  });

  // Fetch unlocked, then pin "remote" as `owm lock` would.
  const directory = await bridge.fetch("CSVDataSource:remote", { peers });
  const repo = await DataSourceRepository.open({ home });
  const remote = await lockEntryFor(repo, await repo.get("CSVDataSource:remote"), {
    indexes: [new LocalFolderIndex(join(home, "torrents"))],
  });
  assertEquals(remote.infoHash, seeder.infoHash);
  const swapped = as(remote, "swapped", { torrentFileName: other.torrentFileName });
  const lockFile = join(root, "project", "owm.lock");
  await Deno.mkdir(join(root, "project"));
  await writeLockFile(lockFile, mergeLock(undefined, [remote, swapped]));

  // A match: done at once.
  assertEquals(await bridge.fetch("CSVDataSource:remote", { locked: true, lockFile }), directory);

  // Not in the lock: refused by the client, nothing started.
  const unlocked = await assertRejects(
    () => bridge.fetch("CSVDataSource:unlocked", { locked: true, lockFile, peers }),
    BridgeError,
  );
  assertEquals(unlocked.code, "lock-mismatch");
  assertMatch(
    unlocked.message,
    /'CSVDataSource:unlocked' does not match the lock .*it is not in the lock/,
  );

  // Another torrent under the pinned name's place: 409 before any download.
  const before = (await bridge.torrents()).length;
  const torrent = await assertRejects(
    () => bridge.fetch("CSVDataSource:swapped", { locked: true, lockFile, peers }),
    BridgeError,
  );
  assertEquals([torrent.status, torrent.code], [409, "lock-mismatch"]);
  assertStringIncludes(
    torrent.message,
    `infohash: expected ${seeder.infoHash}, got ${other.infoHash}`,
  );
  assertEquals((await bridge.torrents()).length, before, "no torrent was added");

  // A changed byte in the content here: 409 with expected and actual SHA-256.
  const file = join(directory, "dataset", "a.bin");
  await flipByte(file, 4242);
  const pinned = remote.files.find((f) => f.path === "dataset/a.bin")!.sha256;
  const changed = (await hashFile(file, ["sha256"])).sha256;
  const byte = await assertRejects(
    () => bridge.fetch("CSVDataSource:remote", { locked: true, lockFile }),
    BridgeError,
  );
  assertEquals([byte.status, byte.code], [409, "lock-mismatch"]);
  assertStringIncludes(byte.message, `dataset/a.bin sha256: expected ${pinned}, got ${changed}`);
  assertEquals((await hashFile(file, ["sha256"])).sha256, changed, "not repaired silently");
  // The data restored, the same fetch passes.
  await flipByte(file, 4242);
  assertEquals(await bridge.fetch("CSVDataSource:remote", { locked: true, lockFile }), directory);

  // Another store, where it is not yet: with a lock whose SHA-256 of a.bin was edited by
  // hand, the download runs and the check after it fails the job; with the right lock the
  // same fetch passes.
  const home2 = join(root, "store2");
  await Deno.mkdir(join(home2, "torrents"), { recursive: true });
  await Deno.copyFile(
    join(home, "torrents", seeder.torrentFileName),
    join(home2, "torrents", seeder.torrentFileName),
  );
  await using bridge2 = await Bridge.connect({ home: home2, startOptions: LOOPBACK });
  await bridge2.create({
    class: "CSVDataSource",
    key: "remote",
    fields: { torrentFileName: seeder.torrentFileName },
  });
  const editedLock = join(root, "project", "edited.lock");
  await writeLockFile(
    editedLock,
    mergeLock(undefined, [{
      ...remote,
      files: remote.files.map((f) =>
        f.path === "dataset/a.bin" ? { ...f, sha256: "0".repeat(64) } : f
      ),
    }]),
  );
  const after = await assertRejects(
    () => bridge2.fetch("CSVDataSource:remote", { locked: true, lockFile: editedLock, peers }),
    BridgeError,
  );
  assertEquals(after.code, "lock-mismatch");
  assertMatch(after.message, /the content loaded into .*store2.* does not match the lock/);
  assertStringIncludes(
    after.message,
    `dataset/a.bin sha256: expected ${"0".repeat(64)}, got ${pinned}`,
  );
  // Fetching it again with that lock refuses at once: the content is here and differs.
  const again = await assertRejects(
    () => bridge2.fetch("CSVDataSource:remote", { locked: true, lockFile: editedLock }),
    BridgeError,
  );
  assertEquals([again.status, again.code], [409, "lock-mismatch"]);
  const fresh = await bridge2.fetch("CSVDataSource:remote", { locked: true, lockFile, peers });
  assertEquals(fresh, join(home2, "data_source_data", "bittorrent", "remote"));
  await assertSameTree(join(fresh, "dataset"), seeder.content);

  // A malformed lock entry sent by hand is a 400.
  const res = await fetch(`${bridge.url}/api/datasources/CSVDataSource:remote/fetch`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${
        JSON.parse(await Deno.readTextFile(join(home, "bridge.json"))).token
      }`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ lock: { iri: IRI("remote"), id: "x", infoHash: "nope" } }),
  });
  assertEquals(res.status, 400);
  assertEquals((await res.json()).error.code, "bad-lock");

  // The Python client: a locked fetch of a match prints the directory; an unlocked id exits 1.
  const python = async (args: string[]) => {
    const out = await new Deno.Command("python3", {
      args: [new URL("../../scripts/owm_bridge.py", import.meta.url).pathname, ...args],
      cwd: join(root, "project"),
      clearEnv: true,
      env: shellEnv({ OWM_HOME: home, PYTHONDONTWRITEBYTECODE: "1" }),
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    return {
      code: out.code,
      stdout: decoder.decode(out.stdout),
      stderr: decoder.decode(out.stderr),
    };
  };
  const py = await python(["fetch", "CSVDataSource:remote", "--locked"]);
  assertEquals([py.code, py.stdout.trim()], [0, directory], py.stderr);
  const pyRefused = await python(["fetch", "CSVDataSource:swapped", "--locked"]);
  assertEquals(pyRefused.code, 1);
  assertStringIncludes(pyRefused.stderr, "(lock-mismatch)");
  assertStringIncludes(pyRefused.stderr, `infohash: expected ${seeder.infoHash}`);
  const pyUnlocked = await python(["fetch", "CSVDataSource:unlocked", "--locked"]);
  assertEquals(pyUnlocked.code, 1);
  assert(pyUnlocked.stderr.includes("not in the lock"), pyUnlocked.stderr);
});
