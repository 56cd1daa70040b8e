/**
 * `owm fetch`, `owm publish` and `owm seed`: the commands that move data.
 *
 * @module
 */
import { confinedPath } from "../fs/confine.ts";
import { checkContentNames } from "../datasource/content_names.ts";
import { dirname, join, resolve } from "node:path";
import { toCurie } from "../datasource/identifier.ts";
import type { DataSourceRepository } from "../datasource/repository.ts";
import { fetchTorrent } from "../index/config.ts";
import type { TorrentIndex } from "../index/torrent_index.ts";
import { LocalFolderIndex } from "../index/local_folder_index.ts";
import { torrentPiecesCheck } from "../integrity/torrent_pieces.ts";
import { verify } from "../integrity/verify.ts";
import type { DefaultRegistry } from "../loader/default_registry.ts";
import { LoadFailedError } from "../loader/errors.ts";
import { loadedIndexPath, locateContent } from "../loader/located_content.ts";
import { LoaderRegistry } from "../loader/registry.ts";
import { publish } from "../publish/publish.ts";
import { createTorrent } from "../torrent/create.ts";
import type { TorrentHandle, TorrentStatus } from "../torrent/handle.ts";
import { magnetLink } from "../torrent/magnet.ts";
import { parseMetainfo } from "../torrent/metainfo.ts";
import type { TorrentSession } from "../torrent/session.ts";
import { cacheDownload, fetchTorrentFromCache } from "./cached_torrent_fetch.ts";
import { type CliIo, printJson, UsageError } from "./io.ts";
import { fetchIsLocked, fetchLocked } from "./lock_command.ts";
import { ProgressBar } from "./progress.ts";
import { type GlobalOptions, openRepository } from "./store_commands.ts";
import {
  commandRegistry,
  configuredIndexes,
  intOption,
  isOffline,
  openSession,
  type TransferOptions,
} from "./transfer_context.ts";
import { userCwd, userOutputPath, userPath } from "./user_path.ts";

/** Options of `owm fetch`. */
export interface FetchCommandOptions extends TransferOptions {
  /** `--dir DIR`. */
  dir?: string | undefined;
  /** `--locked`: refuse anything the lockfile does not pin (also `OWM_LOCKED=1`). */
  locked?: boolean | undefined;
  /** `--lock PATH`: the lockfile (default `OWM_LOCK`, else `./owm.lock`). */
  lock?: string | undefined;
}

/** Options of `owm publish`. */
export interface PublishCommandOptions extends TransferOptions {
  /** `--class C`. */
  class?: string | undefined;
  /** `--key K`. */
  key?: string | undefined;
  /** `--description D`. */
  description?: string | undefined;
  /** `--context IRI`. */
  context?: string | undefined;
  /** `--tracker URL`, repeated. */
  tracker?: readonly string[] | undefined;
  /** `--no-seed`. */
  "no-seed"?: boolean | undefined;
}

/** Options of `owm seed`. */
export interface SeedCommandOptions extends TransferOptions {
  /** `--torrent F`. */
  torrent?: string | undefined;
  /** `--dir DIR`. */
  dir?: string | undefined;
}

const LOADER_KEY = "bittorrent";

