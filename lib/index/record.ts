/**
 * DataSource records: what travels beside each `.torrent` in an index so that
 * another machine, with an empty store, can rebuild the DataSource that the
 * torrent holds.
 *
 * ## Format
 *
 * A record is a **Turtle** document (RDF 1.1 Turtle, UTF-8, `text/turtle`) of
 * at most {@linkcode MAX_RECORD_BYTES} bytes, stored under the name
 * {@linkcode recordFileName}`(torrentFileName)`, i.e. the torrent's own file
 * name plus `.ttl` (`d9da5ce947c6f1c127dfcdc2ede63320.torrent.ttl`), beside the
 * `.torrent` in a folder index, on an HTTP index (inline in `index.json` and at
 * `<base>/<name>.torrent.ttl`) and on Drive (a file of that name). It holds, in
 * the default graph, only:
 *
 * - the DataSource's statements, exactly as the store holds them: one subject
 *   (the DataSource's IRI), `rdf:type` its class and one statement per stored
 *   field value (`<ds> <class IRI/field> value`);
 * - the schema of its class and of every ancestor up to `DataSource`, as the
 *   store's schema graph holds them (see lib/datasource/schema.ts): each class
 *   (`a rdfs:Class`, `rdfs:label`, `rdfs:subClassOf`, `owmt:idNamespace`,
 *   `owmt:field`) and each of its fields (`a owmt:Informational`,
 *   `rdfs:domain`, `owmt:name`, `owmt:rdfName`, …).
 *
 * The record is tied to its torrent by the DataSource's own fields: `infoHash`
 * (the torrent's infohash, required) and `torrentFileName` (the name the
 * record sits beside, required to match).
 *
 * ## Trust
 *
 * A record is untrusted input. {@linkcode parseRecord} refuses, naming the
 * problem: more than {@linkcode MAX_RECORD_BYTES} bytes or
 * {@linkcode MAX_RECORD_STATEMENTS} statements; text that is not UTF-8 or not
 * strict Turtle; blank nodes, relative IRIs or named graphs; any statement
 * about anything but that one DataSource and its classes and fields; a
 * predicate of the DataSource that is not a field of its class; an identifier
 * outside its class's namespace; a file name (`fileName`, `csvFileName`, …)
 * leading outside its content folder (lib/fs/confine.ts's rule); a missing or
 * malformed `infoHash`; a `torrentFileName` other than the torrent's.
 * {@linkcode recordQuads} gives the statements to save, leaving out schema
 * statements about classes this process defines (its own definitions win).
 *
 * @example Build a record and read it back
 * ```ts
 * import { CSVDataSource } from "../datasource/csv_data_source.ts";
 * import { buildRecord, parseRecord } from "./record.ts";
 *
 * const ds = new CSVDataSource({
 *   key: "worms",
 *   csvFileName: "connections.csv",
 *   torrentFileName: "d9da5ce947c6f1c127dfcdc2ede63320.torrent",
 *   infoHash: "0123456789abcdef0123456789abcdef01234567",
 * });
 * const record = await buildRecord(ds);
 * const back = await parseRecord(record.text, { torrentFileName: record.torrentFileName });
 * console.log(back.className, back.infoHash); // CSVDataSource 0123…
 * ```
 *
 * @module
 */
import {
  classChain,
  type DataSource,
  type DataSourceClass,
  fieldsOf,
  idNamespaceOf,
  rdfTypeOf,
  RESTORE,
} from "../datasource/data_source.ts";
import { checkContentNames } from "../datasource/content_names.ts";
import type { FieldValue } from "../datasource/informational.ts";
import { DATA_SOURCES_NS, OWMT_NS, SCHEMA_GRAPH, SCHEMA_NS } from "../datasource/namespaces.ts";
import { classForType, registeredClasses, REVIVED } from "../datasource/registry.ts";
import { instanceQuads } from "../datasource/repository.ts";
import { classForStoredType, classSchemaQuads, schemaChain } from "../datasource/schema.ts";
import { termToValue } from "../datasource/values.ts";
import { OwmError } from "../errors/owm_error.ts";
import { dataFactory, defaultGraph, namedNode, type Quad, quad, vocab } from "../graph/rdf.ts";
import { IndexError, type IndexRef, validateTorrentFileName } from "./torrent_index.ts";

/** The suffix of a record's file name, after the torrent's own name. */
export const RECORD_SUFFIX = ".ttl";

