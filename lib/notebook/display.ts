/**
 * Rich display in Jupyter notebooks run by the Deno kernel: DataSources,
 * verify reports, published datasets and tables as HTML tables, torrent status
 * as a progress bar, and a {@linkcode progressBar} that updates one output in
 * place while a fetch runs.
 *
 * Every view is an object with the `Symbol.for("Jupyter.display")` method (the
 * same symbol as `Deno.jupyter.$display`), so a view as the last expression of a
 * cell renders as HTML; {@linkcode display} shows one from anywhere in a cell.
 * Outside Jupyter nothing needs the kernel: a view's `toString()` is plain
 * text, {@linkcode display} prints that text, and a progress bar writes a few
 * plain lines to stderr. Every value shown in HTML is escaped.
 *
 * @example In a notebook cell
 * ```ts ignore
 * import { Bridge, dataSourceView, progressBar, verifyReportView } from "owmeta-torrent";
 *
 * const bridge = await Bridge.connect({ start: true });
 * const bar = progressBar("Fetching ConnectomeCSVDataSource:2000_connections");
 * const dir = await bridge.fetch("ConnectomeCSVDataSource:2000_connections", {
 *   onProgress: (status) => bar.update(status),
 * });
 * await bar.done();
 * verifyReportView(await bridge.verify("ConnectomeCSVDataSource:2000_connections"));
 * ```
 *
 * @module
 */
import type { DataSourceDetail, PublishedJson, TorrentStatusJson } from "../bridge/api_types.ts";
import { formatBytes } from "../cli/progress.ts";
import { CSVDataSource } from "../datasource/csv_data_source.ts";
import { type DataSource, fieldsOf } from "../datasource/data_source.ts";
import { formatDataSource } from "../datasource/format.ts";
import { displayNameOf, snakeCase } from "../datasource/informational.ts";
import type { VerifyReport } from "../integrity/verify.ts";
import type { TorrentStatus } from "../torrent/handle.ts";
import { type ChainNode, formatChain } from "../translate/chain.ts";
import type { SparqlResults } from "../sparql/engine.ts";
import { resultRows } from "../sparql/results_table.ts";

/** The symbol of Jupyter's display protocol: the same as `Deno.jupyter.$display`. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display");

/** A Jupyter media bundle: always plain text, usually HTML too. */
export interface MediaBundle {
  /** The plain-text form, shown where HTML is not. */
  "text/plain": string;
  /** The HTML form. */
  "text/html"?: string;
  /** Other MIME types. */
  [mime: string]: string | undefined;
}

/** Options of a display call (Jupyter's `display_data` / `update_display_data`). */
export interface DisplayCallOptions {
  /** Names the output so that later calls can replace it. */
  display_id?: string;
  /** Replace the output named `display_id` instead of adding one. */
  update?: boolean;
}

/**
 * Where rich output goes: Jupyter (`Deno.jupyter.display`), or a stand-in
 * (tests record the calls).
 */
export interface DisplayTarget {
  /** Shows `bundle`, or replaces the output named `options.display_id` when `options.update`. */
  display(bundle: MediaBundle, options: DisplayCallOptions): Promise<void>;
}

interface DenoJupyter {
  display(obj: unknown, options?: DisplayCallOptions & { raw?: boolean }): Promise<void>;
}

/**
 * How long a display waits after handing its message to the kernel. Deno
 * 2.9's kernel sends an awaited `Deno.jupyter.display` message asynchronously,
 * and when the cell ends right after it, the message can reach the frontend
 * after the kernel reported the cell idle; headless runners (nbclient, as in
 * `jupyter nbconvert --execute`) then drop it. A few milliseconds let it go
 * first (in 200 cells: 17 displays late without the pause, none
 * with 5 ms).
 */
const FLUSH_MS = 15;

/**
 * The Jupyter display target when running in the Deno kernel (`deno jupyter`),
 * else `undefined` (outside the kernel, reading `Deno.jupyter` throws; that is
 * caught here).
 */
