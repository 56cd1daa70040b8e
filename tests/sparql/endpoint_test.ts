/**
 * `/sparql` on the real bridge over HTTP: a query by GET, by POST
 * `application/sparql-query` and by POST form, every form of query and every
 * negotiated answer type (406 when none fits), the dataset parameters, the
 * Graph Store Protocol's read of one graph, the token, Host and Origin rules
 * of `/api`, bounded bodies, malformed SPARQL answered 400 (never 500),
 * updates refused without `--sparql-update` and applied with it (seen by the
 * next query and in the store file), and a write by `owm` in another process
 * seen by the bridge's next query.
 */
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { owm } from "../_owm.ts";
import { rawRequest, startTestBridge, type TestBridge } from "../kernel/_bridge.ts";
import { CSV_TYPE, DATA_GRAPH, makeSparqlStore, NOTES_GRAPH, WORMS } from "./_store.ts";

const COUNT = `SELECT (COUNT(?ds) AS ?n) WHERE { ?ds a <${CSV_TYPE}> }`;

async function bridgeOverStore(options: { sparqlUpdate?: boolean } = {}): Promise<TestBridge> {
  const { home } = await makeSparqlStore();
  return await startTestBridge({ home, ...options });
}

function get(bridge: TestBridge, params: Record<string, string | string[]>, accept?: string) {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const one of [v].flat()) search.append(k, one);
  return bridge.api(`/sparql?${search}`, accept ? { headers: { accept } } : {});
}

function post(bridge: TestBridge, body: string, type: string, accept?: string, path = "/sparql") {
  return bridge.api(path, {
    method: "POST",
    body,
    headers: { "content-type": type, ...(accept ? { accept } : {}) },
  });
}

async function count(bridge: TestBridge): Promise<number> {
  const res = await get(bridge, { query: COUNT });
  assertEquals(res.status, 200);
  return Number((await res.json()).results.bindings[0].n.value);
}

Deno.test("/sparql: a query by GET, POST sparql-query and POST form gives the same answer", async () => {
  await using bridge = await bridgeOverStore();
  const byGet = await get(bridge, { query: COUNT });
  assertEquals(byGet.headers.get("content-type"), "application/sparql-results+json; charset=utf-8");
  const expected = await byGet.json();
  assertEquals(expected.results.bindings[0].n.value, "2");
  const byPost = await post(bridge, COUNT, "application/sparql-query");
  assertEquals(await byPost.json(), expected);
  const byForm = await post(
    bridge,
    new URLSearchParams({ query: COUNT }).toString(),
    "application/x-www-form-urlencoded; charset=utf-8",
  );
  assertEquals(await byForm.json(), expected);
});

Deno.test("/sparql: every answer type by Accept; 406 when none fits", async () => {
  await using bridge = await bridgeOverStore();
  const select =
    `SELECT ?file WHERE { <${WORMS}> <http://schema.openworm.org/2020/07/CSVDataSource/csv_file_name> ?file }`;
  const cases: [string, string, string, string][] = [
    [
      select,
      "application/sparql-results+xml",
      "application/sparql-results+xml",
      "<literal>worms.csv</literal>",
    ],
    [select, "text/csv", "text/csv", "file\r\nworms.csv"],
    [select, "text/tab-separated-values", "text/tab-separated-values", '?file\n"worms.csv"'],
    [
      `ASK { <${WORMS}> ?p ?o }`,
      "application/sparql-results+json",
      "application/sparql-results+json",
      '"boolean":true',
    ],
    [
      `ASK { <${WORMS}> ?p ?o }`,
      "application/sparql-results+xml",
      "application/sparql-results+xml",
      "<boolean>true</boolean>",
    ],
    [
      `DESCRIBE <${WORMS}>`,
      "application/n-quads",
      "application/n-quads",
      `<${WORMS}> <http://schema.openworm.org/2020/07/CSVDataSource/csv_file_name> "worms.csv" .`,
    ],
    [`CONSTRUCT WHERE { <${WORMS}> ?p ?o }`, "text/turtle", "text/turtle", `<${WORMS}>`],
    [
      `CONSTRUCT WHERE { <${WORMS}> ?p ?o }`,
      "application/ld+json",
      "application/ld+json",
      `"@id":"${WORMS}"`,
    ],
    [`CONSTRUCT WHERE { <${WORMS}> ?p ?o }`, "*/*", "text/turtle", "worms.csv"],
  ];
  for (const [query, accept, type, text] of cases) {
    const res = await get(bridge, { query }, accept);
    assertEquals(res.status, 200, `${accept}: ${res.status}`);
    assertEquals(res.headers.get("content-type"), `${type}; charset=utf-8`);
    assertStringIncludes(await res.text(), text);
  }
  const refused = await get(bridge, { query: select }, "text/turtle");
  assertEquals(refused.status, 406);
  const body = await refused.json();
  assertEquals(body.error.code, "not-acceptable");
  assertStringIncludes(body.error.message, "application/sparql-results+json");
  assertEquals((await get(bridge, { query: `DESCRIBE <${WORMS}>` }, "text/csv")).status, 406);
  await (await get(bridge, { query: `DESCRIBE <${WORMS}>` }, "text/csv")).body?.cancel();
});

