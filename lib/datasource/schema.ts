/**
 * DataSource classes in the graph: each class and its own fields are recorded
 * in the schema graph, so that another process can rebuild a typed object of a
 * class it has never imported.
 *
 * ```text
 * <…/ConnectomeCSVDataSource> a rdfs:Class ; rdfs:label "ConnectomeCSVDataSource" ;
 *     rdfs:subClassOf <…/CSVDataSource> ; owmt:idNamespace "http://…#" .
 * <…/CSVDataSource/csv_file_name> a owmt:Informational ; rdfs:domain <…/CSVDataSource> ;
 *     owmt:name "csvFileName" ; owmt:rdfName "csv_file_name" ; rdfs:label "CSV file name" ;
 *     rdfs:comment "…" ; owmt:propertyType "literal" ; owmt:multiple true ;
 *     owmt:datatype "auto" ; owmt:also <…/LocalFileDataSource/file_name> .
 * ```
 *
 * @module
 */
import { literal, namedNode, type Quad, quad, vocab } from "../graph/rdf.ts";
import {
  classChain,
  DataSource,
  type DataSourceClass,
  fieldsOf,
  idNamespaceOf,
  rdfTypeOf,
} from "./data_source.ts";
import { isValidClassName } from "./identifier.ts";
import type { FieldDeclarations, InformationalOptions } from "./informational.ts";
import { OWMT_NS, SCHEMA_GRAPH } from "./namespaces.ts";
import { classForType, REVIVED } from "./registry.ts";

const P = {
  idNamespace: OWMT_NS + "idNamespace",
  field: OWMT_NS + "field",
  informational: OWMT_NS + "Informational",
  name: OWMT_NS + "name",
  rdfName: OWMT_NS + "rdfName",
  propertyType: OWMT_NS + "propertyType",
  multiple: OWMT_NS + "multiple",
  datatype: OWMT_NS + "datatype",
  also: OWMT_NS + "also",
  default: OWMT_NS + "default",
} as const;

/** The IRIs (class and own fields) whose schema statements describe `cls`. */
export function schemaSubjects(cls: DataSourceClass): string[] {
  const type = rdfTypeOf(cls);
  return [
    type,
    ...[...fieldsOf(cls).values()].filter((f) => f.iri.startsWith(type + "/")).map((f) => f.iri),
  ];
}

/** The schema statements for `cls` itself (not its ancestors), in the schema graph. */
export function classSchemaQuads(cls: DataSourceClass): Quad[] {
  const g = namedNode(SCHEMA_GRAPH);
  const type = namedNode(rdfTypeOf(cls));
  const out: Quad[] = [
    quad(type, namedNode(vocab.rdfType), namedNode(vocab.rdfsClass), g),
    quad(type, namedNode(vocab.rdfsLabel), literal(cls.name), g),
    quad(type, namedNode(P.idNamespace), literal(idNamespaceOf(cls)), g),
  ];
  if (cls !== (DataSource as unknown)) {
    const parent = Object.getPrototypeOf(cls) as DataSourceClass;
    out.push(quad(type, namedNode(vocab.rdfsSubClassOf), namedNode(rdfTypeOf(parent)), g));
  }
  const fields = fieldsOf(cls as never);
  for (const field of fields.values()) {
    if (field.declaredBy !== cls.name || !field.iri.startsWith(type.value + "/")) continue;
    const f = namedNode(field.iri);
    out.push(
      quad(type, namedNode(P.field), f, g),
      quad(f, namedNode(vocab.rdfType), namedNode(P.informational), g),
      quad(f, namedNode(vocab.rdfsDomain), type, g),
      quad(f, namedNode(P.name), literal(field.name), g),
      quad(f, namedNode(P.rdfName), literal(field.rdfName), g),
      quad(f, namedNode(vocab.rdfsLabel), literal(field.displayName), g),
      quad(f, namedNode(P.propertyType), literal(field.propertyType), g),
      quad(
        f,
        namedNode(P.multiple),
        literal(String(field.multiple), namedNode(vocab.xsdBoolean)),
        g,
      ),
      quad(f, namedNode(P.datatype), literal(field.datatype), g),
    );
    if (field.description) {
      out.push(quad(f, namedNode(vocab.rdfsComment), literal(field.description), g));
    }
    if (field.default !== undefined) {
      out.push(
        quad(
          f,
          namedNode(P.default),
          literal(JSON.stringify(field.default), namedNode(vocab.rdfJson)),
          g,
        ),
      );
    }
    for (const target of field.also) {
      out.push(quad(f, namedNode(P.also), namedNode(fields.get(target)!.iri), g));
    }
  }
  return out;
}

