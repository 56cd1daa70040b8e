/**
 * What the API fuzzer counts and flags: answers by status class, 5xx answers,
 * hangs (no whole answer within the deadline), reads outside (the canary's
 * secret in an answer, its access time moved), and the end checks (the bridge
 * alive, the graph intact, a prompt shutdown). Kept apart from the request
 * loop so that each detector can be tested with answers made up on purpose.
 *
 * @module
 */
import { leakedMarker } from "./canary.ts";

/** One request as sent, enough to send it again. */
export interface SentRequest {
  /** Its number in the run (the same seed gives the same numbers). */
  index: number;
  /** The OpenAPI route, e.g. `POST /api/datasources/{id}/verify`. */
  route: string;
  /** The mutation applied (`valid` for none). */
  mutation: string;
  /** The request line's method. */
  method: string;
  /** The request-target as sent (path and query). */
  target: string;
  /** The start of the body, printable (non-ASCII and control bytes escaped). */
  excerpt: string;
  /** The body's length in bytes. */
  bodyBytes: number;
}

/** What came back for one request. */
export interface Outcome {
  /** The request. */
  request: SentRequest;
  /** The status; 0 when no answer came (reset, closed). */
  status: number;
  /** Milliseconds to the whole answer. */
  ms: number;
  /** No whole answer within the deadline. */
  timedOut: boolean;
  /** The answer body as text. */
  body: string;
  /** Why no answer came, if none did. */
  error?: string;
  /** For a 5xx, what the bridge's log says of it (the error's name and message). */
  cause?: string;
}

/** Kinds of findings; any finding fails the run. */
export type FindingKind = "5xx" | "hang" | "canary" | "dead" | "graph" | "shutdown";

/** One problem found. */
export interface ApiFinding {
  /** What kind. */
  kind: FindingKind;
  /** What happened. */
  detail: string;
  /** The request(s) that caused it, when known (the first few). */
  requests: SentRequest[];
  /** How many times it was seen. */
  count: number;
}

/** The figures of a run. */
export interface ApiFuzzSummary {
  /** Requests sent. */
  requests: number;
  /** Answers by class: `2xx`, `3xx`, `4xx`, `5xx`, `none` (no answer). */
  byClass: Record<string, number>;
  /** Answers by exact status. */
  byStatus: Record<string, number>;
  /** 5xx answers. */
  serverErrors: number;
  /** Requests without a whole answer within the deadline. */
  hangs: number;
  /** Reads outside seen (secret in an answer or log, access time moved). */
  canaryReads: number;
  /** Whether access times could be checked here (otherwise only content is). */
  atimeChecked: boolean;
  /** Median answer time, ms. */
  p50Ms: number;
  /** 99th percentile answer time, ms. */
  p99Ms: number;
  /** Slowest answer, ms. */
  maxMs: number;
  /** Wall time of the request loop, ms. */
  durationMs: number;
  /** Requests sent by mutation. */
  byMutation: Record<string, number>;
  /** Requests sent by route. */
  byRoute: Record<string, number>;
  /** Every finding (the first few requests of each kind are kept in full). */
  findings: ApiFinding[];
  /** True when nothing was found. */
  ok: boolean;
  /** The summary as a line. */
  line: string;
}

/** How many requests of one finding are kept as examples. */
const KEEP = 3;
/** How many distinct findings of one kind are kept. */
const DISTINCT = 40;

/** Counts outcomes and collects findings. */
export class Tally {
  readonly #deadlineMs: number;
  readonly #secret: string;
  #times: number[] = [];
  #byClass: Record<string, number> = { "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, "none": 0 };
  #byStatus: Record<string, number> = {};
  #byMutation: Record<string, number> = {};
  #byRoute: Record<string, number> = {};
  #serverErrors = 0;
  #hangs = 0;
  #canaryReads = 0;
  #findings = new Map<string, ApiFinding>();
  #atimeChecked: boolean;

  /** A tally for a run with per-request `deadlineMs` and the canary's `secret`. */
  constructor(deadlineMs: number, secret: string, atimeChecked: boolean) {
    this.#deadlineMs = deadlineMs;
    this.#secret = secret;
    this.#atimeChecked = atimeChecked;
  }

