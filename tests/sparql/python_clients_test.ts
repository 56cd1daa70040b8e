/**
 * Clients written elsewhere against the real bridge's `/sparql`: rdflib's
 * SPARQLStore and SPARQLWrapper (Debian's python3-rdflib and
 * python3-sparqlwrapper, run by /usr/bin/python3), with the token in a header;
 * rdflib loading one graph read by the Graph Store Protocol; curl; and
 * scripts/owm_bridge.py's `query`. Skipped, naming the packages, where they
 * are missing (failed under OWM_TEST_REQUIRE_ALL=1).
 */
import { assertEquals, assertStringIncludes } from "../_assert.ts";
import { shellEnv } from "../_env.ts";
import { findProgram, requirement, requireProgram } from "../_require.ts";
import { startTestBridge } from "../kernel/_bridge.ts";
import { CSV_TYPE, makeSparqlStore, NOTES_GRAPH, WORMS } from "./_store.ts";

const PYTHON = "/usr/bin/python3";
const CLIENTS = new URL("./_python_clients.py", import.meta.url).pathname;
const OWM_BRIDGE = new URL("../../scripts/owm_bridge.py", import.meta.url).pathname;
const decoder = new TextDecoder();

function hasModules(): boolean {
  if (findProgram(PYTHON) === undefined) return false;
  const out = new Deno.Command(PYTHON, {
    args: ["-c", "import rdflib, SPARQLWrapper"],
    stdout: "null",
    stderr: "null",
  }).outputSync();
  return out.code === 0;
}

const rdflib = requirement("/usr/bin/python3 with rdflib and SPARQLWrapper", hasModules(), {
  debian: ["python3-rdflib", "python3-sparqlwrapper"],
  what: "the SPARQL client tests",
});
const curl = requireProgram("curl", { debian: "curl", what: "the SPARQL curl test" });

