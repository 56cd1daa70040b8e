/**
 * The DataSource base class: a typed RDF resource with Informational fields.
 *
 * @module
 */
import { DataSourceClassError, FieldError } from "./errors.ts";
import { classIdNamespace, isValidClassName, quoteKey, unquoteKey } from "./identifier.ts";
import {
  type FieldDeclarations,
  type FieldValue,
  type Informational,
  resolveInformational,
} from "./informational.ts";
import { licenseProblem } from "./license.ts";
import { SCHEMA_NS } from "./namespaces.ts";

/** The fields every DataSource accepts at construction. */
export interface DataSourceInit {
  /** The key: the identifier is the class's namespace plus the URL-quoted key. */
  key?: string;
  /** A full identifier IRI instead of a key. */
  ident?: string;
  /** The DataSource this one was translated from (IRI, CURIE or DataSource). */
  source?: FieldValue | DataSource | readonly (FieldValue | DataSource)[];
  /** The transformation that produced this DataSource (IRI or CURIE). */
  transformation?: FieldValue | readonly FieldValue[];
  /** The translation that produced this DataSource (IRI or CURIE). */
  translation?: FieldValue | readonly FieldValue[];
  /** Free-text description. */
  description?: string | readonly string[];
  /** A short human title of the dataset. */
  title?: string;
  /** The licence: an SPDX id or expression (e.g. `CC-BY-4.0`), or an http(s) URL. */
  license?: string;
  /** How to cite the dataset: text, BibTeX or a DOI. */
  citation?: string | readonly string[];
}

/** Marks an init object that restores stored values verbatim (no `also`, no class values). */
export const RESTORE: unique symbol = Symbol("owmeta-torrent.restore");

/** The constructor side of a DataSource class, as the registry and store see it. */
export interface DataSourceClass<T extends DataSource = DataSource> {
  /** Creates an instance. */
  new (init: DataSourceInit & Record<string, unknown>): T;
  /** Fields declared by this class itself. */
  readonly ownFields?: FieldDeclarations;
  /** Class-level values, applied when the constructor does not set a field. */
  readonly values?: Readonly<Record<string, unknown>>;
  /** The class name. */
  readonly name: string;
}

const fieldCache = new WeakMap<object, ReadonlyMap<string, Informational>>();

/** The class's name, checked to be usable as a CURIE prefix. */
export function classNameOf(cls: { name: string }): string {
  const name = cls.name;
  if (!isValidClassName(name)) {
    throw new DataSourceClassError(
      `DataSource class name '${name}' cannot be used as an identifier prefix: give the class a name of letters, digits and '_'`,
    );
  }
  return name;
}

/** The RDF type IRI of a DataSource class: `rdfType` if the class sets it, else `SCHEMA_NS + name`. */
export function rdfTypeOf(cls: object & { name: string }): string {
  const own = Object.hasOwn(cls, "rdfType") ? (cls as { rdfType?: unknown }).rdfType : undefined;
  return typeof own === "string" ? own : SCHEMA_NS + classNameOf(cls);
}

/** The identifier namespace of a DataSource class: `idNamespace` if set, else the default. */
export function idNamespaceOf(cls: object & { name: string }): string {
  const own = Object.hasOwn(cls, "idNamespace")
    ? (cls as { idNamespace?: unknown }).idNamespace
    : undefined;
  return typeof own === "string" ? own : classIdNamespace(classNameOf(cls));
}

/** The class chain from `cls` up to and including {@linkcode DataSource}, most derived first. */
export function classChain(cls: DataSourceClass): DataSourceClass[] {
  const chain: DataSourceClass[] = [];
  for (let c: unknown = cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    chain.push(c as DataSourceClass);
    if (c === DataSource) return chain;
  }
  throw new DataSourceClassError(`${cls.name} does not extend DataSource`);
}

/**
 * All fields of a DataSource class, inherited ones first, keyed by TypeScript name.
 *
 * @example
 * ```ts
 * import { CSVDataSource } from "../../mod.ts";
 * import { fieldsOf } from "./data_source.ts";
 * console.log(fieldsOf(CSVDataSource).get("csvFileName")?.displayName); // "CSV file name"
 * ```
 */
export function fieldsOf(cls: DataSourceClass): ReadonlyMap<string, Informational> {
  const cached = fieldCache.get(cls);
  if (cached) return cached;
  const fields = new Map<string, Informational>();
  for (const c of classChain(cls).reverse()) {
    if (!Object.hasOwn(c, "ownFields") || !c.ownFields) continue;
    for (const [name, options] of Object.entries(c.ownFields)) {
      if (fields.has(name)) {
        throw new DataSourceClassError(
          `${c.name} declares field '${name}', which ${
            fields.get(name)!.declaredBy
          } already declares: rename it`,
        );
      }
      fields.set(name, resolveInformational(name, options, c.name, rdfTypeOf(c)));
    }
  }
  for (const field of fields.values()) {
    for (const target of field.also) {
      if (!fields.has(target)) {
        throw new DataSourceClassError(
          `Field '${field.name}' of ${field.declaredBy} sets 'also' to unknown field '${target}'`,
        );
      }
    }
  }
  fieldCache.set(cls, fields);
  return fields;
}

