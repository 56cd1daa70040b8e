/**
 * The SPARQL graph backend (`OWM_GRAPH=sparql:…`): the setting, credentials
 * and URL policy without a server; then, against one real Virtuoso started
 * for this file, the graph semantics shared with the file store (each case
 * run on both backends), one update request per save, the store kept to its
 * own graphs on a shared server, HTTP basic and bearer credentials, SPARQL
 * queries sent to the server, and two real `owm` processes on two stores
 * sharing one catalogue.
 */
import { join } from "node:path";
import {
  credentialsFromEnv,
  SparqlClient,
  SparqlServerError,
} from "../../lib/graph/sparql_http.ts";
import { GraphSettingError, openGraphBackend, parseGraphSetting } from "../../lib/graph/backend.ts";
import type { GraphBackend } from "../../lib/graph/backend.ts";
import { SparqlGraphBackend, UnstorableTermError } from "../../lib/graph/sparql_backend.ts";
import { quadToLine } from "../../lib/graph/nquads.ts";
import {
  blankNode,
  defaultGraph,
  literal,
  namedNode,
  type Quad,
  quad,
} from "../../lib/graph/rdf.ts";
import { RefusedUrlError } from "../../lib/torrent/url_policy.ts";
import { CSVDataSource, DataSourceRepository } from "../../mod.ts";
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { owm } from "../_owm.ts";
import { startTestBridge } from "../kernel/_bridge.ts";
import {
  BASIC_PASSWORD,
  BASIC_USER,
  type Virtuoso,
  virtuosoRequirement,
  withVirtuoso,
} from "../_virtuoso.ts";

const s1 = namedNode("urn:s1");
const s2 = namedNode("urn:s2");
const p = namedNode("urn:p");
const q = namedNode("urn:q");
const g1 = namedNode("urn:g1");
const g2 = namedNode("urn:g2");
const lines = (quads: Quad[]) => quads.map(quadToLine).sort();
// Data modules import the DataSource classes only (not all of mod.ts, with the torrent engine).
const CSV_MOD = new URL("../../lib/datasource/csv_data_source.ts", import.meta.url).href;
const CTX_MOD = new URL("../../lib/datasource/save_context.ts", import.meta.url).href;
const IMPORTS = `import { CSVDataSource } from "${CSV_MOD}";\n` +
  `import type { SaveContext } from "${CTX_MOD}";\n`;

// --- without a server ----------------------------------------------------------

Deno.test("parseGraphSetting: file by default, sparql: with one or two http(s) URLs", () => {
  assertEquals(parseGraphSetting(""), { kind: "file" });
  assertEquals(parseGraphSetting("file"), { kind: "file" });
  assertEquals(parseGraphSetting("sparql:http://h:8890/sparql"), {
    kind: "sparql",
    queryUrl: "http://h:8890/sparql",
    updateUrl: "http://h:8890/sparql",
  });
  assertEquals(parseGraphSetting("sparql:https://h/q, https://h/u"), {
    kind: "sparql",
    queryUrl: "https://h/q",
    updateUrl: "https://h/u",
  });
  for (
    const [bad, why] of [
      ["mysql://h/db", "names no backend"],
      ["sparql:", "needs one query URL"],
      ["sparql:ftp://h/q", "not an http or https URL"],
      ["sparql:http://h/q,http://h/u,http://h/x", "at most one update URL"],
      ["sparql:http://me:pw@h/q", "OWM_GRAPH_USER"],
    ]
  ) {
    let error: unknown;
    try {
      parseGraphSetting(bad!);
    } catch (e) {
      error = e;
    }
    assert(error instanceof GraphSettingError, `${bad} is refused`);
    assert(error.message.includes(why!), error.message);
    assert(error.message.includes("OWM_GRAPH or --graph"), error.message);
  }
});

