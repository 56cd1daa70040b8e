/**
 * `owm lock [id…]` and `owm fetch --locked`: the lockfile on the command line.
 *
 * @module
 */
import type { DataSource } from "../datasource/data_source.ts";
import { toCurie } from "../datasource/identifier.ts";
import type { DataSourceRepository } from "../datasource/repository.ts";
import type { LoaderRegistry } from "../loader/registry.ts";
import { LockMismatchError } from "../lock/errors.ts";
import { requireLockFile, resolveLockPath, updateLockFile } from "../lock/lock_file.ts";
import { lockEntryToJson } from "../lock/lock_format.ts";
import { lockDataSources } from "../lock/lock_sources.ts";
import { loadLocked } from "../lock/locked_load.ts";
import { contentFolder } from "./content_folder.ts";
import { type CliIo, printJson } from "./io.ts";
import type { ProgressBar } from "./progress.ts";
import { type GlobalOptions, openRepository } from "./store_commands.ts";
import { configuredIndexes, isOffline } from "./transfer_context.ts";
import { userCwd, userOutputPath } from "./user_path.ts";
import { StoreLayout } from "../settings/store_layout.ts";

/** Options of `owm lock`. */
export interface LockCommandOptions {
  /** `--lock PATH`: the lockfile. */
  lock?: string | undefined;
  /** `--index SPEC`, repeated. */
  index?: readonly string[] | undefined;
}

/** The options of `owm fetch` that concern the lock. */
export interface LockedFetchOptions {
  /** `--locked`. */
  locked?: boolean | undefined;
  /** `--lock PATH`. */
  lock?: string | undefined;
  /** `--repair`. */
  repair?: boolean | undefined;
  /** `--index SPEC`, repeated. */
  index?: readonly string[] | undefined;
  /** `--offline` (also `OWM_OFFLINE=1`): no index lookup beyond folders, no download. */
  offline?: boolean | undefined;
}

/**
 * The lockfile a command uses: `--lock PATH` (from the user's directory),
 * else `OWM_LOCK`, else `owm.lock` in the user's directory.
 *
 * @param option The `--lock` value, if given.
 * @returns An absolute path.
 */
function lockFileOption(option: string | undefined): string {
  return option === undefined ? resolveLockPath(undefined, userCwd()) : userOutputPath(option);
}

/**
 * `owm lock [id…] [--lock PATH] [--index SPEC]… [--json]`: pins the content
 * of the DataSources named (or, with none, of every DataSource whose content
 * is present here) in the lockfile: infohash, torrent file name, each file's
 * size and SHA-256. Other entries of an existing lockfile are kept. The
 * content must be present and verify; nothing is written otherwise.
 */
export async function lockCommand(
  args: string[],
  options: LockCommandOptions,
  global: GlobalOptions,
  io: CliIo,
): Promise<number> {
  const repo = await openRepository(global, io, false);
  // Offline (OWM_OFFLINE), only folder indexes are read for the torrents.
  const indexes = configuredIndexes(repo.store.home, options.index, isOffline({}));
  const lockFile = lockFileOption(options.lock);
  const { entries, skipped } = await lockDataSources(repo, args, { indexes });
  if (entries.length === 0) {
    // Content that is here but cannot be locked says why, not "fetch one first".
    const here = skipped.filter((s) => s.reason !== "not present here");
    for (const s of here) io.err(`owm: cannot lock ${s.id}: ${s.reason}`);
    if (here.length === 0) {
      io.err(
        "owm: nothing to lock: no DataSource has its content here; fetch one first (owm fetch <id>), then run owm lock",
      );
    }
    return 1;
  }
  // Hashing took its time: read, merge and write under the store's lock, so
  // that two `owm lock` runs do not lose each other's entries.
  const { before, written } = await updateLockFile(
    lockFile,
    entries,
    new StoreLayout(repo.store.home).lockfileLock,
  );
  const same = (iri: string) => {
    const old = before?.entries.get(iri);
    const now = entries.find((e) => e.iri === iri)!;
    return old !== undefined && JSON.stringify(lockEntryToJson(old)) ===
        JSON.stringify(lockEntryToJson(now));
  };
  const locked = entries.map((e) => ({
    id: e.id,
    iri: e.iri,
    infoHash: e.infoHash,
    fileCount: e.fileCount,
    size: e.size,
    changed: !same(e.iri),
  }));
  const kept = [...(before?.entries.values() ?? [])]
    .filter((e) => !entries.some((n) => n.iri === e.iri))
    .map((e) => e.id);
  if (global.json) {
    printJson(io, { lockFile, written, locked, kept, skipped });
    return 0;
  }
  for (const entry of locked) io.out(entry.id);
  const changed = locked.filter((e) => e.changed).length;
  io.err(
    `owm: ${
      written ? "wrote" : "unchanged:"
    } ${lockFile}: ${locked.length} locked (${changed} new or changed)` +
      (kept.length ? `, ${kept.length} other entr${kept.length === 1 ? "y" : "ies"} kept` : "") +
      skippedText(skipped, "not present here"),
  );
  return 0;
}