/** The MIME type of a record. */
export const RECORD_MIME_TYPE = "text/turtle";

/** The largest record read or written: 256 KiB. */
export const MAX_RECORD_BYTES: number = 256 * 1024;

/** The most statements a record may hold. */
export const MAX_RECORD_STATEMENTS = 4096;

/** A DataSource record, checked (see the module documentation for the format and the checks). */
export interface DataSourceRecord {
  /** The `.torrent` the record sits beside, e.g. `d9da5ce947c6f1c127dfcdc2ede63320.torrent`. */
  readonly torrentFileName: string;
  /** The torrent's infohash, lower-case hex (40 or 64 digits), from the DataSource's `infoHash`. */
  readonly infoHash: string;
  /** The DataSource's IRI. */
  readonly dataSource: string;
  /** The DataSource's class IRI (its `rdf:type`). */
  readonly classIri: string;
  /** The class's name (its `rdfs:label`), e.g. `ConnectomeCSVDataSource`. */
  readonly className: string;
  /** `ClassName:key`, the id a user types (the IRI when it has no key). */
  readonly id: string;
  /** The record's Turtle text, as stored. */
  readonly text: string;
  /** Its statements, all in the default graph. */
  readonly quads: readonly Quad[];
}

/** Options for {@linkcode parseRecord}. */
export interface ParseRecordOptions {
  /** The `.torrent` the record was found beside: its `torrentFileName` field must match. */
  torrentFileName: string;
  /** When known, the torrent's infohash: the record's `infoHash` must match. */
  infoHash?: string;
  /** Where the record came from (an index location), named in errors. */
  source?: string;
}

/** Options for {@linkcode TorrentIndex.putRecord}. */
export interface PutRecordOptions {
  /**
   * Replace a record of another DataSource (or one that cannot be read)
   * beside the same torrent. Without it that fails with
   * {@linkcode RecordExistsError}; a record of the same DataSource is always
   * replaced. @default false
   */
  replace?: boolean;
  /** Cancels the upload. */
  signal?: AbortSignal;
}

/** A record an index holds but that failed {@linkcode parseRecord}: left out of a listing. */
export interface RefusedRecord {
  /** The torrent it sat beside. */
  torrentFileName: string;
  /** Why it was refused. */
  reason: string;
}

/** What {@linkcode TorrentIndex.listRecords} found. */
export interface RecordListing {
  /** The records that passed the checks, sorted by torrent file name. */
  records: DataSourceRecord[];
  /** The records that did not, with the reason. */
  refused: RefusedRecord[];
}

/**
 * The file name of the record beside `torrentFileName`: the same name plus
 * `.ttl`.
 *
 * @throws {InvalidInputError} when `torrentFileName` is not a plain `*.torrent` name
 *
 * @example
 * ```ts
 * import { recordFileName } from "./record.ts";
 * recordFileName("d9da5ce947c6f1c127dfcdc2ede63320.torrent"); // "d9da5ce947c6f1c127dfcdc2ede63320.torrent.ttl"
 * ```
 */
export function recordFileName(torrentFileName: string): string {
  return validateTorrentFileName(torrentFileName) + RECORD_SUFFIX;
}

/**
 * The torrent file name a record file name belongs to, or `undefined` when
 * `name` is not a record's name.
 *
 * @example
 * ```ts
 * import { torrentOfRecordFileName } from "./record.ts";
 * torrentOfRecordFileName("a.torrent.ttl"); // "a.torrent"
 * torrentOfRecordFileName("a.ttl"); // undefined
 * ```
 */
export function torrentOfRecordFileName(name: string): string | undefined {
  if (!name.endsWith(RECORD_SUFFIX)) return undefined;
  const torrent = name.slice(0, -RECORD_SUFFIX.length);
  try {
    validateTorrentFileName(torrent);
    return torrent;
  } catch {
    return undefined;
  }
}

/**
 * A record was refused: it is malformed, too large, or says more (or other)
 * than one DataSource and its schema.
 *
 * @example
 * ```ts
 * import { RecordError } from "./record.ts";
 * const error = new RecordError("a.torrent", "it is not Turtle");
 * console.log(error.code); // "bad-record"
 * ```
 */
