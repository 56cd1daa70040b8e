/**
 * Translations in the graph: each run of a translator is recorded as a
 * `Translation` resource (also a PROV-O `prov:Activity`) naming its inputs,
 * its translator and the translator's version, its output, its options and
 * when it ran; the output DataSource points back through its `source` and
 * `translation` fields, as in the original. Any RDF tool can follow the chain:
 *
 * ```turtle
 * <http://data.openworm.org/translations/3f0c…> a owm:Translation, prov:Activity ;
 *     prov:used <…/CSVDataSource#conn> ;
 *     prov:generated <…/GraphDataSource#conn-graph> ;
 *     prov:wasAssociatedWith <http://data.openworm.org/translators/csv-to-rdf> ;
 *     owm:translatorVersion "1" ;
 *     owm:translationOptions "{}"^^rdf:JSON ;
 *     prov:startedAtTime "2026-11-26T13:00:00.000Z"^^xsd:dateTime ;
 *     prov:endedAtTime "2026-11-26T13:00:01.250Z"^^xsd:dateTime .
 * ```
 *
 * @module
 */
import { SCHEMA_NS } from "../datasource/namespaces.ts";
import { literal, namedNode, type Quad, quad, vocab } from "../graph/rdf.ts";
import type { GraphTransaction } from "../graph/store.ts";
import type { GraphBackend } from "../graph/backend.ts";

/** Namespace of Translation resources. */
export const TRANSLATIONS_NS = "http://data.openworm.org/translations/";
/** Namespace of translators: `<TRANSLATORS_NS><name>`. */
export const TRANSLATORS_NS = "http://data.openworm.org/translators/";
/** The W3C PROV-O namespace. */
export const PROV_NS = "http://www.w3.org/ns/prov#";

/**
 * The IRIs of the provenance vocabulary: our `Translation` terms and the
 * PROV-O terms recorded beside them.
 *
 * @example
 * ```ts
 * import { provenanceTerms } from "./provenance.ts";
 * console.log(provenanceTerms.used); // "http://www.w3.org/ns/prov#used"
 * ```
 */
export const provenanceTerms = {
  translation: SCHEMA_NS + "Translation",
  dataTranslator: SCHEMA_NS + "DataTranslator",
  translatorVersion: SCHEMA_NS + "Translation/translatorVersion",
  translationOptions: SCHEMA_NS + "Translation/options",
  translatorName: SCHEMA_NS + "DataTranslator/name",
  activity: PROV_NS + "Activity",
  used: PROV_NS + "used",
  generated: PROV_NS + "generated",
  wasAssociatedWith: PROV_NS + "wasAssociatedWith",
  startedAtTime: PROV_NS + "startedAtTime",
  endedAtTime: PROV_NS + "endedAtTime",
  xsdDateTime: "http://www.w3.org/2001/XMLSchema#dateTime",
} as const;

/** A translation as recorded in the graph. */
export interface TranslationRecord {
  /** The Translation's IRI. */
  iri: string;
  /** The translator's name, e.g. `zip-to-directory`. */
  translator: string;
  /** The translator's version at the time. */
  translatorVersion: string;
  /** The input DataSources' IRIs, in order. */
  inputs: string[];
  /** The output DataSource's IRI. */
  output: string;
  /** Translator options given. */
  options: Record<string, string>;
  /** When it started (ISO 8601). */
  startedAt: string;
  /** When it ended (ISO 8601). */
  endedAt: string;
}

/**
 * The IRI of a translator named `name`.
 *
 * @example
 * ```ts
 * import { translatorIri } from "./provenance.ts";
 * console.log(translatorIri("csv-to-rdf")); // "http://data.openworm.org/translators/csv-to-rdf"
 * ```
 */
export function translatorIri(name: string): string {
  return TRANSLATORS_NS + encodeURIComponent(name);
}

/**
 * The IRI of the translation of `inputs` by `translator` into `output` with
 * `options`: the same run recorded twice has one IRI, so rerunning a pipeline
 * replaces its record instead of piling up new ones.
 */
