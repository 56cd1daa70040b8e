/**
 * The README's "Two machines" walkthrough, run verbatim (#12 point 8): the
 * commands come from tests/e2e/_two_machines.ts, from which the README text
 * is generated. Machine A (its own store, cache and process) publishes a
 * folder dataset with a `csvFileName` to a folder index and an HTTP index
 * (or Google Drive, the loopback Drive-compatible server) and seeds; machine
 * B (another store, another cache, other processes, another working
 * directory) starts empty and runs `owm index list`, `owm fetch
 * CSVDataSource:worms`, `owm verify`, `owm lock`, `owm translate csv-to-rdf`,
 * then, with A stopped, `OWM_OFFLINE=1 owm fetch CSVDataSource:worms
 * --locked`. Once for each index kind B fetches through.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { digestContent } from "../../lib/integrity/content_digest.ts";
import { serveHttpIndex } from "../../lib/index/http_index_server.ts";
import { FROM_INDEX, indexGraph } from "../../lib/stack/record_lookup.ts";
import { owm, type Run, spawnOwm } from "../_owm.ts";
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { startDriveServer } from "../index/_drive_server.ts";
import { writeDriveStore } from "../index/_drive_store.ts";
import { fill, MACHINE_ENV, shellBlock, STEPS } from "./_two_machines.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const ID = "CSVDataSource:worms";
const IRI = "http://data.openworm.org/data_sources/CSVDataSource#worms";

/** The dataset A publishes: `connections.csv` and a nested note. */
async function makeWorms(dir: string): Promise<string> {
  const dataset = join(dir, "worm_dataset");
  await Deno.mkdir(join(dataset, "notes"), { recursive: true });
  await Deno.writeTextFile(
    join(dataset, "connections.csv"),
    "pre,post,weight\nADAL,ADAR,3\nADAL,AVAL,1\nAVAL,AVAR,7\n",
  );
  await Deno.writeTextFile(join(dataset, "notes", "imaging.txt"), "imaging notes\n");
  return dataset;
}