export class RecordError extends OwmError {
  /** The error's code: `bad-record`. */
  override readonly code: string = "bad-record";
  /** The torrent the record sat beside. */
  readonly torrentFileName: string;
  /** What is wrong. */
  readonly reason: string;
  /** Creates the error; `source` names where the record came from. */
  constructor(torrentFileName: string, reason: string, source?: string, options?: ErrorOptions) {
    super(
      `The DataSource record beside ${JSON.stringify(torrentFileName)}${
        source ? ` in "${source}"` : ""
      } was refused: ${reason}; ask whoever published it to publish it again with a current owmeta-torrent`,
      options,
    );
    this.name = "RecordError";
    this.torrentFileName = torrentFileName;
    this.reason = reason;
  }
}

/**
 * The index already holds a record of another DataSource beside this torrent
 * (the same content published under another id). Nothing was changed.
 *
 * @example
 * ```ts
 * import { RecordExistsError } from "./record.ts";
 * const error = new RecordExistsError({ kind: "dir", location: "dir:/srv/t" }, "a.torrent", "CSVDataSource:worms");
 * console.log(error.existing); // "CSVDataSource:worms"
 * ```
 */
export class RecordExistsError extends IndexError {
  /** The error's code: `record-exists`. */
  override readonly code: string = "record-exists";
  /** The torrent file name. */
  readonly torrentFileName: string;
  /** The id of the DataSource the index's record describes, when it could be read. */
  readonly existing: string | undefined;
  /** Creates the error. */
  constructor(
    index: IndexRef,
    torrentFileName: string,
    existing: string | undefined,
    options?: ErrorOptions & { status?: number },
  ) {
    super(
      index,
      existing
        ? `${torrentFileName} is already published there as ${existing}; nothing was changed: use ${existing}`
        : `${torrentFileName} already has a record there that cannot be read; nothing was changed: ` +
          `publish with --replace (replace: true) to overwrite it`,
      options,
    );
    this.name = "RecordExistsError";
    this.torrentFileName = torrentFileName;
    this.existing = existing;
  }
}

/**
 * Builds the record of a DataSource that records a published torrent (it has
 * `torrentFileName` and `infoHash`).
 *
 * @param prefixes the store's prefixes, to resolve CURIEs in object fields
 * @throws {RecordError} when `ds` lacks `torrentFileName` or `infoHash`, or the
 *   result would not pass {@linkcode parseRecord}
 */
export async function buildRecord(
  ds: DataSource,
  prefixes: ReadonlyMap<string, string> = new Map(),
): Promise<DataSourceRecord> {
  const torrentFileName = ds.fields.has("torrentFileName") ? ds.get("torrentFileName") : undefined;
  if (typeof torrentFileName !== "string") {
    throw new RecordError(
      String(torrentFileName),
      `${ds.className} ${ds.identifier} records no torrentFileName`,
    );
  }
  const cls = ds.constructor as DataSourceClass;
  const statements: Quad[] = [];
  const seen = new Set<string>();
  const add = (q: Quad) => {
    const key = `${q.subject.value} ${q.predicate.value} ${q.object.termType}:${q.object.value}`;
    if (seen.has(key)) return;
    seen.add(key);
    statements.push(quad(q.subject, q.predicate, q.object, defaultGraph()));
  };
  for (const q of instanceQuads(ds, namedNode(SCHEMA_GRAPH), prefixes)) add(q);
  const schema: Quad[] = [];
  for (const c of schemaChain(cls)) schema.push(...classSchemaQuads(c));
  // Grouped by subject, so that the Turtle reads one class and one field at a time.
  const order = [...new Set(schema.map((q) => q.subject.value))];
  for (const s of order) for (const q of schema) if (q.subject.value === s) add(q);
  const text = await writeTurtle(statements, torrentFileName);
  return await parseRecord(text, { torrentFileName });
}

/**
 * Parses and checks a record found beside `options.torrentFileName` (see the
 * module documentation for every check).
 *
 * @throws {RecordError} naming the first problem
 */
