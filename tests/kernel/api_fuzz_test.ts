/**
 * The API fuzzer (`deno task fuzz:api`): its CI run against the real bridge
 * (a short deterministic run: no 5xx, no hang, no read outside, the bridge
 * alive and the graph intact, every route exercised), and proof that it
 * detects what it claims to: each detector fed answers made up on purpose,
 * the canary's access-time check seeing a deliberate read, and a whole run
 * against a deliberately broken bridge failing with a 5xx, a hang and a read
 * outside.
 */
import { join } from "node:path";
import { Tally } from "../../scripts/fuzz/api_tally.ts";
import { type ApiFuzzReport, runApiFuzz } from "../../scripts/fuzz/api_fuzz.ts";
import { makeCanary, readPaths, resetAtimes } from "../../scripts/fuzz/canary.ts";
import { exchange } from "../../scripts/fuzz/raw_http.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_assert.ts";
import { shellEnv } from "../_env.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
/** The bridge's routes (issue 10's fuzzer must reach every one). */
const API_ROUTES = [
  "GET /api/datasources",
  "POST /api/datasources",
  "GET /api/datasources/{id}",
  "DELETE /api/datasources/{id}",
  "POST /api/datasources/{id}/fetch",
  "POST /api/datasources/{id}/verify",
  "GET /api/datasources/{id}/provenance",
  "GET /api/datasources/{id}/derivs",
  "GET /api/translators",
  "POST /api/translations",
  "GET /api/torrents",
  "GET /api/torrents/{infoHash}",
  "DELETE /api/torrents/{infoHash}",
  "POST /api/torrents/{infoHash}/pause",
  "POST /api/torrents/{infoHash}/resume",
  "GET /api/health",
  "POST /api/publish",
  "POST /api/uploads",
  "GET /api/kinds",
  "GET /api/events",
];
const EVIL = new URL("./_api_fuzz_evil_bridge.ts", import.meta.url).pathname;

const request = (index: number) => ({
  index,
  route: "POST /api/datasources",
  mutation: "path-trick",
  method: "POST",
  target: "/api/datasources",
  excerpt: '{"class":"DataSource","key":"../../canary"}',
  bodyBytes: 43,
});

Deno.test("fuzz:api detectors: a 5xx, a timed-out or slow answer, and the canary's secret are each flagged", () => {
  const tally = new Tally(1000, "OWM-CANARY-secret", true);
  assertEquals(
    tally.record({ request: request(0), status: 400, ms: 3, timedOut: false, body: "{}" }),
    [],
  );
  assertEquals(
    tally.record({ request: request(1), status: 500, ms: 3, timedOut: false, body: "boom" }),
    ["5xx"],
  );
  assertEquals(
    tally.record({ request: request(2), status: 0, ms: 1000, timedOut: true, body: "" }),
    ["hang"],
  );
  assertEquals(
    tally.record({ request: request(3), status: 200, ms: 1500, timedOut: false, body: "{}" }),
    ["hang"],
    "an answer slower than the deadline is a hang even when it came",
  );
  assertEquals(
    tally.record({
      request: request(4),
      status: 200,
      ms: 2,
      timedOut: false,
      body: '{"text":"name,value\\nOWM-CANARY-secret,1"}',
    }),
    ["canary"],
  );
  assertEquals(
    tally.record({
      request: request(5),
      status: 422,
      ms: 2,
      timedOut: false,
      body: "line 1: root:x:0:0:root:/root:/bin/bash",
    }),
    ["canary"],
    "a system file's line is a read outside too",
  );
  const summary = tally.summary(100);
  assertEquals(summary.requests, 6);
  assertEquals([summary.serverErrors, summary.hangs, summary.canaryReads], [1, 2, 2]);
  assertEquals(summary.byClass, { "2xx": 2, "3xx": 0, "4xx": 2, "5xx": 1, "none": 1 });
  assertEquals(summary.ok, false);
  const fivexx = summary.findings.find((f) => f.kind === "5xx")!;
  assertEquals(fivexx.requests.map((r) => r.index), [1], "the request that caused it is kept");
  assertStringIncludes(summary.line, "1 5xx, 2 hangs, 2 reads outside");

  // 5xx answers are grouped by their cause in the bridge's log, whatever the route.
  const grouped = new Tally(1000, "OWM-CANARY-secret", true);
  const internal = (id: string) => `{"error":{"code":"internal","message":"request id ${id}"}}`;
  const causes: [string, string][] = [
    ["GET /api/kinds", "TypeError: Method is forbidden"],
    ["GET /api/torrents", "TypeError: Method is forbidden"],
    ["POST /api/publish", "BadResource: Cannot read body"],
  ];
  causes.forEach(([route, cause], i) =>
    grouped.record({
      request: { ...request(i), route },
      status: 500,
      ms: 1,
      timedOut: false,
      body: internal(crypto.randomUUID()),
      cause,
    })
  );
  const groups = grouped.summary(10).findings;
  assertEquals(groups.map((f) => [f.count, f.requests.map((r) => r.route)]), [
    [2, ["GET /api/kinds", "GET /api/torrents"]],
    [1, ["POST /api/publish"]],
  ]);
  assertStringIncludes(groups[0]!.detail, "log: TypeError: Method is forbidden");

  const clean = new Tally(1000, "OWM-CANARY-secret", true);
  clean.record({ request: request(0), status: 404, ms: 3, timedOut: false, body: "{}" });
  assertEquals(clean.summary(10).ok, true);
  clean.fail("dead", "GET /api/health answered 0");
  assertEquals(clean.summary(10).ok, false, "a dead bridge fails the run");
});

