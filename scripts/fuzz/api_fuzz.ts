/**
 * An API fuzzer driven by the bridge's `/openapi.json`. It starts a real
 * bridge process (`kernel/server.ts`) over a temporary store seeded with
 * DataSources, an uploaded CSV, a published file and a translation, so that
 * routes taking ids and infohashes have real targets; then, for routes drawn
 * from the document, builds valid requests from the schemas and mutates them
 * (see `api_requests.ts`). Every request goes to 127.0.0.1 as raw HTTP/1.1
 * with a deadline. A canary file and folder lie outside the store.
 *
 * It fails (exit 1) on any 5xx answer, any answer slower than the deadline,
 * any read outside (the canary's secret or a system file's line in an answer
 * or in the bridge's log, or the canary's access time moved), a bridge that
 * stops answering `/api/health`, a graph that no longer parses or lost a
 * seeded DataSource, or a bridge that does not stop within 10 s of SIGTERM.
 *
 * ```sh
 * deno task fuzz:api -- --requests 20000 --seed 7
 * deno task fuzz:api -- --seconds 60 --concurrency 4 --deadline-ms 10000
 * deno task fuzz:api -- --replay /tmp/owm-api-fuzz-…/repro/123-5xx.http
 * ```
 *
 * The same seed with `--concurrency 1` sends the same requests.
 *
 * @module
 */
import { join } from "node:path";
import { DataSourceRepository } from "../../lib/datasource/repository.ts";
import { canonicalLines, readStoreFile } from "../../lib/graph/store_file.ts";
import {
  type KnownDataSource,
  prng,
  RequestFactory,
  type Route,
  type Schema,
  type Targets,
} from "./api_requests.ts";
import {
  type ApiFuzzSummary,
  excerpt,
  formatFinding,
  type SentRequest,
  Tally,
} from "./api_tally.ts";
import { type Canary, leakedMarker, makeCanary, readPaths, resetAtimes } from "./canary.ts";
import { exchange } from "./raw_http.ts";

/** Options of {@linkcode runApiFuzz}. */
export interface ApiFuzzOptions {
  /** The PRNG seed. */
  seed: number;
  /** Most requests to send. @default {2000} */
  requests?: number;
  /** Most seconds of the request loop. @default {600} */
  seconds?: number;
  /** Milliseconds after which an answer counts as a hang. @default {10000} */
  deadlineMs?: number;
  /** Requests in flight at once, 1 to 4. @default {2} */
  concurrency?: number;
  /**
   * Keeps the temporary folder (store, canary, `bridge.log`, `requests.jsonl`
   * with every request and its status, `repro/`) for a
   * look afterwards; it is always kept when something was found.
   */
  keep?: boolean;
  /**
   * The command that starts the bridge over `home` with `publishRoot`; it must
   * print `listening on URL` and write `<home>/bridge.json`. The real bridge by
   * default.
   */
  bridgeCommand?: (home: string, publishRoot: string) => string[];
  /** Environment for the bridge process, on top of this one's. */
  bridgeEnv?: Record<string, string>;
  /** Called with progress lines. */
  onProgress?: (line: string) => void;
  /** A progress line every this many requests. @default {1000} */
  progressEvery?: number;
}

/** What {@linkcode runApiFuzz} reports. */
export interface ApiFuzzReport extends ApiFuzzSummary {
  /** The seed used. */
  seed: number;
  /** The temporary folder, when kept (asked for, or something found). */
  dir?: string;
  /** What seeding could not do (a route refusing a valid request is worth a look). */
  seedNotes: string[];
  /** Routes exercised. */
  routes: string[];
  /** Lines of the bridge's log where the runtime denied an access (the second wall held). */
  deniedInLog: number;
  /** How the bridge was started. */
  bridgeCommand: string[];
}

const SERVER = new URL("../../kernel/server.ts", import.meta.url).pathname;
const LAUNCHER = new URL("../launch.ts", import.meta.url).pathname;
const HOST = "127.0.0.1";
const enc = new TextEncoder();

/**
 * The default bridge command: the real server as `deno task start` runs it
 * (through `scripts/launch.ts`, with its least privileges, when there is
 * one; else `kernel/server.ts` with broad permissions), loopback only, no DHT
 * or LSD.
 */
