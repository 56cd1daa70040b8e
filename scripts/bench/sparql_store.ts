/**
 * `deno task bench:sparql-store`: the save of one DataSource into a store of
 * 100,000 DataSources kept in an external SPARQL server (a real Virtuoso
 * Open Source 7, Debian's `virtuoso-opensource`, started here on loopback)
 * against the same save into the file store, same run, same data.
 *
 * Target (issue #14): under 50 ms for the external store.
 *
 * Usage: `deno task bench:sparql-store [--count N] [--saves N]`. Prints one
 * line per figure and a JSON summary; exit 1 when the target is missed.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { DataSourceRepository } from "../../mod.ts";
import { instanceQuads } from "../../lib/datasource/repository.ts";
import { quadToLine } from "../../lib/graph/nquads.ts";
import { namedNode } from "../../lib/graph/rdf.ts";
import { DEFAULT_DATA_GRAPH } from "../../lib/datasource/namespaces.ts";
import { ConnectomeCSVDataSource, makeSources } from "./_fixture.ts";
import { startVirtuoso } from "../../tests/_virtuoso.ts";

const TARGET_MS = 50;
const { values } = parseArgs({
  args: Deno.args,
  options: { count: { type: "string" }, saves: { type: "string" } },
});
const count = Number(values.count ?? 100_000);
const saves = Number(values.saves ?? 40);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Saves one new DataSource `saves` times; the times in ms, sorted. */
async function timeSaves(repo: DataSourceRepository, tag: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < saves + 3; i++) {
    const ds = new ConnectomeCSVDataSource({
      key: `new_${tag}_${i}`,
      csvFileName: `new_${i}.csv`,
      description: `Saved during the benchmark (${tag} ${i})`,
    });
    const start = performance.now();
    await repo.save([ds]);
    const ms = performance.now() - start;
    if (i >= 3) times.push(ms); // the first saves warm up connections and caches
  }
  return times.sort((a, b) => a - b);
}

const virtuoso = await startVirtuoso();
const dir = await Deno.makeTempDir({ prefix: "owm-bench-sparql-" });
try {
  const sources = makeSources(count);
  const fileRepo = await DataSourceRepository.open({
    home: `${dir}/file`,
    create: true,
    graph: "file",
  });
  let start = performance.now();
  await fileRepo.save(sources);
  console.log(
    `file store: ${count} DataSources saved in ${
      ((performance.now() - start) / 1000).toFixed(1)
    } s`,
  );

  const serverRepo = await DataSourceRepository.open({
    home: `${dir}/server`,
    create: true,
    graph: virtuoso.graph,
  });
  start = performance.now();
  // The first through the repository (the classes, prefixes and catalogue), the
  // rest bulk-loaded by Virtuoso itself (TTLP_MT): the same statements, minutes faster.
  await serverRepo.save(sources.slice(0, 1));
  const prefixes = await serverRepo.store.prefixes();
  const graph = namedNode(DEFAULT_DATA_GRAPH);
  const seed = join(virtuoso.dir, "seed.nt");
  const text = sources.slice(1).flatMap((ds) => instanceQuads(ds, graph, prefixes))
    .map((q) => quadToLine({ ...q, graph: { termType: "DefaultGraph", value: "" } } as never))
    .join("\n") + "\n";
  await Deno.writeTextFile(seed, text);
  await virtuoso.sql(
    `DB.DBA.TTLP_MT(file_to_string_output('${seed}'), '', '${DEFAULT_DATA_GRAPH}', 0);`,
  );
  const loadSeconds = (performance.now() - start) / 1000;
  const listed = (await serverRepo.list()).length;
  console.log(
    `external store (Virtuoso): ${listed} DataSources, loaded in ${loadSeconds.toFixed(1)} s`,
  );
  if (listed !== count) {
    throw new Error(`expected ${count} DataSources on the server, found ${listed}`);
  }

  const onFile = await timeSaves(fileRepo, "file");
  const onServer = await timeSaves(serverRepo, "server");
  const roundTrips: number[] = [];
  for (let i = 0; i < saves; i++) {
    const t0 = performance.now();
    await serverRepo.store.prefixes();
    roundTrips.push(performance.now() - t0);
  }
  roundTrips.sort((a, b) => a - b);
  const summary = {
    dataSources: count,
    saves,
    file: { p50: percentile(onFile, 0.5), p95: percentile(onFile, 0.95) },
    external: { p50: percentile(onServer, 0.5), p95: percentile(onServer, 0.95) },
    oneQueryRoundTrip: { p50: percentile(roundTrips, 0.5) },
    targetMs: TARGET_MS,
  };
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  console.log(
    `save of one DataSource into ${count}: file store p50 ${ms(summary.file.p50)}, ` +
      `p95 ${ms(summary.file.p95)}`,
  );
  console.log(
    `save of one DataSource into ${count}: external store p50 ${ms(summary.external.p50)}, ` +
      `p95 ${ms(summary.external.p95)} (target < ${TARGET_MS} ms; ` +
      `${(summary.file.p50 / summary.external.p50).toFixed(1)}× the file store)`,
  );
  console.log(
    `reference: one SPARQL query round trip (the prefixes) p50 ${
      ms(summary.oneQueryRoundTrip.p50)
    }`,
  );
  console.log(JSON.stringify(summary));
  if (summary.external.p50 >= TARGET_MS) {
    console.log(`MISSED: the external store's save is not under ${TARGET_MS} ms`);
    Deno.exitCode = 1;
  }
} finally {
  await virtuoso.stop();
  await Deno.remove(dir, { recursive: true });
}