Deno.test("/sparql: default-graph-uri and named-graph-uri choose the dataset", async () => {
  await using bridge = await bridgeOverStore();
  const all = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }";
  const n = async (params: Record<string, string | string[]>) => {
    const res = await get(bridge, params);
    assertEquals(res.status, 200);
    return Number((await res.json()).results.bindings[0].n.value);
  };
  assertEquals(await n({ query: all, "default-graph-uri": NOTES_GRAPH }), 2);
  const union = await n({ query: all });
  const both = await n({ query: all, "default-graph-uri": [NOTES_GRAPH, DATA_GRAPH] });
  assert(both > 2 && both < union, `${both} of ${union}`);
  const named = await n({
    query: "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "named-graph-uri": NOTES_GRAPH,
  });
  assertEquals(named, 2);
  const bad = await get(bridge, { query: all, "default-graph-uri": "not an iri" });
  assertEquals(bad.status, 400);
  assertEquals((await bad.json()).error.code, "bad-iri");
});

Deno.test("/sparql?graph= and /rdf-graph-store read one graph (Graph Store Protocol, read-only)", async () => {
  await using bridge = await bridgeOverStore();
  const notes = await get(bridge, { graph: NOTES_GRAPH }, "application/n-quads");
  assertEquals(notes.status, 200);
  const lines = (await notes.text()).trim().split("\n");
  assertEquals(lines.length, 2);
  assert(lines.some((l) => l.includes('"bonjour"@fr')), lines.join("\n"));
  const store = await bridge.api(`/rdf-graph-store?graph=${encodeURIComponent(DATA_GRAPH)}`, {
    headers: { accept: "text/turtle" },
  });
  assertEquals(store.status, 200);
  assertStringIncludes(await store.text(), "worms.csv");
  const missing = await get(bridge, { graph: "http://example.org/none" });
  assertEquals(missing.status, 404);
  await missing.body?.cancel();
  const whole = await get(bridge, { default: "" }, "application/n-quads");
  assert((await whole.text()).includes("bonjour"));
  const put = await bridge.api(`/rdf-graph-store?graph=${encodeURIComponent(NOTES_GRAPH)}`, {
    method: "PUT",
    body: "",
  });
  assert(put.status === 404 || put.status === 405, `PUT answered ${put.status}`);
  await put.body?.cancel();
});

Deno.test("/sparql: malformed SPARQL and bad requests are 4xx naming the problem, never 500", async () => {
  await using bridge = await bridgeOverStore();
  for (
    const query of [
      "SELECT ?s WHERE { ?s ?p }",
      "SELEC *",
      "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
      "",
    ]
  ) {
    const res = await post(bridge, query, "application/sparql-query");
    assertEquals(res.status, 400, query);
    const body = await res.json();
    assertEquals(body.error.code, "sparql-syntax", query);
    assertStringIncludes(body.error.message, "SPARQL query", query);
  }
  const parse = await (await get(bridge, { query: "SELECT ?s WHERE { ?s ?p }" })).json();
  assertStringIncludes(parse.error.message, "error at 1:");
  const none = await get(bridge, {});
  assertEquals(none.status, 400);
  await none.body?.cancel();
  const plain = await post(bridge, COUNT, "text/plain");
  assertEquals(plain.status, 415);
  await plain.body?.cancel();
  const twice = await get(bridge, { query: [COUNT, COUNT] });
  assertEquals(twice.status, 400);
  await twice.body?.cancel();
});

Deno.test("/sparql: the token, Host and Origin rules of /api; bodies bounded", async () => {
  await using bridge = await bridgeOverStore();
  const url = `${bridge.bridge.url}/sparql?query=${encodeURIComponent(COUNT)}`;
  const anonymous = await fetch(url);
  assertEquals(anonymous.status, 401);
  await anonymous.body?.cancel();
  const wrong = await fetch(url, { headers: { authorization: "Bearer nope" } });
  assertEquals(wrong.status, 401);
  await wrong.body?.cancel();
  const host = await rawRequest(
    bridge.bridge.port,
    `GET /sparql?query=${encodeURIComponent(COUNT)} HTTP/1.1\r\nHost: evil.example\r\n` +
      `Authorization: Bearer ${bridge.bridge.token}\r\nConnection: close\r\n\r\n`,
  );
  assertEquals(host.status, 403);
  const crossSite = await bridge.api("/sparql", {
    method: "POST",
    body: COUNT,
    headers: { "content-type": "application/sparql-query", origin: "http://evil.example" },
  });
  assertEquals(crossSite.status, 403);
  assertEquals((await crossSite.json()).error.code, "cross-origin");
  const huge = await post(
    bridge,
    `# ${"x".repeat(2 * 1024 * 1024)}\n${COUNT}`,
    "application/sparql-query",
  );
  assertEquals(huge.status, 413);
  await huge.body?.cancel();
});

