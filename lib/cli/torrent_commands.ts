/**
 * `owm torrent create` and `owm torrent info`.
 *
 * @module
 */
import { userCwd, userOutputPath, userPath } from "./user_path.ts";
import { join } from "node:path";
import { atomicWriteFile } from "../fs/atomic_write.ts";
import { createTorrent } from "../torrent/create.ts";
import { isUsableUrl, magnetLink } from "../torrent/magnet.ts";
import { type Metainfo, MetainfoError, parseMetainfo } from "../torrent/metainfo.ts";
import { escapeControls as printable } from "../torrent/metainfo_error.ts";
import { type CliIo, printJson, UsageError } from "./io.ts";
import type { GlobalOptions } from "./store_commands.ts";

/** The largest `.torrent` file `owm torrent info` reads. */
const MAX_TORRENT_FILE_BYTES = 64 * 1024 * 1024;

/** Options of `owm torrent create`, as parsed by `node:util` parseArgs. */
export interface TorrentCreateOptions {
  /** `--out F`: where to write the `.torrent` (a file, or an existing folder). */
  out?: string | undefined;
  /** `--tracker URL`, repeatable. */
  tracker?: string[] | undefined;
  /** `--web-seed URL`, repeatable. */
  "web-seed"?: string[] | undefined;
}

/** `1536` -> `"1.5 KiB"`. */
function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function summary(meta: Metainfo) {
  return {
    name: meta.name,
    infoHash: meta.infoHash,
    length: meta.length,
    pieceLength: meta.pieceLength,
    pieceCount: meta.pieceCount,
    private: meta.private,
    hybrid: meta.hybrid,
    ...(meta.comment === undefined ? {} : { comment: meta.comment }),
    ...(meta.createdBy === undefined ? {} : { createdBy: meta.createdBy }),
    ...(meta.creationDate === undefined ? {} : { creationDate: meta.creationDate }),
    files: meta.files.filter((file) => !file.pad).map((file) => ({
      path: file.path,
      length: file.length,
      ...(file.originalPath.join("/") === file.path ? {} : { originalPath: file.originalPath }),
      ...(file.symlinkTarget === undefined ? {} : { symlinkTarget: file.symlinkTarget }),
    })),
    trackers: meta.announce,
    webSeeds: meta.urlList,
    magnet: magnetLink(meta),
  };
}

function checkUrls(urls: readonly string[], kind: "tracker" | "web seed", option: string): void {
  for (const url of urls) {
    if (!isUsableUrl(url, kind)) {
      throw new UsageError(
        `${option} '${url}' is not ${
          kind === "tracker" ? "an http, https, udp, ws or wss" : "an http or https"
        } URL`,
      );
    }
  }
}

async function outputPath(out: string | undefined, name: string): Promise<string> {
  if (out === undefined) return join(userCwd(), `${name}.torrent`);
  const target = userOutputPath(out);
  const stat = await Deno.stat(target).catch(() => undefined);
  return stat?.isDirectory ? join(target, `${name}.torrent`) : target;
}

/**
 * `owm torrent create <path> [--out F] [--tracker URL]… [--web-seed URL]…`:
 * makes a `.torrent` of a file or folder, written to `--out` (a file, or a
 * folder to put `<name>.torrent` in), by default `<name>.torrent` in the
 * current directory. Prints the output path and the infohash.
 *
 * @example
 * ```ts ignore
 * await torrentCreateCommand(["data/"], { tracker: ["udp://t.example:6969"] }, global, processIo);
 * ```
 */
export async function torrentCreateCommand(
  args: string[],
  options: TorrentCreateOptions,
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  if (args.length !== 1) {
    throw new UsageError(
      "torrent create takes one file or folder: owm torrent create <path> [--out F] [--tracker URL]... [--web-seed URL]...",
    );
  }
  const trackers = options.tracker ?? [];
  const webSeeds = options["web-seed"] ?? [];
  checkUrls(trackers, "tracker", "--tracker");
  checkUrls(webSeeds, "web seed", "--web-seed");
  const { bytes, metainfo } = await createTorrent(userPath(args[0]!), {
    trackers,
    webSeeds,
    createdBy: "owmeta-torrent",
  });
  const path = await outputPath(options.out, metainfo.name);
  await atomicWriteFile(path, [bytes]);
  if (global.json) printJson(io, { path, ...summary(metainfo) });
  else {
    io.out(`torrent:  ${printable(path)}`);
    io.out(`infohash: ${metainfo.infoHash}`);
  }
  return 0;
}

