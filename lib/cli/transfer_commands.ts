/**
 * `owm fetch`, `owm publish` and `owm seed`: the commands that move data.
 *
 * @module
 */
import { confinedPath } from "../fs/confine.ts";
import { checkContentNames } from "../datasource/content_names.ts";
import { dirname, join, resolve } from "node:path";
import type { DataSource } from "../datasource/data_source.ts";
import { toCurie } from "../datasource/identifier.ts";
import type { DataSourceRepository } from "../datasource/repository.ts";
import { fetchTorrent } from "../index/config.ts";
import type { LoadProgress, LoadResult } from "../loader/dir_loader.ts";
import { LoadFailedError } from "../loader/errors.ts";
import { locateContent } from "../loader/located_content.ts";
import { publish } from "../publish/publish.ts";
import { parseFieldAssignments } from "../publish/fields.ts";
import { storeRegistry } from "../stack/stack.ts";
import { createTorrent } from "../torrent/create.ts";
import type { TorrentHandle } from "../torrent/handle.ts";
import { magnetLink } from "../torrent/magnet.ts";
import { parseMetainfo } from "../torrent/metainfo.ts";
import { LocalFileDataSource } from "../datasource/local_file_data_source.ts";
import { SCHEMA_GRAPH } from "../datasource/namespaces.ts";
import { literal, namedNode } from "../graph/rdf.ts";
import { fieldsOf } from "../datasource/data_source.ts";
import { torrentInfoHash } from "../loader/bittorrent_loader.ts";
import { adoptRecord, findRecord, RecordNotFoundError } from "../stack/record_lookup.ts";
import type { Stack } from "../stack/stack.ts";
import { contentFolder } from "./content_folder.ts";
import { type CliIo, printJson, UsageError } from "./io.ts";
import { fetchLocked } from "./lock_command.ts";
import { ProgressBar } from "./progress.ts";
import { StalledError, StallWatch } from "./stall.ts";
import { type GlobalOptions, openRepository } from "./store_commands.ts";
import {
  commandSettings,
  commandStack,
  configuredIndexes,
  openSession,
  publishIndexes,
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
  /** `--replace`: take the index's record of the DataSource over the store's, whose identity fields differ. */
  replace?: boolean | undefined;
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
  /** `--title T`. */
  title?: string | undefined;
  /** `--license SPDX-or-URL`. */
  license?: string | undefined;
  /** `--citation TEXT`. */
  citation?: string | undefined;
  /** `--field name=value`, repeated: any Informational field of the class. */
  field?: readonly string[] | undefined;
  /** `--replace`: replace a different torrent of this same DataSource already in an index. */
  replace?: boolean | undefined;
}