Deno.test("/sparql: an update is refused (403) without --sparql-update and changes nothing", async () => {
  await using bridge = await bridgeOverStore();
  const before = await Deno.readTextFile(`${bridge.home}/graph.nq`);
  const update = `DELETE WHERE { GRAPH ?g { <${WORMS}> ?p ?o } }`;
  const direct = await post(bridge, update, "application/sparql-update");
  assertEquals(direct.status, 403);
  const body = await direct.json();
  assertEquals(body.error.code, "sparql-update-disabled");
  assertStringIncludes(body.error.message, "--sparql-update");
  const form = await post(
    bridge,
    new URLSearchParams({ update }).toString(),
    "application/x-www-form-urlencoded",
  );
  assertEquals(form.status, 403);
  await form.body?.cancel();
  const byGet = await get(bridge, { update });
  assertEquals(byGet.status, 405);
  await byGet.body?.cancel();
  assertEquals(await Deno.readTextFile(`${bridge.home}/graph.nq`), before);
  assertEquals(await count(bridge), 2);
});

Deno.test("/sparql with --sparql-update: an update is applied, persisted and seen by the next query", async () => {
  await using bridge = await bridgeOverStore({ sparqlUpdate: true });
  assertEquals(await count(bridge), 2);
  const res = await post(
    bridge,
    `DELETE WHERE { GRAPH ?g { <${WORMS}> ?p ?o } }`,
    "application/sparql-update",
  );
  assertEquals(res.status, 200);
  const summary = await res.json();
  assert(summary.removed >= 4, JSON.stringify(summary));
  assertEquals(await count(bridge), 1);
  const file = await Deno.readTextFile(`${bridge.home}/graph.nq`);
  assert(
    !file.split("\n").some((line) => line.startsWith(`<${WORMS}> `)),
    "the store file still has the deleted DataSource",
  );
  const form = await post(
    bridge,
    new URLSearchParams({
      update: `INSERT DATA { GRAPH <${DATA_GRAPH}> { <${WORMS}> a <${CSV_TYPE}> } }`,
    }).toString(),
    "application/x-www-form-urlencoded",
  );
  assertEquals(form.status, 200);
  await form.body?.cancel();
  assertEquals(await count(bridge), 2);
  assertStringIncludes(await Deno.readTextFile(`${bridge.home}/graph.nq`), `<${WORMS}>`);
  const bad = await post(bridge, "INSERT DATA { <urn:a> }", "application/sparql-update");
  assertEquals(bad.status, 400);
  assertEquals((await bad.json()).error.code, "sparql-syntax");
});

Deno.test("/sparql: a write by owm in another process is seen by the bridge's next query", async () => {
  await using bridge = await bridgeOverStore();
  assertEquals(await count(bridge), 2);
  const removed = await owm(["--home", bridge.home, "source", "rm", "CSVDataSource:cells"]);
  assertEquals(removed.code, 0, removed.stderr);
  assertEquals(await count(bridge), 1);
  const demo = await owm(["--home", bridge.home, "demo"]);
  assertEquals(demo.code, 0, demo.stderr);
  const res = await get(bridge, {
    query:
      "ASK { <http://data.openworm.org/data_sources/ConnectomeCSVDataSource#2000_connections> ?p ?o }",
  });
  assertEquals((await res.json()).boolean, true);
});

Deno.test("/sparql: a query past --sparql-timeout is stopped (422) while the API keeps answering; a query waiting behind it is answered", async () => {
  const { home } = await makeSparqlStore();
  await using bridge = await startTestBridge({ home, sparqlTimeoutMs: 1000 });
  assertEquals(await count(bridge), 2); // the graph is loaded
  // Four unbound patterns over ~180 statements: about 10⁹ rows to count.
  const endless = get(bridge, {
    query: "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
  });
  const waiting = count(bridge); // queued behind it in the engine's worker
  const health = await bridge.api("/api/health");
  assertEquals(health.status, 200, "the API answers while the query runs in the worker");
  await health.body?.cancel();
  const stopped = await endless;
  assertEquals(stopped.status, 422);
  const body = await stopped.json();
  assertEquals(body.error.code, "sparql-timeout");
  assertStringIncludes(body.error.message, "--sparql-timeout");
  assertEquals(await waiting, 2, "the waiting query is answered by the new engine");
  assertEquals(await count(bridge), 2);
});

