/**
 * "Informational" field descriptors: the typed, documented fields of a DataSource.
 *
 * @module
 */

/** How a field's values are stored: as literals or as references to other resources. */
export type PropertyType = "literal" | "object";

/**
 * The literal datatype of a field. `auto` stores strings, numbers and booleans
 * with their natural XSD type; `json` stores one JSON value (e.g. a list of
 * column names, whose order matters) as an `rdf:JSON` literal.
 */
export type FieldDatatype = "auto" | "json";

/** A JSON value, as held by `json` fields. */
export type JsonValue = string | number | boolean | null | JsonValue[] | {
  [key: string]: JsonValue;
};

/** A field's value: a literal, or for object fields the IRI or CURIE of a resource. */
export type FieldValue = JsonValue;

/** What a class declares about one of its fields. Everything but the name is optional. */
export interface InformationalOptions {
  /** Human-readable name, as `show` prints it. @default derived from the field name */
  displayName?: string;
  /** What the field means. */
  description?: string;
  /** The value returned when none is set. Defaults are not stored in the graph. */
  default?: FieldValue;
  /** Literal or object. @default "literal" */
  propertyType?: PropertyType;
  /** Whether several values may be set. @default true (as in the original) */
  multiple?: boolean;
  /** Other fields that take this field's value unless they are set themselves. */
  also?: readonly string[];
  /** The literal datatype. @default "auto" */
  datatype?: FieldDatatype;
  /** The RDF name (last IRI segment). @default the field name in snake_case */
  rdfName?: string;
  /**
   * Checks one value given to the constructor or `set()`: returns what is
   * wrong with it (e.g. "is not an SPDX licence id …"), or `undefined` when it
   * is fine. Not recorded in the graph.
   */
  check?: (value: FieldValue) => string | undefined;
}

/** A field declarations table, keyed by the TypeScript field name. */
export type FieldDeclarations = Readonly<Record<string, InformationalOptions>>;

/** A resolved field descriptor. */
export interface Informational {
  /** TypeScript name, e.g. `csvFileName`. */
  readonly name: string;
  /** RDF name, e.g. `csv_file_name`. */
  readonly rdfName: string;
  /** Display name, e.g. `CSV file name`. */
  readonly displayName: string;
  /** Description, possibly empty. */
  readonly description: string;
  /** Default value, if any. */
  readonly default: FieldValue | undefined;
  /** Literal or object. */
  readonly propertyType: PropertyType;
  /** Whether several values may be set. */
  readonly multiple: boolean;
  /** TypeScript names of the fields that take this field's value. */
  readonly also: readonly string[];
  /** Literal datatype. */
  readonly datatype: FieldDatatype;
  /** Name of the class that declares the field. */
  readonly declaredBy: string;
  /** The property IRI: the declaring class's IRI, `/`, the RDF name. */
  readonly iri: string;
  /** The value check, when the class declares one. */
  readonly check?: (value: FieldValue) => string | undefined;
}

/** `csvFileName` → `csv_file_name`. */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

/** `csv_file_name` → `Csv file name`. */
export function displayNameOf(rdfName: string): string {
  const words = rdfName.replace(/_/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Resolves one declaration into a descriptor of the class `declaredBy` with IRI `classIri`. */
export function resolveInformational(
  name: string,
  options: InformationalOptions,
  declaredBy: string,
  classIri: string,
): Informational {
  const rdfName = options.rdfName ?? snakeCase(name);
  return Object.freeze({
    name,
    rdfName,
    displayName: options.displayName ?? displayNameOf(rdfName),
    description: options.description ?? "",
    default: options.default,
    propertyType: options.propertyType ?? "literal",
    multiple: options.multiple ?? true,
    also: Object.freeze([...(options.also ?? [])]),
    datatype: options.datatype ?? "auto",
    declaredBy,
    iri: `${classIri}/${rdfName}`,
    ...(options.check ? { check: options.check } : {}),
  });
}
