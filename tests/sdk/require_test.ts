/**
 * `owm.require("Class:key")` against a real loopback seeder: it downloads and
 * returns the verified directory; once the content is here and pinned in a
 * lockfile, a second call needs no torrent session and no network (run in a
 * process denied the network, after the seeder stopped); it refuses a changed
 * byte, a DataSource the lock does not pin, and a missing lockfile when
 * `locked: true`; `locked: false` ignores the lock.
 */
import { join } from "node:path";
import * as owm from "../../mod.ts";
import { CSVDataSource } from "../../lib/datasource/csv_data_source.ts";
import { DataSourceRepository } from "../../lib/datasource/repository.ts";
import { LocalFolderIndex } from "../../lib/index/local_folder_index.ts";
import { hashFile } from "../../lib/integrity/hash.ts";
import { defaultRegistry } from "../../lib/stack/defaults.ts";
import { shellEnv } from "../_env.ts";
import { assert, assertEquals, assertMatch, assertRejects } from "../_assert.ts";
import { assertSameTree, tempDir } from "../torrent/_fixtures.ts";
import { startSeeder } from "../bridge/_seeder.ts";
import { flipByte } from "../lock/_fixtures.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const LOOPBACK = { dht: false, lsd: false, port: 0, hostname: "127.0.0.1" };

/** Runs `owm.require(id, {home, lockFile})` in a process denied the network; prints the directory. */
async function requireOffline(home: string, lockFile: string, id: string) {
  const script = join(home, "..", "require_child.ts");
  await Deno.writeTextFile(
    script,
    `import * as owm from ${JSON.stringify(join(ROOT, "mod.ts"))};
const started = performance.now();
const dir = await owm.require(${JSON.stringify(id)}, { home: ${JSON.stringify(home)}, lockFile: ${
      JSON.stringify(lockFile)
    } });
console.log(JSON.stringify({ dir, ms: performance.now() - started }));
`,
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--no-prompt",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--deny-net",
      `--config=${join(ROOT, "deno.json")}`,
      script,
    ],
    clearEnv: true,
    env: shellEnv({ NO_COLOR: "1" }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

Deno.test("owm.require returns the verified directory, then serves it from the lock without network", async () => {
  const root = await tempDir();
  const home = join(root, "store");
  const seeder = await startSeeder(root, home);
  const repository = await DataSourceRepository.open({ home, create: true });
  await repository.save([
    new CSVDataSource({ key: "remote", torrentFileName: seeder.torrentFileName }),
    new CSVDataSource({ key: "unpinned", torrentFileName: seeder.torrentFileName }),
  ]);
  const lockFile = join(root, "project", "owm.lock");
  const progress: string[] = [];

  // No lockfile yet: downloaded from the peer and verified.
  const dir = await owm.require("CSVDataSource:remote", {
    home,
    lockFile,
    peers: [seeder.peer],
    sessionOptions: LOOPBACK,
    onProgress: (p) => progress.push(p.phase),
  });
  assertEquals(dir, join(home, "data_source_data", "bittorrent", "remote"));
  await assertSameTree(join(dir, "dataset"), seeder.content);
  assert(progress.length > 0, "progress was reported");

  // Pin it, as `owm lock CSVDataSource:remote` does, then stop the only peer.
  const { entries } = await owm.lockDataSources(repository, ["CSVDataSource:remote"], {
    indexes: [new LocalFolderIndex(join(home, "torrents"))],
  });
  await Deno.mkdir(join(root, "project"));
  await owm.writeLockFile(lockFile, owm.mergeLock(undefined, entries));
  await seeder[Symbol.asyncDispose]();

  // Fast path: content here and matching the lock; no session, no socket (network denied),
  // not even the .torrent (moved out of the index for this call).
  const torrent = join(home, "torrents", seeder.torrentFileName);
  await Deno.rename(torrent, `${torrent}.away`);
  const offline = await requireOffline(home, lockFile, "CSVDataSource:remote");
  await Deno.rename(`${torrent}.away`, torrent);
  assertEquals(offline.code, 0, offline.stderr);
  const fast = JSON.parse(offline.stdout);
  assertEquals(fast.dir, dir);
  console.log(`owm.require fast path (lock, 4 files, 990 kB): ${fast.ms.toFixed(0)} ms`);
  assertEquals(await owm.require("CSVDataSource:remote", { home, lockFile }), dir);

  // A DataSource the lock does not pin is refused, even though its torrent is the same.
  const unpinned = await assertRejects(
    () => owm.require("CSVDataSource:unpinned", { home, lockFile }),
    owm.LockMismatchError,
  );
  assertEquals(unpinned.mismatches.map((m) => m.kind), ["not-locked"]);
  assertMatch(unpinned.message, /owm lock CSVDataSource:unpinned/);

  // A changed byte: refused with the pinned and found SHA-256.
  const file = join(dir, "dataset", "nested", "c.csv");
  await flipByte(file, 7);
  const changed = await assertRejects(
    () => owm.require("CSVDataSource:remote", { home, lockFile }),
    owm.LockMismatchError,
  );
  const pinned = entries[0]!.files.find((f) => f.path === "dataset/nested/c.csv")!.sha256;
  assertEquals(changed.mismatches, [{
    kind: "sha256",
    path: "dataset/nested/c.csv",
    expected: pinned,
    actual: (await hashFile(file, ["sha256"])).sha256,
  }]);
  assertEquals(changed.lockFile, lockFile);
  assertEquals((await requireOffline(home, lockFile, "CSVDataSource:remote")).code, 1);

  // locked: false ignores the lock: the loader's own check refuses the damage instead.
  const unlocked = await assertRejects(
    () => owm.require("CSVDataSource:remote", { home, lockFile, locked: false }),
    owm.LoadFailedError,
  );
  assertMatch(unlocked.message, /present but does not verify/);

  // locked: true needs the lockfile.
  const missing = await assertRejects(
    () =>
      owm.require("CSVDataSource:remote", { home, lockFile: join(root, "no.lock"), locked: true }),
    owm.LockFileError,
  );
  assertMatch(missing.message, /no\.lock: does not exist/);
});

Deno.test("defaultRegistry opens no session for content here, and none at all offline", async () => {
  const root = await tempDir();
  const home = join(root, "store");
  await using seeder = await startSeeder(root, home);
  const repository = await DataSourceRepository.open({ home, create: true });
  await repository.save([new CSVDataSource({ key: "r", torrentFileName: seeder.torrentFileName })]);
  const ds = await repository.get("CSVDataSource:r");

  const offline = defaultRegistry({ repository, offline: true });
  await assertRejects(() => offline.registry.load(ds), owm.LoadFailedError, "offline");
  assertEquals(offline.sessionOpened, false);

  const online = defaultRegistry({ repository, peers: [seeder.peer], sessionOptions: LOOPBACK });
  const downloaded = await online.registry.load(ds);
  assertEquals(downloaded.directory, join(home, "data_source_data", "bittorrent", "r"));
  assertEquals(downloaded.origin, "download");
  assertEquals(online.sessionOpened, true, "a download opens the session");
  await online.close();

  await using again = defaultRegistry({ repository });
  const present = await again.registry.load(ds);
  assertEquals(present.directory, join(home, "data_source_data", "bittorrent", "r"));
  assertEquals(again.sessionOpened, false, "verified content here needs no session");
  assertEquals(present.origin, "present");
});