function normalise(field: Informational, value: unknown): FieldValue[] {
  const list = field.datatype !== "json" && Array.isArray(value) ? value : [value];
  const out: FieldValue[] = [];
  for (const v of list) {
    if (v === undefined || v === null) continue;
    if (v instanceof DataSource) {
      if (field.propertyType !== "object") {
        throw new FieldError(`Field '${field.name}' holds literals, not a DataSource`);
      }
      out.push(v.identifier);
    } else if (field.propertyType === "object") {
      if (typeof v !== "string") {
        throw new FieldError(`Field '${field.name}' takes identifiers (strings), not ${typeof v}`);
      }
      out.push(v);
    } else if (field.datatype === "json" || ["string", "number", "boolean"].includes(typeof v)) {
      if (typeof v === "number" && !Number.isFinite(v)) {
        throw new FieldError(`Field '${field.name}' cannot store the number ${v}`);
      }
      out.push(v as FieldValue);
    } else {
      throw new FieldError(
        `Field '${field.name}' takes a string, number or boolean, not ${typeof v}`,
      );
    }
  }
  if (!field.multiple && out.length > 1) {
    throw new FieldError(`Field '${field.name}' takes one value, but ${out.length} were given`);
  }
  for (const v of field.check ? out : []) {
    const problem = field.check!(v);
    if (problem) throw new FieldError(`Field '${field.name}': ${JSON.stringify(v)} ${problem}`);
  }
  return out;
}

/**
 * A DataSource: an RDF resource, identified by its class's namespace and a key,
 * described by Informational fields. Subclass it (or one of its subclasses) to
 * define your own kinds; declare extra fields in `static ownFields` and
 * class-level values in `static values`.
 *
 * Value precedence for each field: the constructor's argument, then a
 * class-level value (most derived class first), then a value copied through
 * another field's `also`, then the field's default (which is never stored).
 *
 * @example Define and create a DataSource
 * ```ts
 * import { CSVDataSource } from "../../mod.ts";
 * class ConnectomeCSVDataSource extends CSVDataSource {}
 * const ds = new ConnectomeCSVDataSource({ key: "2000_connections", csvFileName: "connectome.csv" });
 * console.log(ds.get("fileName")); // "connectome.csv" (set through csvFileName's `also`)
 * ```
 */
export class DataSource {
  /** Fields declared by DataSource itself. */
  static readonly ownFields: FieldDeclarations = {
    source: {
      displayName: "Input source",
      description: "The data source that was translated into this one",
      propertyType: "object",
    },
    transformation: {
      displayName: "Transformation",
      description: "Information about the transformation process that created this object",
      propertyType: "object",
    },
    translation: {
      displayName: "Translation",
      description: "Information about the translation process that created this object",
      propertyType: "object",
    },
    description: {
      displayName: "Description",
      description: "Free-text description of the data source",
    },
    title: {
      displayName: "Title",
      description: "A short human title of the dataset, as a catalogue lists it",
      multiple: false,
    },
    license: {
      displayName: "Licence",
      description: "The licence the dataset is published under: an SPDX id (e.g. CC-BY-4.0) or URL",
      multiple: false,
      check: licenseProblem,
    },
    citation: {
      displayName: "Citation",
      description: "How to cite the dataset: text, BibTeX or a DOI",
    },
  };

  /** Class-level values (none for DataSource itself). */
  static readonly values: Readonly<Record<string, unknown>> = {};

  /** The key, when the identifier was built from one. */
  readonly key: string | undefined;
  /** The full identifier IRI. */
  readonly identifier: string;
  #values = new Map<string, FieldValue[]>();
  #explicit = new Set<string>();
  #derived = new Set<string>();

