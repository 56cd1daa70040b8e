/**
 * `owm.lock("Class:key")` against a real loopback seeder: one call fetches,
 * verifies and pins the dataset in the lockfile (other entries kept); called
 * again it requires the content against the pin and leaves the lockfile as it
 * is; content changed since is refused; a missing id is refused.
 */
import { join } from "node:path";
import * as owm from "../../mod.ts";
import { CSVDataSource } from "../../lib/datasource/csv_data_source.ts";
import { DataSourceRepository } from "../../lib/datasource/repository.ts";
import { assertEquals, assertRejects } from "../_assert.ts";
import { tempDir } from "../torrent/_fixtures.ts";
import { startSeeder } from "../bridge/_seeder.ts";
import { flipByte } from "../lock/_fixtures.ts";

const LOOPBACK = { dht: false, lsd: false, port: 0, hostname: "127.0.0.1" };

Deno.test("owm.lock pins one dataset in one call, then holds to the pin", async () => {
  const root = await tempDir();
  const home = join(root, "store");
  await using seeder = await startSeeder(root, home);
  const repository = await DataSourceRepository.open({ home, create: true });
  await repository.save([
    new CSVDataSource({ key: "remote", torrentFileName: seeder.torrentFileName }),
  ]);
  const lockFile = join(root, "project", "owm.lock");
  await Deno.mkdir(join(root, "project"));
  const options = { home, lockFile, peers: [seeder.peer], sessionOptions: LOOPBACK };

  const entry = await owm.lock("CSVDataSource:remote", options);
  assertEquals(entry.id, "CSVDataSource:remote");
  assertEquals(entry.infoHash, seeder.infoHash);
  const directory = join(home, "data_source_data", "bittorrent", "remote");
  assertEquals(entry.fileCount, entry.files.length);
  for (const f of entry.files) {
    assertEquals((await Deno.stat(join(directory, f.path))).size, f.size, f.path);
    assertEquals(/^[0-9a-f]{64}$/.test(f.sha256), true, f.sha256);
  }
  const written = await owm.requireLockFile(lockFile);
  assertEquals([...written.entries.keys()], [entry.iri]);
  const text = await Deno.readTextFile(lockFile);

  // Called again: the same entry, the lockfile untouched, no download needed.
  await seeder.close();
  assertEquals(await owm.lock("CSVDataSource:remote", options), written.entries.get(entry.iri));
  assertEquals(await Deno.readTextFile(lockFile), text);

  // A byte changed since it was pinned: refused, not pinned again.
  await flipByte(join(directory, entry.files[0]!.path), 10);
  const refused = await assertRejects(
    () => owm.lock("CSVDataSource:remote", options),
    owm.LockMismatchError,
  );
  assertEquals(refused.mismatches.some((m) => m.kind === "sha256"), true, refused.message);
  assertEquals(await Deno.readTextFile(lockFile), text);

  await assertRejects(() => owm.lock("CSVDataSource:absent", options), owm.DataSourceNotFoundError);
});
