import { CSVDataSource, DataSourceRepository, fieldsOf } from "../../mod.ts";
import { GraphStore } from "../../lib/graph/mod.ts";
import { tempPrefix } from "../../lib/fs/atomic_write.ts";
import { assert, assertEquals } from "../_assert.ts";
import { kill, spawnWorker } from "./_child.ts";

const BASELINE = 300;
const BATCH = 2000;
const ROUNDS = 5;

function keyOf(iri: string): string {
  return decodeURIComponent(iri.slice(iri.indexOf("#") + 1));
}

Deno.test("DataSourceRepository.save() killed with SIGKILL mid-save leaves a whole, readable store", async () => {
  const home = await Deno.makeTempDir({ prefix: "owm-kill-" });
  try {
    const repo = await DataSourceRepository.open({ home, create: true });
    const baseline = Array.from(
      { length: BASELINE },
      (_, i) => new CSVDataSource({ key: `base_${i}`, csvFileName: `base_${i}.csv` }),
    );
    await repo.save(baseline);
    const description = fieldsOf(CSVDataSource).get("description")!.iri;

    // Across rounds: the newest generation each slot acknowledged ("saved"), and
    // the one save per round that may have completed without being acknowledged.
    const acked = new Map<number, number>();
    let savesAcked = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const startGen = round * 1000;
      const worker = spawnWorker("_save_worker.ts", [
        "loop",
        home,
        String(BATCH),
        String(startGen),
      ]);
      const delay = 100 + Math.floor(Math.random() * 700);
      try {
        await worker.waitForLine((line) => line.startsWith("saving "));
        await new Promise((resolve) => setTimeout(resolve, delay));
      } finally {
        const status = await kill(worker);
        assertEquals(status.signal, "SIGKILL", await worker.stderr());
      }
      const context = `round ${round}, killed ${delay} ms after its first save began`;
      for (const line of worker.lines) {
        const [word, gen] = line.split(" ");
        if (word === "saved") {
          acked.set(Number(gen) % 3, Number(gen));
          savesAcked++;
        }
      }
      const lastStarted = Math.max(
        ...worker.lines.filter((l) => l.startsWith("saving ")).map((l) => Number(l.split(" ")[1])),
      );
      assert(lastStarted >= startGen, context);

      // The store parses whole.
      const store = await GraphStore.open({ home });
      const quads = await store.readAll();
      const descriptions = new Map<string, string>();
      for (const q of quads) {
        if (q.predicate.value === description) {
          descriptions.set(keyOf(q.subject.value), q.object.value);
        }
      }
      const listed = new Set((await repo.list()).map((s) => s.id));

      // Every baseline DataSource is there, readable.
      for (let i = 0; i < BASELINE; i++) {
        assert(listed.has(`CSVDataSource:base_${i}`), `${context}: base_${i}`);
      }
      assertEquals((await repo.get("CSVDataSource:base_0")).get("csvFileName"), "base_0.csv");
      assertEquals(
        (await repo.get(`CSVDataSource:base_${BASELINE - 1}`)).get("fileName"),
        `base_${BASELINE - 1}.csv`,
      );

      // Each slot holds one whole save: all BATCH DataSources of one generation.
      for (let slot = 0; slot < 3; slot++) {
        const gens = new Set<string>();
        let count = 0;
        for (const [key, text] of descriptions) {
          if (key.startsWith(`slot${slot}_`)) {
            gens.add(text);
            count++;
          }
        }
        const allowed = new Set<string>();
        const ackedGen = acked.get(slot);
        if (ackedGen !== undefined) allowed.add(`gen ${ackedGen}`);
        if (lastStarted % 3 === slot && (ackedGen === undefined || lastStarted > ackedGen)) {
          allowed.add(`gen ${lastStarted}`); // completed, killed before it said so
        }
        if (count === 0) {
          assertEquals(ackedGen, undefined, `${context}: slot ${slot} lost an acknowledged save`);
          continue;
        }
        assertEquals(count, BATCH, `${context}: slot ${slot} is a partial save`);
        assertEquals(gens.size, 1, `${context}: slot ${slot} mixes saves ${[...gens]}`);
        const gen = [...gens][0]!;
        assert(
          allowed.has(gen),
          `${context}: slot ${slot} has ${gen}, expected one of ${[...allowed]}`,
        );
        if (gen === `gen ${lastStarted}`) acked.set(slot, lastStarted);
      }

      // The next update succeeds and clears the dead writer's temporary file.
      await repo.save([new CSVDataSource({ key: `after_${round}`, csvFileName: "after.csv" })]);
      assertEquals(
        (await repo.get(`CSVDataSource:after_${round}`)).get("csvFileName"),
        "after.csv",
      );
      for await (const entry of Deno.readDir(home)) {
        assert(!entry.name.startsWith(tempPrefix("graph.nq")), `${context}: ${entry.name} left`);
      }
    }
    // The test exercised what it claims: saves completed and were overwritten across rounds.
    assert(savesAcked >= 1, `only ${savesAcked} saves completed in ${ROUNDS} rounds`);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
