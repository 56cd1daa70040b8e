/**
 * Worker for the concurrent and kill-during-save tests: saves CSVDataSources
 * into the store at `home` through DataSourceRepository.save.
 *
 * - `each <home> <prefix> <count>`: saves `<prefix>_0` … one DataSource per
 *   save; prints `first <ms>` before the first save and `done <ms>` at the end.
 * - `loop <home> <batch> <startGen>`: forever, for gen = startGen, startGen+1, …
 *   saves `batch` DataSources `slot<gen % 3>_<i>` with description `gen <gen>`
 *   in one save, printing `saving <gen>` before and `saved <gen>` after it.
 *
 * @module
 */
import { CSVDataSource, DataSourceRepository } from "../../mod.ts";

const [mode, home, a, b] = Deno.args;
if (home === undefined) throw new Error("Usage: _save_worker.ts each|loop <home> …");
const repo = await DataSourceRepository.open({ home });

if (mode === "each" && a && b) {
  console.log(`first ${Date.now()}`);
  for (let i = 0; i < Number(b); i++) {
    await repo.save([
      new CSVDataSource({
        key: `${a}_${i}`,
        csvFileName: `${a}_${i}.csv`,
        description: `${a} ${i}`,
      }),
    ]);
  }
  console.log(`done ${Date.now()}`);
} else if (mode === "loop" && a && b) {
  for (let gen = Number(b);; gen++) {
    const batch = Array.from(
      { length: Number(a) },
      (_, i) =>
        new CSVDataSource({
          key: `slot${gen % 3}_${i}`,
          csvFileName: `slot${gen % 3}_${i}.csv`,
          description: `gen ${gen}`,
        }),
    );
    console.log(`saving ${gen}`);
    await repo.save(batch);
    console.log(`saved ${gen}`);
  }
} else {
  console.error(`Unknown arguments: ${Deno.args.join(" ")}`);
  Deno.exit(2);
}
