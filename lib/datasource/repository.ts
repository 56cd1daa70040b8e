/**
 * DataSources in a graph store: save, get, list, remove, and the known kinds.
 *
 * @module
 */
import { checkContentNames } from "./content_names.ts";
import { isDeepStrictEqual } from "node:util";
import type { GraphTransaction, UpdateSummary } from "../graph/store.ts";
import { type GraphBackend, openGraphBackend, type OpenGraphOptions } from "../graph/backend.ts";
import { namedNode, type Quad, quad, vocab } from "../graph/rdf.ts";
import {
  type DataSource,
  type DataSourceClass,
  fieldsOf,
  idNamespaceOf,
  rdfTypeOf,
  RESTORE,
} from "./data_source.ts";
import { DataSourceNotFoundError, FieldError } from "./errors.ts";
import { resolveIdentifier, toCurie } from "./identifier.ts";
import type { FieldValue } from "./informational.ts";
import { DEFAULT_DATA_GRAPH, SCHEMA_GRAPH } from "./namespaces.ts";
import { classForType, registerDataSourceClass, registeredClasses } from "./registry.ts";
import { classForStoredType, classSchemaQuads, schemaChain, schemaSubjects } from "./schema.ts";
import { termToValue, valueToTerm } from "./values.ts";
import type { QueryOptions, SparqlResults } from "../sparql/engine.ts";
import type { SparqlService } from "../sparql/service.ts";
import { OwmError } from "../errors/owm_error.ts";

/** One DataSource in a listing. */
export interface DataSourceSummary {
  /** The CURIE, e.g. `ConnectomeCSVDataSource:2000_connections`. */
  id: string;
  /** The full IRI. */
  iri: string;
  /** The class name. */
  kind: string;
}

/** A DataSource class known to this process or recorded in the store. */
export interface KindSummary {
  /** The class name. */
  name: string;
  /** The class's RDF type IRI. */
  iri: string;
  /** The parent class's name, if any. */
  parent: string | undefined;
}

/** Options for {@linkcode DataSourceRepository.save}. */
export interface SaveOptions {
  /** The named graph to save into. @default DEFAULT_DATA_GRAPH */
  context?: string;
  /**
   * Further changes made in the same atomic update, after the DataSources are
   * written (e.g. a translation's provenance and statements). Throwing leaves
   * the store unchanged.
   */
  also?: (tx: GraphTransaction) => void;
  /** Count the store's statements for the summary (see `UpdateOptions.count` in lib/graph/backend.ts). */
  count?: boolean;
}

/**
 * DataSources stored in a graph: the store's N-Quads file or a SPARQL server
 * (a {@linkcode GraphBackend}, chosen by `graph`/`OWM_GRAPH`).
 *
 * @example Save and read back
 * ```ts ignore
 * const repo = await DataSourceRepository.open({ home: "/tmp/owm-demo", create: true });
 * await repo.save([new CSVDataSource({ key: "k", csvFileName: "a.csv" })]);
 * console.log((await repo.get("CSVDataSource:k")).get("fileName")); // "a.csv"
 * ```
 */
export class DataSourceRepository {
  /** The underlying graph (the file store, or a SPARQL server). */
  readonly store: GraphBackend;
  #revived = new Map<string, DataSourceClass>();
  #sparql: Promise<SparqlService> | undefined;

  /** Wraps an open graph backend. */
  constructor(store: GraphBackend) {
    this.store = store;
  }

  /**
   * Opens the store at `options.home`, its graph where `options.graph` (or
   * `OWM_GRAPH`) says (see {@linkcode openGraphBackend}).
   */
  static async open(options: OpenGraphOptions = {}): Promise<DataSourceRepository> {
    return new DataSourceRepository(await openGraphBackend(options));
  }