async function python(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(PYTHON, {
    args,
    clearEnv: true,
    env: shellEnv({ PYTHONDONTWRITEBYTECODE: "1" }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

Deno.test({
  name: "rdflib's SPARQLStore, SPARQLWrapper and rdflib.Graph().parse against /sparql",
  ignore: rdflib.ignore,
  async fn() {
    rdflib.check();
    const { home } = await makeSparqlStore();
    await using bridge = await startTestBridge({ home });
    const run = await python([
      CLIENTS,
      bridge.bridge.url,
      bridge.bridge.token,
      WORMS,
      CSV_TYPE,
      NOTES_GRAPH,
    ]);
    assertEquals(run.code, 0, run.stderr);
    const seen = JSON.parse(run.stdout);
    assertEquals(seen.rdflib_select, [
      ["http://data.openworm.org/data_sources/CSVDataSource#cells", "cells.csv"],
      [WORMS, "worms.csv"],
    ]);
    assertEquals(seen.rdflib_ask, true);
    assertEquals(seen.rdflib_triples, ["worms.csv"]);
    assertStringIncludes(seen.rdflib_construct.join(" "), "Worm connections");
    assertEquals(seen.wrapper_json, "2");
    assertEquals(seen.wrapper_json_post, "2");
    assertEquals(seen.wrapper_xml, "2");
    assertEquals(seen.wrapper_csv, ["n", "2"]);
    assertEquals(seen.wrapper_ask, true);
    assertEquals(seen.wrapper_describe >= 4, true, `DESCRIBE gave ${seen.wrapper_describe}`);
    assertStringIncludes(seen.wrapper_no_token, "Unauthorized");
    assertEquals(seen.gsp_type, "text/turtle; charset=utf-8");
    assertEquals(seen.gsp_literals, ["bonjour"]);
  },
});

Deno.test({
  name: "owm_bridge.py query: JSON results, another Accept, and a parse error (exit 1)",
  ignore: rdflib.ignore,
  async fn() {
    rdflib.check();
    const { home } = await makeSparqlStore();
    await using _bridge = await startTestBridge({ home });
    const count = `SELECT (COUNT(?ds) AS ?n) WHERE { ?ds a <${CSV_TYPE}> }`;
    const json = await python([OWM_BRIDGE, "--home", home, "query", count]);
    assertEquals(json.code, 0, json.stderr);
    assertEquals(JSON.parse(json.stdout).results.bindings[0].n.value, "2");
    const csv = await python([OWM_BRIDGE, "--home", home, "query", count, "--accept", "text/csv"]);
    assertEquals(csv.stdout.trim().split(/\r?\n/), ["n", "2"]);
    const bad = await python([OWM_BRIDGE, "--home", home, "query", "SELECT ?s WHERE {"]);
    assertEquals(bad.code, 1);
    assertStringIncludes(bad.stderr, "sparql-syntax");
  },
});

Deno.test({
  name:
    "owm_bridge.py Bridge.query keeps one connection: an error answer and a write between queries; a new one after close() or when it broke",
  ignore: rdflib.ignore,
  async fn() {
    rdflib.check();
    const { home } = await makeSparqlStore();
    await using _bridge = await startTestBridge({ home });
    const count = `SELECT (COUNT(?ds) AS ?n) WHERE { ?ds a <${CSV_TYPE}> }`;
    const script = `
import json, socket, sys
sys.path.insert(0, ${JSON.stringify(new URL("../../scripts/", import.meta.url).pathname)})
from owm_bridge import Bridge, BridgeError
b = Bridge(home=${JSON.stringify(home)})
count = ${JSON.stringify(count)}
n = lambda: b.query(count)["results"]["bindings"][0]["n"]["value"]
out = {"first": n()}
conn = b._local.conn
sock = conn.sock
try:
    b.query("SELECT ?s WHERE {")
    out["bad"] = None
except BridgeError as error:
    out["bad"] = [error.status, error.code]
out["again"] = n()
b.request("DELETE", "/api/datasources/CSVDataSource:cells")
out["after_write"] = n()
out["same_connection"] = b._local.conn is conn and sock is not None and conn.sock is sock
b.close()
out["after_close"] = n()
out["new_connection"] = b._local.conn is not conn
# A connection that broke while kept (as when the bridge restarts): the query is sent again.
b._local.conn.sock.shutdown(socket.SHUT_RDWR)
out["after_broken"] = n()
print(json.dumps(out))
`;
    const run = await python(["-c", script]);
    assertEquals(run.code, 0, run.stderr);
    assertEquals(JSON.parse(run.stdout), {
      first: "2",
      bad: [400, "sparql-syntax"],
      again: "2",
      after_write: "1",
      same_connection: true,
      after_close: "1",
      new_connection: true,
      after_broken: "1",
    });
  },
});

Deno.test({
  name: "curl: GET, POST sparql-query and POST form with the token; 401 without it",
  ignore: curl.ignore,
  async fn() {
    curl.check();
    const { home } = await makeSparqlStore();
    await using bridge = await startTestBridge({ home });
    const url = `${bridge.bridge.url}/sparql`;
    const auth = `Authorization: Bearer ${bridge.bridge.token}`;
    const count = `SELECT (COUNT(?ds) AS ?n) WHERE { ?ds a <${CSV_TYPE}> }`;
    const curlRun = async (args: string[]) => {
      const out = await new Deno.Command("curl", {
        args: ["-sS", "-w", "\n%{http_code}", ...args],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = decoder.decode(out.stdout);
      const cut = text.lastIndexOf("\n");
      return { body: text.slice(0, cut), status: Number(text.slice(cut + 1)) };
    };
    const byGet = await curlRun([
      "-G",
      "-H",
      auth,
      "-H",
      "Accept: text/csv",
      "--data-urlencode",
      `query=${count}`,
      url,
    ]);
    assertEquals([byGet.status, byGet.body.trim().split(/\r?\n/)], [200, ["n", "2"]]);
    const byPost = await curlRun([
      "-H",
      auth,
      "-H",
      "Content-Type: application/sparql-query",
      "--data-binary",
      count,
      url,
    ]);
    assertEquals(JSON.parse(byPost.body).results.bindings[0].n.value, "2");
    const byForm = await curlRun([
      "-H",
      auth,
      "-H",
      "Accept: text/tab-separated-values",
      "--data-urlencode",
      `query=${count}`,
      url,
    ]);
    assertStringIncludes(byForm.body, "?n\n2");
    const anonymous = await curlRun(["--data-urlencode", `query=${count}`, url]);
    assertEquals(anonymous.status, 401);
  },
});
