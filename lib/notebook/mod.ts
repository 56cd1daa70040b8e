/**
 * Notebook display: rich views of DataSources, torrents, verify reports and
 * tables for Jupyter (Deno kernel).
 *
 * @example
 * ```ts ignore
 * import { display, tableView } from "owmeta-torrent/notebook";
 * await display(tableView([{ a: 1 }]));
 * ```
 *
 * @module
 */
export {
  bundleOf,
  chainView,
  dataSourceView,
  display,
  type DisplayCallOptions,
  type DisplayTarget,
  escapeHtml,
  inJupyter,
  JUPYTER_DISPLAY,
  jupyterTarget,
  type MediaBundle,
  ProgressBar,
  progressBar,
  type ProgressBarOptions,
  publishedView,
  RichView,
  sparqlResultsView,
  tableView,
  type TableViewOptions,
  torrentStatusView,
  verifyReportView,
} from "./display.ts";
export type { DataSource } from "../datasource/data_source.ts";
export type { VerifyReport } from "../integrity/verify.ts";
export type { SparqlResults } from "../sparql/engine.ts";
export type { TorrentStatus } from "../torrent/handle.ts";
export type { FieldValue, Informational } from "../datasource/informational.ts";
export type { IntegrityCheck } from "../integrity/verify.ts";
export type { BooleanResult, GraphResult, SelectResults } from "../sparql/engine.ts";
export type { TorrentState } from "../torrent/handle.ts";
export type { FieldDatatype, PropertyType } from "../datasource/informational.ts";
export type { Quad } from "../graph/rdf.ts";
export type { CheckKind } from "../integrity/verify.ts";
export type { Bindings } from "../sparql/engine.ts";
export type { QuadGraph, QuadObject, QuadPredicate, QuadSubject, Term } from "../graph/rdf.ts";
export type { CHECK_KINDS } from "../integrity/verify.ts";
export type { BlankNode, DefaultGraph, Literal, NamedNode, Variable } from "../graph/rdf.ts";
export type { DataSourceDetail, PublishedJson, TorrentStatusJson } from "../bridge/api_types.ts";
export type { ChainNode, ChainStep } from "../translate/chain.ts";
export type { FailedPeer, SwarmSummary } from "../torrent/swarm_watch.ts";