export async function parseRecord(
  input: string | Uint8Array,
  options: ParseRecordOptions,
): Promise<DataSourceRecord> {
  const torrentFileName = options.torrentFileName;
  const refuse = (reason: string, cause?: unknown): never => {
    throw new RecordError(
      torrentFileName,
      reason,
      options.source,
      cause === undefined ? undefined : { cause },
    );
  };
  const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
  if (bytes.byteLength > MAX_RECORD_BYTES) {
    refuse(`it is larger than ${MAX_RECORD_BYTES} bytes`);
  }
  let text: string;
  try {
    text = typeof input === "string" ? input : new TextDecoder("utf-8", { fatal: true }).decode(
      bytes,
    );
  } catch (error) {
    return refuse("it is not UTF-8 text", error);
  }
  const quads = await parseTurtle(text).catch((error) =>
    refuse(`it is not valid Turtle (${error instanceof Error ? error.message : error})`, error)
  );
  if (quads.length > MAX_RECORD_STATEMENTS) {
    refuse(`it holds more than ${MAX_RECORD_STATEMENTS} statements`);
  }
  for (const q of quads) {
    for (const term of [q.subject, q.predicate, q.object]) {
      if (term.termType === "BlankNode") refuse("it holds a blank node");
      if (term.termType === "NamedNode" && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(term.value)) {
        refuse(`it holds the relative IRI <${term.value}>`);
      }
    }
    if (q.graph.termType !== "DefaultGraph") refuse("it names a graph");
  }
  // Which subjects are classes, fields and the DataSource.
  const typesOf = new Map<string, string[]>();
  for (const q of quads) {
    if (q.predicate.value !== vocab.rdfType) continue;
    typesOf.set(q.subject.value, [...(typesOf.get(q.subject.value) ?? []), q.object.value]);
  }
  const classes = new Set<string>();
  const fields = new Set<string>();
  const instances: string[] = [];
  for (const [subject, types] of typesOf) {
    if (types.includes(vocab.rdfsClass)) classes.add(subject);
    else if (types.includes(INFORMATIONAL)) fields.add(subject);
    else instances.push(subject);
  }
  if (instances.length !== 1) {
    refuse(
      instances.length === 0
        ? "it describes no DataSource"
        : `it describes ${instances.length} resources (${
          instances.slice(0, 3).map((i) => `<${i}>`).join(", ")
        }), not one DataSource`,
    );
  }
  const subject = instances[0]!;
  const subjectTypes = typesOf.get(subject)!;
  if (subjectTypes.length !== 1) refuse(`<${subject}> has ${subjectTypes.length} types, not one`);
  const classIri = subjectTypes[0]!;
  if (!classes.has(classIri) && !classForType(classIri)) {
    refuse(`the class <${classIri}> of <${subject}> is neither described in it nor known`);
  }
  for (const q of quads) {
    const s = q.subject.value;
    const p = q.predicate.value;
    if (s === subject) continue;
    if (classes.has(s)) {
      if (!CLASS_PREDICATES.has(p)) refuse(`it says <${p}> about the class <${s}>`);
      if (p === vocab.rdfType && q.object.value !== vocab.rdfsClass) {
        refuse(`it gives the class <${s}> another type`);
      }
      if (p === FIELD && !fields.has(q.object.value)) {
        refuse(`the class <${s}> names the field <${q.object.value}>, which it does not describe`);
      }
      continue;
    }
    if (fields.has(s)) {
      if (!FIELD_PREDICATES.has(p)) refuse(`it says <${p}> about the field <${s}>`);
      const owner = [...classes].find((c) => s.startsWith(c + "/"));
      if (!owner) refuse(`the field <${s}> belongs to no class it describes`);
      if (p === vocab.rdfType && q.object.value !== INFORMATIONAL) {
        refuse(`it gives the field <${s}> another type`);
      }
      if (p === vocab.rdfsDomain && q.object.value !== owner) {
        refuse(`the field <${s}> claims the domain <${q.object.value}>`);
      }
      continue;
    }
    refuse(`it says something about <${s}>, which is neither the DataSource nor its schema`);
  }
  for (const c of classes) {
    if (classForType(c)) continue;
    if (!c.startsWith(SCHEMA_NS) && !/^https?:\/\//.test(c)) {
      refuse(`the class IRI <${c}> is not http(s)`);
    }
  }
  // The class, rebuilt from the record (a class known here is used as it is).
  const schema = quads.filter((q) => q.subject.value !== subject).map((q) =>
    quad(q.subject, q.predicate, q.object, namedNode(SCHEMA_GRAPH))
  );
  const bySubject = new Map<string, Quad[]>();
  for (const q of schema) {
    bySubject.set(q.subject.value, [...(bySubject.get(q.subject.value) ?? []), q]);
  }
  let cls: DataSourceClass;
  try {
    cls = await classForStoredType(classIri, (iri) => Promise.resolve(bySubject.get(iri) ?? []));
    classChain(cls);
  } catch (error) {
    return refuse(
      `its class <${classIri}> cannot be rebuilt (${
        error instanceof Error ? error.message : error
      })`,
      error,
    );
  }
  const namespace = idNamespaceOf(cls);
  if (!subject.startsWith(namespace)) {
    refuse(`the DataSource <${subject}> lies outside its class's namespace <${namespace}>`);
  }
  for (const other of registeredClasses()) {
    if (rdfTypeOf(other) !== classIri && idNamespaceOf(other) === namespace) {
      refuse(`its class <${classIri}> claims the namespace of ${other.name}`);
    }
  }
  const byIri = new Map([...fieldsOf(cls).values()].map((f) => [f.iri, f.name]));
  const values = new Map<string, FieldValue[]>();
  for (const q of quads) {
    if (q.subject.value !== subject || q.predicate.value === vocab.rdfType) continue;
    const name = byIri.get(q.predicate.value);
    if (name === undefined) {
      refuse(`<${q.predicate.value}> is not a field of ${cls.name}`);
    }
    values.set(name!, [...(values.get(name!) ?? []), termToValue(q.object)]);
  }
  const ds = new cls({ ident: subject, [RESTORE]: values } as never);
  try {
    checkContentNames(ds);
  } catch (error) {
    refuse(error instanceof Error ? error.message : String(error), error);
  }
  const recorded = ds.fields.has("torrentFileName") ? ds.getAll("torrentFileName") : [];
  if (recorded.length !== 1 || recorded[0] !== torrentFileName) {
    refuse(
      recorded.length === 0
        ? "its DataSource records no torrentFileName"
        : `its DataSource records the torrent ${JSON.stringify(recorded.join(", "))}`,
    );
  }
  const infoHash = ds.fields.has("infoHash") ? ds.get("infoHash") : undefined;
  if (typeof infoHash !== "string" || !/^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(infoHash)) {
    return refuse("its DataSource records no infoHash of 40 or 64 hex digits");
  }
  if (options.infoHash !== undefined && options.infoHash.toLowerCase() !== infoHash.toLowerCase()) {
    refuse(`it records the infohash ${infoHash}, not the torrent's ${options.infoHash}`);
  }
  const key = ds.key;
  return Object.freeze({
    torrentFileName,
    infoHash: infoHash.toLowerCase(),
    dataSource: subject,
    classIri,
    className: cls.name,
    id: key !== undefined && key !== ""
      ? `${cls.name}:${subject.slice(namespace.length)}`
      : subject,
    text,
    quads: Object.freeze(quads),
  });
}

