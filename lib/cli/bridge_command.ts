/**
 * `owm bridge status|list|pause|resume|rm|verify`: talks to the bridge that
 * runs on the store (found through `<store>/bridge.json`: its URL and token),
 * like `transmission-remote -l`. Human-readable by default, `--json` for JSON.
 *
 * @module
 */
import { Bridge } from "../bridge/client.ts";
import { BridgeError } from "../bridge/errors.ts";
import type { TorrentStatusJson } from "../bridge/api_types.ts";
import { formatBytes } from "./progress.ts";
import { type CliIo, printJson, UsageError } from "./io.ts";
import type { GlobalOptions } from "./store_commands.ts";

/** Options of `owm bridge rm`. */
export interface BridgeCommandOptions {
  /** `--delete-data`: `rm` also deletes the torrent's files (inside the store only). */
  "delete-data"?: boolean | undefined;
}

const INFOHASH = /^(?:[0-9a-fA-F]{40})$/;

/** The bridge of the store, never started here: a clear error when none runs. */
async function connect(global: GlobalOptions): Promise<Bridge> {
  try {
    return await Bridge.connect({ ...(global.home ? { home: global.home } : {}), start: false });
  } catch (error) {
    if (error instanceof BridgeError && error.code === "not-running") {
      const home = global.home ? ` --home ${global.home}` : "";
      throw new BridgeError(
        "not-running",
        `no bridge runs on this store (${
          error.message.match(/store (.*?):/)?.[1] ?? "its bridge.json names none that answers"
        }): start one with \`deno task start${home}\`, then run this again`,
      );
    }
    throw error;
  }
}

/**
 * The infohash `target` names: itself when it is 40 hex digits, else the
 * `infoHash` recorded on the DataSource `target` (`ClassName:key` or `<IRI>`).
 */
async function infoHashOf(bridge: Bridge, target: string): Promise<string> {
  if (INFOHASH.test(target)) return target.toLowerCase();
  const detail = await bridge.show(target);
  const recorded = detail.fields.infoHash;
  const hash = Array.isArray(recorded) ? recorded[0] : recorded;
  if (typeof hash !== "string" || !INFOHASH.test(hash)) {
    throw new UsageError(
      `${detail.id} has no infohash recorded (it was neither fetched nor published by ` +
        `BitTorrent): fetch it first, or give an infohash`,
    );
  }
  return hash.toLowerCase();
}

/** One operand: the id or infohash. */
function oneTarget(sub: string, args: string[]): string {
  if (args.length !== 1) {
    throw new UsageError(
      `bridge ${sub} takes one id (ClassName:key) or infohash: owm bridge ${sub} <id|infohash>`,
    );
  }
  return args[0]!;
}

