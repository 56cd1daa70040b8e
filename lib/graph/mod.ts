/**
 * The graph store the DataSources are saved in (N-Quads on disk, one writer
 * at a time), its errors, and the RDF terms.
 *
 * @example
 * ```ts ignore
 * import { GraphStore, resolveStoreHome } from "owmeta-torrent/graph";
 * const store = await GraphStore.open({ create: true }); // ./.owm or OWM_HOME
 * console.log(resolveStoreHome(), typeof store);
 * ```
 *
 * @module
 */
export {
  GraphStore,
  type GraphStoreOptions,
  GraphTransaction,
  type QuadPattern,
  resolveStoreHome,
  type UpdateSummary,
} from "./store.ts";
export {
  StoreCorruptError,
  StoreFormatError,
  StoreNotFoundError,
  StoreWriteError,
} from "./errors.ts";
export {
  type BlankNode,
  type DefaultGraph,
  type Literal,
  literal,
  type NamedNode,
  namedNode,
  NQuadsSyntaxError,
  type Quad,
  quad,
  type QuadGraph,
  type QuadObject,
  type QuadPredicate,
  type QuadSubject,
  type Term,
  type Variable,
} from "./rdf.ts";
export type { GraphChanges } from "./store.ts";
export {
  GRAPH_ENV,
  type GraphBackend,
  graphBackendExists,
  type GraphSetting,
  GraphSettingError,
  openGraphBackend,
  type OpenGraphOptions,
  parseGraphSetting,
  resolveGraphSetting,
  type UpdateOptions,
} from "./backend.ts";
export type { InvalidInputError } from "../errors/invalid_input.ts";
export type { OwmError, OwmSyntaxError } from "../errors/owm_error.ts";
export type { OwmTypeError } from "../errors/owm_error.ts";