  /**
   * Runs a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE) over the
   * store's named graphs; the default graph is their union (`FROM`, `FROM NAMED`
   * and `GRAPH` still name graphs). Answers: `{type: "bindings", variables,
   * bindings}` (RDF/JS terms) for SELECT, `{type: "boolean", value}` for ASK,
   * `{type: "quads", quads}` for CONSTRUCT and DESCRIBE. A write by any process
   * is seen by the next query.
   *
   * @example
   * ```ts ignore
   * const answer = await repo.query("SELECT ?ds WHERE { ?ds a ?kind } LIMIT 10");
   * if (answer.type === "bindings") for (const row of answer.bindings) console.log(row.get("ds")?.value);
   * ```
   *
   * @throws {SparqlSyntaxError} when it does not parse.
   */
  async query(sparql: string, options: QueryOptions = {}): Promise<SparqlResults> {
    this.#sparql ??= import("../sparql/open.ts").then((m) => m.sparqlServiceFor(this.store));
    return await (await this.#sparql).query(sparql, options);
  }

  /** Resolves `ClassName:key`, `<IRI>` or a bound CURIE to a full IRI. */
  async resolve(id: string): Promise<string> {
    return resolveIdentifier(id, await this.store.prefixes());
  }

  /**
   * Saves DataSources and their classes' definitions in one atomic update.
   * Saving a DataSource again replaces its statements in that context.
   *
   * @throws {UnsafeFieldPathError} when a file name a DataSource records
   * (`fileName`, `csvFileName`, …) leads outside its content folder; nothing is saved.
   */
  async save(sources: readonly DataSource[], options: SaveOptions = {}): Promise<UpdateSummary> {
    for (const ds of sources) checkContentNames(ds); // names are data: refused before they are stored
    const classes = new Map<string, DataSourceClass>();
    for (const ds of sources) {
      for (const cls of schemaChain(ds.constructor as DataSourceClass)) {
        registerDataSourceClass(cls);
        classes.set(rdfTypeOf(cls), cls);
      }
    }
    const graph = namedNode(options.context ?? DEFAULT_DATA_GRAPH);
    const schema = namedNode(SCHEMA_GRAPH);
    return await this.store.update((tx) => {
      for (const cls of classes.values()) {
        for (const subject of schemaSubjects(cls)) tx.removeSubject(namedNode(subject), schema);
        tx.add(...classSchemaQuads(cls));
        tx.bindPrefix(cls.name, idNamespaceOf(cls));
      }
      const prefixes = tx.prefixes;
      for (const ds of sources) {
        const subject = namedNode(ds.identifier);
        tx.removeSubject(subject, graph);
        tx.add(...instanceQuads(ds, graph, prefixes));
      }
      options.also?.(tx);
    }, options.count ? { count: true } : {});
  }

  /**
   * Records field values on a stored DataSource, replacing the values those
   * fields had, in every context that holds the DataSource. Other fields are
   * left alone.
   *
   * @throws {DataSourceNotFoundError} when the store has no such DataSource.
   * @throws {FieldError} for a field the DataSource's class lacks.
   */
  async record(ds: DataSource, values: Readonly<Record<string, unknown>>): Promise<void> {
    const subject = namedNode(ds.identifier);
    const fields = ds.fields;
    const updated = new Map<string, FieldValue[]>();
    for (const [name, value] of Object.entries(values)) {
      const field = fields.get(name);
      if (!field) throw new FieldError(`${ds.className} has no field '${name}'`);
      ds.set(name, value);
      updated.set(name, ds.getAll(name));
    }
    await this.store.update((tx) => {
      const existing = tx.match({ subject }).filter((q) => q.graph.value !== SCHEMA_GRAPH);
      const graphs = existing.filter((q) => q.predicate.value === vocab.rdfType).map((q) =>
        q.graph
      );
      if (graphs.length === 0) throw new DataSourceNotFoundError(ds.identifier, ds.identifier);
      const prefixes = tx.prefixes;
      for (const [name, list] of updated) {
        const field = fields.get(name)!;
        tx.remove(...existing.filter((q) => q.predicate.value === field.iri));
        for (const graph of graphs) {
          for (const value of list) {
            tx.add(
              quad(
                subject,
                namedNode(field.iri),
                valueToTerm(field, value, prefixes) as never,
                graph,
              ),
            );
          }
        }
      }
    }, { read: [{ subject }] });
  }

  /** The DataSource `id`, rebuilt as an instance of its class. */
  async get(id: string): Promise<DataSource> {
    const found = await this.find(id);
    if (!found) throw new DataSourceNotFoundError(id, await this.resolve(id));
    return found;
  }

  /** The DataSource `id`, or `undefined` when the store has none. */
  async find(id: string): Promise<DataSource | undefined> {
    const iri = await this.resolve(id);
    const quads = (await this.store.match({ subject: namedNode(iri) }))
      .filter((q) => q.graph.value !== SCHEMA_GRAPH);
    const type = quads.find((q) => q.predicate.value === vocab.rdfType)?.object.value;
    if (type === undefined) return undefined;
    const cls = await this.classFor(type);
    const byIri = new Map([...fieldsOf(cls as never).values()].map((f) => [f.iri, f.name]));
    const values = new Map<string, FieldValue[]>();
    for (const q of quads) {
      const name = byIri.get(q.predicate.value);
      if (name === undefined) continue;
      const list = values.get(name) ?? [];
      const value = termToValue(q.object);
      // The same statement in several contexts is one value, not several.
      if (!list.some((v) => isDeepStrictEqual(v, value))) list.push(value);
      values.set(name, list);
    }
    return new cls({ ident: iri, [RESTORE]: values } as never);
  }

  /**
   * The class named `name` (or with that type IRI): built in, registered in
   * this process, or rebuilt from the store's schema.
   *
   * @throws {UnknownKindError} when no such class is known.
   */
  async classNamed(name: string): Promise<DataSourceClass> {
    // Classes known in this process need no read of the store.
    const iri = /^<(.*)>$/.exec(name)?.[1] ?? name;
    const known = classForType(iri) ?? this.#revived.get(iri) ??
      registeredClasses().find((cls) => cls.name === name);
    if (known) return known;
    const kinds = await this.kinds();
    return await this.classFor(findKind(kinds, name).iri);
  }

  /**
   * The class of RDF type `type`: built in, registered in this process, or
   * rebuilt from the store's schema (and remembered).
   */
  async classFor(type: string): Promise<DataSourceClass> {
    const known = classForType(type) ?? this.#revived.get(type);
    if (known) return known;
    const cls = await classForStoredType(
      type,
      (iri) => this.store.match({ subject: namedNode(iri) }),
    );
    this.#revived.set(type, cls);
    return cls;
  }

  /** Every DataSource in the store, optionally only those of class `kind` or its subclasses. */
  async list(options: { kind?: string } = {}): Promise<DataSourceSummary[]> {
    const quads = await this.store.match({ predicate: SCHEMA_PREDICATES });
    const typed = quads.filter((q) => q.predicate.value === vocab.rdfType);
    const kinds = kindsFrom(quads.filter((q) => q.graph.value === SCHEMA_GRAPH));
    const nameOf = new Map(kinds.map((k) => [k.iri, k.name]));
    // Only instances of DataSource kinds: a translation's records and the
    // statements a translator wrote (e.g. CSV rows) are typed too, but are not DataSources.
    let allowed: Set<string> | undefined;
    if (options.kind !== undefined) allowed = this.#subclasses(options.kind, kinds);
    const prefixes = await this.store.prefixes();
    const seen = new Set<string>();
    const out: DataSourceSummary[] = [];
    for (const q of typed) {
      if (q.graph.value === SCHEMA_GRAPH || q.subject.termType !== "NamedNode") continue;
      if (!nameOf.has(q.object.value)) continue;
      if (allowed && !allowed.has(q.object.value)) continue;
      if (seen.has(q.subject.value)) continue;
      seen.add(q.subject.value);
      out.push({
        id: toCurie(q.subject.value, prefixes),
        iri: q.subject.value,
        kind: nameOf.get(q.object.value) ?? q.object.value.replace(/^.*[\/#]/, ""),
      });
    }
    return out;
  }

  #subclasses(kind: string, kinds: KindSummary[]): Set<string> {
    const root = findKind(kinds, kind);
    const out = new Set([root.iri]);
    for (let grew = true; grew;) {
      grew = false;
      for (const k of kinds) {
        const parentIri = kinds.find((p) => p.name === k.parent)?.iri;
        if (parentIri && out.has(parentIri) && !out.has(k.iri)) {
          out.add(k.iri);
          grew = true;
        }
      }
    }
    return out;
  }

  /** Removes the DataSource `id` from every context. */
  async remove(id: string): Promise<void> {
    const iri = await this.resolve(id);
    await this.store.update((tx) => {
      if (tx.match({ subject: namedNode(iri) }).every((q) => q.graph.value === SCHEMA_GRAPH)) {
        throw new DataSourceNotFoundError(id, iri);
      }
      tx.removeSubject(namedNode(iri));
    }, { read: [{ subject: namedNode(iri) }] });
  }

  /** The DataSource classes built in, registered in this process, or recorded in the store. */
  async kinds(): Promise<KindSummary[]> {
    const schema = await this.store.match({ predicate: SCHEMA_PREDICATES });
    return kindsFrom(schema.filter((q) => q.graph.value === SCHEMA_GRAPH));
  }
}

const SCHEMA_PREDICATES = [vocab.rdfType, vocab.rdfsLabel, vocab.rdfsSubClassOf].map((p) =>
  namedNode(p)
);

function kindsFrom(schema: Quad[]): KindSummary[] {
  const byIri = new Map<string, KindSummary>();
  for (const cls of registeredClasses()) {
    const parent = Object.getPrototypeOf(cls) as { name?: string } | null;
    byIri.set(rdfTypeOf(cls), {
      name: cls.name,
      iri: rdfTypeOf(cls),
      parent: cls.name === "DataSource" ? undefined : parent?.name,
    });
  }
  const labels = new Map<string, string>();
  const parents = new Map<string, string>();
  for (const q of schema) {
    if (q.predicate.value === vocab.rdfsLabel) labels.set(q.subject.value, q.object.value);
    if (q.predicate.value === vocab.rdfsSubClassOf) parents.set(q.subject.value, q.object.value);
  }
  for (const q of schema) {
    if (q.predicate.value !== vocab.rdfType || q.object.value !== vocab.rdfsClass) continue;
    if (byIri.has(q.subject.value)) continue;
    const parent = parents.get(q.subject.value);
    byIri.set(q.subject.value, {
      name: labels.get(q.subject.value) ?? q.subject.value,
      iri: q.subject.value,
      parent: parent === undefined ? undefined : labels.get(parent) ?? parent,
    });
  }
  return [...byIri.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The kind named `name`, or with the type IRI `name` or `<name>`.
 *
 * @throws {UnknownKindError} when none is.
 */
function findKind(kinds: readonly KindSummary[], name: string): KindSummary {
  const kind = kinds.find((k) => k.name === name || k.iri === name || `<${k.iri}>` === name);
  if (!kind) throw new UnknownKindError(name, kinds.map((k) => k.name));
  return kind;
}

/** A `--kind` that names no known class. */
export class UnknownKindError extends OwmError {
  /** The error's code: `unknown-kind`. */
  override readonly code: string = "unknown-kind";
  /** The kind as given. */
  readonly kind: string;
  /** Creates the error. */
  constructor(kind: string, known: string[]) {
    super(`Unknown kind '${kind}': known kinds are ${known.join(", ")}`);
    this.name = "UnknownKindError";
    this.kind = kind;
  }
}

/** The statements describing one DataSource instance, in graph `graph`. */
export function instanceQuads(
  ds: DataSource,
  graph: ReturnType<typeof namedNode>,
  prefixes: ReadonlyMap<string, string>,
): Quad[] {
  const subject = namedNode(ds.identifier);
  const out = [
    quad(subject, namedNode(vocab.rdfType), namedNode(rdfTypeOf(ds.constructor as never)), graph),
  ];
  for (const [name, values] of ds.storedValues()) {
    const field = ds.fields.get(name)!;
    for (const value of values) {
      out.push(
        quad(subject, namedNode(field.iri), valueToTerm(field, value, prefixes) as never, graph),
      );
    }
  }
  return out;
}
