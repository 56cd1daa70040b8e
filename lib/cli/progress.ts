/**
 * A one-line progress bar for terminals, on stderr, and the notes printed
 * between its redraws (a waiting fetch's summaries, on a terminal or not).
 *
 * @module
 */
import type { SwarmSummary } from "../torrent/swarm_watch.ts";

/** What a progress line shows. */
export interface ProgressLine {
  /** Bytes done. */
  bytesDone: number;
  /** Bytes in all (0 when unknown). */
  bytesTotal: number;
  /** A short phrase, e.g. "downloading". */
  phase: string;
  /** Bytes per second, if known. */
  rate?: number;
  /** Connected peers, if known. */
  peers?: number;
  /** Seconds left, if known. */
  eta?: number | null;
  /** What is known of the swarm, while downloading. */
  swarm?: SwarmSummary;
}

/** Formats a byte count with binary units. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** The text of one progress line, without terminal control codes. */
function progressText(p: ProgressLine, width = 24): string {
  const fraction = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : 0;
  const filled = Math.round(fraction * width);
  const parts = [
    `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`,
    `${(fraction * 100).toFixed(1).padStart(5)}%`,
    `${formatBytes(p.bytesDone)}/${formatBytes(p.bytesTotal)}`,
    p.phase,
  ];
  if (p.rate !== undefined) parts.push(`${formatBytes(p.rate)}/s`);
  if (p.peers !== undefined) parts.push(`${p.peers} peer${p.peers === 1 ? "" : "s"}`);
  if (p.eta !== undefined && p.eta !== null) parts.push(`ETA ${Math.ceil(p.eta)}s`);
  return parts.join(" ");
}

/**
 * A progress bar that redraws one stderr line, only when stderr is a terminal
 * (scripts and logs get no control codes).
 */
export class ProgressBar {
  #enabled: boolean;
  #last = 0;
  #drawn = false;
  #observers: ((p: ProgressLine) => void)[] = [];

  /** Creates the bar; it draws only when `enabled` (default: stderr is a terminal). */
  constructor(enabled: boolean = Deno.stderr.isTerminal()) {
    this.#enabled = enabled;
  }

  /** Calls `observer` with every update, drawn or not (e.g. a stall watcher). */
  observe(observer: (p: ProgressLine) => void): void {
    this.#observers.push(observer);
  }

  /** Redraws the line (at most every 100 ms). */
  update(p: ProgressLine): void {
    for (const observer of this.#observers) observer(p);
    if (!this.#enabled) return;
    const now = Date.now();
    if (now - this.#last < 100) return;
    this.#last = now;
    this.#drawn = true;
    Deno.stderr.writeSync(new TextEncoder().encode(`\r\x1b[2K${progressText(p)}`));
  }

  /** Prints `text` as a line of its own on stderr (clearing the bar's line first). */
  note(text: string): void {
    const clear = this.#enabled && this.#drawn ? "\r\x1b[2K" : "";
    Deno.stderr.writeSync(new TextEncoder().encode(`${clear}${text}\n`));
    this.#drawn = false;
    this.#last = 0;
  }

  /** Ends the line. */
  finish(): void {
    if (this.#enabled && this.#drawn) Deno.stderr.writeSync(new TextEncoder().encode("\n"));
    this.#drawn = false;
  }
}