/** `; <reason>, so not locked: a, b` for each reason among `skipped`, the usual one named `common`. */
function skippedText(skipped: { id: string; reason: string }[], common: string): string {
  const byReason = new Map<string, string[]>();
  for (const s of skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.id]);
  return [...byReason].map(([reason, ids]) =>
    `; ${reason === common ? reason : reason.split(":")[0]}, so not locked: ${ids.join(", ")}`
  ).join("");
}

/** What `owm fetch --locked` works with. */
export interface LockedFetchContext {
  /** The repository. */
  repo: DataSourceRepository;
  /** The fetch's loaders. */
  registry: LoaderRegistry;
  /** The command's options. */
  options: LockedFetchOptions;
  /** Global options. */
  global: GlobalOptions;
  /** Output. */
  io: CliIo;
  /** The progress bar. */
  bar: ProgressBar;
  /** Stops the fetch. */
  signal: AbortSignal;
}

/**
 * `owm fetch <id> --locked`: the DataSource must be in the lockfile, and what
 * it records, the torrent its index holds (checked before downloading) and
 * every file fetched must match; otherwise exit 1 with what differs.
 * Content already here that matches is not read again by the loader.
 */
export async function fetchLocked(ds: DataSource, ctx: LockedFetchContext): Promise<number> {
  const { repo, io, bar } = ctx;
  const lockFile = lockFileOption(ctx.options.lock);
  const lock = await requireLockFile(lockFile);
  const id = toCurie(ds.identifier, await repo.store.prefixes());
  const entry = lock.entries.get(ds.identifier);
  if (!entry) {
    throw new LockMismatchError(id, lockFile, [{
      kind: "not-locked",
      expected: null,
      actual: null,
    }]);
  }
  const offline = isOffline(ctx.options);
  const result = await loadLocked(ds, entry, {
    registry: ctx.registry,
    indexes: configuredIndexes(repo.store.home, ctx.options.index, offline),
    lockFile,
    repair: ctx.options.repair ?? false,
    offline,
    signal: ctx.signal,
    onProgress: (p) => bar.update({ ...p }),
  });
  bar.finish();
  const lockCheck = {
    kind: "lock",
    expected: `${entry.fileCount} files, ${entry.size} bytes`,
    actual: `${entry.fileCount} files, ${entry.size} bytes`,
    ok: true,
    detail: `every file's size and SHA-256 as pinned in ${lockFile}`,
  };
  const loaded = result.load;
  const checks = [...(loaded?.report?.checks ?? []), lockCheck];
  if (ctx.global.json) {
    printJson(io, {
      id,
      directory: result.directory,
      folder: await contentFolder(result),
      contentPath: result.contentPath,
      infoHash: result.infoHash,
      verified: true,
      alreadyPresent: result.alreadyPresent,
      fromCache: loaded?.origin === "cache",
      locked: true,
      lockFile,
      checks,
    });
  } else {
    if (loaded?.origin === "cache") io.err("owm: from the shared cache");
    for (const check of checks) {
      io.err(
        `owm: verified ${check.kind}${
          check.kind === "lock" ? ` (${entry.fileCount} files, SHA-256 as in ${lockFile})` : ""
        }`,
      );
    }
    io.out(await contentFolder(result));
  }
  return 0;
}
