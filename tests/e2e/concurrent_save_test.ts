import { CSVDataSource, DataSourceRepository } from "../../mod.ts";
import { assert, assertEquals } from "../_assert.ts";
import { finish, spawnWorker } from "./_child.ts";

Deno.test("DataSourceRepository.save() from two processes at once loses none of 400 one-at-a-time saves", async () => {
  const home = await Deno.makeTempDir({ prefix: "owm-concurrent-" });
  try {
    const repo = await DataSourceRepository.open({ home, create: true });
    const n = 200;
    const workers = ["a", "b"].map((prefix) =>
      spawnWorker("_save_worker.ts", ["each", home, prefix, String(n)])
    );
    const results = await Promise.all(workers.map(finish));
    for (const { status, stderr } of results) assertEquals(status.code, 0, stderr);
    // The two workers' saves overlapped in time, so they did contend for the store.
    const time = (w: (typeof workers)[number], word: string) =>
      Number(w.lines.find((l) => l.startsWith(word + " "))?.split(" ")[1]);
    const [wa, wb] = workers as [(typeof workers)[number], (typeof workers)[number]];
    assert(time(wa, "first") < time(wb, "done") && time(wb, "first") < time(wa, "done"), "overlap");

    const expected = ["a", "b"].flatMap((prefix) =>
      Array.from({ length: n }, (_, i) => `CSVDataSource:${prefix}_${i}`)
    ).sort();
    const listed = await repo.list();
    assertEquals(listed.map((s) => s.id).sort(), expected);
    assertEquals(new Set(listed.map((s) => s.kind)), new Set(["CSVDataSource"]));
    for (const id of expected) {
      const ds = await repo.get(id);
      assert(ds instanceof CSVDataSource, id);
      const key = id.slice("CSVDataSource:".length);
      assertEquals(ds.csvFileName, `${key}.csv`, id);
    }
    // The file parses whole, with every DataSource's statements present once.
    const all = await repo.store.readAll();
    const typed = all.filter((q) =>
      q.predicate.value.endsWith("#type") && q.subject.value.includes("CSVDataSource#")
    );
    assertEquals(typed.length, 2 * n);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