export function defaultBridgeCommand(home: string, publishRoot: string): string[] {
  let launched = false;
  try {
    launched = Deno.statSync(LAUNCHER).isFile;
  } catch {
    launched = false;
  }
  const program = launched
    ? ["--no-prompt", "--allow-run", "--allow-read", "--allow-env", LAUNCHER, "bridge"]
    : ["--allow-net", "--allow-read", "--allow-write", "--allow-env", SERVER];
  return [
    Deno.execPath(),
    "run",
    ...program,
    "--home",
    home,
    "--port",
    "0",
    "--hostname",
    HOST,
    "--torrent-port",
    "0",
    "--no-dht",
    "--no-lsd",
    "--publish-root",
    publishRoot,
  ];
}

/** A bridge process and what it prints. */
interface BridgeProcess {
  child: Deno.ChildProcess;
  url: string;
  port: number;
  token: string;
  /** stdout and stderr so far. */
  log: () => string;
  exited: Promise<Deno.CommandStatus>;
}

async function startBridgeProcess(
  command: string[],
  home: string,
  env: Record<string, string>,
): Promise<BridgeProcess> {
  const child = new Deno.Command(command[0]!, {
    args: command.slice(1),
    env: { NO_COLOR: "1", OWM_CACHE: "0", OWM_INDEXES: "", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let log = "";
  let listening: (url: string) => void;
  const url = new Promise<string>((resolve) => listening = resolve);
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      if (log.length < 64 * 1024 * 1024) log += text;
      const match = /listening on (\S+)/.exec(log);
      if (match) listening(match[1]!);
    }
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const exited = child.status.then(async (status) => {
    await pumps.catch(() => {});
    return status;
  });
  const started = await Promise.race([
    url,
    exited.then((s) => `exited ${s.code}`),
    new Promise<string>((resolve) => setTimeout(() => resolve("timeout"), 60_000)),
  ]);
  if (!started.startsWith("http")) {
    try {
      child.kill("SIGKILL");
    } catch {
      // gone already
    }
    await exited;
    throw new Error(`The bridge did not start (${started}):\n${log.slice(-4000)}`);
  }
  const file = JSON.parse(await Deno.readTextFile(join(home, "bridge.json")));
  const port = Number(new URL(started).port);
  return { child, url: started, port, token: String(file.token), log: () => log, exited };
}

/** A JSON call for seeding and the end checks (plain fetch: nothing odd in these). */
async function call(
  bridge: BridgeProcess,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown; text: string }> {
  const headers = new Headers({ authorization: `Bearer ${bridge.token}` });
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers.set("content-type", "application/json");
    payload = JSON.stringify(body);
  }
  const res = await fetch(`${bridge.url}${path}`, {
    method,
    headers,
    ...(payload !== undefined ? { body: payload } : {}),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/** The folder layout: store, publish root, canary; and the names that point out of them. */
async function layout(root: string): Promise<{
  home: string;
  publishRoot: string;
  canary: Canary;
  tricks: string[];
}> {
  const home = join(root, "store");
  const publishRoot = join(root, "publish");
  await Deno.mkdir(join(publishRoot, "dataset"), { recursive: true });
  await Deno.mkdir(home, { recursive: true });
  await Deno.writeTextFile(join(publishRoot, "single.csv"), "name,value\nsingle,1\n");
  await Deno.writeTextFile(join(publishRoot, "dataset", "a.csv"), "name,value\na,1\n");
  await Deno.writeTextFile(join(publishRoot, "dataset", "b.csv"), "name,value\nb,2\n");
  const canary = await makeCanary(join(root, "canary"));
  // Links out, under names a request can give.
  await Deno.symlink(canary.file, join(publishRoot, "escape.csv"));
  await Deno.symlink(canary.dir, join(publishRoot, "escape"));
  await Deno.symlink(canary.file, join(home, "canary-link.csv"));
  const rel = (n: number, rest: string) => "../".repeat(n) + rest;
  const tricks = [
    ...[1, 2, 3, 4, 5, 6, 8].map((n) => rel(n, "canary/canary.csv")),
    ...[1, 3, 5].map((n) => rel(n, "canary/folder")),
    ...[2, 4].map((n) => rel(n, "canary")),
    canary.file,
    canary.folder,
    canary.dir,
    `file://${canary.file}`,
    `<file://${canary.file}>`,
    "..\\..\\..\\canary\\canary.csv",
    "..\\..\\",
    `${canary.file}\u0000.csv`,
    "canary.csv\u0000",
    "a\u0000b",
    "%2e%2e%2f%2e%2e%2fcanary%2fcanary.csv",
    "..%2f..%2f..%2fcanary%2fcanary.csv",
    "%252e%252e%252f",
    "..%c0%af..%c0%afcanary",
    "\uff0e\uff0e\uff0fcanary",
    "canary-link.csv",
    "../canary-link.csv",
    "../../canary-link.csv",
    "escape.csv",
    "escape",
    "escape/canary.csv",
    "dataset/../../canary/canary.csv",
    "/etc/passwd",
    "../../../../../../../../../../etc/passwd",
    "/proc/self/environ",
    "/dev/null",
    "~/.ssh/id_rsa",
    "..",
    ".",
    "/",
    "",
    "CON",
    "a/../../../..",
    "../".repeat(64),
  ];
  return { home, publishRoot, canary, tricks };
}

/** Seeds the store through the API; returns the targets and what failed. */
async function seed(bridge: BridgeProcess, tricks: string[]): Promise<{
  targets: Targets;
  protectedIds: string[];
  notes: string[];
}> {
  const notes: string[] = [];
  const targets: Targets = {
    sources: new Map(),
    deletable: [],
    present: [],
    suspicious: [],
    hashes: [],
    deletableHashes: [],
    kinds: [],
    publishable: [],
    translators: [],
    inputKinds: new Map(),
    parents: new Map(),
    publishPaths: ["single.csv", "dataset", "dataset/a.csv"],
    tricks,
  };
  const expect = async (
    what: string,
    status: number,
    method: string,
    path: string,
    body?: unknown,
  ) => {
    const answer = await call(bridge, method, path, body);
    if (answer.status !== status) {
      notes.push(
        `${what}: ${method} ${path} answered ${answer.status}: ${answer.text.slice(0, 300)}`,
      );
      return undefined;
    }
    return answer.json as Record<string, unknown>;
  };
  const kinds = await expect("kinds", 200, "GET", "/api/kinds");
  for (const kind of Array.isArray(kinds) ? kinds : []) {
    targets.kinds.push(String(kind.name));
    if (kind.publishable) targets.publishable.push(String(kind.name));
    targets.parents.set(String(kind.name), kind.parent ?? null);
  }
  const translators = await expect("translators", 200, "GET", "/api/translators");
  for (const t of Array.isArray(translators) ? translators : []) {
    targets.translators.push(t.name);
    targets.inputKinds.set(t.name, Array.isArray(t.inputKinds) ? t.inputKinds : []);
  }
  const csvClass = targets.publishable.includes("CSVDataSource") ? "CSVDataSource" : undefined;
  const ids: string[] = [];
  const deletable: string[] = [];
  // Plain DataSources, one of them for valid DELETEs to aim at.
  for (const [cls, key] of [["DataSource", "fuzz-plain"], ["CSVDataSource", "fuzz-meta"]]) {
    const made = await expect("create", 201, "POST", "/api/datasources", {
      class: cls,
      key,
      fields: cls === "CSVDataSource" ? { csvFileName: "meta.csv" } : {},
    });
    ids.push(String(made?.id ?? `${cls}:${key}`));
  }
  const victim = await expect("create", 201, "POST", "/api/datasources", {
    class: "DataSource",
    key: "fuzz-victim",
  });
  deletable.push(String(victim?.id ?? "DataSource:fuzz-victim"));
  // An upload (content here, used by verify and translations).
  const form = new FormData();
  form.set("class", csvClass ?? targets.publishable[0] ?? "CSVDataSource");
  form.set("key", "fuzz-upload");
  form.set("description", "fuzz seed");
  form.append("file", new File(["name,value\nx,1\ny,2\n"], "data.csv", { type: "text/csv" }));
  const uploaded = await expect("upload", 201, "POST", "/api/uploads", form);
  if (uploaded) {
    ids.push(String(uploaded.id));
    targets.present.push(String(uploaded.id));
    targets.hashes.push(String(uploaded.infoHash));
  }
  // A published file whose torrent valid DELETEs may remove.
  const published = await expect("publish", 201, "POST", "/api/publish", {
    path: "single.csv",
    class: csvClass ?? "CSVDataSource",
    key: "fuzz-published",
  });
  if (published) {
    ids.push(String(published.id));
    targets.present.push(String(published.id));
    targets.hashes.push(String(published.infoHash));
    targets.deletableHashes.push(String(published.infoHash));
  }
  // A published folder, and its zip (a translation), for the folder and zip translators.
  if (targets.publishable.includes("LocalFileDataSource")) {
    const folder = await expect("publish", 201, "POST", "/api/publish", {
      path: "dataset",
      class: "LocalFileDataSource",
      key: "fuzz-folder",
    });
    if (folder) {
      ids.push(String(folder.id));
      targets.present.push(String(folder.id));
      targets.hashes.push(String(folder.infoHash));
      if (targets.translators.includes("directory-to-zip")) {
        const zipped = await expect("translate", 201, "POST", "/api/translations", {
          translator: "directory-to-zip",
          inputs: [String(folder.id)],
        });
        if (zipped) {
          ids.push(String(zipped.id));
          targets.present.push(String(zipped.id));
        }
      }
    }
  }
  // A translation, so that provenance and derivs have chains.
  if (uploaded && targets.translators.includes("csv-to-rdf")) {
    const translated = await expect("translate", 201, "POST", "/api/translations", {
      translator: "csv-to-rdf",
      inputs: [String(uploaded.id)],
    });
    if (translated) {
      ids.push(String(translated.id));
      targets.present.push(String(translated.id));
    }
  }
  for (const id of [...ids, ...deletable]) {
    const detail = await expect("show", 200, "GET", `/api/datasources/${encodeURIComponent(id)}`);
    targets.sources.set(id, known(id, detail));
  }
  targets.deletable.push(...deletable);
  return { targets, protectedIds: ids, notes };
}

function known(id: string, detail: Record<string, unknown> | undefined): KnownDataSource {
  const colon = id.indexOf(":");
  return {
    id,
    kind: String(detail?.kind ?? id.slice(0, colon)),
    key: String(detail?.key ?? id.slice(colon + 1)),
    fields: (detail?.fields as Record<string, unknown> | undefined) ?? {},
  };
}

/** Keeps the targets current from what the bridge accepted. */
function learn(targets: Targets, route: Route, mutation: string, status: number, body: string) {
  if (status < 200 || status > 299) return;
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  const id = typeof json?.id === "string" ? json.id : undefined;
  if (route.name === "POST /api/datasources" && id) {
    if (!targets.sources.has(id)) {
      targets.deletable.push(id);
      targets.sources.set(id, known(id, json));
    }
    if (mutation !== "valid") targets.suspicious.push(id);
  }
  if ((route.name === "POST /api/uploads" || route.name === "POST /api/publish") && id) {
    targets.sources.set(id, known(id, undefined));
    targets.deletable.push(id);
    targets.present.push(id);
    if (typeof json?.infoHash === "string") {
      targets.hashes.push(json.infoHash);
      targets.deletableHashes.push(json.infoHash);
    }
    if (mutation !== "valid") targets.suspicious.push(id);
  }
  if (route.name === "POST /api/translations" && id && !targets.sources.has(id)) {
    targets.sources.set(id, known(id, undefined));
    targets.deletable.push(id);
    targets.present.push(id);
  }
  if (targets.suspicious.length > 50) targets.suspicious.splice(0, targets.suspicious.length - 50);
}

/** Runs the fuzzer; never throws for a finding, only reports it. */
export async function runApiFuzz(options: ApiFuzzOptions): Promise<ApiFuzzReport> {
  const maxRequests = options.requests ?? 2000;
  const seconds = options.seconds ?? 600;
  const deadlineMs = options.deadlineMs ?? 10_000;
  const concurrency = Math.min(4, Math.max(1, options.concurrency ?? 2));
  const every = options.progressEvery ?? 1000;
  const root = await Deno.makeTempDir({ prefix: "owm-api-fuzz-" });
  const { home, publishRoot, canary, tricks } = await layout(root);
  const command = (options.bridgeCommand ?? defaultBridgeCommand)(home, publishRoot);
  const bridge = await startBridgeProcess(command, home, options.bridgeEnv ?? {});
  const tally = new Tally(deadlineMs, canary.secret, canary.atimeWorks);
  let report: ApiFuzzReport | undefined;
  let keep = options.keep === true;
  try {
    const { targets, protectedIds, notes } = await seed(bridge, tricks);
    // Seeding read nothing outside; whatever moved the atimes so far is not a request's doing.
    await resetAtimes(canary);
    const doc = (await call(bridge, "GET", "/openapi.json")).json as Schema;
    const factory = new RequestFactory(doc, targets, prng(options.seed));
    const hostHeader = `${HOST}:${bridge.port}`;
    const started = performance.now();
    const stopAt = started + seconds * 1000;
    const inFlight = new Set<SentRequest>();
    const deletes: SentRequest[] = [];
    const journal: string[] = [];
    let sent = 0;
    const worker = async () => {
      while (sent < maxRequests && performance.now() < stopAt) {
        const index = sent++;
        const request = factory.next(hostHeader, bridge.token);
        const sentRequest: SentRequest = {
          index,
          route: request.route.name,
          mutation: request.mutation,
          method: request.method,
          target: excerpt(enc.encode(request.target), 300),
          excerpt: excerpt(request.body),
          bodyBytes: request.body.length,
        };
        inFlight.add(sentRequest);
        const answer = await exchange(HOST, bridge.port, request.bytes, {
          deadlineMs,
          halfClose: request.halfClose,
          head: request.method === "HEAD",
        });
        const body = new TextDecoder().decode(answer.body);
        const raised = tally.record({
          request: sentRequest,
          status: answer.status,
          ms: answer.ms,
          timedOut: answer.timedOut,
          body,
          ...(answer.error ? { error: answer.error } : {}),
          ...(answer.status >= 500 ? { cause: await causeOf(body, bridge.log) } : {}),
        });
        if (raised.length) await saveReproducer(root, index, raised, request.bytes);
        journal.push(
          JSON.stringify({
            index,
            route: sentRequest.route,
            mutation: sentRequest.mutation,
            method: sentRequest.method,
            target: sentRequest.target.slice(0, 500),
            body: sentRequest.excerpt,
            status: answer.status,
            ms: Math.round(answer.ms),
            answer: body.slice(0, 300),
          }),
        );
        learn(targets, request.route, request.mutation, answer.status, body);
        if (request.method === "DELETE" && answer.status >= 200 && answer.status < 300) {
          deletes.push(sentRequest);
        }
        const moved = await readPaths(canary);
        if (moved.length) {
          tally.readOutside(`access time moved: ${moved.join(", ")}`, [
            ...inFlight,
          ]);
          await resetAtimes(canary);
        }
        inFlight.delete(sentRequest);
        if (options.onProgress && (index + 1) % every === 0) {
          options.onProgress(`${index + 1}: ${tally.summary(performance.now() - started).line}`);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const durationMs = performance.now() - started;

    // The end checks: alive, no read in the log, the seeded DataSources still there.
    const health = await call(bridge, "GET", "/api/health").catch((e) => ({
      status: 0,
      json: undefined,
      text: String(e),
    }));
    if (health.status !== 200 || (health.json as { ok?: boolean })?.ok !== true) {
      tally.fail("dead", `GET /api/health answered ${health.status}: ${health.text.slice(0, 200)}`);
    }
    const excused = (id: string) => {
      const key = id.slice(id.indexOf(":") + 1);
      // A DELETE that succeeded (a valid one, or another method turned into DELETE).
      return deletes.some((d) => {
        if (!d.target.startsWith("/api/datasources/")) return false;
        const named = decodeURIComponentSafe(d.target.slice(17).split(/[?/]/)[0]!);
        return named === id || named.endsWith(`:${key}`) || named.endsWith(`#${key}>`);
      });
    };
    if (health.status === 200) {
      for (const id of protectedIds) {
        const shown = await call(bridge, "GET", `/api/datasources/${encodeURIComponent(id)}`);
        if (shown.status !== 200 && !excused(id)) {
          tally.fail("graph", `seeded ${id} answers ${shown.status} after the run`);
        }
      }
    }
    await stopBridge(bridge, tally);
    const leaked = leakedMarker(bridge.log(), canary);
    if (leaked) tally.readOutside(`the bridge's log holds '${leaked}'`, []);
    await checkGraph(home, protectedIds, excused, tally);
    const moved = await readPaths(canary);
    if (moved.length) tally.readOutside(`access time moved by the end: ${moved.join(", ")}`, []);
    await Deno.writeTextFile(join(root, "bridge.log"), bridge.log());
    await Deno.writeTextFile(join(root, "requests.jsonl"), journal.join("\n") + "\n");
    const summary = tally.summary(durationMs);
    keep = options.keep === true || !summary.ok;
    report = {
      ...summary,
      seed: options.seed,
      seedNotes: notes,
      routes: factory.routes.map((r) => r.name),
      deniedInLog: bridge.log().split("\n").filter((l) =>
        /NotCapable|PermissionDenied|Requires (read|write) access/.test(l)
      ).length,
      bridgeCommand: command,
      ...(keep ? { dir: root } : {}),
    };
    return report;
  } finally {
    try {
      bridge.child.kill("SIGKILL");
    } catch {
      // stopped already
    }
    await bridge.exited;
    if (!keep) await Deno.remove(root, { recursive: true }).catch(() => {});
  }
}

/**
 * The bridge log's line about a 5xx answer's request id (the error's name and
 * message), waited for briefly: the bridge logs it as it answers.
 */
async function causeOf(body: string, log: () => string): Promise<string> {
  const id = /request id ([0-9a-f-]{36})/.exec(body)?.[1];
  if (!id) return body.slice(0, 200);
  for (let i = 0; i < 20; i++) {
    const line = log().split("\n").find((l) => l.includes(id) && !l.includes('"error"'));
    if (line) return line.replace(/^.*?request [0-9a-f-]{36}:\s*/, "").trim().slice(0, 300);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return body.slice(0, 200);
}

/** Saves a request that raised a finding as `<root>/repro/<index>-<kinds>.http` (raw bytes). */
async function saveReproducer(
  root: string,
  index: number,
  kinds: string[],
  bytes: Uint8Array,
): Promise<void> {
  await Deno.mkdir(join(root, "repro"), { recursive: true });
  await Deno.writeFile(join(root, "repro", `${index}-${kinds.join("-")}.http`), bytes);
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** SIGTERM, then up to 10 s to exit (issue 10 point 4); a slower stop is a finding. */
async function stopBridge(bridge: BridgeProcess, tally: Tally): Promise<void> {
  try {
    bridge.child.kill("SIGTERM");
  } catch {
    tally.fail("dead", "the bridge had exited before the end of the run");
    return;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stopped = await Promise.race([
    bridge.exited.then(() => true),
    new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(false), 10_000)),
  ]);
  clearTimeout(timer);
  if (!stopped) {
    tally.fail("shutdown", "the bridge did not exit within 10 s of SIGTERM");
    bridge.child.kill("SIGKILL");
    await bridge.exited;
  }
}

/** The graph file parses (every line, not just its digest) and holds the seeded DataSources. */
async function checkGraph(
  home: string,
  protectedIds: string[],
  excused: (id: string) => boolean,
  tally: Tally,
): Promise<void> {
  // Every statement of the N-Quads file parses (not just the digest of its body checks out).
  const path = join(home, "graph.nq");
  try {
    const { lines } = await readStoreFile(path);
    await canonicalLines(path, lines.join("\n") + "\n");
  } catch (error) {
    // Name the offending statement: the line number counts the statements, not the header.
    const line = Number(/at line (\d+)/.exec(String(error))?.[1]);
    let statement = "";
    if (line > 0) {
      const body = (await Deno.readTextFile(path).catch(() => ""))
        .split("\n").filter((l) => !l.startsWith("#"));
      statement = body[line - 1] ? `\n    statement: ${body[line - 1]!.slice(0, 300)}` : "";
    }
    tally.fail("graph", `the graph does not parse after the run: ${error}${statement}`);
  }
  // The store opens as the CLI opens it, and holds the seeded DataSources.
  let repo: DataSourceRepository;
  try {
    repo = await DataSourceRepository.open({ home });
  } catch (error) {
    tally.fail("graph", `the store does not open after the run: ${error}`);
    return;
  }
  for (const id of protectedIds) {
    if (excused(id)) continue;
    try {
      await repo.get(id);
    } catch (error) {
      tally.fail("graph", `seeded ${id} is not in the graph after the run: ${error}`);
    }
  }
}

/** The report as text: the summary line, seeding notes, then each finding with reproducers. */
export function formatReport(report: ApiFuzzReport): string {
  const lines = [`api fuzz (seed ${report.seed}): ${report.line}`];
  lines.push(
    `  statuses: ${Object.entries(report.byStatus).sort().map(([k, v]) => `${k}×${v}`).join(" ")}`,
  );
  lines.push(`  bridge: ${report.bridgeCommand.slice(1).join(" ")}`);
  if (report.deniedInLog) {
    lines.push(`  the runtime denied ${report.deniedInLog} access(es) (see the bridge's log)`);
  }
  for (const note of report.seedNotes) lines.push(`  seeding: ${note}`);
  for (const finding of report.findings) lines.push(formatFinding(finding));
  if (report.dir) {
    lines.push(
      `  kept: ${report.dir} (store/, bridge.log, requests.jsonl, repro/<index>-<kind>.http: raw requests to replay)`,
    );
  }
  return lines.join("\n");
}

function flag(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`--${name} needs a whole number ≥ 0, got '${args[at + 1] ?? ""}'`);
  }
  return value;
}

/**
 * Sends saved requests (`repro/<index>-<kind>.http` of a kept run) to a
 * fresh bridge over a freshly seeded store, with its Host and token put in;
 * prints each answer (and, for a 5xx, the bridge log's cause). Paths of the
 * old run's temporary folder are left as they were. Returns how many answered
 * 5xx or hung.
 */
export async function replayRequests(
  files: string[],
  deadlineMs = 10_000,
  print: (line: string) => void = console.log,
): Promise<number> {
  const root = await Deno.makeTempDir({ prefix: "owm-api-replay-" });
  const { home, publishRoot, tricks } = await layout(root);
  const bridge = await startBridgeProcess(defaultBridgeCommand(home, publishRoot), home, {});
  let bad = 0;
  try {
    const { notes } = await seed(bridge, tricks);
    for (const note of notes) print(`seeding: ${note}`);
    for (const file of files) {
      const saved = await Deno.readFile(file);
      let end = 0;
      for (let i = 3; i < saved.length && end === 0; i++) {
        if (saved[i - 3] === 13 && saved[i - 2] === 10 && saved[i - 1] === 13 && saved[i] === 10) {
          end = i + 1;
        }
      }
      const head = Array.from(saved.subarray(0, end), (b) => String.fromCharCode(b)).join("")
        .replace(/^Host: [^\r\n]*/m, `Host: ${HOST}:${bridge.port}`)
        .replace(/^Authorization: Bearer \S+/m, `Authorization: Bearer ${bridge.token}`);
      const body = saved.subarray(end);
      const declared = Number(/^Content-Length: (\d+)/m.exec(head)?.[1] ?? body.length);
      const request = new Uint8Array(head.length + body.length);
      request.set(Uint8Array.from(head, (c) => c.charCodeAt(0) & 0xff));
      request.set(body, head.length);
      const answer = await exchange(HOST, bridge.port, request, {
        deadlineMs,
        halfClose: declared > body.length,
      });
      const text = new TextDecoder().decode(answer.body);
      const cause = answer.status >= 500 ? `\n  log: ${await causeOf(text, bridge.log)}` : "";
      print(
        `${file}: ${answer.timedOut ? "no answer within the deadline" : answer.status} ` +
          `(${answer.ms.toFixed(0)} ms) ${text.slice(0, 300)}${cause}`,
      );
      if (answer.status >= 500 || answer.timedOut) bad++;
    }
  } finally {
    try {
      bridge.child.kill("SIGTERM");
    } catch {
      // stopped already
    }
    await bridge.exited;
    await Deno.remove(root, { recursive: true }).catch(() => {});
  }
  return bad;
}

if (import.meta.main) {
  const args = Deno.args.filter((a) => a !== "--");
  const replay = args.indexOf("--replay");
  if (replay >= 0) {
    const files = args.slice(replay + 1).filter((a) => !a.startsWith("--"));
    Deno.exit((await replayRequests(files, flag(args, "deadline-ms", 10_000))) > 0 ? 1 : 0);
  }
  const concurrency = flag(args, "concurrency", 2);
  if (concurrency < 1 || concurrency > 4) {
    console.error("--concurrency must be 1 to 4");
    Deno.exit(2);
  }
  const report = await runApiFuzz({
    seed: flag(args, "seed", Date.now() % 2 ** 31),
    requests: flag(args, "requests", 2000),
    seconds: flag(args, "seconds", 600),
    deadlineMs: flag(args, "deadline-ms", 10_000),
    concurrency,
    keep: args.includes("--keep"),
    onProgress: (line) => console.error(line),
  });
  if (args.includes("--json")) console.log(JSON.stringify(report, null, 2));
  else console.log(formatReport(report));
  if (!report.ok) Deno.exit(1);
}