/**
 * The DataSource a record describes, as a typed object (its class rebuilt
 * from the record when this process does not define it).
 *
 * @example
 * ```ts ignore
 * const ds = await recordDataSource(record);
 * console.log(ds.get("title"));
 * ```
 */
export async function recordDataSource(record: DataSourceRecord): Promise<DataSource> {
  const bySubject = new Map<string, Quad[]>();
  for (const q of record.quads) {
    if (q.subject.value === record.dataSource) continue;
    const list = bySubject.get(q.subject.value) ?? [];
    list.push(quad(q.subject, q.predicate, q.object, namedNode(SCHEMA_GRAPH)));
    bySubject.set(q.subject.value, list);
  }
  const cls = await classForStoredType(
    record.classIri,
    (iri) => Promise.resolve(bySubject.get(iri) ?? []),
  );
  const byIri = new Map([...fieldsOf(cls).values()].map((f) => [f.iri, f.name]));
  const values = new Map<string, FieldValue[]>();
  for (const q of record.quads) {
    if (q.subject.value !== record.dataSource) continue;
    const name = byIri.get(q.predicate.value);
    if (name !== undefined) values.set(name, [...(values.get(name) ?? []), termToValue(q.object)]);
  }
  return new cls({ ident: record.dataSource, [RESTORE]: values } as never);
}

/**
 * The statements to save from a record: the DataSource's in `graph` (e.g. a
 * graph naming the index it came from), its schema in the schema graph, less
 * the schema of classes this process defines (whose own definitions win).
 *
 * @example
 * ```ts ignore
 * await repo.store.update((tx) => tx.add(...recordQuads(record, "urn:owm:index:dir:/srv/t")));
 * ```
 */