export function jupyterTarget(): DisplayTarget | undefined {
  let api: DenoJupyter | undefined;
  try {
    api = (Deno as unknown as { jupyter?: DenoJupyter }).jupyter;
  } catch {
    return undefined;
  }
  if (!api || typeof api.display !== "function") return undefined;
  const jupyter = api;
  return {
    async display(bundle, options) {
      await jupyter.display(bundle, { ...options, raw: true });
      await new Promise((resolve) => setTimeout(resolve, FLUSH_MS));
    },
  };
}

/** Whether this code runs in the Deno Jupyter kernel. */
export function inJupyter(): boolean {
  return jupyterTarget() !== undefined;
}

/** Escapes `value` (turned into a string) for HTML text and double- or single-quoted attributes. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A displayable view: HTML in Jupyter, plain text everywhere else
 * (`toString()`, `console.log`).
 */
export class RichView {
  /** The HTML form (already escaped). */
  readonly html: string;
  /** The plain-text form. */
  readonly text: string;

  /** Creates a view from HTML that is already escaped, and its plain-text form. */
  constructor(html: string, text: string) {
    this.html = html;
    this.text = text;
  }

  /** The media bundle Jupyter shows. */
  [JUPYTER_DISPLAY](): MediaBundle {
    return { "text/html": this.html, "text/plain": this.text };
  }

  /** The plain-text form. */
  toString(): string {
    return this.text;
  }

