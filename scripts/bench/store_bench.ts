/**
 * Graph store benchmarks at 100,000 DataSources, each against a reference
 * measured in the same run: `deno task bench`.
 *
 * @module
 */
import { DataSourceRepository } from "../../mod.ts";
import { makeSources, makeStore } from "./_fixture.ts";

const COUNT = 100_000;
const sources = makeSources(COUNT);
const { home, repo } = await makeStore(COUNT);
const storeBytes = await Deno.readFile(`${home}/graph.nq`);
const size = storeBytes.length;

Deno.bench({
  name: "reference: write the same store bytes (writeFile + fsync)",
  group: "save 100k",
  baseline: true,
  n: 3,
  warmup: 1,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "owm-bench-" });
    using file = await Deno.open(`${dir}/graph.nq`, { write: true, create: true });
    await file.write(storeBytes);
    await file.sync();
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.bench({
  name: "DataSourceRepository.save(100,000) into an empty store",
  group: "save 100k",
  n: 3,
  warmup: 1,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "owm-bench-" });
    const fresh = await DataSourceRepository.open({ home: dir, create: true });
    await fresh.save(sources);
    await Deno.remove(dir, { recursive: true });
  },
});

let k = 0;
Deno.bench({
  name: "reference: read 4 KiB at a random offset of the store file",
  group: "get from 100k",
  baseline: true,
  async fn() {
    using file = await Deno.open(`${home}/graph.nq`);
    await file.seek(Math.floor(Math.random() * (size - 4096)), Deno.SeekMode.Start);
    await file.read(new Uint8Array(4096));
  },
});

Deno.bench({
  name: "DataSourceRepository.get() one of 100,000",
  group: "get from 100k",
  async fn() {
    k = (k + 7919) % COUNT;
    await repo.get(`ConnectomeCSVDataSource:dataset_${k}`);
  },
});

Deno.bench({
  name: "reference: read the whole store file",
  group: "list 100k",
  baseline: true,
  n: 5,
  async fn() {
    await Deno.readFile(`${home}/graph.nq`);
  },
});

Deno.bench({
  name: "DataSourceRepository.list() of 100,000",
  group: "list 100k",
  n: 5,
  async fn() {
    await repo.list();
  },
});

Deno.bench({
  name: "DataSourceRepository.save(1) into a 100,000 store",
  group: "list 100k",
  n: 3,
  async fn() {
    await repo.save(sources.slice(0, 1));
  },
});

globalThis.addEventListener("unload", () => Deno.removeSync(home, { recursive: true }));