const probe = await makeCanary(await Deno.makeTempDir({ prefix: "owm-canary-probe-" }));

Deno.test({
  name: "fuzz:api canary: a deliberate read moves its access time, which readPaths reports",
  ignore: !probe.atimeWorks,
  fn: async () => {
    assertEquals(await readPaths(probe), [], "nothing read since the reset");
    await Deno.readTextFile(probe.file);
    assertEquals(await readPaths(probe), [probe.file]);
    await resetAtimes(probe);
    assertEquals(await readPaths(probe), []);
    for await (const _ of Deno.readDir(probe.folder)) { /* a walk of the folder */ }
    assertEquals(await readPaths(probe), [probe.folder]);
    await Deno.remove(probe.dir, { recursive: true });
  },
});

Deno.test("fuzz:api raw exchange: only loopback, and a server that never answers is a timeout", async () => {
  await assertRejects(
    () => exchange("10.0.0.1", 80, new Uint8Array(), { deadlineMs: 100 }),
    Error,
    "only talks to loopback",
  );
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) accepted.push(conn);
  })();
  const answer = await exchange(
    "127.0.0.1",
    listener.addr.port,
    new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    { deadlineMs: 300 },
  );
  assertEquals([answer.status, answer.timedOut], [0, true]);
  for (const conn of accepted) conn.close();
  listener.close();
  await accepting.catch(() => {});
});

Deno.test("fuzz:api run against a deliberately broken bridge reports its 5xx, hang and read outside", async () => {
  const report: ApiFuzzReport = await runApiFuzz({
    seed: 11,
    requests: 160,
    deadlineMs: 1500,
    concurrency: 4,
    bridgeCommand: (home) => [Deno.execPath(), "run", "--allow-all", EVIL, "--home", home],
  });
  assertEquals(report.ok, false);
  assert(report.serverErrors > 0, `no 5xx seen: ${report.line}`);
  assert(report.hangs > 0, `no hang seen: ${report.line}`);
  assert(report.canaryReads > 0, `no read outside seen: ${report.line}`);
  const kinds = new Set(report.findings.map((f) => f.kind));
  for (const kind of ["5xx", "hang", "canary", "graph"]) assert(kinds.has(kind as never), kind);
  const fivexx = report.findings.find((f) => f.kind === "5xx")!;
  assertEquals(fivexx.requests[0]?.route, "GET /api/torrents");
  assert(report.dir !== undefined, "a run with findings keeps its folder for a look");
  assert((await Deno.stat(join(report.dir, "bridge.log"))).isFile);
  await Deno.remove(report.dir, { recursive: true });
});

Deno.test("deno task fuzz:api: a short run against the real bridge finds no 5xx, hang or read outside", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "task",
      "--quiet",
      `--config=${join(ROOT, "deno.json")}`,
      "fuzz:api",
      "--requests",
      "1500",
      "--seed",
      "20261206",
      "--concurrency",
      "2",
      "--json",
    ],
    clearEnv: true,
    env: shellEnv({ NO_COLOR: "1" }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const report = JSON.parse(stdout) as ApiFuzzReport;
  const findings = report.findings.map((f) =>
    `${f.kind}: ${f.detail}\n${
      f.requests.map((r) => `  ${r.method} ${r.target} ${r.excerpt}`).join("\n")
    }`
  ).join("\n");
  assertEquals(report.seedNotes, [], "seeding the store through the API worked");
  assertEquals(report.requests, 1500);
  assertEquals([report.serverErrors, report.hangs, report.canaryReads], [0, 0, 0], findings);
  assertEquals(report.findings, [], findings);
  assertEquals(out.code, 0, report.line);
  // Every route of the bridge's document was exercised, the API's known routes among them.
  for (const route of API_ROUTES) {
    assert(report.routes.includes(route), `${route} not in the document`);
  }
  for (const route of report.routes) {
    assert((report.byRoute[route] ?? 0) > 0, `${route} never sent`);
  }
  assert(report.byClass["2xx"]! > 300, `few requests succeeded: ${report.line}`);
  assert(report.byClass["4xx"]! > 300, `few requests refused: ${report.line}`);
});