/** A TCP port free right now, for A to seed on (the walkthrough names A's port). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function lastLine(run: Run): string {
  return run.stdout.trimEnd().split("\n").at(-1) ?? "";
}

type Kind = "folder" | "http" | "drive";

async function walkthrough(kind: Kind): Promise<void> {
  const tmp = await Deno.makeTempDir({ prefix: `owm-two-machines-${kind}-` });
  try {
    const a = join(tmp, "A");
    const b = join(tmp, "B");
    await Deno.mkdir(join(a, ".owm"), { recursive: true });
    await Deno.mkdir(join(b, ".owm"), { recursive: true });
    const source = await makeWorms(a);
    const shared = join(tmp, "shared-torrents");
    await Deno.mkdir(join(tmp, "http-index"));
    await using server = serveHttpIndex(join(tmp, "http-index"), { token: "s3cret" });
    await using drive = startDriveServer({ validTokens: ["test-token"] });
    // Both stores hold Drive credentials (owm drive auth would write them).
    for (const home of [join(a, ".owm"), join(b, ".owm")]) await writeDriveStore(home, drive);
    const port = freePort();
    const second = kind === "drive" ? "drive:" : server.url;
    const index = { folder: `dir:${shared}`, http: server.url, drive: "drive:" }[kind];
    const values: Record<string, string> = {
      A: a,
      B: b,
      DATASET: source,
      FOLDER_INDEX: `dir:${shared}`,
      HTTP_INDEX: second,
      INDEX: index,
      PORT: String(port),
      A_PEER: `127.0.0.1:${port}`,
    };
    // The test process turns the shared cache off for everything it starts: each machine turns
    // its own on. The index's token (A publishes) and the loopback Drive server's address.
    const common = { OWM_CACHE: "1", OWM_DRIVE_ROOT_URL: drive.url };
    const envOf = (machine: "A" | "B", extra: Record<string, string> = {}) => ({
      ...Object.fromEntries(
        Object.entries(MACHINE_ENV[machine]).map(([k, v]) => [k, fill(v, values)]),
      ),
      ...common,
      ...(machine === "A" ? { OWM_INDEX_TOKEN: "s3cret" } : {}),
      ...extra,
    });
    const argsOf = (step: (typeof STEPS)[number]) => step.args.map((x) => fill(x, values));
    const [publish, ...onB] = STEPS;
    assertEquals(publish!.machine, "A");
    assert(onB.every((s) => s.machine === "B"));

    // Machine A: publish to both indexes and seed.
    const seeder = await spawnOwm(argsOf(publish!), { env: envOf("A") });
    let stopped = false;
    try {
      assertEquals(seeder.firstLine, ID);
      const torrentName = [...Deno.readDirSync(shared)].find((e) => e.name.endsWith(".torrent"))
        ?.name;
      assert(torrentName, "the .torrent is in the folder index");
      assert((await Deno.stat(join(shared, `${torrentName}.ttl`))).isFile, "its record beside it");

      // Machine B, in its own working directory, from an empty store.
      const runs: Run[] = [];
      for (const step of onB) {
        if (step.env?.OWM_OFFLINE) {
          // A stops before B works offline.
          const status = await seeder.stop();
          stopped = true;
          assertEquals(status.code, 0, status.stderr);
        }
        const run = await owm(argsOf(step), { env: envOf("B", { ...step.env }), cwd: b });
        assertEquals(run.code, 0, `owm ${argsOf(step).join(" ")}: ${run.stderr}${run.stdout}`);
        runs.push(run);
      }
      const [listed, fetched, verified, locked, translated, offline] = runs;
      const folder = join(b, ".owm", "data_source_data", "bittorrent", "worms", "worm_dataset");

      // index list: the DataSource, its class and its infohash.
      assertStringIncludes(listed!.stdout, ID);
      assertStringIncludes(listed!.stdout, "C. elegans connections");

      // fetch: taken from the index's record, into the content's own folder, byte for byte.
      assertStringIncludes(fetched!.stderr, `${ID}: saved from the record in ${index}`);
      assertEquals(lastLine(fetched!), folder);
      const want = await digestContent(source, ["sha256"]);
      const got = await digestContent(folder, ["sha256"]);
      assertEquals(got.digests.sha256, want.digests.sha256);
      // Saved in the graph named after the index, with a statement naming it.
      const graph = await Deno.readTextFile(join(b, ".owm", "graph.nq"));
      const g = indexGraph(index);
      assert(
        graph.includes(
          `<${IRI}> <http://schema.openworm.org/2020/07/CSVDataSource/csv_file_name> \"connections.csv\"`,
        ) &&
          graph.includes(`<${g}> .`),
        "the DataSource's statements are in the index's graph",
      );
      assertStringIncludes(graph, `<${g}> <${FROM_INDEX}> ${JSON.stringify(index)} <${g}> .`);
      assertEquals(
        g.split("/").at(-1),
        createHash("sha256").update(index).digest("hex"),
      );
      // The store keeps the .torrent.
      assert((await Deno.stat(join(b, ".owm", "torrents", torrentName))).isFile);

      // verify, lock, translate: no --index, no --peer.
      assertStringIncludes(verified!.stdout, "pieces");
      assertStringIncludes(verified!.stdout, folder);
      assertEquals(locked!.stdout.trim(), ID);
      const lock = JSON.parse(await Deno.readTextFile(join(b, "owm.lock")));
      assertEquals(Object.keys(lock.dataSources), [IRI]);
      assertEquals(lock.dataSources[IRI].files["worm_dataset/connections.csv"].size, 52);
      assertStringIncludes(translated!.stdout, "GraphDataSource:worms-csv-to-rdf");
      assertStringIncludes(translated!.stderr, "(15 statements");

      // Offline, A stopped: the pinned content, checked against the lock.
      assertStringIncludes(offline!.stderr, "owm: verified lock (2 files");
      assertEquals(lastLine(offline!), folder);
    } finally {
      if (!stopped) await seeder.stop();
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

Deno.test("two machines, through a folder index", () => walkthrough("folder"));
Deno.test("two machines, through an HTTP index", () => walkthrough("http"));
Deno.test("two machines, through Google Drive (the loopback Drive server)", () =>
  walkthrough("drive"));

Deno.test("README.md's Two machines section shows the commands these tests run", async () => {
  const readme = await Deno.readTextFile(join(ROOT, "README.md"));
  assertStringIncludes(readme, "\n## Two machines\n");
  // The commands, exactly (the prose around them may be reflowed by deno fmt).
  for (const machine of ["A", "B"] as const) assertStringIncludes(readme, shellBlock(machine));
});
