/**
 * Request generation for the API fuzzer: every route of the bridge's
 * `/openapi.json`, a valid request built from its schema and the store's real
 * targets (ids, infohashes, kinds, translators, DataSource fields), then one
 * mutation: wrong types, missing and extra fields, oversize strings, deep
 * nesting, odd encodings, path tricks in string fields and path parameters,
 * wrong content types, broken framing, and multipart mutations for uploads.
 * The request is rendered to raw HTTP/1.1 bytes, so nothing normalises it on
 * the way.
 *
 * @module
 */

/** A seeded PRNG (mulberry32), as the metainfo fuzzer uses. */
export type Random = () => number;

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): Random {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function int(random: Random, n: number): number {
  return Math.floor(random() * n);
}
function pick<T>(random: Random, items: readonly T[]): T {
  return items[int(random, items.length)]!;
}
function hex(random: Random, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += "0123456789abcdef"[int(random, 16)];
  return out;
}

/** A JSON schema, as far as the fuzzer reads one. */
// deno-lint-ignore no-explicit-any
export type Schema = Record<string, any>;

/** One route: a method on an OpenAPI path. */
export interface Route {
  /** Upper case. */
  method: string;
  /** The OpenAPI path, e.g. `/api/datasources/{id}`. */
  path: string;
  /** Path and query parameters. */
  params: { name: string; in: string; required?: boolean; schema?: Schema }[];
  /** The JSON body's schema, if it takes one. */
  json?: Schema;
  /** The multipart body's schema, if it takes one. */
  multipart?: Schema;
  /** A text body's media type (e.g. `application/sparql-query`), if it takes one. */
  text?: string;
  /** `METHOD /path`. */
  name: string;
}

/**
 * Routes the bridge serves beside its OpenAPI document (the SPARQL 1.1
 * Protocol and the Graph Store Protocol's read), fuzzed too when the
 * document does not list them.
 */
export const EXTRA_PATHS: Schema = {
  "/sparql": {
    get: {
      parameters: [{ name: "query", in: "query", required: true, schema: { type: "string" } }],
    },
    post: {
      requestBody: { content: { "application/sparql-query": { schema: { type: "string" } } } },
    },
  },
  "/rdf-graph-store": {
    get: {
      parameters: [{ name: "graph", in: "query", required: true, schema: { type: "string" } }],
    },
  },
};

/** The routes of an OpenAPI document (with {@linkcode EXTRA_PATHS} it lacks), sorted. */
export function routesOf(doc: Schema): Route[] {
  const routes: Route[] = [];
  const paths = { ...EXTRA_PATHS, ...(doc.paths ?? {}) };
  for (const [path, item] of Object.entries(paths) as [string, Schema][]) {
    for (const method of ["get", "post", "put", "patch", "delete"]) {
      const op = item[method];
      if (!op) continue;
      const content = op.requestBody?.content ?? {};
      routes.push({
        method: method.toUpperCase(),
        path,
        params: [...(item.parameters ?? []), ...(op.parameters ?? [])],
        ...(content["application/json"] ? { json: content["application/json"].schema } : {}),
        ...(content["multipart/form-data"]
          ? { multipart: content["multipart/form-data"].schema }
          : {}),
        ...(content["application/sparql-query"] ? { text: "application/sparql-query" } : {}),
        name: `${method.toUpperCase()} ${path}`,
      });
    }
  }
  return routes.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** One DataSource the store holds. */
export interface KnownDataSource {
  /** `ClassName:key`. */
  id: string;
  /** Class name. */
  kind: string;
  /** Its key. */
  key: string;
  /** Its fields as `GET /api/datasources/{id}` shows them. */
  fields: Record<string, unknown>;
}

/** What requests aim at: the live store's contents, kept current as the run goes. */
export interface Targets {
  /** Every DataSource known, by id. */
  sources: Map<string, KnownDataSource>;
  /** Ids a valid DELETE may aim at (never the seeded ones the end check looks for). */
  deletable: string[];
  /** Ids whose content is here (published or uploaded). */
  present: string[];
  /** Ids made by mutated requests that the bridge accepted (aimed at more often). */
  suspicious: string[];
  /** Infohashes in the session. */
  hashes: string[];
  /** Infohashes a valid DELETE may aim at. */
  deletableHashes: string[];
  /** DataSource class names. */
  kinds: string[];
  /** Classes that can record a published torrent. */
  publishable: string[];
  /** Translator names. */
  translators: string[];
  /** Each translator's input kinds (the last repeats), by name. */
  inputKinds: Map<string, string[]>;
  /** Each class's parent class, by name. */
  parents: Map<string, string | null>;
  /** Paths under the publish root. */
  publishPaths: string[];
  /** Strings that name files outside (the canary, system files, links out). */
  tricks: string[];
}

/** One multipart part. */
interface Part {
  name: string;
  filename?: string;
  type?: string;
  data: Uint8Array;
  /** Raw header lines used instead of the generated ones. */
  rawHeaders?: string;
}

/** A request before rendering. */
interface Draft {
  route: Route;
  method: string;
  pathValues: Record<string, string>;
  /** A request-target used verbatim (path tricks that encoding would hide). */
  rawTarget?: string;
  query: [string, string][];
  headers: [string, string][];
  token: boolean;
  json?: unknown;
  parts?: Part[];
  boundary?: string;
  /** Body bytes used as they are (after rendering json/parts). */
  body?: Uint8Array;
  contentType?: string;
  /** Bytes spliced in for placeholders found in the rendered body. */
  splices: Map<string, Uint8Array>;
  /** Declared Content-Length other than the body's, or none at all. */
  contentLength?: number | "omit";
  halfClose?: boolean;
}

/** A rendered request. */
export interface FuzzRequest {
  /** The route it exercises. */
  route: Route;
  /** The mutation applied, `valid` for none. */
  mutation: string;
  /** The method as sent. */
  method: string;
  /** The request-target as sent. */
  target: string;
  /** The whole request. */
  bytes: Uint8Array;
  /** The body's bytes. */
  body: Uint8Array;
  /** Close the sending side after the request (truncated bodies). */
  halfClose: boolean;
}

const enc = new TextEncoder();
const MIB = 1024 * 1024;
const PLACEHOLDER = "__OWM_FUZZ_RAW_";

function deref(doc: Schema, schema: Schema | undefined): Schema {
  let s = schema ?? {};
  for (let i = 0; i < 10 && typeof s.$ref === "string"; i++) {
    s = doc.components?.schemas?.[s.$ref.split("/").at(-1)!] ?? {};
  }
  // anyOf / oneOf: the first branch that is not null (a valid request takes one of them).
  for (const key of ["anyOf", "oneOf"]) {
    if (Array.isArray(s[key]) && s[key].length > 0) {
      const branch = s[key].find((b: Schema) => deref(doc, b).type !== "null") ?? s[key][0];
      return deref(doc, { ...s, [key]: undefined, ...deref(doc, branch) });
    }
  }
  if (Array.isArray(s.allOf)) {
    const merged: Schema = { type: "object", properties: {}, required: [] };
    for (const part of s.allOf) {
      const p = deref(doc, part);
      Object.assign(merged.properties, p.properties ?? {});
      merged.required.push(...(p.required ?? []));
    }
    return merged;
  }
  return s;
}

/** Valid SPARQL queries over the store. */
const SPARQL_QUERIES = [
  "SELECT * WHERE { ?s ?p ?o } LIMIT 5",
  "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
  "ASK { ?s a ?type }",
  "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3",
  "DESCRIBE <http://data.openworm.org/data_sources/CSVDataSource#fuzz-upload>",
];

/** SPARQL that names files or addresses outside, or costs without bound. */
function sparqlTricks(random: Random, targets: Targets): string[] {
  const files = targets.tricks.filter((t) => t.includes("canary") || t.includes("passwd"));
  const absolute = files.find((t) => t.startsWith("/")) ?? "/etc/passwd";
  return [
    `SELECT * FROM <file://${absolute}> WHERE { ?s ?p ?o }`,
    `SELECT * FROM NAMED <file://${absolute}> WHERE { GRAPH ?g { ?s ?p ?o } }`,
    `SELECT * FROM <${pick(random, files.length ? files : ["../x"])}> WHERE { ?s ?p ?o }`,
    `LOAD <file://${absolute}>`,
    `LOAD <file://${absolute}> INTO GRAPH <urn:x>`,
    "CLEAR ALL",
    "DROP ALL",
    `INSERT DATA { <urn:a> <urn:b> "c" }`,
    "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    `DESCRIBE <file://${absolute}>`,
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
    "SELECT * WHERE { " + "{ ".repeat(1000) + "?s ?p ?o" + " }".repeat(1000) + " }",
    "SELECT * WHERE { ?s ?p ?o FILTER(" + "(".repeat(1000) + "1" + ")".repeat(1000) + ") }",
    "SELECT * WHERE { ?s (<urn:p>|!<urn:q>)* ?o }",
    `SELECT * WHERE { BIND(REPLACE("${"a".repeat(10_000)}", "(a+)+$", "b") AS ?x) }`,
    "SELECT",
    "",
    "\u0000",
  ];
}

/** Translator options the built-in translators read (their values are strings). */
const OPTION_NAMES = [
  "header",
  "subject",
  "subject-base",
  "predicate-base",
  "class",
  "map.name",
  "type.value",
  "mtime",
  "compressionLevel",
  "maxEntries",
  "maxExpandedBytes",
  "csvFileName",
];

function newKey(random: Random): string {
  return `fuzz-${hex(random, 8)}`;
}

/** Builds valid requests and their mutations. */
export class RequestFactory {
  readonly #doc: Schema;
  readonly #targets: Targets;
  readonly #random: Random;
  /** The routes, from the document. */
  readonly routes: Route[];

  /** A factory over `doc` (the bridge's OpenAPI document) and live `targets`. */
  constructor(doc: Schema, targets: Targets, random: Random) {
    this.#doc = doc;
    this.#targets = targets;
    this.#random = random;
    this.routes = routesOf(doc);
  }

  /** The next request: a route, a valid request for it, maybe mutated. */
  next(host: string, token: string): FuzzRequest {
    // Routes that take a body get twice the share: they have the most to get wrong.
    const weighted = this.routes.flatMap((r) => r.json || r.multipart ? [r, r] : [r]);
    const route = pick(this.#random, weighted);
    const draft = this.#valid(route);
    const choices = MUTATIONS.filter(([, applies]) => applies(route));
    const weights = choices.map(([, , w]) => w);
    let roll = this.#random() * weights.reduce((a, b) => a + b, 0);
    let chosen = choices[0]!;
    for (const choice of choices) {
      roll -= choice[2];
      if (roll < 0) {
        chosen = choice;
        break;
      }
    }
    const [name, , , mutate] = chosen;
    mutate(draft, this.#random, this.#targets, this.#doc);
    return render(draft, name, host, token);
  }

  #valid(route: Route): Draft {
    const random = this.#random;
    const t = this.#targets;
    const draft: Draft = {
      route,
      method: route.method,
      pathValues: {},
      query: [],
      headers: [],
      token: true,
      splices: new Map(),
    };
    for (const param of route.params) {
      if (param.in === "path") draft.pathValues[param.name] = this.#pathValue(route, param.name);
      // Optional parameters now and then; of `graph` and `default` (one or the other) only one.
      const alternative = param.name === "default" &&
        draft.query.some(([name]) => name === "graph");
      if (param.in === "query" && !alternative && (param.required || random() < 0.3)) {
        const value = param.name === "kind"
          ? pick(random, t.kinds.length ? t.kinds : ["DataSource"])
          : param.name === "query"
          ? pick(random, SPARQL_QUERIES)
          : param.name === "graph" || param.name.endsWith("-uri")
          ? pick(random, ["http://data.openworm.org/data", "urn:owm:fuzz:none"])
          : param.name === "default"
          ? ""
          : param.schema?.type === "boolean"
          ? pick(random, ["true", "false"])
          : "x";
        draft.query.push([param.name, value]);
      }
    }
    if (route.json) {
      draft.json = this.#value(deref(this.#doc, route.json), "", route);
      this.#aim(route, draft.json as Record<string, unknown>);
      draft.contentType = "application/json";
    }
    if (route.text) {
      draft.body = enc.encode(pick(random, SPARQL_QUERIES));
      draft.contentType = route.text;
    }
    if (route.multipart) {
      const publishable = t.publishable.length ? t.publishable : ["CSVDataSource"];
      const parts: Part[] = [
        { name: "class", data: enc.encode(pick(random, publishable)) },
        { name: "key", data: enc.encode(newKey(random)) },
      ];
      if (random() < 0.5) parts.push({ name: "description", data: enc.encode("fuzz upload") });
      const files = 1 + int(random, 3);
      for (let i = 0; i < files; i++) {
        parts.push({
          name: "file",
          filename: `part${i}.csv`,
          type: "text/csv",
          data: enc.encode(`a,b\n${i},${hex(random, 6)}\n`),
        });
      }
      draft.parts = parts;
      draft.boundary = `----owmfuzz${hex(random, 16)}`;
      draft.contentType = `multipart/form-data; boundary=${draft.boundary}`;
    }
    return draft;
  }

  #pathValue(route: Route, name: string): string {
    const random = this.#random;
    const t = this.#targets;
    if (name === "infoHash") {
      const pool = route.method === "DELETE" ? t.deletableHashes : t.hashes;
      return pool.length ? pick(random, pool) : hex(random, 40);
    }
    if (route.method === "DELETE") {
      return t.deletable.length ? pick(random, t.deletable) : `DataSource:${newKey(random)}`;
    }
    if (t.suspicious.length && random() < 0.4) return pick(random, t.suspicious);
    if (/verify|fetch/.test(route.path) && t.present.length && random() < 0.5) {
      return pick(random, t.present);
    }
    const ids = [...t.sources.keys()];
    return ids.length ? pick(random, ids) : `DataSource:${newKey(random)}`;
  }

  /** A valid value for `schema`, using the store's real values where the name says what it is. */
  #value(schema: Schema, name: string, route: Route, depth = 0): unknown {
    const random = this.#random;
    const t = this.#targets;
    const s = deref(this.#doc, schema);
    if (Array.isArray(s.enum)) return pick(random, s.enum);
    const type = Array.isArray(s.type)
      ? (s.type.includes("null") && random() < 0.1
        ? "null"
        : s.type.find((x: string) => x !== "null"))
      : s.type;
    switch (type) {
      case "object": {
        if (name === "fields") {
          // Real field sets (those of the seeded DataSources name files, hashes, torrents).
          const all = [...t.sources.values()];
          const full = all.filter((k) => Object.keys(k.fields).length > 0);
          const known = full.length && random() < 0.8 ? full : all;
          return known.length ? structuredClone(pick(random, known).fields) : {};
        }
        const out: Record<string, unknown> = {};
        const required: string[] = s.required ?? [];
        for (const [prop, sub] of Object.entries(s.properties ?? {}) as [string, Schema][]) {
          if (required.includes(prop) || (depth < 3 && random() < 0.5)) {
            out[prop] = this.#value(sub, prop, route, depth + 1);
          }
        }
        if (s.additionalProperties && typeof s.additionalProperties === "object") {
          const n = int(random, 3);
          for (let i = 0; i < n; i++) {
            const prop = name === "files"
              ? `fuzz/${hex(random, 4)}.csv`
              : name === "options"
              ? pick(random, OPTION_NAMES)
              : `opt${i}`;
            out[prop] = this.#value(s.additionalProperties, prop, route, depth + 1);
          }
        }
        return out;
      }
      case "array": {
        const n = Math.max(s.minItems ?? 0, 1 + int(random, 2));
        return Array.from({ length: n }, () => this.#value(s.items ?? {}, name, route, depth + 1));
      }
      case "integer":
        return int(random, 1000);
      case "number":
        return random() * 1000;
      case "boolean":
        return random() < 0.5;
      case "null":
        return null;
      default:
        return this.#string(s, name, route);
    }
  }

  #string(s: Schema, name: string, route: Route): string {
    const random = this.#random;
    const t = this.#targets;
    if (typeof s.pattern === "string") {
      if (s.pattern.includes("{40}")) return hex(random, 40);
      if (s.pattern.includes("{64}")) return hex(random, 64);
    }
    const ids = [...t.sources.keys()];
    switch (name) {
      case "class":
        return /publish|upload/.test(route.path)
          ? pick(random, t.publishable.length ? t.publishable : ["CSVDataSource"])
          : pick(random, t.kinds.length ? t.kinds : ["DataSource"]);
      case "key":
        return newKey(random);
      case "translator":
        return t.translators.length ? pick(random, t.translators) : "csv-to-rdf";
      case "inputs": {
        const pool = t.suspicious.length && random() < 0.4 ? t.suspicious : t.present;
        return pool.length ? pick(random, pool) : ids.length ? pick(random, ids) : "DataSource:x";
      }
      case "path":
        return t.publishPaths.length ? pick(random, t.publishPaths) : "dataset";
      case "peers":
        return `127.0.0.1:${1 + int(random, 9)}`;
      case "context":
        return `urn:owm:fuzz:${hex(random, 4)}`;
      case "id":
        return ids.length ? pick(random, ids) : "DataSource:x";
      case "iri":
        return `http://data.openworm.org/data_sources/DataSource#${newKey(random)}`;
      case "torrentFileName":
        return `${hex(random, 32)}.torrent`;
      default:
        return `fuzz ${hex(random, 6)}`;
    }
  }

  /** Whether class `kind` is `wanted` or one of its subclasses. */
  #isA(kind: string, wanted: string): boolean {
    for (let k: string | null | undefined = kind, i = 0; k && i < 20; i++) {
      if (k === wanted) return true;
      k = this.#targets.parents.get(k);
    }
    return false;
  }

  /** Picks inputs of the kinds a translator takes, from content present here. */
  #translationInputs(body: Record<string, unknown>): void {
    const random = this.#random;
    const t = this.#targets;
    const kinds = t.inputKinds.get(String(body.translator));
    if (!kinds || kinds.length === 0) return;
    const inputs: string[] = [];
    for (const kind of kinds) {
      const fits = t.present.filter((id) => {
        const known = t.sources.get(id);
        return known !== undefined && this.#isA(known.kind, kind);
      });
      if (fits.length === 0) return;
      inputs.push(pick(random, fits));
    }
    body.inputs = inputs;
  }

  /** Re-aims a valid body at existing DataSources where a route takes one (a re-POST). */
  #aim(route: Route, body: Record<string, unknown>): void {
    const random = this.#random;
    if (route.name === "POST /api/translations" && random() < 0.7) {
      this.#translationInputs(body);
      return;
    }
    if (route.name !== "POST /api/datasources" || random() < 0.5) return;
    // Mostly DataSources whose content is here and whose fields are known (the seeded ones).
    const full = this.#targets.present.filter((id) =>
      Object.keys(this.#targets.sources.get(id)?.fields ?? {}).length > 0
    );
    const pool = full.length && random() < 0.7 ? full : [...this.#targets.sources.keys()];
    const known = pool.length ? this.#targets.sources.get(pick(random, pool)) : undefined;
    if (!known) return;
    body.class = known.kind;
    body.key = known.key;
    body.fields = structuredClone(known.fields);
    // Half of the re-POSTs say they mean it, so that a changed identity gets past a 409.
    if (random() < 0.5) body.replace = true;
  }
}