  /**
   * Creates a DataSource from `init`: `key` (or `ident`) and field values by TypeScript name.
   *
   * @throws {FieldError} for an unknown field or a value of the wrong kind.
   */
  constructor(init: DataSourceInit = {}) {
    const cls = this.constructor as DataSourceClass;
    const fields = fieldsOf(cls);
    const restore = (init as { [RESTORE]?: Map<string, FieldValue[]> })[RESTORE];
    const { key, ident, ...given } = init as DataSourceInit & Record<string, unknown>;
    if (ident !== undefined) {
      this.identifier = ident;
      const ns = idNamespaceOf(cls);
      this.key = ident.startsWith(ns) ? unquoteKey(ident.slice(ns.length)) : undefined;
    } else if (key !== undefined && key !== "") {
      this.key = key;
      this.identifier = idNamespaceOf(cls) + quoteKey(key);
    } else {
      throw new FieldError(`A ${cls.name} needs a key (or a full ident) to be identified`);
    }
    if (restore) {
      for (const [name, values] of restore) {
        if (fields.has(name)) this.#values.set(name, values);
      }
      return;
    }
    for (const [name, value] of Object.entries(given)) {
      const field = fields.get(name);
      if (!field) {
        throw new FieldError(
          `${cls.name} has no field '${name}': its fields are ${[...fields.keys()].join(", ")}`,
        );
      }
      const values = normalise(field, value);
      if (values.length > 0) {
        this.#values.set(name, values);
        this.#explicit.add(name);
      }
    }
    for (const c of classChain(cls)) {
      if (!Object.hasOwn(c, "values") || !c.values) continue;
      for (const [name, value] of Object.entries(c.values)) {
        const field = fields.get(name);
        if (!field) {
          throw new FieldError(
            `${c.name}.values sets '${name}', which is not a field of ${cls.name}`,
          );
        }
        if (!this.#values.has(name)) {
          const values = normalise(field, value);
          if (values.length > 0) this.#values.set(name, values);
        }
      }
    }
    this.#propagateAlso();
  }

  #propagateAlso(): void {
    const fields = fieldsOf(this.constructor as DataSourceClass);
    for (let changed = true; changed;) {
      changed = false;
      for (const field of fields.values()) {
        const values = this.#values.get(field.name);
        if (!values) continue;
        for (const target of field.also) {
          if (this.#explicit.has(target) || this.#values.has(target)) continue;
          if (values.length > 1 && !fields.get(target)!.multiple) {
            throw new FieldError(
              `Field '${target}' takes one value, but '${field.name}' sets it through 'also' to ${values.length}`,
            );
          }
          this.#values.set(target, [...values]);
          this.#derived.add(target);
          changed = true;
        }
      }
    }
  }

  /** The class's fields, keyed by TypeScript name. */
  get fields(): ReadonlyMap<string, Informational> {
    return fieldsOf(this.constructor as DataSourceClass);
  }

  /** The class name, e.g. `ConnectomeCSVDataSource`. */
  get className(): string {
    return this.constructor.name;
  }

  #field(name: string): Informational {
    const field = this.fields.get(name);
    if (!field) throw new FieldError(`${this.className} has no field '${name}'`);
    return field;
  }

  /** The first value of field `name`, else its default, else `undefined`. */
  get(name: string): FieldValue | undefined {
    const field = this.#field(name);
    return this.#values.get(name)?.[0] ?? field.default;
  }

  /** Every stored value of field `name` (no default). */
  getAll(name: string): FieldValue[] {
    this.#field(name);
    return [...(this.#values.get(name) ?? [])];
  }

  /** Whether field `name` has a stored value. */
  has(name: string): boolean {
    this.#field(name);
    return this.#values.has(name);
  }

  /** Sets field `name` (an array sets several values of a `multiple` field); `undefined` clears it. */
  set(name: string, value: unknown): this {
    const values = normalise(this.#field(name), value);
    const before = [
      new Map(this.#values),
      new Set(this.#explicit),
      new Set(this.#derived),
    ] as const;
    try {
      this.#derived.delete(name);
      if (values.length === 0) {
        this.#values.delete(name);
        this.#explicit.delete(name);
      } else {
        this.#values.set(name, values);
        this.#explicit.add(name);
      }
      for (const derived of this.#derived) this.#values.delete(derived);
      this.#derived.clear();
      this.#propagateAlso();
    } catch (error) {
      [this.#values, this.#explicit, this.#derived] = before; // a refused set() changes nothing
      throw error;
    }
    return this;
  }

  /** The stored values, field by field (TypeScript names), in declaration order. */
  storedValues(): Map<string, FieldValue[]> {
    const out = new Map<string, FieldValue[]>();
    for (const name of this.fields.keys()) {
      const values = this.#values.get(name);
      if (values) out.set(name, [...values]);
    }
    return out;
  }

  /** The description, if set. */
  get description(): string | undefined {
    return this.get("description") as string | undefined;
  }

  /** A plain JSON form: identifier, class, key and stored fields. */
  toJSON(): {
    id: string;
    class: string;
    key: string | undefined;
    fields: Record<string, unknown>;
  } {
    const fields: Record<string, unknown> = {};
    for (const [name, values] of this.storedValues()) {
      fields[name] = this.fields.get(name)!.multiple ? values : values[0];
    }
    return { id: this.identifier, class: this.className, key: this.key, fields };
  }
}