  /** What `console.log` prints in Deno. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.text;
  }
}

/**
 * The media bundle of `value`: what its `Symbol.for("Jupyter.display")` method
 * gives (awaited; with a plain-text form added when missing), else its text.
 */
export async function bundleOf(value: unknown): Promise<MediaBundle> {
  const method = (value as { [JUPYTER_DISPLAY]?: () => unknown } | null)?.[JUPYTER_DISPLAY];
  if (typeof method === "function") {
    const bundle = await method.call(value) as Partial<MediaBundle>;
    if (bundle && typeof bundle === "object") {
      return { ...bundle, "text/plain": bundle["text/plain"] ?? String(value) } as MediaBundle;
    }
  }
  return { "text/plain": typeof value === "string" ? value : Deno.inspect(value) };
}

/**
 * Shows `value` now: in Jupyter as rich output (a view's HTML), elsewhere its
 * plain text on stdout.
 */
export async function display(
  value: unknown,
  options: { target?: DisplayTarget } = {},
): Promise<void> {
  const target = options.target ?? jupyterTarget();
  const bundle = await bundleOf(value);
  if (target) await target.display(bundle, {});
  else console.log(bundle["text/plain"]);
}

const TABLE_STYLE = "border-collapse:collapse;text-align:left;max-width:100%";
const CELL_STYLE = "text-align:left;vertical-align:top;padding:2px 8px";

function cell(tag: "th" | "td", html: string): string {
  return `<${tag} style="${CELL_STYLE}">${html}</${tag}>`;
}

/** A hex digest or infohash (MD5 and longer), with an optional `.torrent` after it. */
const HASH = /^([0-9a-fA-F]{32,})(\.torrent)?$/;

/**
 * The style of abbreviated hashes: the middle of the value is drawn at size
 * 0 (still in the page's text, so selecting and copying gives the whole
 * value: overflow-clipped text would be left out of a copy) and an ellipsis is
 * drawn in its place by CSS (never part of the text).
 */
const HASH_STYLE = "<style>.owm-hash{white-space:nowrap}" +
  ".owm-hash .owm-gap{font-size:0}" +
  '.owm-hash .owm-ell::before{content:"\u2026"}</style>';

/**
 * A hash shown as its first 8 and last 4 digits around an ellipsis, so tables
 * fit a notebook column; the whole value is the element's text (copy) and its
 * title (hover).
 */
function hashHtml(value: string): string {
  const [, hex = value, suffix = ""] = HASH.exec(value) ?? [];
  const full = escapeHtml(value);
  return `<code class="owm-hash" title="${full}">${escapeHtml(hex.slice(0, 8))}` +
    `<span class="owm-gap">${escapeHtml(hex.slice(8, -4))}</span>` +
    `<span class="owm-ell" aria-hidden="true"></span>${escapeHtml(hex.slice(-4) + suffix)}</code>`;
}

/** Adds the hash style to a view's HTML when it shows an abbreviated hash. */
function withHashStyle(html: string): string {
  return html.includes('class="owm-hash"') ? HASH_STYLE + html : html;
}

/** A value as HTML: hashes abbreviated, magnet and http(s) links clickable and wrapped. */
function linkOrText(value: string): string {
  if (HASH.test(value)) return hashHtml(value);
  if (/^(magnet:\?|https?:\/\/)/i.test(value)) {
    return `<span style="overflow-wrap:anywhere;word-break:break-all"><a href="${
      escapeHtml(value)
    }">${escapeHtml(value)}</a></span>`;
  }
  return escapeHtml(value);
}

function valueText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The built-in fields (CSVDataSource's chain holds every one), by TypeScript name. */
const BUILT_IN_FIELDS = fieldsOf(CSVDataSource);

function isDataSource(value: unknown): value is DataSource {
  return typeof (value as DataSource).storedValues === "function" &&
    typeof (value as DataSource).identifier === "string";
}

/**
 * A DataSource as a table of its fields (display names and values), headed by
 * its class and id. Takes a DataSource object, or the bridge's JSON of one
 * (`bridge.show(id)`: field names there are TypeScript names, shown with the
 * built-in classes' display names).
 */
export function dataSourceView(ds: DataSource | DataSourceDetail): RichView {
  let kind: string;
  let id: string;
  let text: string;
  const rows: [string, string[]][] = [];
  if (isDataSource(ds)) {
    kind = ds.className;
    id = ds.key === undefined ? ds.identifier : `${kind}:${ds.key}`;
    for (const [name, values] of ds.storedValues()) {
      rows.push([ds.fields.get(name)?.displayName ?? name, values.map(valueText)]);
    }
    text = formatDataSource(ds);
  } else {
    kind = ds.kind;
    id = ds.id;
    for (const [name, value] of Object.entries(ds.fields)) {
      const field = BUILT_IN_FIELDS.get(name);
      const several = Array.isArray(value) && (field?.multiple ?? true);
      const label = field?.displayName ?? displayNameOf(snakeCase(name));
      rows.push([label, (several ? value as unknown[] : [value]).map(valueText)]);
    }
    text = ds.text ||
      [kind, ...rows.map(([label, values]) => `    ${label}: ${values.join(", ")}`)].join("\n");
  }
  const body = rows.map(([label, values]) =>
    `<tr>${cell("th", escapeHtml(label))}${
      cell("td", values.map((v) => linkOrText(v)).join("<br>"))
    }</tr>`
  ).join("");
  const html = `<table class="owm-datasource" style="${TABLE_STYLE}">` +
    `<caption style="text-align:left"><b>${escapeHtml(kind)}</b> <code>${
      escapeHtml(id)
    }</code></caption>` +
    `<tbody>${body || `<tr>${cell("td", "<i>no fields set</i>")}</tr>`}</tbody></table>`;
  return new RichView(withHashStyle(html), text);
}

/** A verify report as a table: one row per check with expected, actual and pass/fail. */
export function verifyReportView(report: VerifyReport): RichView {
  const verdict = report.ok
    ? "pass"
    : report.checks.length === 0
    ? "fail (nothing to check)"
    : "fail";
  const colour = report.ok ? "#1a7f37" : "#cf222e";
  const rows = report.checks.map((check) =>
    `<tr>${cell("td", escapeHtml(check.kind))}${cell("td", checkValue(check.expected))}${
      cell("td", checkValue(check.actual))
    }${
      cell(
        "td",
        `<span style="color:${check.ok ? "#1a7f37" : "#cf222e"}">${
          check.ok ? "✔ pass" : "✘ fail"
        }</span>${check.detail ? ` ${escapeHtml(check.detail)}` : ""}`,
      )
    }</tr>`
  ).join("");
  const html = `<table class="owm-verify" style="${TABLE_STYLE}">` +
    `<caption style="text-align:left">Verify <code>${escapeHtml(report.target)}</code>: ` +
    `<b style="color:${colour}">${escapeHtml(verdict)}</b></caption>` +
    `<thead><tr>${cell("th", "Check")}${cell("th", "Expected")}${cell("th", "Actual")}${
      cell("th", "Result")
    }</tr></thead><tbody>${rows}</tbody></table>`;
  const text = [
    `verify ${report.target}: ${verdict}`,
    ...report.checks.map((c) =>
      `  ${c.ok ? "pass" : "FAIL"} ${c.kind}: expected ${c.expected}, actual ${c.actual}${
        c.detail ? ` (${c.detail})` : ""
      }`
    ),
  ].join("\n");
  return new RichView(withHashStyle(html), text);
}

/** An expected or actual value of a check: a hash abbreviated, anything else as code that wraps. */
function checkValue(value: unknown): string {
  const text = String(value);
  return HASH.test(text)
    ? hashHtml(text)
    : `<code style="overflow-wrap:anywhere">${escapeHtml(text)}</code>`;
}

/** The fields a torrent status view shows, from either status shape. */
interface StatusFields {
  infoHash: string;
  name: string;
  status: string;
  fraction: number;
  done: number;
  total: number;
  down: number;
  up: number;
  peers: number;
  pieces: string;
  eta: number | null;
  corrupt: number;
  error: string;
}

function statusFields(status: TorrentStatusJson | TorrentStatus): StatusFields {
  if ("hashString" in status) {
    return {
      infoHash: status.hashString,
      name: status.name,
      status: status.status,
      fraction: status.percentDone,
      done: status.haveValid,
      total: status.sizeWhenDone,
      down: status.rateDownload,
      up: status.rateUpload,
      peers: status.peersConnected,
      pieces: `${status.piecesHave} / ${status.pieceCount}`,
      eta: status.eta < 0 ? null : status.eta,
      corrupt: status.corruptEver,
      error: status.errorString,
    };
  }
  return {
    infoHash: status.infoHash,
    name: status.name,
    status: status.state,
    fraction: status.bytesTotal > 0 ? status.bytesDone / status.bytesTotal : 0,
    done: status.bytesDone,
    total: status.bytesTotal,
    down: status.downloadRate,
    up: status.uploadRate,
    peers: status.peers,
    pieces: `${status.piecesHave} / ${status.piecesTotal}`,
    eta: status.eta,
    corrupt: status.corruptBytes,
    error: status.error ?? "",
  };
}

function percent(fraction: number): string {
  const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  return `${(Math.floor(clamped * 1000) / 10).toFixed(1)}%`;
}

function barHtml(fraction: number, label: string): string {
  const p = percent(fraction);
  return `<progress max="100" value="${p.slice(0, -1)}" style="width:24em" ` +
    `aria-label="${escapeHtml(label)}"></progress> <b>${p}</b>`;
}

function statusDetail(s: StatusFields): string {
  const parts = [
    s.status,
    `${formatBytes(s.done)} of ${formatBytes(s.total)}`,
    `↓ ${formatBytes(s.down)}/s`,
    `${s.peers} peer${s.peers === 1 ? "" : "s"}`,
  ];
  if (s.eta !== null && s.fraction < 1) parts.push(`ETA ${Math.ceil(s.eta)} s`);
  return parts.join(" · ");
}

/**
 * A torrent's status (the bridge's JSON, or the engine's `TorrentStatus`) as a
 * progress bar over a small table: state, bytes, rates, peers, pieces, ETA,
 * corrupt bytes and any error.
 */
export function torrentStatusView(status: TorrentStatusJson | TorrentStatus): RichView {
  const s = statusFields(status);
  const rows: [string, string][] = [
    ["Status", s.status],
    ["Done", `${formatBytes(s.done)} of ${formatBytes(s.total)}`],
    ["Rates", `↓ ${formatBytes(s.down)}/s  ↑ ${formatBytes(s.up)}/s`],
    ["Peers", String(s.peers)],
    ["Pieces", s.pieces],
    ["ETA", s.eta === null ? "unknown" : `${Math.ceil(s.eta)} s`],
    ["Corrupt", formatBytes(s.corrupt)],
  ];
  if (s.error) rows.push(["Error", s.error]);
  const html =
    `<div class="owm-torrent"><div><b>${escapeHtml(s.name)}</b> ${hashHtml(s.infoHash)}</div><div>${
      barHtml(s.fraction, s.name)
    }</div>` +
    `<table style="${TABLE_STYLE}"><tbody>${
      rows.map(([k, v]) => `<tr>${cell("th", escapeHtml(k))}${cell("td", escapeHtml(v))}</tr>`)
        .join("")
    }</tbody></table></div>`;
  const text = [
    `${s.name} ${s.infoHash}: ${percent(s.fraction)}`,
    ...rows.map(([k, v]) => `  ${k}: ${v}`),
  ].join("\n");
  return new RichView(withHashStyle(html), text);
}

/** What was published (the bridge's answer to `publish`), with a clickable magnet link. */
export function publishedView(published: PublishedJson): RichView {
  const rows: [string, string][] = [
    ["DataSource", published.id],
    ["Torrent file", published.torrentFileName],
    ["Infohash", published.infoHash],
    ["Magnet link", published.magnetLink],
    ["MD5", published.md5],
    ["SHA-256", published.sha256],
  ];
  const html = `<table class="owm-published" style="${TABLE_STYLE}">` +
    `<caption style="text-align:left"><b>Published</b> <code>${
      escapeHtml(published.id)
    }</code></caption><tbody>${
      rows.map(([k, v]) => `<tr>${cell("th", escapeHtml(k))}${cell("td", linkOrText(v))}</tr>`)
        .join("")
    }</tbody></table>`;
  const text = [`published ${published.id}`, ...rows.slice(1).map(([k, v]) => `  ${k}: ${v}`)]
    .join("\n");
  return new RichView(withHashStyle(html), text);
}

/**
 * SPARQL query results as a table: a SELECT's solutions (one column per
 * variable), a CONSTRUCT's or DESCRIBE's statements (subject, predicate,
 * object), or an ASK's `true`/`false`. IRIs are shortened with `prefixes`
 * (e.g. the store's, `await repo.store.prefixes()`) when one fits.
 *
 * @example In a notebook cell
 * ```ts ignore
 * import { DataSourceRepository, sparqlResultsView } from "owmeta-torrent";
 * const repo = await DataSourceRepository.open();
 * sparqlResultsView(await repo.query("SELECT ?ds ?kind WHERE { ?ds a ?kind } LIMIT 10"), {
 *   prefixes: await repo.store.prefixes(),
 * });
 * ```
 */
export function sparqlResultsView(
  results: SparqlResults,
  options: TableViewOptions & { prefixes?: ReadonlyMap<string, string> } = {},
): RichView {
  const { columns, rows } = resultRows(results, options.prefixes);
  const { prefixes: _prefixes, ...table } = options;
  return tableView(rows, { ...table, columns });
}

/** Options of {@linkcode tableView}. */
export interface TableViewOptions {
  /** Column names; for arrays of arrays, default: the first row. */
  columns?: readonly string[];
  /** Rows shown at most; the rest are counted. @default 20 */
  maxRows?: number;
  /** A caption. */
  caption?: string;
}

/**
 * Rows as a table: an array of arrays (the first row is the header unless
 * `columns` is given, e.g. from {@linkcode parseCsv}) or an array of objects
 * (the keys are the columns).
 */
export function tableView(
  rows: readonly (readonly unknown[])[] | readonly Record<string, unknown>[],
  options: TableViewOptions = {},
): RichView {
  let columns: string[];
  let body: unknown[][];
  if (rows.length > 0 && !Array.isArray(rows[0])) {
    const objects = rows as readonly Record<string, unknown>[];
    columns = [...(options.columns ?? [...new Set(objects.flatMap((r) => Object.keys(r)))])];
    body = objects.map((r) => columns.map((c) => r[c]));
  } else {
    const arrays = rows as readonly (readonly unknown[])[];
    if (options.columns) {
      columns = [...options.columns];
      body = arrays.map((r) => [...r]);
    } else {
      columns = (arrays[0] ?? []).map(String);
      body = arrays.slice(1).map((r) => [...r]);
    }
  }
  const max = Math.max(0, options.maxRows ?? 20);
  const shown = body.slice(0, max);
  const more = body.length - shown.length;
  const show = (v: unknown) => v === undefined || v === null ? "" : valueText(v);
  const footer = `${body.length} row${body.length === 1 ? "" : "s"}` +
    (more > 0 ? `, first ${shown.length} shown` : "");
  const html = `<table class="owm-table" style="${TABLE_STYLE}">` +
    (options.caption
      ? `<caption style="text-align:left">${escapeHtml(options.caption)}</caption>`
      : "") +
    `<thead><tr>${columns.map((c) => cell("th", escapeHtml(c))).join("")}</tr></thead>` +
    `<tbody>${
      shown.map((r) => `<tr>${r.map((v) => cell("td", linkOrText(show(v)))).join("")}</tr>`)
        .join("")
    }</tbody></table><div><small>${escapeHtml(footer)}</small></div>`;
  const text = [
    ...(options.caption ? [options.caption] : []),
    columns.join("\t"),
    ...shown.map((r) => r.map(show).join("\t")),
    `(${footer})`,
  ].join("\n");
  return new RichView(withHashStyle(html), text);
}

/**
 * A provenance chain ({@linkcode provenanceTree}) or derivation tree
 * ({@linkcode derivationTree}) as an indented tree, the way
 * `owm source provenance` / `owm source derivs` print it.
 *
 * @example
 * ```ts ignore
 * await display(chainView(await provenanceTree(repo, "GraphDataSource:conn-graph")));
 * ```
 *
 * @param root The tree.
 * @param direction `provenance` (arrows point back to inputs) or `derivs`. @default "provenance"
 */
export function chainView(
  root: ChainNode,
  direction: "provenance" | "derivs" = "provenance",
): RichView {
  const text = formatChain(root, direction === "provenance" ? "←" : "→").join("\n");
  return new RichView(
    `<pre class="owm-provenance" style="text-align:left">${escapeHtml(text)}</pre>`,
    text,
  );
}

/** Options of {@linkcode progressBar}. */
export interface ProgressBarOptions {
  /** Where it is shown. @default Jupyter when in the kernel; else plain lines on stderr */
  target?: DisplayTarget;
  /** Least time between two redraws, in milliseconds (the last one is never skipped). @default 200 */
  intervalMs?: number;
}

/**
 * A progress bar shown once and updated in place: in Jupyter one output (a
 * `display_data` with a display id, then `update_display_data` messages to the
 * same id); elsewhere a plain line on stderr at each tenth and at the end.
 */
export class ProgressBar {
  /** The title. */
  readonly title: string;
  /** The Jupyter display id of its output. */
  readonly displayId: string = `owm-progress-${crypto.randomUUID()}`;
  #target: DisplayTarget | undefined;
  #interval: number;
  #queue: Promise<void> = Promise.resolve();
  #shown = false;
  #lastDraw = 0;
  #pending: { fraction: number; detail: string } | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #finished = false;
  #lastTenth = -1;
  #fraction = 0;
  #error: unknown;

