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