  /** Counts one outcome; returns the findings it raised. */
  record(outcome: Outcome): FindingKind[] {
    const raised: FindingKind[] = [];
    const { request, status } = outcome;
    this.#times.push(outcome.ms);
    this.#byMutation[request.mutation] = (this.#byMutation[request.mutation] ?? 0) + 1;
    this.#byRoute[request.route] = (this.#byRoute[request.route] ?? 0) + 1;
    const cls = status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : "none";
    this.#byClass[cls] = (this.#byClass[cls] ?? 0) + 1;
    this.#byStatus[String(status)] = (this.#byStatus[String(status)] ?? 0) + 1;
    if (status >= 500 && status < 600) {
      this.#serverErrors++;
      // One finding per cause (the log's error, else the answer), ids, names and numbers blurred.
      const cause = outcome.cause ?? outcome.body.slice(0, 160);
      const blurred = cause
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "ID")
        .replace(/'[^']*'/g, "'…'").replace(/"[^"]*"/g, '"…"').replace(/\d+/g, "N");
      const detail = `${status}: ${outcome.body.slice(0, 300)}` +
        (outcome.cause ? `\n    log: ${outcome.cause}` : "");
      this.#add("5xx", detail, [request], { key: `5xx ${blurred}` });
      raised.push("5xx");
    }
    if (outcome.timedOut || outcome.ms > this.#deadlineMs) {
      this.#hangs++;
      this.#add(
        "hang",
        `no whole answer within ${this.#deadlineMs} ms (status ${status || "none"})`,
        [request],
        { key: `hang ${request.route} ${request.mutation}` },
      );
      raised.push("hang");
    }
    const leaked = leakedMarker(outcome.body, { secret: this.#secret });
    if (leaked !== undefined) {
      this.#canaryReads++;
      this.#add("canary", `the answer (${status}) holds '${leaked}'`, [request]);
      raised.push("canary");
    }
    return raised;
  }

  /** A read outside seen some other way (access times moved, a marker in the log). */
  readOutside(detail: string, suspects: SentRequest[]): void {
    this.#canaryReads++;
    this.#add("canary", detail, suspects);
  }

  /** A failed end check (`dead`, `graph`, `shutdown`). */
  fail(kind: "dead" | "graph" | "shutdown", detail: string): void {
    this.#add(kind, detail, []);
  }

  #add(
    kind: FindingKind,
    detail: string,
    requests: SentRequest[],
    options: { key?: string } = {},
  ): void {
    // One finding per key, holding its first few requests and a count.
    const key = options.key ?? `${kind} ${detail}`;
    const known = this.#findings.get(key);
    if (known) {
      known.count++;
      for (const r of requests) if (known.requests.length < KEEP) known.requests.push(r);
      return;
    }
    if ([...this.#findings.values()].filter((f) => f.kind === kind).length >= DISTINCT) {
      const other = `${kind} (more)`;
      const more = this.#findings.get(other) ??
        { kind, detail: "further distinct findings, not kept", requests: [], count: 0 };
      more.count++;
      this.#findings.set(other, more);
      return;
    }
    this.#findings.set(key, { kind, detail, requests: requests.slice(0, KEEP), count: 1 });
  }

  /** The figures so far. */
  summary(durationMs: number): ApiFuzzSummary {
    const sorted = [...this.#times].sort((a, b) => a - b);
    const at = (q: number) =>
      sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    const requests = sorted.length;
    const findings = [...this.#findings.values()];
    const ok = findings.length === 0;
    const classes = Object.entries(this.#byClass).map(([k, v]) => `${k} ${v}`).join(", ");
    const line = `${requests} requests in ${(durationMs / 1000).toFixed(1)} s (${classes}); ` +
      `${this.#serverErrors} 5xx, ${this.#hangs} hangs, ${this.#canaryReads} reads outside ` +
      `(${this.#atimeChecked ? "content and atime" : "content only: atime unavailable"}); ` +
      `p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${
        (sorted.at(-1) ?? 0).toFixed(1)
      } ms` + (ok ? "" : `; ${findings.length} distinct finding(s)`);
    return {
      requests,
      byClass: { ...this.#byClass },
      byStatus: { ...this.#byStatus },
      serverErrors: this.#serverErrors,
      hangs: this.#hangs,
      canaryReads: this.#canaryReads,
      atimeChecked: this.#atimeChecked,
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      maxMs: sorted.at(-1) ?? 0,
      durationMs,
      byMutation: { ...this.#byMutation },
      byRoute: { ...this.#byRoute },
      findings,
      ok,
      line,
    };
  }
}

/** A printable excerpt of request bytes: ASCII kept, everything else `\xNN`. */
export function excerpt(bytes: Uint8Array, max = 200): string {
  let out = "";
  for (const b of bytes.subarray(0, max)) {
    out += b >= 0x20 && b < 0x7f && b !== 0x5c
      ? String.fromCharCode(b)
      : b === 0x5c
      ? "\\\\"
      : `\\x${b.toString(16).padStart(2, "0")}`;
  }
  return bytes.length > max ? `${out}… (${bytes.length} bytes)` : out;
}

/** One finding as text, with its requests as reproducers. */
export function formatFinding(finding: ApiFinding): string {
  const times = finding.count > 1 ? ` (×${finding.count})` : "";
  const lines = [`${finding.kind}${times}: ${finding.detail}`];
  for (const r of finding.requests) {
    lines.push(
      `  #${r.index} ${r.route} [${r.mutation}]: ${r.method} ${r.target}` +
        (r.bodyBytes > 0 ? ` body(${r.bodyBytes} B): ${r.excerpt}` : ""),
    );
  }
  return lines.join("\n");
}