  /** Creates the bar (shown on the first update; use {@linkcode progressBar}). */
  constructor(title: string, options: ProgressBarOptions = {}) {
    this.title = title;
    this.#target = options.target ?? jupyterTarget();
    this.#interval = options.intervalMs ?? 200;
  }

  /** The fraction last shown, 0 to 1. */
  get fraction(): number {
    return this.#fraction;
  }

  #bundle(fraction: number, detail: string, state: "running" | "done" | "failed"): MediaBundle {
    const colour = state === "failed" ? "#cf222e" : state === "done" ? "#1a7f37" : "inherit";
    const html = `<div class="owm-progress" data-state="${state}">` +
      `<b>${escapeHtml(this.title)}</b> ${barHtml(fraction, this.title)}` +
      (detail ? ` <span style="color:${colour}">${escapeHtml(detail)}</span>` : "") + `</div>`;
    return {
      "text/html": html,
      "text/plain": `${this.title}: ${percent(fraction)}${detail ? ` ${detail}` : ""}`,
    };
  }

  #draw(fraction: number, detail: string, state: "running" | "done" | "failed"): Promise<void> {
    this.#fraction = fraction;
    this.#lastDraw = Date.now();
    const target = this.#target;
    if (!target) {
      const tenth = Math.floor(Math.min(1, Math.max(0, fraction)) * 10);
      if (state === "running" && tenth === this.#lastTenth) return this.#queue;
      this.#lastTenth = tenth;
      console.error(this.#bundle(fraction, detail, state)["text/plain"]);
      return this.#queue;
    }
    const update = this.#shown;
    this.#shown = true;
    const bundle = this.#bundle(fraction, detail, state);
    this.#queue = this.#queue.then(() =>
      target.display(bundle, { display_id: this.displayId, ...(update ? { update: true } : {}) })
    ).catch((error) => {
      this.#error ??= error;
    });
    return this.#queue;
  }

