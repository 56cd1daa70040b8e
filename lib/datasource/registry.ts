/**
 * The in-process registry of DataSource classes, keyed by RDF type IRI.
 *
 * Built-in classes are always known. A user class is registered when it is
 * saved (or explicitly); classes found only in a store are rebuilt from their
 * recorded schema (see `schema.ts`) and registered as revived stand-ins, which
 * a real class of the same type replaces when it is registered.
 *
 * @module
 */
import { CSVDataSource } from "./csv_data_source.ts";
import { classNameOf, DataSource, type DataSourceClass, rdfTypeOf } from "./data_source.ts";
import { DataSourceClassError } from "./errors.ts";
import { FileDataSource } from "./file_data_source.ts";
import { GraphDataSource } from "./graph_data_source.ts";
import { LocalFileDataSource } from "./local_file_data_source.ts";

/** Marks classes rebuilt from a store's schema rather than defined in code. */
export const REVIVED: unique symbol = Symbol("owmeta-torrent.revived");

/** The classes that ship with owmeta-torrent. */
export const BUILTIN_CLASSES: readonly DataSourceClass[] = [
  DataSource,
  FileDataSource,
  LocalFileDataSource,
  CSVDataSource,
  GraphDataSource,
] as unknown as DataSourceClass[];

const byType = new Map<string, DataSourceClass>();
for (const cls of BUILTIN_CLASSES) byType.set(rdfTypeOf(cls), cls);

/**
 * Registers a DataSource class so that stored instances of it are rebuilt as
 * instances of this very class in this process.
 *
 * @throws {DataSourceClassError} if a different class with the same type is registered.
 *
 * @example
 * ```ts
 * import { CSVDataSource, registerDataSourceClass } from "../../mod.ts";
 * class ConnectomeCSVDataSource extends CSVDataSource {}
 * registerDataSourceClass(ConnectomeCSVDataSource);
 * ```
 */
export function registerDataSourceClass(cls: DataSourceClass): void {
  classNameOf(cls);
  const type = rdfTypeOf(cls);
  const known = byType.get(type);
  if (known === cls) return;
  if (known && !(REVIVED in known)) {
    throw new DataSourceClassError(
      `Two different classes are named ${cls.name} (type <${type}>): rename one of them, or set a distinct static rdfType`,
    );
  }
  byType.set(type, cls);
}

/** The class registered for an RDF type IRI, if any. */
export function classForType(type: string): DataSourceClass | undefined {
  return byType.get(type);
}

/** Every registered class. */
export function registeredClasses(): DataSourceClass[] {
  return [...byType.values()];
}