Deno.test("/sparql: a query nested deeper than the engine's parser can take is 400, and the engine stays usable", async () => {
  await using bridge = await bridgeOverStore();
  for (
    const query of [
      "SELECT * WHERE { " + "{ ".repeat(1000) + "?s ?p ?o" + " }".repeat(1000) + " }",
      "SELECT * WHERE { ?s ?p ?o FILTER(" + "(".repeat(1000) + "1" + ")".repeat(1000) + ") }",
    ]
  ) {
    const res = await post(bridge, query, "application/sparql-query");
    assertEquals(res.status, 400);
    const body = await res.json();
    assertEquals(body.error.code, "sparql-syntax");
    assertStringIncludes(body.error.message, "at most 256 levels");
  }
  const fine = "SELECT * WHERE { " + "{ ".repeat(200) + "?s a ?k" + " }".repeat(200) + " } LIMIT 1";
  assertEquals((await post(bridge, fine, "application/sparql-query")).status, 200);
  assertEquals(await count(bridge), 2);
});

Deno.test("Bridge.query() and queryText(): typed answers and the answer as sent", async () => {
  const { Bridge } = await import("../../mod.ts");
  await using served = await bridgeOverStore();
  await using client = await Bridge.connect({ home: served.home, start: false });
  const select = await client.query(`SELECT ?ds WHERE { ?ds a <${CSV_TYPE}> } ORDER BY ?ds`);
  assert(select.type === "bindings");
  assertEquals(select.variables, ["ds"]);
  assertEquals(select.bindings.map((b) => b.get("ds")?.value), [
    "http://data.openworm.org/data_sources/CSVDataSource#cells",
    WORMS,
  ]);
  assertEquals(await client.query(`ASK { <${WORMS}> ?p ?o }`), { type: "boolean", value: true });
  const described = await client.query(`DESCRIBE <${WORMS}>`);
  assert(described.type === "quads");
  assert(described.quads.some((q) => q.object.value === "Worm connections"));
  assertEquals(
    (await client.queryText(`SELECT ?n WHERE { BIND(42 AS ?n) }`, "text/csv")).trim().split(
      /\r?\n/,
    ),
    ["n", "42"],
  );
  const error = await client.query("SELECT ?s WHERE {").then(() => undefined, (e) => e);
  assertEquals(error?.code, "sparql-syntax");
});

Deno.test("/sparql never reaches out: SERVICE and LOAD are refused (400), FROM names a graph only", async () => {
  await using bridge = await bridgeOverStore({ sparqlUpdate: true });
  const before = await Deno.readTextFile(`${bridge.home}/graph.nq`);
  const service = await get(bridge, {
    query: `SELECT * WHERE { SERVICE <${bridge.bridge.url}/sparql> { ?s ?p ?o } }`,
  });
  assertEquals(service.status, 400);
  const refused = await service.json();
  assertEquals(refused.error.code, "sparql-evaluation");
  assertStringIncludes(refused.error.message, "not supported");
  for (const source of ["file:///etc/passwd", `${bridge.bridge.url}/openapi.json`]) {
    const load = await post(bridge, `LOAD <${source}>`, "application/sparql-update");
    assertEquals(load.status, 400, source);
    assertEquals((await load.json()).error.code, "sparql-evaluation");
  }
  const from = await get(bridge, {
    query: "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
  });
  assertEquals((await from.json()).results.bindings, []);
  assertEquals(await Deno.readTextFile(`${bridge.home}/graph.nq`), before);
});

Deno.test("/sparql with --sparql-update: an update past the deadline is stopped (422), the store unchanged and its lock free for the next writer", async () => {
  const { home } = await makeSparqlStore();
  await using bridge = await startTestBridge({ home, sparqlUpdate: true, sparqlTimeoutMs: 1000 });
  const before = await Deno.readTextFile(`${home}/graph.nq`);
  const endless = await post(
    bridge,
    "INSERT { GRAPH <urn:g> { ?a <urn:p> ?l } } WHERE { GRAPH ?w { ?a ?b ?c } " +
      "GRAPH ?x { ?d ?e ?f } GRAPH ?y { ?g ?h ?i } GRAPH ?z { ?j ?k ?l } }",
    "application/sparql-update",
  );
  assertEquals(endless.status, 422);
  assertEquals((await endless.json()).error.code, "sparql-timeout");
  assertEquals(await Deno.readTextFile(`${home}/graph.nq`), before);
  // The stopped worker held the store's lock: another process can write at once.
  const removed = await owm(["--home", home, "source", "rm", "CSVDataSource:cells"]);
  assertEquals(removed.code, 0, removed.stderr);
  assertEquals(await count(bridge), 1);
});