  /** Shows the bar at 0% now (otherwise it appears with the first update). */
  show(detail = ""): Promise<void> {
    if (this.#shown || this.#finished) return this.#queue;
    return this.#draw(0, detail, "running");
  }

  /**
   * Moves the bar: to `progress` (0 to 1), or to a torrent status's progress
   * with its bytes, rate and peers as the detail. Redraws at most every
   * `intervalMs`; the latest value is drawn when the interval ends. Safe to
   * call without awaiting (e.g. from `onProgress`).
   */
  update(progress: number | TorrentStatusJson | TorrentStatus, detail?: string): Promise<void> {
    if (this.#finished) return this.#queue;
    let fraction: number;
    let text: string;
    if (typeof progress === "number") {
      fraction = progress;
      text = detail ?? "";
    } else {
      const s = statusFields(progress);
      fraction = s.fraction;
      text = detail ?? statusDetail(s);
    }
    if (!this.#shown) return this.#draw(fraction, text, "running");
    const wait = this.#lastDraw + this.#interval - Date.now();
    if (wait <= 0) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#pending = undefined;
      return this.#draw(fraction, text, "running");
    }
    this.#pending = { fraction, detail: text };
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      const pending = this.#pending;
      this.#pending = undefined;
      if (pending && !this.#finished) this.#draw(pending.fraction, pending.detail, "running");
    }, wait);
    return this.#queue;
  }

  #finish(fraction: number, detail: string, state: "done" | "failed"): Promise<void> {
    if (this.#finished) return this.#queue;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = undefined;
    this.#finished = true;
    return this.#draw(fraction, detail, state);
  }

  /** Draws 100% with `detail` (default "done") and stops updating. Await it before the cell ends. */
  async done(detail = "done"): Promise<void> {
    await this.#finish(1, detail, "done");
    if (this.#error) throw this.#error;
  }

  /** Marks the bar failed with `message`, keeping the progress reached. */
  async fail(message: string): Promise<void> {
    await this.#finish(this.#fraction, `failed: ${message}`, "failed");
    if (this.#error) throw this.#error;
  }
}

/**
 * A progress bar titled `title` that updates in place (one Jupyter output,
 * replaced by each update); outside Jupyter, plain lines on stderr.
 *
 * @example
 * ```ts ignore
 * const bar = progressBar("Fetching");
 * await bridge.fetch(id, { onProgress: (status) => bar.update(status) });
 * await bar.done();
 * ```
 */
export function progressBar(title: string, options: ProgressBarOptions = {}): ProgressBar {
  return new ProgressBar(title, options);
}