// ---------------------------------------------------------------- rendering

function renderParts(parts: Part[], boundary: string): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    const headers = part.rawHeaders ??
      `Content-Disposition: form-data; name="${part.name}"` +
        (part.filename !== undefined ? `; filename="${part.filename}"` : "") +
        (part.type ? `\r\nContent-Type: ${part.type}` : "");
    chunks.push(enc.encode(`--${boundary}\r\n${headers}\r\n\r\n`), part.data, enc.encode("\r\n"));
  }
  chunks.push(enc.encode(`--${boundary}--\r\n`));
  return concat(chunks);
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Replaces each placeholder (quoted or bare) in `bytes` by its splice. */
function splice(text: string, splices: Map<string, Uint8Array>): Uint8Array {
  if (splices.size === 0) return enc.encode(text);
  const chunks: Uint8Array[] = [];
  const pattern = new RegExp(`"?(${PLACEHOLDER}\\d+__)"?`, "g");
  let at = 0;
  for (const match of text.matchAll(pattern)) {
    const bytes = splices.get(match[1]!);
    if (!bytes) continue;
    // A quoted placeholder stands for a whole value; a bare one sits inside a string.
    const whole = match[0].startsWith('"') && match[0].endsWith('"');
    const start = whole ? match.index! : match.index! + (match[0].startsWith('"') ? 1 : 0);
    const end = whole ? start + match[0].length : start + match[1]!.length;
    chunks.push(enc.encode(text.slice(at, start)), bytes);
    at = end;
  }
  chunks.push(enc.encode(text.slice(at)));
  return concat(chunks);
}