export function recordQuads(record: DataSourceRecord, graph: string): Quad[] {
  const data = namedNode(graph);
  const schema = namedNode(SCHEMA_GRAPH);
  const known = (iri: string) => {
    const cls = classForType(iri.replace(/\/[^/]*$/, "")) ?? classForType(iri);
    return cls !== undefined && !isRevived(cls);
  };
  const out: Quad[] = [];
  for (const q of record.quads) {
    if (q.subject.value === record.dataSource) {
      out.push(quad(q.subject, q.predicate, q.object, data));
    } else if (!known(q.subject.value)) {
      out.push(quad(q.subject, q.predicate, q.object, schema));
    }
  }
  return out;
}

function isRevived(cls: DataSourceClass): boolean {
  return REVIVED in cls;
}

const INFORMATIONAL = OWMT_NS + "Informational";
const FIELD = OWMT_NS + "field";
const CLASS_PREDICATES = new Set([
  vocab.rdfType,
  vocab.rdfsLabel,
  vocab.rdfsSubClassOf,
  OWMT_NS + "idNamespace",
  FIELD,
]);
const FIELD_PREDICATES = new Set([
  vocab.rdfType,
  vocab.rdfsDomain,
  vocab.rdfsLabel,
  vocab.rdfsComment,
  OWMT_NS + "name",
  OWMT_NS + "rdfName",
  OWMT_NS + "propertyType",
  OWMT_NS + "multiple",
  OWMT_NS + "datatype",
  OWMT_NS + "also",
  OWMT_NS + "default",
]);

async function parseTurtle(text: string): Promise<Quad[]> {
  const { Parser } = await import("n3");
  const parser = new Parser({ format: "text/turtle", factory: dataFactory as never });
  return parser.parse(text) as unknown as Quad[];
}

async function writeTurtle(quads: readonly Quad[], torrentFileName: string): Promise<string> {
  const { Writer } = await import("n3");
  const writer = new Writer({
    format: "text/turtle",
    prefixes: {
      rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
      rdfs: "http://www.w3.org/2000/01/rdf-schema#",
      xsd: "http://www.w3.org/2001/XMLSchema#",
      owmt: OWMT_NS,
      schema: SCHEMA_NS,
      ds: DATA_SOURCES_NS,
    },
  });
  for (const q of quads) writer.addQuad(q as never);
  const body = await new Promise<string>((resolve, reject) =>
    writer.end((error: Error | null, result: string) => error ? reject(error) : resolve(result))
  );
  return `# owmeta-torrent DataSource record for ${torrentFileName}\n${body}`;
}

/**
 * What an index does with `record` given the record it already holds beside
 * the same torrent (`existing`, its bytes, or `undefined` for none): `"write"`,
 * or `"same"` when the text is identical (nothing to do).
 *
 * @throws {RecordExistsError} when `existing` describes another DataSource (or
 *   cannot be read) and `replace` is not set
 */
export async function recordWriteDecision(
  index: IndexRef,
  record: DataSourceRecord,
  existing: string | Uint8Array | undefined,
  replace: boolean,
): Promise<"write" | "same"> {
  if (existing === undefined) return "write";
  const text = typeof existing === "string" ? existing : new TextDecoder().decode(existing);
  if (text === record.text) return "same";
  const old = await parseRecord(existing, {
    torrentFileName: record.torrentFileName,
    source: index.location,
  }).catch(() => undefined);
  if (old?.dataSource === record.dataSource || replace) return "write";
  throw new RecordExistsError(index, record.torrentFileName, old?.id);
}

/**
 * The index does not take records (e.g. an HTTP index served by an older
 * owmeta-torrent, or a read-only static server). The torrent itself may be
 * published there; fetchers then need the DataSource from elsewhere.
 *
 * @example
 * ```ts
 * import { RecordsUnsupportedError } from "./record.ts";
 * const error = new RecordsUnsupportedError({ kind: "http", location: "http://127.0.0.1:8/" }, "it answered 405");
 * console.log(error.code); // "records-unsupported"
 * ```
 */
export class RecordsUnsupportedError extends IndexError {
  /** The error's code: `records-unsupported`. */
  override readonly code: string = "records-unsupported";
  /** Creates the error; `detail` says how the index answered. */
  constructor(index: IndexRef, detail: string, options?: ErrorOptions & { status?: number }) {
    super(
      index,
      `it does not take DataSource records (${detail}): upgrade the index's server, or publish to ` +
        `another index too so that other machines can find the DataSource`,
      options,
    );
    this.name = "RecordsUnsupportedError";
  }
}
