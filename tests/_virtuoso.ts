/**
 * A real Virtuoso Open Source 7 (Debian's `virtuoso-opensource`) for the
 * SPARQL graph store tests: started on free loopback ports from a generated
 * `virtuoso.ini` whose database, temp database and transaction files are in
 * a temp folder, with SPARQL Update granted on `/sparql` and a user allowed
 * to update through `/sparql-basic` (HTTP basic; Virtuoso's own
 * `/sparql-auth` only speaks Digest).
 *
 * One server per test file: {@linkcode withVirtuoso} starts it for one
 * `Deno.test` whose steps share it, and stops it (and removes its folder)
 * at the end. {@linkcode Virtuoso.clear} empties it between steps.
 *
 * @module
 */
import { join } from "node:path";
import { requirePrograms } from "./_require.ts";

/** Whether the tests can start Virtuoso (the Debian package is installed). */
export const virtuosoRequirement = requirePrograms(["virtuoso-t", "isql-vt"], {
  debian: "virtuoso-opensource",
  what: "the SPARQL graph store tests",
});

/** The user that may query and update through {@linkcode Virtuoso.basicUrl}. */
export const BASIC_USER = "owmtest";
/** Its password. */
export const BASIC_PASSWORD = "s3cret-pass";

/** A running Virtuoso. */
export interface Virtuoso {
  /** The open SPARQL endpoint (queries and updates, no credentials). */
  url: string;
  /** The same endpoint behind HTTP basic authentication ({@linkcode BASIC_USER}). */
  basicUrl: string;
  /** `OWM_GRAPH` for {@linkcode Virtuoso.url}. */
  graph: string;
  /** Its folder (database, logs). */
  dir: string;
  /** Removes every graph but Virtuoso's own. */
  clear(): Promise<void>;
  /** Runs SQL through isql-vt (as dba). */
  sql(statement: string): Promise<string>;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function iniText(dir: string, sqlPort: number, httpPort: number): string {
  return `[Database]
DatabaseFile = ${join(dir, "virtuoso.db")}
ErrorLogFile = ${join(dir, "virtuoso.log")}
LockFile = ${join(dir, "virtuoso.lck")}
TransactionFile = ${join(dir, "virtuoso.trx")}
xa_persistent_file = ${join(dir, "virtuoso.pxa")}
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = ${join(dir, "virtuoso-temp.db")}
TransactionFile = ${join(dir, "virtuoso-temp.trx")}
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:${sqlPort}
DisableUnixSocket = 1
CheckpointInterval = 60
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
ThreadsPerQuery = 2
DirsAllowed = ., ${dir}
MaxClientConnections = 10

[HTTPServer]
ServerPort = 127.0.0.1:${httpPort}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 10
MaxClientConnections = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 5000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 400
`;
}

/** A started server's process and ports. */
export interface VirtuosoProcess extends Virtuoso {
  /** Stops it and removes its folder. */
  stop(): Promise<void>;
}

/**
 * Starts a Virtuoso in a new temp folder on free ports and waits until it
 * answers SPARQL with updates granted.
 */
export async function startVirtuoso(): Promise<VirtuosoProcess> {
  const dir = await Deno.makeTempDir({ prefix: "owm-virtuoso-" });
  const sqlPort = freePort();
  const httpPort = freePort();
  await Deno.writeTextFile(join(dir, "virtuoso.ini"), iniText(dir, sqlPort, httpPort));
  const child = new Deno.Command("virtuoso-t", {
    args: ["-f", "-c", join(dir, "virtuoso.ini")],
    cwd: dir,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `http://127.0.0.1:${httpPort}/sparql`;
  const sql = async (statement: string) => {
    const out = await new Deno.Command("isql-vt", {
      args: [`127.0.0.1:${sqlPort}`, "dba", "dba", `exec=${statement}`],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    if (!out.success || /\*\*\* Error/.test(text)) {
      throw new Error(`isql-vt: ${statement}: ${text}`);
    }
    return text;
  };
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // already gone
    }
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch {
        // gone
      }
    }, 10_000);
    await child.status;
    clearTimeout(timer);
    await Deno.remove(dir, { recursive: true });
  };
  try {
    const deadline = Date.now() + 90_000;
    for (;;) {
      try {
        const response = await fetch(`${url}?query=${encodeURIComponent("ASK {}")}`);
        await response.body?.cancel();
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        const log = await Deno.readTextFile(join(dir, "virtuoso.log")).catch(() => "");
        throw new Error(`Virtuoso did not start in 90 s; its log ends:\n${log.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    await sql('GRANT SPARQL_UPDATE TO "SPARQL";');
    await sql(
      `DB.DBA.USER_CREATE('${BASIC_USER}', '${BASIC_PASSWORD}'); ` +
        `GRANT SPARQL_UPDATE TO "${BASIC_USER}"; ` +
        "DB.DBA.VHOST_DEFINE(lhost=>'*ini*', vhost=>'*ini*', lpath=>'/sparql-basic', " +
        "ppath=>'/!sparql/', is_dav=>1, vsp_user=>'dba', opts=>vector('noinherit', 1), " +
        "auth_fn=>'DB.DBA.HP_AUTH_SQL_USER', realm=>'SPARQL', sec=>'basic');",
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const own = /^http:\/\/(www\.openlinksw\.com|localhost:|www\.w3\.org\/ns\/ldp|127\.0\.0\.1:)/;
  return {
    url,
    basicUrl: `http://127.0.0.1:${httpPort}/sparql-basic`,
    graph: `sparql:${url}`,
    dir,
    sql,
    async clear() {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Accept: "application/sparql-results+json",
        },
        body: new URLSearchParams({ query: "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }" }),
      });
      const json = await response.json() as {
        results: { bindings: { g: { value: string } }[] };
      };
      const graphs = json.results.bindings.map((b) => b.g.value).filter((g) => !own.test(g));
      if (graphs.length === 0) return;
      const update = graphs.map((g) => `CLEAR SILENT GRAPH <${g}>`).join(" ;\n");
      const cleared = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/sparql-update" },
        body: update,
      });
      if (!cleared.ok) throw new Error(`clearing Virtuoso: ${await cleared.text()}`);
      await cleared.body?.cancel();
    },
    stop,
  };
}

/**
 * Runs `fn` with a Virtuoso started for it (one per call: call it once per
 * test file, from one `Deno.test` whose steps share the server), stopping it
 * afterwards.
 */
export async function withVirtuoso(fn: (virtuoso: Virtuoso) => Promise<void>): Promise<void> {
  const virtuoso = await startVirtuoso();
  try {
    await fn(virtuoso);
  } finally {
    await virtuoso.stop();
  }
}