function render(draft: Draft, mutation: string, host: string, token: string): FuzzRequest {
  let body = draft.body;
  if (body === undefined && draft.parts) body = renderParts(draft.parts, draft.boundary ?? "x");
  if (body === undefined && draft.json !== undefined) {
    body = splice(JSON.stringify(draft.json), draft.splices);
  }
  body ??= new Uint8Array();
  let target = draft.rawTarget ?? draft.route.path.replace(
    /\{(\w+)\}/g,
    (_, name: string) => encodeURIComponent(draft.pathValues[name] ?? ""),
  );
  if (draft.rawTarget === undefined && draft.query.length) {
    target += "?" +
      draft.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
  }
  const lines = [`${draft.method} ${target} HTTP/1.1`];
  if (!draft.headers.some(([k]) => k.toLowerCase() === "host")) lines.push(`Host: ${host}`);
  if (draft.token) lines.push(`Authorization: Bearer ${token}`);
  lines.push("Connection: close");
  if (draft.contentType !== undefined) lines.push(`Content-Type: ${draft.contentType}`);
  if (draft.contentLength !== "omit" && (body.length > 0 || draft.contentLength !== undefined)) {
    lines.push(`Content-Length: ${draft.contentLength ?? body.length}`);
  }
  for (const [k, v] of draft.headers) lines.push(`${k}: ${v}`);
  const head = new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n");
  // A request line with bytes that are not Latin-1 text goes out as raw bytes.
  const bytes = concat([rawLatin(head, draft), body]);
  return {
    route: draft.route,
    mutation,
    method: draft.method,
    target,
    bytes,
    body,
    halfClose: draft.halfClose ?? false,
  };
}

