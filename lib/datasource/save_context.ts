/**
 * The context a data module's `owmData(ctx)` adds DataSources to.
 *
 * @module
 */
import { DataSource } from "./data_source.ts";
import { FieldError } from "./errors.ts";

/**
 * What `owmData(ctx)` receives: call `ctx.add(...)` with the DataSources to save.
 *
 * @example A data module
 * ```ts
 * import { CSVDataSource, type SaveContext } from "../../mod.ts";
 * export class ConnectomeCSVDataSource extends CSVDataSource {}
 * export function owmData(ctx: SaveContext) {
 *   ctx.add(new ConnectomeCSVDataSource({ key: "2000_connections", csvFileName: "connectome.csv" }));
 * }
 * ```
 */
export interface SaveContext {
  /** The IRI of the named graph the DataSources are saved into. */
  readonly contextId: string;
  /** Adds DataSources to be saved. */
  add(...sources: DataSource[]): void;
}

/** A {@linkcode SaveContext} that collects what is added, for saving in one transaction. */
export class CollectingSaveContext implements SaveContext {
  /** The named graph IRI. */
  readonly contextId: string;
  /** What was added, in order. */
  readonly sources: DataSource[] = [];

  /** Creates a context that saves into the named graph `contextId`. */
  constructor(contextId: string) {
    this.contextId = contextId;
  }

  /** Adds DataSources; anything else is refused. */
  add(...sources: DataSource[]): void {
    for (const ds of sources) {
      if (!(ds instanceof DataSource)) {
        throw new FieldError(
          `ctx.add() takes DataSource objects, not ${ds === null ? "null" : typeof ds}`,
        );
      }
      this.sources.push(ds);
    }
  }
}
