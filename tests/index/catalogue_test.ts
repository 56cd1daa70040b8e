/**
 * The catalogue (lib/index/catalogue.ts) over each index kind, with what
 * publish() put there: a folder, the HTTP index server and the loopback
 * Drive-compatible server; a record whose infohash is not its torrent's is
 * left out, naming why; a torrent without a record is listed without an id.
 */
import { auth } from "@googleapis/drive";
import { join } from "node:path";
import { DataSourceRepository } from "../../lib/datasource/repository.ts";
import { listCatalogue, matchesText } from "../../lib/index/catalogue.ts";
import { DriveIndex } from "../../lib/index/drive_index.ts";
import { HttpIndex } from "../../lib/index/http_index.ts";
import { serveHttpIndex } from "../../lib/index/http_index_server.ts";
import { LocalFolderIndex } from "../../lib/index/local_folder_index.ts";
import { buildRecord } from "../../lib/index/record.ts";
import { publish } from "../../lib/publish/publish.ts";
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { startDriveServer } from "./_drive_server.ts";
import { withTempDir } from "./_temp.ts";

Deno.test("listCatalogue() over a folder, an HTTP and a Drive index: one entry per torrent, from its record and the torrent", async () => {
  await withTempDir(async (dir) => {
    await using drive = startDriveServer();
    const client = new auth.OAuth2({ clientId: "test-client" });
    client.setCredentials({ access_token: "test-token" });
    await Deno.mkdir(join(dir, "http"));
    await using http = serveHttpIndex(join(dir, "http"));
    const indexes = [
      new LocalFolderIndex(join(dir, "folder")),
      new HttpIndex(http.url),
      new DriveIndex({ auth: client, rootUrl: drive.url, retry: false }),
    ];
    const repository = await DataSourceRepository.open({ home: join(dir, "store"), create: true });
    const content = join(dir, "worms");
    await Deno.mkdir(content);
    await Deno.writeTextFile(join(content, "connections.csv"), "pre,post\nAVAL,AVAR\n");
    await Deno.writeTextFile(join(content, "README"), "hello\n");
    const result = await publish(content, {
      class: "CSVDataSource",
      key: "worms",
      repository,
      indexes,
      title: "Worm connections",
      license: "CC0-1.0",
      citation: "@misc{w, title={Worms}}",
      description: "A small connectome",
      fields: { csvFileName: "connections.csv" },
    });
    assertEquals(result.notes, []);
    assertEquals(result.indexEntries.length, 3);
    const { entries, problems } = await listCatalogue(indexes);
    assertEquals(problems, []);
    assertEquals(entries.map((e) => e.index), indexes.map((i) => i.location).sort());
    for (const entry of entries) {
      assertEquals(entry.id, "CSVDataSource:worms");
      assertEquals([entry.title, entry.license, entry.citation, entry.description], [
        "Worm connections",
        "CC0-1.0",
        ["@misc{w, title={Worms}}"],
        "A small connectome",
      ]);
      assertEquals([entry.fileCount, entry.size, entry.infoHash], [2, 25, result.infoHash]);
      assertEquals(entry.problem, null);
      assert(matchesText(entry, "misc worms"));
      assert(!matchesText(entry, "worms drosophila"));
    }
    assertEquals((await listCatalogue(indexes, { kind: "GraphDataSource" })).entries, []);
    assertEquals((await listCatalogue(indexes, { text: "cc0-1.0" })).entries.length, 3);
  });
});

Deno.test("listCatalogue(): a record naming another infohash is refused; a torrent without a record has no id; a broken index is a problem", async () => {
  await withTempDir(async (dir) => {
    const folder = new LocalFolderIndex(join(dir, "folder"));
    const repository = await DataSourceRepository.open({ home: join(dir, "store"), create: true });
    const content = join(dir, "a.csv");
    await Deno.writeTextFile(content, "x\n1\n");
    const result = await publish(content, {
      class: "CSVDataSource",
      key: "a",
      repository,
      index: folder,
    });
    const forged = result.dataSource;
    forged.set("infoHash", "f".repeat(40));
    await folder.putRecord(await buildRecord(forged));
    await folder.publish("legacy.torrent", result.torrent);
    const missing = new LocalFolderIndex(join(dir, "nowhere"));
    const { entries, problems } = await listCatalogue([folder, missing]);
    assertEquals(entries.map((e) => [e.id, e.torrentFileName]), [
      [null, result.torrentFileName],
      [null, "legacy.torrent"],
    ]);
    assertStringIncludes(entries[0]!.problem!, `names the infohash ${"f".repeat(40)}`);
    assertEquals([entries[1]!.problem, entries[1]!.infoHash], [null, result.infoHash]);
    assertEquals(problems.map((p) => p.index), [missing.location]);
    assertStringIncludes(problems[0]!.message, "does not exist");
  });
});