/** Seconds as `1h02m`, `3m04s`, `12s`, or `Unknown`. */
function formatEta(eta: number): string {
  if (eta < 0 || !Number.isFinite(eta)) return "Unknown";
  const s = Math.round(eta);
  if (s >= 3600) {
    return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, "0")}m`;
  }
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

/** The status word shown: the bridge's, with Transmission's capitalisation. */
function statusWord(t: TorrentStatusJson): string {
  const word = t.status.charAt(0).toUpperCase() + t.status.slice(1);
  return t.errorString ? `${word} (${t.errorString})` : word;
}

/** The lines of `owm bridge list`: a header, one row per torrent, a total. */
export function formatTorrentList(torrents: readonly TorrentStatusJson[]): string[] {
  const rows = torrents.map((t) => [
    t.hashString.slice(0, 8),
    `${Math.floor(t.percentDone * 100)}%`,
    formatBytes(t.haveValid),
    formatEta(t.eta),
    `${formatBytes(t.rateUpload)}/s`,
    `${formatBytes(t.rateDownload)}/s`,
    String(t.peersConnected),
    statusWord(t),
    t.name,
  ]);
  const header = ["ID", "Done", "Have", "ETA", "Up", "Down", "Peers", "Status", "Name"];
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r.map((cell, i) => i === r.length - 1 ? cell : cell.padEnd(widths[i]!)).join("  ");
  const have = torrents.reduce((n, t) => n + t.haveValid, 0);
  const up = torrents.reduce((n, t) => n + t.rateUpload, 0);
  const down = torrents.reduce((n, t) => n + t.rateDownload, 0);
  return [
    ...all.map(line),
    `Sum: ${torrents.length} torrent${torrents.length === 1 ? "" : "s"}, ${formatBytes(have)}, ` +
    `up ${formatBytes(up)}/s, down ${formatBytes(down)}/s`,
  ];
}

/** The lines of `owm bridge status`: one field a line. */
export function formatTorrentStatus(t: TorrentStatusJson): string[] {
  return [
    `Name: ${t.name}`,
    `Infohash: ${t.hashString}`,
    `State: ${statusWord(t)}`,
    `Done: ${(t.percentDone * 100).toFixed(1)}% (${formatBytes(t.haveValid)} of ${
      formatBytes(t.sizeWhenDone)
    }; ${t.piecesHave} of ${t.pieceCount} pieces)`,
    `ETA: ${formatEta(t.eta)}`,
    `Peers: ${t.peersConnected} connected${
      t.bannedPeers.length > 0 ? `; banned: ${t.bannedPeers.join(", ")}` : ""
    }`,
    `Rates: down ${formatBytes(t.rateDownload)}/s, up ${formatBytes(t.rateUpload)}/s`,
    `Transferred: ${formatBytes(t.downloadedEver)} down, ${formatBytes(t.uploadedEver)} up${
      t.corruptEver > 0 ? `, ${formatBytes(t.corruptEver)} corrupt` : ""
    }`,
    `Location: ${t.downloadDir}`,
  ];
}

/**
 * `owm bridge <sub> …`: `list`, `status <id|infohash>`, `pause`, `resume`,
 * `rm [--delete-data]` (an id or infohash each), `verify <id>`.
 *
 * @example
 * ```ts ignore
 * await bridgeCommand("list", [], {}, { home: ".owm", json: false }, processIo);
 * ```
 */
export async function bridgeCommand(
  sub: string,
  args: string[],
  options: BridgeCommandOptions,
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  if (sub === "list" && args.length > 0) {
    throw new UsageError(`bridge list takes no arguments, got '${args[0]}'`);
  }
  if (options["delete-data"] && sub !== "rm") {
    throw new UsageError("--delete-data applies to 'bridge rm' only");
  }
  const target = sub === "list" ? "" : oneTarget(sub, args);
  await using bridge = await connect(global);
  switch (sub) {
    case "list": {
      const torrents = await bridge.torrents();
      if (global.json) printJson(io, torrents);
      else io.out(formatTorrentList(torrents).join("\n"));
      return 0;
    }
    case "status": {
      const status = await bridge.status(await infoHashOf(bridge, target));
      if (global.json) printJson(io, status);
      else io.out(formatTorrentStatus(status).join("\n"));
      return 0;
    }
    case "pause":
    case "resume": {
      const hash = await infoHashOf(bridge, target);
      const status = sub === "pause" ? await bridge.pause(hash) : await bridge.resume(hash);
      if (global.json) printJson(io, status);
      else {io.out(
          `${sub === "pause" ? "paused" : "resumed"} ${status.name} (${hash}): ${status.status}`,
        );}
      return 0;
    }
    case "rm": {
      const hash = await infoHashOf(bridge, target);
      const deleteData = options["delete-data"] ?? false;
      await bridge.removeTorrent(hash, { deleteData });
      if (global.json) printJson(io, { removed: hash, deleteData });
      else io.out(`removed ${hash}${deleteData ? " and its files" : " (its files are kept)"}`);
      return 0;
    }
    case "verify": {
      const report = await bridge.verify(target);
      if (global.json) printJson(io, report);
      else {
        for (const c of report.checks) {
          io.out(
            c.ok
              ? `ok   ${c.kind.padEnd(10)} ${c.actual}`
              : `FAIL ${c.kind.padEnd(10)} expected ${c.expected} got ${c.actual}`,
          );
        }
        const failed = report.checks.filter((c) => !c.ok).length;
        io.out(
          report.ok
            ? `verified ${target}: ${report.checks.length} of ${report.checks.length} checks passed`
            : `NOT VERIFIED ${target}: ${failed} of ${report.checks.length} checks failed`,
        );
      }
      return report.ok ? 0 : 1;
    }
  }
  throw new UsageError(`unknown subcommand 'bridge ${sub}'`);
}
