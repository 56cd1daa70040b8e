/**
 * GraphDataSource: statements in a named graph of the store, with an N-Quads
 * copy of them as the DataSource's content (so they can be hashed, verified,
 * published and fetched like any file).
 *
 * @module
 */
import type { FieldDeclarations } from "./informational.ts";
import { LocalFileDataSource, type LocalFileDataSourceInit } from "./local_file_data_source.ts";

/** Namespace of the named graphs translators write: `<GRAPHS_NS><quoted output key>`. */
export const GRAPHS_NS = "http://data.openworm.org/graphs/";

/** Fields accepted by {@linkcode GraphDataSource}. */
export interface GraphDataSourceInit extends LocalFileDataSourceInit {
  /** The named graph (IRI) holding the statements. */
  graphName?: string;
  /** How many statements the named graph holds. */
  statementCount?: number;
}

/**
 * Statements in a named graph, e.g. a CSV translated by the `csv-to-rdf`
 * translator. `fileName` names the N-Quads copy of the statements (one
 * canonical statement a line, sorted), which is what `sha256` covers.
 *
 * @example Query the statements of a GraphDataSource
 * ```ts ignore
 * import { DataSourceRepository, type GraphDataSource, namedNode } from "owmeta-torrent";
 * const repo = await DataSourceRepository.open();
 * const ds = await repo.get("GraphDataSource:connectome") as GraphDataSource;
 * const rows = await repo.store.match({ graph: namedNode(ds.graphName!) });
 * console.log(rows.length === ds.statementCount); // true
 * ```
 *
 * @example Create one
 * ```ts
 * import { GraphDataSource } from "../../mod.ts";
 * const ds = new GraphDataSource({
 *   key: "connectome",
 *   graphName: "http://data.openworm.org/graphs/connectome",
 *   statementCount: 6,
 *   fileName: "statements.nq",
 * });
 * console.log(ds.graphName, ds.statementCount); // "http://data.openworm.org/graphs/connectome" 6
 * ```
 */
export class GraphDataSource extends LocalFileDataSource {
  /** graphName and statementCount. */
  static override readonly ownFields: FieldDeclarations = {
    graphName: {
      displayName: "Named graph",
      description: "The named graph holding the statements",
      propertyType: "object",
      multiple: false,
    },
    statementCount: {
      displayName: "Statement count",
      description: "How many statements the named graph holds",
      multiple: false,
    },
  };

  /** Creates the DataSource. */
  constructor(init: GraphDataSourceInit = {}) {
    super(init as LocalFileDataSourceInit);
  }

  /** The named graph's IRI, if set. */
  get graphName(): string | undefined {
    return this.get("graphName") as string | undefined;
  }
  /** How many statements the named graph holds, if recorded. */
  get statementCount(): number | undefined {
    const value = this.get("statementCount");
    return value === undefined ? undefined : Number(value);
  }
}