export async function translationIri(
  record: Pick<TranslationRecord, "translator" | "inputs" | "output" | "options">,
): Promise<string> {
  const options = Object.fromEntries(Object.entries(record.options).sort());
  const text = JSON.stringify([record.translator, record.inputs, record.output, options]);
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  const hex = [...digest.slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return TRANSLATIONS_NS + hex;
}

/** The statements recording `record` (and its translator) in `graph`. */
function translationQuads(
  record: TranslationRecord,
  graph: string,
  translatorDescription?: string,
): Quad[] {
  const t = provenanceTerms;
  const g = namedNode(graph);
  const s = namedNode(record.iri);
  const translator = namedNode(translatorIri(record.translator));
  const dateTime = namedNode(t.xsdDateTime);
  const out: Quad[] = [
    quad(s, namedNode(vocab.rdfType), namedNode(t.translation), g),
    quad(s, namedNode(vocab.rdfType), namedNode(t.activity), g),
    quad(s, namedNode(t.wasAssociatedWith), translator, g),
    quad(s, namedNode(t.translatorVersion), literal(record.translatorVersion), g),
    quad(s, namedNode(t.generated), namedNode(record.output), g),
    quad(
      s,
      namedNode(t.translationOptions),
      literal(
        JSON.stringify(Object.fromEntries(Object.entries(record.options).sort())),
        namedNode(vocab.rdfJson),
      ),
      g,
    ),
    quad(s, namedNode(t.startedAtTime), literal(record.startedAt, dateTime), g),
    quad(s, namedNode(t.endedAtTime), literal(record.endedAt, dateTime), g),
    quad(translator, namedNode(vocab.rdfType), namedNode(t.dataTranslator), g),
    quad(translator, namedNode(t.translatorName), literal(record.translator), g),
  ];
  // Inputs keep their order: an ordinal suffix would break plain prov:used, so
  // the order is the options-independent order the runner was given, recorded
  // as an rdf:JSON list beside the unordered prov:used statements.
  for (const input of record.inputs) out.push(quad(s, namedNode(t.used), namedNode(input), g));
  out.push(
    quad(
      s,
      namedNode(SCHEMA_NS + "Translation/inputOrder"),
      literal(JSON.stringify(record.inputs), namedNode(vocab.rdfJson)),
      g,
    ),
  );
  if (translatorDescription) {
    out.push(quad(translator, namedNode(vocab.rdfsComment), literal(translatorDescription), g));
  }
  return out;
}

/** Replaces the record of `record.iri` in a transaction (the translator's own statements too). */
export function writeTranslation(
  tx: GraphTransaction,
  record: TranslationRecord,
  graph: string,
  translatorDescription?: string,
): void {
  tx.removeSubject(namedNode(record.iri), namedNode(graph));
  tx.removeSubject(namedNode(translatorIri(record.translator)), namedNode(graph));
  tx.add(...translationQuads(record, graph, translatorDescription));
}

/** Reads a Translation from statements about it; `undefined` when they do not describe one. */
function translationFromQuads(
  iri: string,
  quads: readonly Quad[],
): TranslationRecord | undefined {
  const t = provenanceTerms;
  const about = quads.filter((q) => q.subject.value === iri);
  const one = (p: string) => about.find((q) => q.predicate.value === p)?.object.value;
  if (!about.some((q) => q.predicate.value === vocab.rdfType && q.object.value === t.translation)) {
    return undefined;
  }
  const translator = one(t.wasAssociatedWith);
  const output = one(t.generated);
  if (translator === undefined || output === undefined) return undefined;
  const used = about.filter((q) => q.predicate.value === t.used).map((q) => q.object.value);
  let inputs = used;
  try {
    const ordered = JSON.parse(one(SCHEMA_NS + "Translation/inputOrder") ?? "null");
    if (
      Array.isArray(ordered) && ordered.length === used.length &&
      ordered.every((i) => used.includes(i))
    ) inputs = ordered;
  } catch {
    // a hand-edited order: keep prov:used's
  }
  let options: Record<string, string> = {};
  try {
    const parsed = JSON.parse(one(t.translationOptions) ?? "{}");
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) options = parsed;
  } catch {
    options = {};
  }
  return {
    iri,
    translator: translator.startsWith(TRANSLATORS_NS)
      ? decodeURIComponent(translator.slice(TRANSLATORS_NS.length))
      : translator,
    translatorVersion: one(t.translatorVersion) ?? "",
    inputs,
    output,
    options,
    startedAt: one(t.startedAtTime) ?? "",
    endedAt: one(t.endedAtTime) ?? "",
  };
}

/**
 * The Translation `iri` in `store`, if recorded.
 *
 * @example
 * ```ts ignore
 * const ds = await repo.get("GraphDataSource:conn-graph");
 * const record = await readTranslation(repo.store, String(ds.get("translation")));
 * console.log(record?.translator, record?.inputs);
 * ```
 */
export async function readTranslation(
  store: GraphBackend,
  iri: string,
): Promise<TranslationRecord | undefined> {
  return translationFromQuads(iri, await store.match({ subject: namedNode(iri) }));
}

/**
 * Every Translation that used `input` (its IRI), by output.
 *
 * @example
 * ```ts ignore
 * for (const t of await translationsUsing(repo.store, ds.identifier)) console.log(t.output);
 * ```
 */
export async function translationsUsing(
  store: GraphBackend,
  input: string,
): Promise<TranslationRecord[]> {
  const uses = await store.match({
    predicate: namedNode(provenanceTerms.used),
    object: namedNode(input),
  });
  const out: TranslationRecord[] = [];
  for (const iri of new Set(uses.map((q) => q.subject.value))) {
    const record = await readTranslation(store, iri);
    if (record) out.push(record);
  }
  return out.sort((a, b) => (a.output < b.output ? -1 : a.output > b.output ? 1 : 0));
}
