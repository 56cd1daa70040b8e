import { join, resolve } from "node:path";
import { tempPrefix } from "../../lib/fs/atomic_write.ts";
import { StoreNotFoundError } from "../../lib/graph/errors.ts";
import { quadToLine } from "../../lib/graph/nquads.ts";
import {
  blankNode,
  defaultGraph,
  literal,
  namedNode,
  type Quad,
  quad,
  vocab,
} from "../../lib/graph/rdf.ts";
import {
  GRAPH_FILE,
  GraphStore,
  GraphTransaction,
  LOCK_FILE,
  resolveStoreHome,
} from "../../lib/graph/store.ts";
import { readStoreFile } from "../../lib/graph/store_file.ts";
import { assert, assertEquals, assertRejects } from "../_assert.ts";

const s1 = namedNode("urn:s1");
const s2 = namedNode("urn:s2");
const p = namedNode("urn:p");
const q = namedNode("urn:q");
const g1 = namedNode("urn:g1");
const g2 = namedNode("urn:g2");

async function withStore(fn: (store: GraphStore, home: string) => Promise<void>): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "owm-store-" });
  try {
    await fn(await GraphStore.open({ home, create: true }), home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

/** Canonical lines of quads, sorted: a stable, readable form for comparisons. */
function lines(quads: readonly Quad[]): string[] {
  return quads.map(quadToLine).sort();
}

async function names(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) out.push(entry.name);
  return out.sort();
}

const fixture = [
  quad(s1, p, literal("a"), g1),
  quad(s1, q, literal("b"), g1),
  quad(s1, p, literal("c"), g2),
  quad(s2, p, s1, g1),
  quad(s2, q, literal("d")),
  quad(blankNode("b1"), p, literal("e"), g2),
];

Deno.test("GraphStore.open() without create throws StoreNotFoundError and creates nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "owm-store-" });
  try {
    const home = join(dir, "no-store");
    const error = await assertRejects(() => GraphStore.open({ home }), StoreNotFoundError, home);
    assertEquals(error.home, home);
    assertEquals(await names(dir), []);
    assertEquals(await GraphStore.exists(home), false);
    // An existing directory without a graph file is no store either.
    await assertRejects(() => GraphStore.open({ home: dir }), StoreNotFoundError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("GraphStore.open() with create makes the directory and an empty store that opens again", async () => {
  const dir = await Deno.makeTempDir({ prefix: "owm-store-" });
  try {
    const home = join(dir, "a", "b");
    const store = await GraphStore.open({ home, create: true });
    assertEquals(store.home, home);
    assertEquals(store.path, join(home, GRAPH_FILE));
    assertEquals(await GraphStore.exists(home), true);
    assertEquals(await names(home), [LOCK_FILE, GRAPH_FILE, `${GRAPH_FILE}.verified`]);
    const text = await Deno.readTextFile(store.path);
    assert(text.startsWith("# owmeta-torrent graph store\n# format: 1\n"), text);
    assertEquals(await store.readAll(), []);
    const again = await GraphStore.open({ home });
    assertEquals(await again.readAll(), []);
    // Opening an existing store with create does not rewrite it.
    const ino = (await Deno.stat(store.path)).ino;
    await GraphStore.open({ home, create: true });
    assertEquals((await Deno.stat(store.path)).ino, ino);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("resolveStoreHome() prefers the argument, then OWM_HOME, then ./.owm", () => {
  const saved = Deno.env.get("OWM_HOME");
  try {
    Deno.env.set("OWM_HOME", "/tmp/from-env");
    assertEquals(resolveStoreHome("/tmp/explicit"), "/tmp/explicit");
    assertEquals(resolveStoreHome(), "/tmp/from-env");
    Deno.env.delete("OWM_HOME");
    assertEquals(resolveStoreHome(), resolve(".owm"));
    assertEquals(resolveStoreHome("rel"), resolve("rel"));
  } finally {
    if (saved === undefined) Deno.env.delete("OWM_HOME");
    else Deno.env.set("OWM_HOME", saved);
  }
});

Deno.test("GraphStore.update() adds statements and reports the counts", async () => {
  await withStore(async (store) => {
    const summary = await store.update((tx) => tx.add(...fixture, fixture[0]!));
    assertEquals(summary, { quads: 6, added: 6, removed: 0 });
    assertEquals(lines(await store.readAll()), lines(fixture));
    const again = await store.update((tx) => tx.add(fixture[1]!, quad(s2, p, literal("new"))));
    assertEquals(again, { quads: 7, added: 1, removed: 0 });
  });
});

Deno.test("GraphStore.match() filters by subject, predicate (one or several), object and graph", async () => {
  await withStore(async (store) => {
    await store.update((tx) => tx.add(...fixture));
    const pick = (...i: number[]) => lines(i.map((k) => fixture[k]!));
    assertEquals(lines(await store.match({ subject: s1 })), pick(0, 1, 2));
    assertEquals(lines(await store.match({ subject: blankNode("b1") })), pick(5));
    assertEquals(lines(await store.match({ subject: namedNode("urn:s") })), []);
    assertEquals(lines(await store.match({ predicate: q })), pick(1, 4));
    assertEquals(lines(await store.match({ predicate: [q, namedNode("urn:none")] })), pick(1, 4));
    assertEquals(lines(await store.match({ predicate: [] })), []);
    assertEquals(lines(await store.match({ object: s1 })), pick(3));
    assertEquals(lines(await store.match({ graph: g2 })), pick(2, 5));
    assertEquals(lines(await store.match({ subject: s1, predicate: p, graph: g1 })), pick(0));
    assertEquals(lines(await store.match()), lines(fixture));
    // A predicate IRI that appears only inside a literal does not match.
    await store.update((tx) => tx.add(quad(s2, p, literal(" <urn:q> "))));
    assertEquals(lines(await store.match({ predicate: q })), pick(1, 4));
  });
});

Deno.test("GraphTransaction.removeSubject() without a graph removes the subject from every graph", async () => {
  await withStore(async (store) => {
    await store.update((tx) => tx.add(...fixture));
    const summary = await store.update((tx) => tx.removeSubject(s1));
    assertEquals(summary, { quads: 3, added: 0, removed: 3 });
    assertEquals(await store.match({ subject: s1 }), []);
    // Statements with s1 as object stay.
    assertEquals(lines(await store.readAll()), lines([fixture[3]!, fixture[4]!, fixture[5]!]));
  });
});

Deno.test("GraphTransaction.removeSubject() with a graph removes only that graph's statements", async () => {
  await withStore(async (store) => {
    await store.update((tx) => tx.add(...fixture));
    assertEquals((await store.update((tx) => tx.removeSubject(s1, g1))).removed, 2);
    assertEquals(lines(await store.match({ subject: s1 })), lines([fixture[2]!]));
    // The default graph and blank-node subjects.
    assertEquals((await store.update((tx) => tx.removeSubject(s2, defaultGraph()))).removed, 1);
    assertEquals(lines(await store.match({ subject: s2 })), lines([fixture[3]!]));
    assertEquals((await store.update((tx) => tx.removeSubject(blankNode("b1"), g2))).removed, 1);
    // Several graphs in one update, and "all" wins over a single graph.
    await store.update((tx) => tx.add(...fixture));
    await store.update((tx) => {
      tx.removeSubject(s1, g1);
      tx.removeSubject(s1, g2);
    });
    assertEquals(await store.match({ subject: s1 }), []);
    await store.update((tx) => tx.add(...fixture));
    await store.update((tx) => {
      tx.removeSubject(s1);
      tx.removeSubject(s1, g1);
    });
    assertEquals(await store.match({ subject: s1 }), []);
  });
});

Deno.test("GraphTransaction.removeGraph() removes one named graph, even where its IRI is an object elsewhere", async () => {
  await withStore(async (store) => {
    const pointsAtG1 = quad(s2, p, g1);
    await store.update((tx) => tx.add(...fixture, pointsAtG1));
    assertEquals((await store.update((tx) => tx.removeGraph(g1))).removed, 3);
    assertEquals(await store.match({ graph: g1 }), []);
    assertEquals(
      lines(await store.readAll()),
      lines([fixture[2]!, fixture[4]!, fixture[5]!, pointsAtG1]),
    );
  });
});

Deno.test("GraphTransaction.addAll() takes more statements than a spread argument list can", async () => {
  await withStore(async (store) => {
    const many = Array.from({ length: 300_000 }, (_, i) => quad(s1, p, literal(i), g2));
    await store.update((tx) => tx.addAll(many));
    assertEquals((await store.match({ graph: g2 })).length, 300_000);
  });
});

Deno.test("GraphTransaction removes before it adds, so a subject can be replaced in one update", async () => {
  await withStore(async (store) => {
    await store.update((tx) => tx.add(...fixture));
    const summary = await store.update((tx) => {
      tx.removeSubject(s1, g1);
      tx.add(quad(s1, p, literal("replaced"), g1), fixture[0]!);
    });
    assertEquals(summary, { quads: 6, added: 2, removed: 2 });
    assertEquals(
      lines(await store.match({ subject: s1, graph: g1 })),
      lines([quad(s1, p, literal("replaced"), g1), fixture[0]!]),
    );
  });
});

Deno.test("GraphTransaction.bindPrefix() is persisted and replaces an earlier binding", async () => {
  await withStore(async (store, home) => {
    await store.update((tx) => {
      tx.bindPrefix("CSV", "http://example.org/csv#");
      tx.bindPrefix("Ex", "http://example.org/old#");
      assertEquals(tx.prefixes.get("CSV"), "http://example.org/csv#");
    });
    await store.update((tx) => tx.bindPrefix("Ex", "http://example.org/new#"));
    const reopened = await GraphStore.open({ home });
    assertEquals(
      [...await reopened.prefixes()],
      [["CSV", "http://example.org/csv#"], ["Ex", "http://example.org/new#"]],
    );
    assertEquals(
      (await readStoreFile(reopened.path)).header.prefixes.get("Ex"),
      "http://example.org/new#",
    );
  });
});

Deno.test("GraphStore.update() leaves the file byte-identical when the callback throws", async () => {
  await withStore(async (store, home) => {
    await store.update((tx) => tx.add(...fixture));
    const before = await Deno.readFile(store.path);
    const stat = await Deno.stat(store.path);
    await assertRejects(
      () =>
        store.update((tx) => {
          tx.add(quad(s1, p, literal("never")));
          tx.removeSubject(s2);
          tx.bindPrefix("X", "urn:x#");
          throw new RangeError("changed my mind");
        }),
      RangeError,
      "changed my mind",
    );
    await assertRejects(
      () =>
        store.update(async (tx) => {
          tx.add(quad(s1, p, literal("never")));
          await Promise.resolve();
          throw new Error("async failure");
        }),
      Error,
      "async failure",
    );
    assertEquals(await Deno.readFile(store.path), before);
    assertEquals((await Deno.stat(store.path)).ino, stat.ino);
    assertEquals((await store.prefixes()).has("X"), false);
    assertEquals(await names(home), [
      LOCK_FILE,
      GRAPH_FILE,
      `${GRAPH_FILE}.bak`,
      `${GRAPH_FILE}.verified`,
    ]);
    // The lock was released: the next update goes through.
    assertEquals((await store.update((tx) => tx.add(quad(s1, p, literal("later"))))).added, 1);
  });
});

Deno.test("GraphStore.update() rejects a statement it could not read back, leaving the file unchanged", async () => {
  await withStore(async (store) => {
    await store.update((tx) => tx.add(...fixture));
    const before = await Deno.readFile(store.path);
    await assertRejects(
      () => store.update((tx) => tx.add(quad(namedNode("urn:has space"), p, literal("x")))),
      TypeError,
      "urn:has space",
    );
    await assertRejects(
      () => store.update((tx) => tx.add(quad(blankNode("a b"), p, literal("x")))),
      TypeError,
    );
    assertEquals(await Deno.readFile(store.path), before);
    assertEquals(lines(await store.readAll()), lines(fixture));
  });
});

Deno.test("GraphTransaction.match() sees the stored content, not the transaction's own changes", async () => {
  await withStore(async (store) => {
    await store.update((tx) => tx.add(...fixture));
    await store.update((tx) => {
      assertEquals(lines(tx.match({ subject: s1 })), lines(fixture.slice(0, 3)));
      assertEquals(lines(tx.match({ predicate: q })), lines([fixture[1]!, fixture[4]!]));
      assertEquals(lines(tx.match({ subject: s1, graph: g2 })), lines([fixture[2]!]));
      assertEquals(lines(tx.match()), lines(fixture));
      tx.add(quad(s1, p, literal("pending")));
      tx.removeSubject(s2);
      assertEquals(tx.match({ subject: s1 }).length, 3);
      assertEquals(tx.match({ subject: s2 }).length, 2);
    });
    assertEquals((await store.match({ subject: s1 })).length, 4);
  });
});

Deno.test("GraphTransaction.apply() computes merged lines without a store", () => {
  const tx = new GraphTransaction({
    header: { format: 1, prefixes: new Map() },
    lines: [quadToLine(fixture[0]!), quadToLine(fixture[1]!)].sort(),
  });
  tx.add(fixture[1]!, fixture[3]!);
  const result = tx.apply();
  assertEquals(result.lines, lines([fixture[0]!, fixture[1]!, fixture[3]!]));
  assertEquals([result.changed, result.added, result.removed], [true, 1, 0]);
});

Deno.test("GraphStore.update() does not rewrite the file when nothing changes", async () => {
  await withStore(async (store, home) => {
    await store.update((tx) => {
      tx.add(...fixture);
      tx.bindPrefix("A", "urn:a#");
    });
    const before = await Deno.stat(store.path);
    const bytes = await Deno.readFile(store.path);
    const bak = await Deno.readFile(join(home, `${GRAPH_FILE}.bak`));
    await new Promise((r) => setTimeout(r, 20)); // so that a rewrite would show in mtime
    const summaries = [
      await store.update(() => {}),
      await store.update((tx) => tx.add(...fixture)), // all present already
      await store.update((tx) => tx.bindPrefix("A", "urn:a#")), // same binding
      await store.update((tx) => tx.removeSubject(namedNode("urn:absent"))),
      await store.update((tx) => {
        tx.removeSubject(s1);
        tx.add(...fixture.slice(0, 3)); // removed and written again: no change
      }),
    ];
    assertEquals(summaries.map((s) => s.quads), [6, 6, 6, 6, 6]);
    assertEquals(summaries.map((s) => s.added), [0, 0, 0, 0, 3]);
    const after = await Deno.stat(store.path);
    assertEquals(after.ino, before.ino);
    assertEquals(after.mtime?.getTime(), before.mtime?.getTime());
    assertEquals(await Deno.readFile(store.path), bytes);
    assertEquals(await Deno.readFile(join(home, `${GRAPH_FILE}.bak`)), bak);
    // force rewrites even so.
    await store.update(() => {}, { force: true });
    assert((await Deno.stat(store.path)).ino !== before.ino);
    assertEquals(await Deno.readFile(store.path), bytes);
  });
});

Deno.test("GraphStore.update() keeps the previous version as graph.nq.bak", async () => {
  await withStore(async (store, home) => {
    await store.update((tx) => tx.add(fixture[0]!));
    const first = await Deno.readTextFile(store.path);
    await store.update((tx) => tx.add(fixture[1]!));
    const second = await Deno.readTextFile(store.path);
    assertEquals(await Deno.readTextFile(join(home, `${GRAPH_FILE}.bak`)), first);
    await store.update((tx) => tx.removeSubject(s1));
    assertEquals(await Deno.readTextFile(join(home, `${GRAPH_FILE}.bak`)), second);
  });
});

Deno.test("GraphStore.update() removes stale temporary files left by killed writers", async () => {
  await withStore(async (store, home) => {
    const stale = [`${tempPrefix(store.path)}99999-deadbeef`, `${tempPrefix(store.path)}1-x`];
    for (const name of stale) await Deno.writeTextFile(join(home, name), "half a file");
    await Deno.writeTextFile(join(home, "unrelated.txt"), "keep");
    // Even an update that changes nothing cleans up.
    await store.update(() => {});
    assertEquals(await names(home), [
      LOCK_FILE,
      GRAPH_FILE,
      `${GRAPH_FILE}.verified`,
      "unrelated.txt",
    ]);
  });
});

Deno.test("GraphStore.update() calls from one process all apply, one after another", async () => {
  await withStore(async (store) => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        store.update(async (tx) => {
          const before = tx.match({ predicate: p }).length;
          await new Promise((r) => setTimeout(r, 1));
          tx.add(quad(namedNode(`urn:n${i}`), p, literal(String(i))));
          assertEquals(before, i, "each update sees all earlier ones");
        })),
    );
    assertEquals(results.map((r) => r.quads), Array.from({ length: 40 }, (_, i) => i + 1));
    assertEquals((await store.readAll()).length, 40);
  });
});

Deno.test("GraphStore reads literals of every datatype back as written", async () => {
  await withStore(async (store) => {
    const quads = [
      quad(s1, p, literal("1", namedNode(vocab.xsdInteger))),
      quad(s1, p, literal("true", namedNode(vocab.xsdBoolean))),
      quad(s1, p, literal("x", "en-gb")),
      quad(s1, p, literal('multi\nline "quoted" \\ 🎉')),
      quad(s1, p, literal('{"a":1}', namedNode(vocab.rdfJson))),
    ];
    await store.update((tx) => tx.add(...quads));
    const back = await store.match({ subject: s1 });
    assertEquals(lines(back), lines(quads));
    for (const q of quads) assert(back.some((b) => b.equals(q)), quadToLine(q));
  });
});