/** Targets written with `\xNN` escapes for raw bytes become those bytes. */
function rawLatin(head: Uint8Array, draft: Draft): Uint8Array {
  const raw = (text: string | undefined) => text?.includes("\\x") ?? false;
  if (!raw(draft.rawTarget) && !draft.headers.some(([, v]) => raw(v))) return head;
  const text = new TextDecoder().decode(head);
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (
      text[i] === "\\" && text[i + 1] === "x" && /^[0-9a-f]{2}$/i.test(text.slice(i + 2, i + 4))
    ) {
      out.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      out.push(...enc.encode(text[i]!));
    }
  }
  return new Uint8Array(out);
}

// ---------------------------------------------------------------- mutations

type Mutate = (draft: Draft, random: Random, targets: Targets, doc: Schema) => void;
const always = () => true;
const hasJson = (r: Route) => r.json !== undefined;
const hasParts = (r: Route) => r.multipart !== undefined;
const hasPathParam = (r: Route) => r.params.some((p) => p.in === "path");

/** Paths (lists of keys) to every value in `value`, the root excluded. */
function valuePaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (!value || typeof value !== "object") return [];
  const out: (string | number)[][] = [];
  for (const [k, v] of Object.entries(value)) {
    const path = [...prefix, Array.isArray(value) ? Number(k) : k];
    out.push(path, ...valuePaths(v, path));
  }
  return out;
}

