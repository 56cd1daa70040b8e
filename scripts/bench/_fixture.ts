/**
 * Builds benchmark stores: N DataSources of a user subclass, as the seed defines.
 *
 * @module
 */
import { CSVDataSource, DataSourceRepository } from "../../mod.ts";

/** The seed's user subclass. */
export class ConnectomeCSVDataSource extends CSVDataSource {}

/** `count` DataSources with four fields each. */
export function makeSources(count: number): ConnectomeCSVDataSource[] {
  const out = [];
  for (let i = 0; i < count; i++) {
    out.push(
      new ConnectomeCSVDataSource({
        key: `dataset_${i}`,
        csvFileName: `connectome_${i}.csv`,
        torrentFileName: `${i.toString(16).padStart(32, "0")}.torrent`,
        description: `Benchmark dataset number ${i}`,
      }),
    );
  }
  return out;
}

/** Creates a store in a new temporary directory holding `count` DataSources. */
export async function makeStore(
  count: number,
): Promise<{ home: string; repo: DataSourceRepository }> {
  const home = await Deno.makeTempDir({ prefix: "owm-bench-" });
  const repo = await DataSourceRepository.open({ home, create: true });
  await repo.save(makeSources(count));
  return { home, repo };
}