/** Every class from `cls` up to DataSource. */
export function schemaChain(cls: DataSourceClass): DataSourceClass[] {
  return classChain(cls as never) as unknown as DataSourceClass[];
}

/** Looks up the statements about one IRI. */
export type SubjectLookup = (iri: string) => Promise<Quad[]>;

/**
 * The class for RDF type `type`: the registered one, else one rebuilt from the
 * schema statements found through `lookup` (a subclass of the nearest known
 * ancestor, with the recorded fields), else a bare DataSource subclass.
 */
export async function classForStoredType(
  type: string,
  lookup: SubjectLookup,
  depth = 0,
): Promise<DataSourceClass> {
  const known = classForType(type);
  if (known) return known;
  const quads = (await lookup(type)).filter((q) => q.graph.value === SCHEMA_GRAPH);
  const one = (p: string) => quads.find((q) => q.predicate.value === p)?.object.value;
  const parentType = one(vocab.rdfsSubClassOf);
  const parent = parentType && depth < 64 && parentType !== type
    ? await classForStoredType(parentType, lookup, depth + 1)
    : (DataSource as unknown as DataSourceClass);
  const label = one(vocab.rdfsLabel) ?? type.replace(/^.*[\/#]/, "");
  const name = isValidClassName(label) ? label : "StoredDataSource";
  const parentFields = fieldsOf(parent as never);
  const byIri = new Map([...parentFields.values()].map((f) => [f.iri, f.name]));
  const ownFields: Record<string, InformationalOptions & { alsoIris: string[] }> = {};
  for (const fieldQuad of quads.filter((q) => q.predicate.value === P.field)) {
    const fq = await lookup(fieldQuad.object.value);
    const get = (p: string) => fq.find((q) => q.predicate.value === p)?.object.value;
    const fieldName = get(P.name);
    if (!fieldName || parentFields.has(fieldName)) continue;
    byIri.set(fieldQuad.object.value, fieldName);
    const def = get(P.default);
    const options: InformationalOptions & { alsoIris: string[] } = {
      alsoIris: fq.filter((q) => q.predicate.value === P.also).map((q) => q.object.value),
    };
    const label = get(vocab.rdfsLabel);
    const comment = get(vocab.rdfsComment);
    const rdfName = get(P.rdfName);
    if (label !== undefined) options.displayName = label;
    if (comment !== undefined) options.description = comment;
    if (rdfName !== undefined) options.rdfName = rdfName;
    if (def !== undefined) options.default = JSON.parse(def);
    options.propertyType = get(P.propertyType) === "object" ? "object" : "literal";
    options.multiple = get(P.multiple) !== "false";
    options.datatype = get(P.datatype) === "json" ? "json" : "auto";
    ownFields[fieldName] = options;
  }
  const declarations: Record<string, InformationalOptions> = {};
  for (const [fieldName, { alsoIris, ...options }] of Object.entries(ownFields)) {
    const also = alsoIris.map((iri) => byIri.get(iri)).filter((n): n is string => n !== undefined);
    declarations[fieldName] = also.length ? { ...options, also } : options;
  }
  const Base = parent as unknown as typeof DataSource;
  const revived = { [name]: class extends Base {} }[name]!;
  Object.defineProperty(revived, "ownFields", { value: declarations as FieldDeclarations });
  Object.defineProperty(revived, "rdfType", { value: type });
  const ns = one(P.idNamespace);
  if (ns) Object.defineProperty(revived, "idNamespace", { value: ns });
  Object.defineProperty(revived, REVIVED, { value: true });
  return revived as unknown as DataSourceClass;
}