function dataRoot(home: string): string {
  return join(home, "data_source_data");
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** Resolves when SIGINT or SIGTERM arrives (or `signal` aborts); removes its listeners. */
function interrupted(signal?: AbortSignal): { promise: Promise<string>; stop(): void } {
  let resolve!: (name: string) => void;
  const promise = new Promise<string>((r) => (resolve = r));
  const onInt = () => resolve("SIGINT");
  const onTerm = () => resolve("SIGTERM");
  Deno.addSignalListener("SIGINT", onInt);
  Deno.addSignalListener("SIGTERM", onTerm);
  signal?.addEventListener("abort", () => resolve("abort"), { once: true });
  return {
    promise,
    stop() {
      Deno.removeSignalListener("SIGINT", onInt);
      Deno.removeSignalListener("SIGTERM", onTerm);
    },
  };
}

function barFor(handle: TorrentHandle, bar: ProgressBar): AbortController {
  const listening = new AbortController();
  handle.addEventListener("progress", (event: CustomEvent<TorrentStatus>) => {
    const s = event.detail;
    bar.update({
      bytesDone: s.bytesDone,
      bytesTotal: s.bytesTotal,
      phase: s.state,
      rate: s.downloadRate,
      peers: s.peers,
      eta: s.eta,
    });
  }, { signal: listening.signal });
  return listening;
}

/**
 * `owm fetch <id|magnet|file.torrent> [--peer host:port]… [--dir DIR]
 * [--timeout S] [--repair] [--index SPEC]… [--json]`: downloads, verifies and
 * prints the directory as its last line (or a JSON object). Exit 0 only when
 * complete and verified.
 */
export async function fetchCommand(
  args: string[],
  options: FetchCommandOptions,
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  if (args.length !== 1) {
    throw new UsageError("fetch takes one id, magnet link or .torrent file: owm fetch <id>");
  }
  const target = args[0]!;
  const timeout = intOption("timeout", options.timeout);
  const repo = await openRepository(
    global,
    io,
    !target.includes(":") || target.startsWith("magnet:"),
  );
  let session: TorrentSession | undefined;
  const getSession = async () => (session ??= await openSession(repo.store.home, options, 0));
  const stop = new AbortController();
  const signals = interrupted();
  signals.promise.then(() => stop.abort(new Error("interrupted")));
  const bar = new ProgressBar();
  let loaders: DefaultRegistry | undefined;
  try {
    const torrentFile = target.endsWith(".torrent") ? userPath(target) : undefined;
    if (target.startsWith("magnet:") || (torrentFile && isFile(torrentFile))) {
      if (fetchIsLocked(options)) {
        throw new UsageError(
          "--locked fetches DataSources by id (ClassName:key), not magnets or files",
        );
      }
      const source = target.startsWith("magnet:") ? target : await Deno.readFile(torrentFile!);
      // Content already here or in the shared cache needs no session (offline: nothing else).
      const here = await fetchTorrentFromCache({
        source,
        directoryFor: (infoHash) =>
          options.dir ? userOutputPath(options.dir) : join(
            dataRoot(repo.store.home),
            LOADER_KEY,
            typeof source === "string" ? "magnet" : infoHash,
          ),
        offline: isOffline(options),
        home: repo.store.home,
        target,
        json: global.json,
      }, io);
      if (here !== undefined) return here;
      return await fetchTorrentSource(
        source,
        repo.store.home,
        options,
        await getSession(),
        { global, io, bar, signal: stop.signal, timeout },
      );
    }
    const ds = await repo.get(target);
    const base = options.dir
      ? userOutputPath(options.dir)
      : join(dataRoot(repo.store.home), LOADER_KEY);
    // A DataSource a translation made (and no torrent distributes) is made again from its inputs.
    loaders = commandRegistry(repo, options, base);
    const { registry, bittorrent: loader } = loaders;
    if (fetchIsLocked(options)) {
      const ctx = { repo, registry, loader, options, global, io, bar, signal: stop.signal };
      return await fetchLocked(ds, ctx);
    }
    const directory = await registry.load(ds, {
      signal: stop.signal,
      onProgress: (p) => bar.update({ ...p }),
    });
    bar.finish();
    const result = loader.lastResult(ds);
    if (!result) {
      // Loaded by the translation loader: present and matching its recorded SHA-256, or remade.
      if (global.json) {
        printJson(io, {
          id: toCurie(ds.identifier, await repo.store.prefixes()),
          directory,
          translation: ds.get("translation") ?? null,
          verified: true,
        });
      } else {
        io.err(`owm: made by ${String(ds.get("translation"))}; verified sha256`);
        io.out(directory);
      }
      return 0;
    }
    if (global.json) {
      printJson(io, {
        id: toCurie(ds.identifier, await repo.store.prefixes()),
        directory,
        contentPath: result.contentPath,
        infoHash: result.infoHash,
        verified: result.report.ok,
        alreadyPresent: result.alreadyPresent,
        fromCache: result.fromCache,
        ...(result.cacheNote ? { cacheNote: result.cacheNote } : {}),
        checks: result.report.checks,
      });
    } else {
      if (result.fromCache) io.err("owm: from the shared cache");
      if (result.cacheNote) io.err(`owm: cache: ${result.cacheNote}`);
      for (const check of result.report.checks) io.err(`owm: verified ${check.kind}`);
      io.out(directory);
    }
    return 0;
  } catch (error) {
    bar.finish();
    if (stop.signal.aborted) throw new LoadFailedError(target, "interrupted; run again to resume");
    throw error;
  } finally {
    signals.stop();
    await session?.close();
    await loaders?.close();
  }
}

async function fetchTorrentSource(
  source: Uint8Array | string,
  home: string,
  options: FetchCommandOptions,
  session: TorrentSession,
  ctx: {
    global: GlobalOptions;
    io: CliIo;
    bar: ProgressBar;
    signal: AbortSignal;
    timeout: number | undefined;
  },
): Promise<number> {
  const peek = typeof source === "string" ? undefined : parseMetainfo(source);
  const handleDir = options.dir ? userOutputPath(options.dir) : undefined;
  const handle = await session.add(source, {
    dir: handleDir ?? join(dataRoot(home), LOADER_KEY, peek?.infoHash ?? "magnet"),
    ...(options.peer ? { peers: options.peer } : {}),
    ...(options["web-seed"] ? { webSeeds: options["web-seed"] } : {}),
  });
  const listening = barFor(handle, ctx.bar);
  try {
    await handle.done({
      signal: ctx.signal,
      ...(ctx.timeout === undefined ? {} : { timeoutMs: ctx.timeout * 1000 }),
    });
  } finally {
    listening.abort();
    ctx.bar.finish();
  }
  const meta = handle.metainfo!;
  const contentPath = handle.contentPath ?? join(handle.dir, meta.name);
  const report = await verify(contentPath, { pieces: torrentPiecesCheck(meta) });
  if (report.ok) await cacheDownload(contentPath, meta, home, ctx.io);
  const directory = dirname(contentPath);
  if (ctx.global.json) {
    printJson(ctx.io, {
      directory,
      contentPath,
      infoHash: meta.infoHash,
      verified: report.ok,
      checks: report.checks,
    });
  } else ctx.io.out(directory);
  return report.ok ? 0 : 1;
}

/** The indexes a publish pushes to: the configured ones and the store's own folder. */
function publishIndexes(home: string, specs: readonly string[] | undefined): TorrentIndex[] {
  const indexes = configuredIndexes(home, specs);
  const own = join(home, "torrents");
  if (!indexes.some((i) => i instanceof LocalFolderIndex && i.dir === own)) {
    indexes.push(new LocalFolderIndex(own));
  }
  return indexes;
}

/**
 * `owm publish <path|zip> --class C --key K [--description D] [--index SPEC]…
 * [--tracker URL]… [--web-seed URL]… [--no-seed] [--port N] [--json]`: makes
 * the torrent, saves the DataSource, pushes the `.torrent` to the indexes,
 * then seeds until interrupted (unless `--no-seed`).
 */
export async function publishCommand(
  args: string[],
  options: PublishCommandOptions,
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  if (args.length !== 1) {
    throw new UsageError("publish takes one file or folder: owm publish <path> --class C --key K");
  }
  if (!options.class || !options.key) {
    throw new UsageError(
      "publish needs --class C and --key K (e.g. --class CSVDataSource --key mydata)",
    );
  }
  const repo = await openRepository(global, io, true);
  const indexes = publishIndexes(repo.store.home, options.index);
  const seed = !options["no-seed"];
  const session = seed ? await openSession(repo.store.home, options) : undefined;
  try {
    const [first, ...others] = indexes;
    const content = userPath(args[0]!);
    const result = await publish(content, {
      class: options.class,
      key: options.key,
      repository: repo,
      ...(options.description === undefined ? {} : { description: options.description }),
      ...(options.context === undefined ? {} : { context: options.context }),
      trackers: options.tracker ?? [],
      webSeeds: options["web-seed"] ?? [],
      ...(first ? { index: first } : {}),
      ...(session ? { session } : {}),
      ...(options.peer ? { peers: options.peer } : {}),
    });
    for (const index of others) {
      await index.publish(result.torrentFileName, result.torrent, {
        ...(options.description === undefined ? {} : { description: options.description }),
      });
    }
    // So that `owm seed <id>` later finds the content where it was published from.
    await new LoaderRegistry(loadedIndexPath(repo.store.home))
      .remember(result.dataSource, "published", dirname(resolve(content)));
    const id = toCurie(result.dataSource.identifier, await repo.store.prefixes());
    const summary = {
      id,
      torrentFileName: result.torrentFileName,
      infoHash: result.infoHash,
      magnetLink: result.magnetLink,
      md5: result.md5,
      sha256: result.sha256,
      indexes: indexes.map((i) => i.location),
      seeding: session ? { port: session.port } : null,
    };
    if (global.json) io.out(JSON.stringify(summary));
    else {
      io.out(id);
      io.out(`torrent:  ${result.torrentFileName}`);
      io.out(`infohash: ${result.infoHash}`);
      io.out(`magnet:   ${result.magnetLink}`);
    }
    if (!session) return 0;
    io.err(`owm: seeding ${result.infoHash} on port ${session.port}; press Ctrl-C to stop`);
    return await seedUntilInterrupted(result.seeding!, io);
  } finally {
    await session?.close();
  }
}

async function seedUntilInterrupted(handle: TorrentHandle, io: CliIo): Promise<number> {
  const signals = interrupted();
  const failed = new Promise<string>((resolve) => {
    handle.addEventListener("error", (event) => resolve((event as ErrorEvent).message), {
      once: true,
    });
  });
  try {
    const outcome = await Promise.race([signals.promise.then(() => ""), failed]);
    if (outcome) {
      io.err(`owm: seeding stopped: ${outcome}`);
      return 1;
    }
    io.err("owm: stopped seeding");
    return 0;
  } finally {
    signals.stop();
  }
}

/**
 * `owm seed <id|path|file.torrent> [--port N] [--torrent F] [--dir DIR]`:
 * seeds until interrupted. An id seeds its loaded content with its torrent
 * from the indexes; a `.torrent` file seeds `<DIR>/<name>` (DIR defaults to
 * the current directory); a path seeds itself, with `--torrent F` or a torrent
 * made on the spot.
 */
export async function seedCommand(
  args: string[],
  options: SeedCommandOptions,
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  if (args.length !== 1) {
    throw new UsageError(
      "seed takes one id, path or .torrent file: owm seed <id|path|file.torrent>",
    );
  }
  const target = args[0]!;
  const asPath = userPath(target);
  const repo = await openRepository(global, io, true);
  let torrent: Uint8Array;
  let content: string;
  if (target.endsWith(".torrent") && isFile(asPath)) {
    torrent = await Deno.readFile(asPath);
    const meta = parseMetainfo(torrent);
    content = join(options.dir ? userOutputPath(options.dir) : userCwd(), meta.name);
  } else if (await exists(asPath)) {
    content = asPath;
    torrent = options.torrent
      ? await Deno.readFile(userPath(options.torrent))
      : (await createTorrent(asPath, { createdBy: "owmeta-torrent" })).bytes;
  } else {
    ({ torrent, content } = await seedSourceOf(repo, target, options));
  }
  const session = await openSession(repo.store.home, options);
  try {
    const handle = await session.seed(
      content,
      torrent,
      options.peer ? { peers: options.peer } : {},
    );
    const meta = handle.metainfo!;
    if (global.json) {
      io.out(JSON.stringify({
        infoHash: meta.infoHash,
        magnetLink: magnetLink(meta),
        contentPath: content,
        port: session.port,
      }));
    } else {
      io.out(`infohash: ${meta.infoHash}`);
      io.out(`magnet:   ${magnetLink(meta)}`);
    }
    io.err(`owm: seeding ${content} on port ${session.port}; press Ctrl-C to stop`);
    return await seedUntilInterrupted(handle, io);
  } finally {
    await session.close();
  }
}

async function seedSourceOf(
  repo: DataSourceRepository,
  id: string,
  options: SeedCommandOptions,
): Promise<{ torrent: Uint8Array; content: string }> {
  const ds = await repo.get(id);
  checkContentNames(ds); // its torrentFileName is data: checked before any index is asked
  const base = options.dir
    ? userOutputPath(options.dir)
    : join(dataRoot(repo.store.home), LOADER_KEY);
  // Only for the directory it would load into: it opens no session.
  const loader = commandRegistry(repo, options, base).bittorrent;
  const fileName = ds.fields.has("torrentFileName") ? ds.get("torrentFileName") : undefined;
  if (typeof fileName !== "string") {
    throw new LoadFailedError(ds.identifier, "it records no torrent file name to seed with");
  }
  const fetched = await fetchTorrent(configuredIndexes(repo.store.home, options.index), fileName);
  const meta = parseMetainfo(fetched.bytes);
  // Where the last load or publish put it, else where the loader would.
  const located = await locateContent(repo.store.home, ds, [fetched.index]);
  const dir = located?.directory ?? loader.directoryFor(ds);
  // Never seed through a link out of the folder: peers would be served what lies outside.
  return { torrent: fetched.bytes, content: await confinedPath(dir, meta.name) };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