/** Options of `owm seed`. */
export interface SeedCommandOptions extends TransferOptions {
  /** `--torrent F`. */
  torrent?: string | undefined;
  /** `--dir DIR`. */
  dir?: string | undefined;
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

/** A torrent named by itself on the command line. */
interface TorrentTarget {
  /** What the loader is given: a magnet link, a bare infohash or `.torrent` bytes. */
  torrent: string | Uint8Array;
}

/** The one operand of `owm fetch`. */
function fetchTarget(args: string[]): string {
  if (args.length !== 1) {
    throw new UsageError("fetch takes one id, magnet link or .torrent file: owm fetch <id>");
  }
  return args[0]!;
}

/** A magnet link, an existing `.torrent` file or a bare infohash; else undefined (an id). */
async function torrentTarget(target: string): Promise<TorrentTarget | undefined> {
  if (target.startsWith("magnet:")) return { torrent: target };
  if (/^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(target)) return { torrent: target };
  const file = target.endsWith(".torrent") ? userPath(target) : undefined;
  if (file && isFile(file)) return { torrent: await Deno.readFile(file) };
  return undefined;
}

/**
 * Runs `work` with a signal that SIGINT or SIGTERM aborts, and a progress
 * bar; an interrupted fetch says so (and that it resumes). With `stall`, a
 * fetch without progress says every 5 s what it waits for, and ends after
 * `stall.stallMs` (0: never) with that summary (lib/cli/stall.ts).
 */
async function interruptible<T>(
  target: string,
  work: (signal: AbortSignal, bar: ProgressBar) => Promise<T>,
  stall?: { stallMs: number; indexes: readonly string[] },
): Promise<T> {
  const stop = new AbortController();
  const signals = interrupted();
  signals.promise.then(() => stop.abort(new Error("interrupted")));
  const bar = new ProgressBar();
  const watch = stall
    ? new StallWatch({
      target,
      stallMs: stall.stallMs,
      indexes: stall.indexes,
      say: (line) => bar.note(line),
      onStall: (error) => stop.abort(error),
    })
    : undefined;
  if (watch) bar.observe((p) => watch.update(p));
  try {
    const result = await work(stop.signal, bar);
    bar.finish();
    return result;
  } catch (error) {
    bar.finish();
    if (watch?.stalled && stop.signal.reason instanceof StalledError) throw stop.signal.reason;
    if (stop.signal.aborted) throw new LoadFailedError(target, "interrupted; run again to resume");
    throw error;
  } finally {
    watch?.stop();
    signals.stop();
  }
}

/**
 * `owm fetch <id|magnet|file.torrent|infohash> [--peer host:port]… [--dir DIR]
 * [--timeout S] [--repair] [--index SPEC]… [--json]`: downloads, verifies and
 * prints the directory as its last line (or a JSON object). Exit 0 only when
 * complete and verified. Every kind of target goes through the stack's
 * loader: present → shared cache → download → verify → cache.
 */
export async function fetchCommand(
  args: string[],
  options: FetchCommandOptions,
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  const target = fetchTarget(args);
  const torrent = await torrentTarget(target);
  // Like `save`, a fetch makes the store when there is none yet.
  const repo = await openRepository(global, io, true);
  const settings = commandSettings(repo.store.home, options);
  if (torrent && settings.locked) {
    throw new UsageError(
      "--locked fetches DataSources by id (ClassName:key), not magnets or files",
    );
  }
  const dir = options.dir ? userOutputPath(options.dir) : undefined;
  // A DataSource a translation made (and no torrent distributes) is made again from its inputs.
  await using stack = commandStack(repo, settings, torrent ? undefined : dir);
  const stall = { stallMs: settings.stallTimeoutMs, indexes: settings.indexes };
  return await interruptible(target, async (signal, bar) => {
    const progress = { signal, onProgress: (p: LoadProgress) => bar.update({ ...p }) };
    if (torrent) {
      const ds = await torrentDataSource(repo, stack, torrent, options, io, signal);
      const result = await stack.loadTorrent(torrent.torrent, {
        ...progress,
        label: target,
        dataSource: ds,
        ...(dir ? { directory: dir } : {}),
      });
      // Remembered as a load of the DataSource is: later commands find it by its id.
      await storeRegistry(repo)
        .remember(ds, result.loader, result.directory, result.contentPath);
      bar.finish();
      return await printDataSourceFetch(ds, result, repo, global, io);
    }
    const { ds, here } = await idDataSource(repo, stack, target, options, io, signal);
    if (settings.locked) {
      const { registry } = stack;
      return await fetchLocked(ds, { repo, registry, options, global, io, bar, signal });
    }
    let result: LoadResult;
    try {
      result = await stack.registry.load(ds, progress);
    } catch (error) {
      // The store's own DataSource could not be loaded: a record that differs says why.
      if (here && !signal.aborted) await recordConflict(repo, stack, target, signal);
      throw error;
    }
    bar.finish();
    return await printDataSourceFetch(ds, result, repo, global, io);
  }, stall);
}

/**
 * The DataSource a fetch by id loads: the store's; else (or with `--replace`)
 * the record of it in the first index holding one, saved in the graph of
 * that index.
 *
 * @throws {RecordNotFoundError} when neither the store nor an index has it.
 * @throws {RecordConflictError} with `--replace`, never: the record replaces the store's.
 */
async function idDataSource(
  repo: DataSourceRepository,
  stack: Stack,
  target: string,
  options: FetchCommandOptions,
  io: CliIo,
  signal: AbortSignal,
): Promise<{ ds: DataSource; here: boolean }> {
  const stored = await repo.find(target);
  if (stored && !options.replace) return { ds: stored, here: true };
  const iri = await repo.resolve(target);
  const search = await findRecord(stack.reachable, { id: target, iri }, { signal });
  if (!search.found) {
    if (stored) {
      io.err(`owm: no index holds a record of ${target}: the store's is used`);
      return { ds: stored, here: true };
    }
    throw new RecordNotFoundError(target, search.asked, search.problems);
  }
  const adopted = await adoptRecord(repo, search.found, { replace: options.replace ?? false });
  noteAdopted(io, search.found.record.id, search.found.index.location, adopted.outcome);
  return { ds: adopted.dataSource, here: adopted.outcome === "same" };
}

/**
 * Throws {@linkcode RecordConflictError} when an index's record of `target`
 * differs from the store's in identity fields (nothing is written).
 */
async function recordConflict(
  repo: DataSourceRepository,
  stack: Stack,
  target: string,
  signal: AbortSignal,
): Promise<void> {
  let search;
  try {
    const iri = await repo.resolve(target);
    search = await findRecord(stack.reachable, { id: target, iri }, { signal });
  } catch {
    return; // the load's own error says enough
  }
  if (search.found) await adoptRecord(repo, search.found); // same identity: nothing written
}

function noteAdopted(io: CliIo, id: string, index: string, outcome: string): void {
  if (outcome === "saved") io.err(`owm: ${id}: saved from the record in ${index}`);
  if (outcome === "replaced") io.err(`owm: ${id}: replaced by the record in ${index}`);
}

/**
 * The DataSource a torrent given by itself is the content of: the store's
 * (one recording its infohash), else an index's record of it (saved in the
 * graph of that index), else a new `LocalFileDataSource` keyed by its
 * infohash (saved).
 */
async function torrentDataSource(
  repo: DataSourceRepository,
  stack: Stack,
  torrent: TorrentTarget,
  options: FetchCommandOptions,
  io: CliIo,
  signal: AbortSignal,
): Promise<DataSource> {
  const bytes = typeof torrent.torrent === "string" ? undefined : torrent.torrent;
  const infoHash = bytes
    ? parseMetainfo(bytes).infoHash
    : torrentInfoHash(torrent.torrent as string);
  const stored = await storedByInfoHash(repo, infoHash);
  if (stored && !options.replace) return stored;
  const search = await findRecord(stack.reachable, { infoHash }, { signal });
  if (search.found) {
    const adopted = await adoptRecord(repo, search.found, { replace: options.replace ?? false });
    noteAdopted(io, search.found.record.id, search.found.index.location, adopted.outcome);
    return adopted.dataSource;
  }
  if (stored) return stored;
  const magnet = typeof torrent.torrent === "string" && torrent.torrent.startsWith("magnet:")
    ? torrent.torrent
    : undefined;
  const ds = new LocalFileDataSource({
    key: infoHash,
    infoHash,
    ...(magnet ? { magnetLink: magnet } : {}),
    // The load keeps its torrent in the store's own folder under this name.
    ...(bytes ? { torrentFileName: `${infoHash}.torrent` } : {}),
  });
  await repo.save([ds]);
  return (await repo.find(`<${ds.identifier}>`)) ?? ds;
}

/** A DataSource of the store that records `infoHash`, if any. */
async function storedByInfoHash(
  repo: DataSourceRepository,
  infoHash: string,
): Promise<DataSource | undefined> {
  // The infoHash field, LocalFileDataSource's, of every class that records one.
  const field = fieldsOf(LocalFileDataSource).get("infoHash")!;
  const quads = await repo.store.match({
    predicate: namedNode(field.iri),
    object: literal(infoHash),
  });
  for (const q of quads) {
    if (q.graph.value === SCHEMA_GRAPH) continue;
    const ds = await repo.find(`<${q.subject.value}>`);
    if (ds) return ds;
  }
  return undefined;
}

/** Prints what a fetch of a DataSource loaded: by its torrent, or by a translation. */
async function printDataSourceFetch(
  ds: DataSource,
  result: LoadResult,
  repo: DataSourceRepository,
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  const id = toCurie(ds.identifier, await repo.store.prefixes());
  if (result.origin === "translation") {
    // Present and matching its recorded SHA-256, or made again from its inputs.
    if (global.json) {
      printJson(io, {
        id,
        directory: result.directory,
        translation: ds.get("translation") ?? null,
        verified: true,
      });
    } else {
      io.err(`owm: made by ${String(ds.get("translation"))}; verified sha256`);
      io.out(result.directory);
    }
    return 0;
  }
  const checks = result.report?.checks ?? [];
  const cacheNote = result.notes.join("; ");
  if (global.json) {
    printJson(io, {
      id,
      directory: result.directory,
      folder: await contentFolder(result),
      contentPath: result.contentPath,
      infoHash: result.infoHash,
      verified: result.report?.ok ?? false,
      alreadyPresent: result.origin === "present",
      fromCache: result.origin === "cache",
      ...(cacheNote ? { cacheNote } : {}),
      notes: result.notes,
      checks,
    });
  } else {
    if (result.origin === "cache") io.err("owm: from the shared cache");
    for (const note of result.notes) io.err(`owm: ${note}`);
    for (const check of checks) io.err(`owm: verified ${check.kind}`);
    io.err(`owm: ${id}`);
    io.out(await contentFolder(result));
  }
  return 0;
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
  const settings = commandSettings(repo.store.home, options);
  const indexes = publishIndexes(settings);
  const seed = !options["no-seed"];
  const session = seed ? await openSession(settings) : undefined;
  try {
    const content = userPath(args[0]!);
    const result = await publish(content, {
      class: options.class,
      key: options.key,
      repository: repo,
      ...(options.description === undefined ? {} : { description: options.description }),
      ...(options.title === undefined ? {} : { title: options.title }),
      ...(options.license === undefined ? {} : { license: options.license }),
      ...(options.citation === undefined ? {} : { citation: options.citation }),
      ...(options.field?.length
        ? {
          fields: parseFieldAssignments(await repo.classNamed(options.class), options.field),
        }
        : {}),
      replace: options.replace ?? false,
      ...(options.context === undefined ? {} : { context: options.context }),
      trackers: options.tracker ?? [],
      webSeeds: options["web-seed"] ?? [],
      indexes,
      ...(session ? { session } : {}),
      ...(options.peer ? { peers: options.peer } : {}),
    });
    for (const note of result.notes) io.err(`owm: ${note}`);
    // So that `owm seed <id>` later finds the content where it was published from.
    await storeRegistry(repo)
      .remember(result.dataSource, "published", dirname(resolve(content)), resolve(content));
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
  const session = await openSession(commandSettings(repo.store.home, options));
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
  const settings = commandSettings(repo.store.home, options);
  const base = options.dir ? userOutputPath(options.dir) : undefined;
  // Only for the directory it would load into: it opens no session.
  const loader = commandStack(repo, settings, base).bittorrent;
  const fileName = ds.fields.has("torrentFileName") ? ds.get("torrentFileName") : undefined;
  if (typeof fileName !== "string") {
    throw new LoadFailedError(ds.identifier, "it records no torrent file name to seed with");
  }
  const fetched = await fetchTorrent(configuredIndexes(repo.store.home, options.index), fileName);
  const meta = parseMetainfo(fetched.bytes);
  // Where the last load or publish put it, else where the loader would.
  const located = await locateContent(repo.store.home, ds, [fetched.index], repo.store);
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