function formatInfo(meta: Metainfo): string[] {
  const info = summary(meta);
  const lines = [
    `name:          ${printable(info.name)}`,
    `infohash:      ${info.infoHash}`,
    `size:          ${formatBytes(info.length)} (${info.length} bytes)`,
    `pieces:        ${info.pieceCount} of ${formatBytes(info.pieceLength)}`,
    `private:       ${info.private ? "yes" : "no"}`,
  ];
  if (info.hybrid) lines.push("hybrid:        yes (BitTorrent v1 + v2; used as v1)");
  if (info.createdBy !== undefined) lines.push(`created by:    ${printable(info.createdBy)}`);
  if (info.creationDate !== undefined) {
    const date = new Date(info.creationDate * 1000);
    lines.push(
      `creation date: ${
        Number.isNaN(date.getTime()) ? info.creationDate : date.toISOString().replace(".000Z", "Z")
      }`,
    );
  }
  if (info.comment !== undefined) lines.push(`comment:       ${printable(info.comment)}`);
  lines.push(`files (${info.files.length}):`);
  for (const file of info.files) {
    let line = `  ${formatBytes(file.length).padStart(10)}  ${printable(file.path)}`;
    if (file.symlinkTarget !== undefined) line += ` -> ${printable(file.symlinkTarget)} (link)`;
    if (file.originalPath) {
      line += `  (renamed from ${printable(JSON.stringify(file.originalPath.join("/")))})`;
    }
    lines.push(line);
  }
  lines.push(
    `trackers (${info.trackers.length}):`,
    ...info.trackers.map((t) => `  ${printable(t)}`),
  );
  lines.push(
    `web seeds (${info.webSeeds.length}):`,
    ...info.webSeeds.map((w) => `  ${printable(w)}`),
  );
  lines.push(`magnet:        ${info.magnet}`);
  return lines;
}

/**
 * `owm torrent info <file.torrent> [--json]`: shows a torrent's name,
 * infohash, size, pieces, files (as they would be written), trackers, web
 * seeds and magnet link. A malformed, hostile or unsupported torrent is
 * refused with a {@linkcode MetainfoError} whose one-line message names the
 * file and the reason (exit code 1 through `main`).
 *
 * @example
 * ```ts ignore
 * await torrentInfoCommand(["data.torrent"], { home: undefined, json: true }, processIo);
 * ```
 */
export async function torrentInfoCommand(
  args: string[],
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  if (args.length !== 1) {
    throw new UsageError("torrent info takes one .torrent file: owm torrent info <file.torrent>");
  }
  const file = userPath(args[0]!);
  let stat: Deno.FileInfo;
  try {
    stat = await Deno.stat(file);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new Deno.errors.NotFound(`No such file: '${printable(file)}'`, { cause: error });
  }
  if (!stat.isFile) {
    throw new UsageError(
      `torrent info needs a .torrent file, and '${printable(file)}' is not a file`,
    );
  }
  if (stat.size > MAX_TORRENT_FILE_BYTES) {
    throw new MetainfoError(
      "too-large",
      `Refusing '${printable(file)}': it is ${stat.size} bytes, more than a .torrent file can be`,
    );
  }
  let meta: Metainfo;
  try {
    meta = parseMetainfo(await Deno.readFile(file));
  } catch (error) {
    if (!(error instanceof MetainfoError)) throw error;
    const advice = error.code === "v2-only-unsupported"
      ? ""
      : "; it is malformed or hostile: get a valid .torrent from its publisher";
    throw new MetainfoError(error.code, `Refusing '${file}': ${error.message}${advice}`, {
      cause: error,
    });
  }
  if (global.json) printJson(io, summary(meta));
  else io.out(formatInfo(meta).join("\n"));
  return 0;
}