function setAt(root: unknown, path: (string | number)[], value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
}

function deleteAt(root: unknown, path: (string | number)[]): void {
  let node = root as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  if (Array.isArray(node)) node.splice(path.at(-1) as number, 1);
  else delete node[path.at(-1)!];
}

function getAt(root: unknown, path: (string | number)[]): unknown {
  let node = root as Record<string | number, unknown>;
  for (const k of path) node = node?.[k] as Record<string | number, unknown>;
  return node;
}

/** A JSON object body to mutate (a route without one gets an object of its own). */
function jsonOf(draft: Draft): Record<string, unknown> {
  if (draft.json === undefined || draft.json === null || typeof draft.json !== "object") {
    draft.json = { fuzz: "x" };
    draft.contentType = "application/json";
  }
  return draft.json as Record<string, unknown>;
}

function stringPaths(value: unknown): (string | number)[][] {
  return valuePaths(value).filter((p) => typeof getAt(value, p) === "string");
}

function wrongValue(random: Random, current: unknown): unknown {
  const options: unknown[] = [
    0,
    -1,
    1.5,
    1e308,
    -0,
    Number.MAX_SAFE_INTEGER + 2,
    true,
    false,
    null,
    "",
    "0",
    "true",
    "null",
    [],
    [null],
    ["x", 1],
    {},
    { "": "" },
    { length: 1e9 },
    "x".repeat(300),
  ];
  let value = pick(random, options);
  for (let i = 0; i < 5 && typeof value === typeof current && value !== null; i++) {
    value = pick(random, options);
  }
  return value;
}

const EXTRA_FIELDS: [string, unknown][] = [
  ["replace", true],
  ["__proto__", { polluted: true, toString: 1 }],
  ["constructor", { prototype: { polluted: true } }],
  ["prototype", "x"],
  ["toString", "x"],
  ["hasOwnProperty", 1],
  ["fileName", "../../canary"],
  ["context", "file:///etc/passwd"],
  ["x".repeat(1000), "long name"],
  ["", "empty name"],
  ["key\u0000", "nul in name"],
];

function placeholder(draft: Draft, bytes: Uint8Array): string {
  const name = `${PLACEHOLDER}${draft.splices.size}__`;
  draft.splices.set(name, bytes);
  return name;
}

function nested(random: Random, depth: number): string {
  const kind = int(random, 3);
  if (kind === 0) return "[".repeat(depth) + "1" + "]".repeat(depth);
  if (kind === 1) return '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
  return '[{"a":'.repeat(depth / 2) + "null" + "}]".repeat(depth / 2);
}