Deno.test("credentialsFromEnv: a bearer token, else HTTP basic, else nothing", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assertEquals(credentialsFromEnv(env({ OWM_GRAPH_TOKEN: "t0k" })), {
    Authorization: "Bearer t0k",
  });
  assertEquals(credentialsFromEnv(env({ OWM_GRAPH_USER: "ann", OWM_GRAPH_PASSWORD: "pä:ss" })), {
    Authorization: "Basic " + btoa(String.fromCharCode(...new TextEncoder().encode("ann:pä:ss"))),
  });
  assertEquals(credentialsFromEnv(env({})), {});
});

Deno.test("SparqlGraphBackend refuses a link-local or metadata server unless allowed", async () => {
  const home = await Deno.makeTempDir({ prefix: "owm-sparql-" });
  try {
    for (const url of ["http://169.254.169.254/sparql", "http://[fe80::1]/sparql"]) {
      const error = await assertRejects(
        () => openGraphBackend({ home, graph: `sparql:${url}` }),
        RefusedUrlError,
        "SPARQL endpoint",
      );
      assert(error.message.includes("OWM_ALLOW_LINK_LOCAL"), error.message);
    }
    await assertRejects(
      () => openGraphBackend({ home, graph: "sparql:http://127.0.0.1:1/q,http://169.254.1.1/u" }),
      RefusedUrlError,
      "169.254.1.1",
    );
    // Allowed, it opens (nothing is asked of the server until the graph is read).
    const graph = await openGraphBackend({
      home,
      graph: "sparql:http://169.254.169.254/sparql",
      allowLinkLocal: true,
    });
    assertEquals(graph.location, "http://169.254.169.254/sparql");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("SparqlGraphBackend: an unreachable server is an error naming it and OWM_GRAPH", async () => {
  const home = join(await Deno.makeTempDir({ prefix: "owm-sparql-" }), "store");
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  try {
    const error = await assertRejects(
      () =>
        openGraphBackend({ home, create: true, graph: `sparql:http://127.0.0.1:${port}/sparql` }),
      SparqlServerError,
      `http://127.0.0.1:${port}/sparql cannot be reached`,
    );
    assertEquals(error.code, "sparql-unreachable");
    assert(error.message.includes("OWM_GRAPH"), error.message);
    await assertRejects(() => Deno.stat(home), Deno.errors.NotFound); // no store is created
  } finally {
    await Deno.remove(join(home, ".."), { recursive: true });
  }
});

// --- the graph's semantics, on both backends -------------------------------------

type Open = () => Promise<GraphBackend>;
const semantics: [string, (open: Open) => Promise<void>][] = [];

/** A case run on the file store now and on Virtuoso in the server test below. */
function graphCase(name: string, fn: (open: Open) => Promise<void>): void {
  semantics.push([name, fn]);
  Deno.test(
    `file store: ${name}`,
    () => withHome((home) => fn(() => openGraphBackend({ home, create: true, graph: "file" }))),
  );
}

async function withHome<T>(fn: (home: string) => Promise<T>): Promise<T> {
  const home = await Deno.makeTempDir({ prefix: "owm-sparql-" });
  try {
    return await fn(home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

const fixture = [
  quad(s1, p, literal("one"), g1),
  quad(s1, q, literal("deux", "fr"), g1),
  quad(s1, p, literal("7", namedNode("http://www.w3.org/2001/XMLSchema#integer")), g2),
  quad(s2, p, s1, g1),
  quad(s2, q, literal('two "quoted"\nlines é'), g2),
];

graphCase("match by subject, predicate (one or several), object and graph", async (open) => {
  const graph = await open();
  await graph.update((tx) => tx.add(...fixture));
  assertEquals(lines(await graph.readAll()), lines(fixture));
  assertEquals(lines(await graph.match({ subject: s1 })), lines(fixture.slice(0, 3)));
  assertEquals(lines(await graph.match({ predicate: q })), lines([fixture[1]!, fixture[4]!]));
  assertEquals(
    lines(await graph.match({ predicate: [p, q], graph: g2 })),
    lines([fixture[2]!, fixture[4]!]),
  );
  assertEquals(lines(await graph.match({ object: s1 })), lines([fixture[3]!]));
  assertEquals(lines(await graph.match({ subject: s1, graph: g2 })), lines([fixture[2]!]));
  assertEquals(await graph.match({ subject: namedNode("urn:none") }), []);
});

graphCase("removeSubject (everywhere or in one graph), remove, removeGraph", async (open) => {
  const graph = await open();
  await graph.update((tx) => tx.add(...fixture));
  await graph.update((tx) => tx.removeSubject(s1, g1));
  assertEquals(lines(await graph.readAll()), lines(fixture.slice(2)));
  await graph.update((tx) => tx.remove(fixture[4]!, quad(s2, p, literal("absent"), g2)));
  assertEquals(lines(await graph.readAll()), lines([fixture[2]!, fixture[3]!]));
  await graph.update((tx) => tx.removeGraph(g1));
  assertEquals(lines(await graph.readAll()), lines([fixture[2]!]));
  await graph.update((tx) => {
    tx.removeSubject(s1);
    tx.add(quad(s1, q, literal("again"), g2)); // removed first, then added: kept
  });
  assertEquals(lines(await graph.readAll()), lines([quad(s1, q, literal("again"), g2)]));
});

graphCase("prefixes are bound, rebound, and read back", async (open) => {
  const graph = await open();
  await graph.update((tx) => {
    tx.bindPrefix("Ex", "http://example.org/a#");
    tx.bindPrefix("Other", "http://example.org/o#");
  });
  await graph.update((tx) => tx.bindPrefix("Ex", "http://example.org/b#"));
  const prefixes = await graph.prefixes();
  assertEquals(prefixes.get("Ex"), "http://example.org/b#");
  assertEquals(prefixes.get("Other"), "http://example.org/o#");
});

graphCase("a transaction reads what it names, and a throw changes nothing", async (open) => {
  const graph = await open();
  await graph.update((tx) => tx.add(...fixture));
  await graph.update((tx) => {
    assertEquals(lines(tx.match({ subject: s1 })), lines(fixture.slice(0, 3)));
    tx.removeSubject(s1);
  }, { read: [{ subject: s1 }] });
  assertEquals(lines(await graph.readAll()), lines(fixture.slice(3)));
  await assertRejects(
    () =>
      graph.update((tx) => {
        tx.add(quad(s1, p, literal("never"), g1));
        throw new Error("changed my mind");
      }),
    Error,
    "changed my mind",
  );
  assertEquals(lines(await graph.readAll()), lines(fixture.slice(3)));
});

graphCase("statements in the default graph round-trip", async (open) => {
  const graph = await open();
  const inDefault = quad(s1, p, literal("in the default graph"), defaultGraph());
  await graph.update((tx) => tx.add(inDefault));
  assertEquals(lines(await graph.match({ subject: s1 })), lines([inDefault]));
  assertEquals(lines(await graph.match({ graph: defaultGraph() })), lines([inDefault]));
});

// --- against Virtuoso ------------------------------------------------------------

/** A loopback proxy to Virtuoso's /sparql that wants `Bearer <token>` and counts requests. */
function bearerProxy(target: string, token: string) {
  const seen: { method: string; type: string }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    if (request.headers.get("authorization") !== `Bearer ${token}`) {
      return new Response("bearer token wanted", { status: 401 });
    }
    const type = request.headers.get("content-type") ?? "";
    seen.push({ method: request.method, type });
    const answer = await fetch(target, {
      method: request.method,
      headers: { "content-type": type, accept: request.headers.get("accept") ?? "*/*" },
      body: await request.arrayBuffer(),
    });
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  });
  return { url: `http://127.0.0.1:${server.addr.port}/sparql`, seen, server };
}

class SharedCSV extends CSVDataSource {}

Deno.test({
  name: "SparqlGraphBackend on a real Virtuoso",
  ignore: virtuosoRequirement.ignore,
}, async (t) => {
  if (virtuosoRequirement.missing) virtuosoRequirement.check();
  await withVirtuoso(async (virtuoso: Virtuoso) => {
    const open = (home: string) => openGraphBackend({ home, create: true, graph: virtuoso.graph });

    for (const [name, fn] of semantics) {
      await virtuoso.clear();
      await t.step(`Virtuoso: ${name}`, () => withHome((home) => fn(() => open(home))));
    }

    await t.step(
      "the store reads only its own graphs: other data on the server is left out",
      async () => {
        await virtuoso.clear();
        const client = new SparqlClient({ queryUrl: virtuoso.url });
        await client.update(
          'INSERT DATA { GRAPH <urn:someone-else> { <urn:x> <urn:y> "theirs" } }',
        );
        await withHome(async (home) => {
          const repo = new DataSourceRepository(await open(home));
          await repo.save([new SharedCSV({ key: "mine", csvFileName: "m.csv" })]);
          const all = lines(await repo.store.readAll());
          assert(all.length > 0);
          assertEquals(all.filter((l) => l.includes("theirs") || l.includes("virtrdf")), []);
          const answer = await repo.query('SELECT ?o WHERE { ?s ?p ?o FILTER(?o = "theirs") }');
          assertEquals(
            answer.type === "bindings" && answer.bindings.length,
            0,
            "query sees the store only",
          );
          const count = await repo.query(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
          );
          assertEquals(
            count.type === "bindings" && Number(count.bindings[0]!.get("n")!.value),
            all.length,
          );
          const ask = await repo.query(
            `ASK { <${new SharedCSV({ key: "mine" }).identifier}> ?p ?o }`,
          );
          assertEquals(ask, { type: "boolean", value: true });
          const built = await repo.query(
            `CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <http://data.openworm.org/data> { ?s ?p ?o } }`,
          );
          assert(built.type === "quads" && built.quads.length === 3, JSON.stringify(built));
          // Its own graph is still there for whoever owns it.
          assert(await client.ask('ASK { GRAPH <urn:someone-else> { ?s ?p "theirs" } }'));
        });
      },
    );

    await t.step("a blank node is refused with a clear error and nothing is written", async () => {
      await virtuoso.clear();
      await withHome(async (home) => {
        const graph = await open(home);
        await assertRejects(
          () =>
            graph.update((tx) => tx.add(quad(blankNode("b0"), p, literal("x"), g1), fixture[0]!)),
          UnstorableTermError,
          "give the node an IRI",
        );
        assertEquals(await graph.readAll(), []);
      });
    });

    await t.step(
      "tx.match of a pattern the update did not read throws (no silent empty answer)",
      async () => {
        await withHome(async (home) => {
          const graph = await open(home);
          await assertRejects(
            () => graph.update((tx) => void tx.match({ subject: s2 }), { read: [{ subject: s1 }] }),
            Error,
            "not read before the update",
          );
        });
      },
    );

    await t.step("bearer token from OWM_GRAPH_TOKEN; each save is one update request", async () => {
      await virtuoso.clear();
      const proxy = bearerProxy(virtuoso.url, "tok-123");
      try {
        await withHome(async (dir) => {
          const home = join(dir, "store"); // a new store: opening it asks the server
          const refused = await assertRejects(
            () => SparqlGraphBackend.open({ home, create: true, queryUrl: proxy.url }),
            SparqlServerError,
            "answered 401",
          );
          assertEquals(refused.code, "sparql-auth");
          assert(refused.message.includes("OWM_GRAPH_TOKEN"), refused.message);
          const graph = await SparqlGraphBackend.open({
            home,
            create: true,
            queryUrl: proxy.url,
            headers: credentialsFromEnv((n) => (n === "OWM_GRAPH_TOKEN" ? "tok-123" : undefined)),
          });
          const repo = new DataSourceRepository(graph);
          proxy.seen.length = 0;
          await repo.save([
            new SharedCSV({ key: "a", csvFileName: "a.csv" }),
            new SharedCSV({ key: "b", csvFileName: "b.csv" }),
          ]);
          const updates = proxy.seen.filter((r) => r.type.startsWith("application/sparql-update"));
          assertEquals(updates.length, 1, JSON.stringify(proxy.seen));
          assertEquals((await repo.list()).map((s) => s.id).sort(), ["SharedCSV:a", "SharedCSV:b"]);
          // A large change (more statements than one operation carries) is still one request.
          proxy.seen.length = 0;
          const many = Array.from(
            { length: 1_200 },
            (_, i) => new SharedCSV({ key: `many${i}`, csvFileName: `m${i}.csv`, md5: `${i}` }),
          );
          await repo.save(many);
          assertEquals(
            proxy.seen.filter((r) => r.type.startsWith("application/sparql-update")).length,
            1,
          );
          assertEquals((await repo.list({ kind: "SharedCSV" })).length, 1_202);
          assertEquals((await repo.get("SharedCSV:many1199")).get("md5"), "1199");
        });
      } finally {
        await proxy.server.shutdown();
      }
    });

    await t.step(
      "two owm processes, two stores, one Virtuoso: each sees the other's DataSources",
      async () => {
        await virtuoso.clear();
        await withHome(async (dir) => {
          const env = (name: string) => ({ OWM_HOME: join(dir, name), OWM_GRAPH: virtuoso.graph });
          const module = join(dir, "shared.ts");
          await Deno.writeTextFile(
            module,
            IMPORTS +
              "export function owmData(ctx: SaveContext) {\n" +
              '  ctx.add(new CSVDataSource({ key: "from-a", csvFileName: "a.csv", md5: "abc" }));\n}\n',
          );
          const other = join(dir, "other.ts");
          await Deno.writeTextFile(
            other,
            IMPORTS +
              "export function owmData(ctx: SaveContext) {\n" +
              '  ctx.add(new CSVDataSource({ key: "from-b", csvFileName: "b.csv" }));\n}\n',
          );
          for (const name of ["a", "b"]) {
            const init = await owm(["init"], { env: env(name) });
            assertEquals(init.code, 0, init.stderr);
          }
          const saved = await owm(["save", module], { env: env("a") });
          assertEquals(saved.code, 0, saved.stderr);
          assertEquals(saved.stdout, "CSVDataSource:from-a\n");
          const listB = await owm(["source", "list"], { env: env("b") });
          assertEquals(listB.code, 0, listB.stderr);
          assertEquals(listB.stdout, "CSVDataSource:from-a\n");
          // The same output as a store with the file backend.
          const fileEnv = { OWM_HOME: join(dir, "file"), OWM_GRAPH: "file" };
          assertEquals((await owm(["save", module], { env: fileEnv })).code, 0);
          const csv = "<http://schema.openworm.org/2020/07/CSVDataSource>";
          for (
            const args of [
              ["source", "show", "CSVDataSource:from-a"],
              ["--json", "source", "list"],
              ["--json", "source", "show", "CSVDataSource:from-a"],
              ["query", "--format", "json", `SELECT ?s WHERE { ?s a ${csv} }`],
              ["query", "--format", "table", `SELECT ?s WHERE { ?s a ${csv} }`],
              ["query", "--format", "json", `ASK { ?s a ${csv} }`],
            ]
          ) {
            const onFile = await owm(args, { env: fileEnv });
            const onServer = await owm(args, { env: env("b") });
            assertEquals(onFile.code, 0, onFile.stderr);
            assertEquals(onServer.code, 0, onServer.stderr);
            assertEquals(onServer.stdout, onFile.stdout, args.join(" "));
          }
          assertEquals((await owm(["save", other], { env: env("b") })).code, 0);
          const listA = await owm(["source", "list"], { env: env("a") });
          assertEquals(listA.stdout.split("\n").filter(Boolean).sort(), [
            "CSVDataSource:from-a",
            "CSVDataSource:from-b",
          ]);
          assertEquals(
            await Array.fromAsync(Deno.readDir(join(dir, "b"))).then((e) =>
              e.some((f) => f.name === "graph.nq")
            ),
            false,
            "the graph is not in the store directory",
          );
          const removed = await owm(["source", "rm", "CSVDataSource:from-b"], { env: env("a") });
          assertEquals(removed.code, 0, removed.stderr);
          assertEquals(
            (await owm(["source", "list"], { env: env("b") })).stdout,
            "CSVDataSource:from-a\n",
          );
        });
      },
    );

    await t.step(
      "a bridge on another store with the same graph sees an owm's DataSources",
      async () => {
        await virtuoso.clear();
        await withHome(async (dir) => {
          const repo = await DataSourceRepository.open({
            home: join(dir, "cli"),
            create: true,
            graph: virtuoso.graph,
          });
          await repo.save([new SharedCSV({ key: "for-the-bridge", csvFileName: "b.csv" })]);
          await using bridge = await startTestBridge({
            home: join(dir, "bridge"),
            graph: virtuoso.graph,
          });
          const list = await bridge.json<{ id: string }[]>("/api/datasources");
          assertEquals(list.status, 200);
          assertEquals(list.body.map((d) => d.id), ["SharedCSV:for-the-bridge"]);
          const query =
            `SELECT ?f WHERE { ?ds a <http://schema.openworm.org/2020/07/SharedCSV> ; ?p ?f . FILTER(?f = "b.csv") }`;
          const answer = await bridge.api(`/sparql?query=${encodeURIComponent(query)}`, {
            headers: { accept: "application/sparql-results+json" },
          });
          assertEquals(answer.status, 200);
          const json = await answer.json() as { results: { bindings: { f: { value: string } }[] } };
          assert(json.results.bindings.length > 0, JSON.stringify(json));
          assertEquals(json.results.bindings[0]!.f.value, "b.csv");
          // A save by another repository is seen by the bridge's next request.
          await repo.save([new SharedCSV({ key: "later", csvFileName: "l.csv" })]);
          const again = await bridge.json<{ id: string }[]>("/api/datasources");
          assertEquals(again.body.map((d) => d.id).sort(), [
            "SharedCSV:for-the-bridge",
            "SharedCSV:later",
          ]);
        });
      },
    );

    await t.step(
      "HTTP basic credentials from OWM_GRAPH_USER and OWM_GRAPH_PASSWORD (owm --graph)",
      async () => {
        await virtuoso.clear();
        await withHome(async (dir) => {
          const graph = `sparql:${virtuoso.basicUrl}`;
          const home = join(dir, "store");
          const without = await owm(["--graph", graph, "init"], { env: { OWM_HOME: home } });
          assertEquals(without.code, 1, without.stdout);
          assert(without.stderr.includes("answered 401"), without.stderr);
          assert(without.stderr.includes("OWM_GRAPH_USER"), without.stderr);
          const env = {
            OWM_HOME: home,
            OWM_GRAPH_USER: BASIC_USER,
            OWM_GRAPH_PASSWORD: BASIC_PASSWORD,
          };
          const init = await owm(["--graph", graph, "init"], { env });
          assertEquals(init.code, 0, init.stderr);
          const module = join(dir, "m.ts");
          await Deno.writeTextFile(
            module,
            IMPORTS +
              'export function owmData(ctx: SaveContext) { ctx.add(new CSVDataSource({ key: "basic" })); }\n',
          );
          const saved = await owm(["--graph", graph, "save", module], { env });
          assertEquals(saved.code, 0, saved.stderr);
          const listed = await owm(["--graph", graph, "source", "list"], { env });
          assertEquals(listed.stdout, "CSVDataSource:basic\n");
          const wrong = await owm(["--graph", graph, "source", "list"], {
            env: { ...env, OWM_GRAPH_PASSWORD: "wrong" },
          });
          assertEquals(wrong.code, 1);
          assert(wrong.stderr.includes("answered 401"), wrong.stderr);
          // The credentials are nowhere in the graph.
          const all = await new SparqlClient({ queryUrl: virtuoso.url }).select(
            'SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?o), "' +
              BASIC_PASSWORD + '")) }',
          );
          assertEquals(all.rows, []);
        });
      },
    );
  });
});