/** Encodings of a path trick for use inside a URL path. */
function encodeTrick(random: Random, trick: string): string {
  switch (int(random, 7)) {
    case 0:
      return trick; // raw: slashes and dots as they are
    case 1:
      return encodeURIComponent(trick);
    case 2:
      return encodeURIComponent(encodeURIComponent(trick)); // double-encoded
    case 3:
      return trick.replace(/\./g, "%2e").replace(/\//g, "%2f");
    case 4:
      return trick.replace(/\.\.\//g, "%c0%ae%c0%ae%c0%af"); // overlong UTF-8
    case 5:
      return trick.replace(/\//g, "%5c");
    default:
      return encodeURIComponent(trick).replace(/%2F/g, "/");
  }
}

const WRONG_CONTENT_TYPES = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "multipart/form-data; boundary=",
  "application/json; charset=utf-16",
  "application/json; charset=x-evil",
  'application/json; charset="utf-8"; charset=latin1',
  "application/json\u0000",
  "application/xml",
  "",
  "a".repeat(8000),
  "application/json, text/html",
  "APPLICATION/JSON",
];

const BAD_BODIES: (string | Uint8Array)[] = [
  "",
  "{",
  "}",
  "null",
  "[]",
  "[{}]",
  "1",
  '"x"',
  "true",
  '{"a":1,}',
  "{'a':1}",
  '{"a":1}{"b":2}',
  '{"class":"DataSource","key":"k"} trailing',
  "\u0000",
  new Uint8Array([0xff, 0xfe, 0xfd]),
  "NaN",
  '{"a":1e999999}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '{"a": "\\x41"}',
];

const ODD_BYTES: Uint8Array[] = [
  new Uint8Array([0xff, 0xfe]), // invalid UTF-8
  new Uint8Array([0xc0, 0xae, 0xc0, 0xae, 0xc0, 0xaf]), // overlong "../"
  new Uint8Array([0x00]), // NUL
  new Uint8Array([0xed, 0xa0, 0x80]), // a lone surrogate, UTF-8 encoded
  new Uint8Array([0xe2, 0x80, 0xae]), // RIGHT-TO-LEFT OVERRIDE
  new Uint8Array([0xef, 0xbb, 0xbf]), // a BOM inside
  new Uint8Array([0xf4, 0x90, 0x80, 0x80]), // above U+10FFFF
  new Uint8Array([0xe0, 0x80]), // truncated sequence
];

function oversize(random: Random): string {
  const size = MIB + int(random, MIB);
  const unit = pick(random, ["a", "é", "../", "\u{1F600}", "%2e", "\\"]);
  return unit.repeat(Math.ceil(size / enc.encode(unit).length));
}

function multipartField(draft: Draft, name: string): Part | undefined {
  return draft.parts?.find((p) => p.name === name);
}

/** Mutations: a name, which routes it applies to, a weight, and what it does. */
const MUTATIONS: [string, (r: Route) => boolean, number, Mutate][] = [
  ["valid", always, 3, () => {}],
  ["wrong-type", hasJson, 3, (draft, random) => {
    const body = jsonOf(draft);
    const paths = valuePaths(body);
    if (paths.length === 0 || random() < 0.1) {
      draft.json = wrongValue(random, body);
      return;
    }
    const path = pick(random, paths);
    setAt(body, path, wrongValue(random, getAt(body, path)));
  }],
  ["missing-field", hasJson, 2, (draft, random) => {
    const body = jsonOf(draft);
    const paths = valuePaths(body);
    if (random() < 0.3) {
      for (const k of Object.keys(body)) if (random() < 0.6) delete body[k];
    } else if (paths.length) deleteAt(body, pick(random, paths));
  }],
  ["extra-field", always, 2, (draft, random) => {
    const body = jsonOf(draft);
    const paths = valuePaths(body).filter((p) => {
      const v = getAt(body, p);
      return v !== null && typeof v === "object" && !Array.isArray(v);
    });
    const at = paths.length && random() < 0.4 ? getAt(body, pick(random, paths)) : body;
    const [name, value] = pick(random, EXTRA_FIELDS);
    if (name === "__proto__") {
      // JSON.stringify drops an own __proto__ set by assignment: write it into the text.
      const marker = placeholder(draft, enc.encode(`"__proto__":${JSON.stringify(value)},"x"`));
      (at as Record<string, unknown>)[marker] = 1;
    } else {
      (at as Record<string, unknown>)[name] = value;
    }
  }],
  ["oversize-string", always, 2, (draft, random) => {
    if (draft.parts) {
      const part = pick(random, draft.parts);
      part.data = enc.encode(oversize(random));
      return;
    }
    if (!draft.route.json && hasPathParam(draft.route) && random() < 0.5) {
      const name = Object.keys(draft.pathValues)[0]!;
      draft.pathValues[name] = "x".repeat(pick(random, [8 * 1024, 64 * 1024, MIB]));
      return;
    }
    if (!draft.route.json && draft.route.params.some((p) => p.in === "query") && random() < 0.5) {
      draft.query.push([draft.route.params.find((p) => p.in === "query")!.name, "é".repeat(MIB)]);
      return;
    }
    const body = jsonOf(draft);
    const paths = stringPaths(body);
    if (paths.length) setAt(body, pick(random, paths), oversize(random));
    else body[pick(random, ["key", "class", "path", "x"])] = oversize(random);
  }],
  ["oversize-body", always, 1, (draft, random) => {
    const body = jsonOf(draft);
    if (random() < 0.5) body.padding = "p".repeat(MIB + int(random, 2 * MIB));
    else body.padding = Array.from({ length: 100_000 + int(random, 200_000) }, (_, i) => i);
  }],
  ["deep-nesting", always, 2, (draft, random) => {
    const depth = pick(random, [1000, 1000, 5000, 100_000]);
    const text = enc.encode(nested(random, depth));
    if (random() < 0.3) {
      draft.json = placeholder(draft, text);
      draft.contentType = "application/json";
      return;
    }
    const body = jsonOf(draft);
    const paths = valuePaths(body);
    const value = placeholder(draft, text);
    if (paths.length && random() < 0.7) setAt(body, pick(random, paths), value);
    else body.nested = value;
  }],
  ["path-trick", always, 5, (draft, random, targets) => {
    const tricks = targets.tricks;
    if (draft.parts) {
      for (const part of draft.parts) {
        if (part.filename !== undefined && random() < 0.7) part.filename = pick(random, tricks);
        else if (part.filename === undefined && random() < 0.4) {
          part.data = enc.encode(pick(random, tricks));
        }
      }
      return;
    }
    if (!draft.route.json) {
      const names = Object.keys(draft.pathValues);
      if (names.length) {
        draft.pathValues[pick(random, names)] = pick(random, tricks);
        return;
      }
      const query = draft.route.params.find((p) => p.in === "query");
      if (query) {
        draft.query.push([query.name, pick(random, tricks)]);
        return;
      }
    }
    const body = jsonOf(draft);
    const paths = stringPaths(body);
    if (paths.length === 0) {
      body.path = pick(random, tricks);
      return;
    }
    // Either every string field at once, or one of them.
    const all = random() < 0.3;
    const chosen = all ? paths : [pick(random, paths)];
    for (const path of chosen) setAt(body, path, pick(random, tricks));
  }],
  ["sparql", (r) => r.text !== undefined || r.params.some((p) => p.name === "query"), 6, (
    draft,
    random,
    targets,
  ) => {
    const query = pick(random, sparqlTricks(random, targets));
    if (draft.route.text && random() < 0.5) {
      draft.body = enc.encode(query);
      draft.contentType = pick(random, [draft.route.text, "application/sparql-update"]);
    } else if (draft.route.text) {
      draft.body = enc.encode(`update=${encodeURIComponent(query)}`);
      draft.contentType = "application/x-www-form-urlencoded";
    } else {
      draft.query = [["query", query]];
      if (random() < 0.3) draft.query.push(["default-graph-uri", `file:///etc/passwd`]);
    }
  }],
  ["field-path-trick", (r) => r.name === "POST /api/datasources", 4, (draft, random, targets) => {
    // A DataSource saved again with a file name (or hash, torrent…) pointing out, said to be
    // meant: what a later verify, fetch or translation must not follow.
    const body = jsonOf(draft);
    const fields = body.fields && typeof body.fields === "object" ? body.fields : {};
    const paths = stringPaths(fields);
    if (paths.length) setAt(fields, pick(random, paths), pick(random, targets.tricks));
    else {
      (fields as Record<string, unknown>)[pick(random, ["fileName", "csvFileName"])] = pick(
        random,
        targets.tricks,
      );
    }
    body.fields = fields;
    if (random() < 0.7) body.replace = true;
  }],
  ["path-param", hasPathParam, 4, (draft, random, targets) => {
    const names = Object.keys(draft.pathValues);
    const name = pick(random, names);
    const trick = pick(random, [
      ...targets.tricks,
      `${draft.pathValues[name]}/../../..`,
      `<file://${targets.tricks.find((t) => t.startsWith("/")) ?? "/etc/passwd"}>`,
      "<http://evil.example/x>",
      "CSVDataSource:",
      ":",
      "<>",
      "%",
      "%zz",
      "%ff%fe",
      "\\xff\\xfe",
      "%00",
      "a%00b",
      "\u{1F600}",
      "..",
      ".",
      "",
    ]);
    const encoded = trick.startsWith("\\x") ? trick : encodeTrick(random, trick);
    draft.rawTarget = draft.route.path.replace(
      /\{(\w+)\}/g,
      (_, n: string) => n === name ? encoded : encodeURIComponent(draft.pathValues[n] ?? ""),
    );
    if (draft.query.length) {
      draft.rawTarget += "?" + draft.query.map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
        .join("&");
    }
  }],
  ["query", always, 1, (draft, random, targets) => {
    const params = draft.route.params.filter((p) => p.in === "query").map((p) => p.name);
    const name = params.length ? pick(random, params) : pick(random, ["kind", "x", "deleteData"]);
    const base = draft.route.path.replace(
      /\{(\w+)\}/g,
      (_, n: string) => encodeURIComponent(draft.pathValues[n] ?? ""),
    );
    const value = pick(random, [
      `${name}=a&${name}=b`,
      `${name}`,
      `${name}=`,
      `${name}=%00`,
      `${name}=%ff%fe`,
      `${name}=%zz`,
      `${name}[]=1`,
      `${name}[a]=1`,
      `${name}=${encodeTrick(random, pick(random, targets.tricks))}`,
      `${name}=TRUE`,
      `${name}=1`,
      "&&&",
      "=",
      `${name}=${"a".repeat(100_000)}`,
    ]);
    draft.rawTarget = `${base}?${value}`;
  }],
  ["encoding", always, 3, (draft, random) => {
    const choice = int(random, 4);
    if (choice === 0 && draft.parts) {
      const part = pick(random, draft.parts);
      const bytes = pick(random, ODD_BYTES);
      if (part.filename !== undefined && random() < 0.6) {
        part.rawHeaders = new TextDecoder("latin1").decode(
          concat([
            enc.encode(`Content-Disposition: form-data; name="${part.name}"; filename="a`),
            bytes,
            enc.encode('.csv"'),
          ]),
        );
      } else part.data = concat([part.data, bytes]);
      return;
    }
    if (choice === 1 && !draft.parts) {
      // The whole body in UTF-16 (with or without a BOM), or behind a UTF-8 BOM.
      const text = JSON.stringify(jsonOf(draft));
      const how = int(random, 3);
      if (how === 2) {
        draft.body = concat([new Uint8Array([0xef, 0xbb, 0xbf]), enc.encode(text)]);
        return;
      }
      const out = new Uint8Array(text.length * 2 + (how === 0 ? 2 : 0));
      let at = 0;
      if (how === 0) {
        out[0] = 0xff;
        out[1] = 0xfe;
        at = 2;
      }
      for (let i = 0; i < text.length; i++, at += 2) {
        out[at] = text.charCodeAt(i) & 0xff;
        out[at + 1] = text.charCodeAt(i) >> 8;
      }
      draft.body = out;
      return;
    }
    if (choice === 2 || draft.parts) {
      // Raw bytes in the path.
      const bytes = pick(random, ["\\xff\\xfe", "\\xc0\\xae\\xc0\\xae\\xc0\\xaf", "\\x00", "%00"]);
      const base = draft.route.path.replace(
        /\{(\w+)\}/g,
        (_, n: string) => encodeURIComponent(draft.pathValues[n] ?? "") + bytes,
      );
      draft.rawTarget = base === draft.route.path ? `${base}${bytes}` : base;
      return;
    }
    const body = jsonOf(draft);
    const paths = stringPaths(body);
    const bytes = pick(random, ODD_BYTES);
    const marker = placeholder(draft, bytes);
    if (paths.length) {
      const path = pick(random, paths);
      setAt(body, path, `${String(getAt(body, path)).slice(0, 20)}${marker}x`);
    } else body.key = `k${marker}`;
  }],
  ["content-type", always, 2, (draft, random) => {
    draft.contentType = pick(random, WRONG_CONTENT_TYPES);
    if (draft.json === undefined && !draft.parts) draft.json = { x: 1 };
  }],
  ["not-json", always, 2, (draft, random) => {
    const bad = pick(random, BAD_BODIES);
    draft.body = typeof bad === "string" ? enc.encode(bad) : bad;
    if (!draft.parts) draft.contentType = "application/json";
  }],
  ["auth-host", always, 1, (draft, random) => {
    switch (int(random, 6)) {
      case 0:
        draft.token = false;
        break;
      case 1:
        draft.token = false;
        draft.headers.push(["Authorization", pick(random, ["Bearer", "Bearer x y", "Basic eA=="])]);
        break;
      case 2:
        draft.headers.push(["Host", pick(random, ["evil.example", "127.0.0.1:1@evil.example"])]);
        break;
      case 3:
        draft.headers.push(["Origin", "http://evil.example"]);
        break;
      case 4:
        draft.headers.push(["Host", "[::1]evil.example"]);
        break;
      default:
        draft.headers.push(["X-Forwarded-For", "10.0.0.1"], ["X-Forwarded-Host", "evil.example"]);
    }
  }],
  ["framing", always, 1, (draft, random) => {
    const body = draft.parts
      ? renderParts(draft.parts, draft.boundary ?? "x")
      : enc.encode(JSON.stringify(jsonOf(draft)));
    draft.contentType ??= "application/json";
    switch (int(random, 5)) {
      case 0: // declares more than it sends, then stops sending
        draft.body = body.subarray(0, int(random, body.length));
        draft.contentLength = body.length + 1 + int(random, 100_000);
        draft.halfClose = true;
        break;
      case 1: // broken chunked framing
        draft.body = enc.encode(`zz\r\n${new TextDecoder().decode(body)}\r\n`);
        draft.contentLength = "omit";
        draft.headers.push(["Transfer-Encoding", "chunked"]);
        draft.halfClose = true;
        break;
      case 2: // both lengths
        draft.body = body;
        draft.headers.push(["Transfer-Encoding", "chunked"]);
        break;
      case 3:
        draft.body = body;
        draft.contentLength = -1;
        break;
      default: // sends more than it declares
        draft.body = body;
        draft.contentLength = Math.max(0, body.length - 1 - int(random, body.length));
    }
  }],
  ["headers", always, 1, (draft, random) => {
    switch (int(random, 6)) {
      case 0: // one huge header
        draft.headers.push(["X-Fuzz", "h".repeat(pick(random, [8 * 1024, 64 * 1024, 512 * 1024]))]);
        break;
      case 1: // many headers
        for (let i = 0; i < 2000; i++) draft.headers.push([`X-Fuzz-${i}`, "x"]);
        break;
      case 2: // a second, different content type
        draft.headers.push(["Content-Type", "text/plain"]);
        break;
      case 3: // a second token
        draft.headers.push(["Authorization", "Bearer wrong"]);
        break;
      case 4: // bytes a header may not hold
        draft.headers.push(["X-Fuzz", "a\\x00b\\xffc"]);
        break;
      default: // a huge declared length, little sent
        draft.contentLength = 10 * 1024 ** 3;
        draft.body = enc.encode("{}");
        draft.contentType ??= "application/json";
        draft.halfClose = true;
    }
  }],
  ["method", always, 1, (draft, random) => {
    draft.method = pick(random, ["PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "FOO"]);
  }],
  ["multipart-duplicate", hasParts, 3, (draft, random) => {
    const parts = draft.parts!;
    const how = int(random, 3);
    if (how === 0) parts.push({ ...multipartField(draft, pick(random, ["class", "key"]))! });
    else if (how === 1) {
      const file = parts.find((p) => p.filename !== undefined)!;
      parts.push({ ...file, data: enc.encode("other,content\n1,2\n") });
    } else {
      const file = parts.find((p) => p.filename !== undefined)!;
      parts.push({ ...file, filename: file.filename!.toUpperCase() }); // differs only in case
    }
  }],
  ["multipart-boundary", hasParts, 2, (draft, random) => {
    switch (int(random, 5)) {
      case 0:
        draft.contentType = "multipart/form-data";
        break;
      case 1:
        draft.contentType = "multipart/form-data; boundary=other";
        break;
      case 2:
        draft.contentType = `multipart/form-data; boundary=${"b".repeat(200)}`;
        break;
      case 3:
        draft.contentType = `multipart/form-data; boundary="${draft.boundary}"; boundary=x`;
        break;
      default:
        draft.contentType = `multipart/mixed; boundary=${draft.boundary}`;
    }
  }],
  ["multipart-truncated", hasParts, 2, (draft, random) => {
    const body = renderParts(draft.parts!, draft.boundary!);
    draft.body = body.subarray(0, int(random, body.length));
  }],
  ["multipart-parts", hasParts, 2, (draft, random, targets) => {
    const parts = draft.parts!;
    switch (int(random, 6)) {
      case 0: // a part with no Content-Disposition
        parts.push({ name: "", data: enc.encode("x"), rawHeaders: "Content-Type: text/plain" });
        break;
      case 1: // RFC 5987 filename* with a path trick
        parts.push({
          name: "file",
          data: enc.encode("a\n"),
          rawHeaders: `Content-Disposition: form-data; name="file"; filename*=UTF-8''${
            encodeURIComponent(pick(random, targets.tricks))
          }`,
        });
        break;
      case 2: // many tiny files
        for (let i = 0; i < 300; i++) {
          parts.push({ name: "file", filename: `f${i}.csv`, data: enc.encode(`${i}\n`) });
        }
        break;
      case 3: // empty and dot names
        parts.push({
          name: "file",
          filename: pick(random, ["", ".", "..", "/", "a/b.csv", "CON"]),
          data: enc.encode("x"),
        });
        break;
      case 4: // no file at all
        draft.parts = parts.filter((p) => p.filename === undefined);
        break;
      default: // a charset field and header folding
        parts.unshift({ name: "_charset_", data: enc.encode("utf-16") });
        parts.push({
          name: "file",
          data: enc.encode("a\n"),
          rawHeaders: 'Content-Disposition: form-data;\r\n name="file";\r\n filename="fold.csv"',
        });
    }
  }],
];

/** The mutation names, in the order they are drawn from. */
export const MUTATION_NAMES: readonly string[] = MUTATIONS.map(([name]) => name);
