/**
 * A cross-process exclusive lock on a file, with stale-lock recovery by the
 * kernel: the lock is an advisory `flock` on `<store>/graph.lock`, released by
 * the operating system when its holder exits or is killed, so a lock file left
 * behind by a dead process never blocks anyone. The holder writes its pid into
 * the file so that waiters can say whom they wait for. Within one process,
 * holders queue on a promise chain so that no thread blocks on the kernel lock.
 *
 * @module
 */

const inProcess = new Map<string, Promise<void>>();

/** Options for {@linkcode withFileLock}. */
export interface FileLockOptions {
  /** Called once if the lock is not free within `noticeAfterMs`, with the holder's pid if known. */
  onWait?: ((holder: string | undefined) => void) | undefined;
  /** How long to wait before calling `onWait`. @default 1000 */
  noticeAfterMs?: number;
}

/**
 * Runs `fn` while holding an exclusive lock on `lockPath`, across threads and processes.
 *
 * @example Serialise a read-modify-write
 * ```ts ignore
 * await withFileLock("/tmp/demo.lock", async () => {
 *   // read, merge, write
 * });
 * ```
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const previous = inProcess.get(lockPath) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const chained = previous.then(() => mine);
  inProcess.set(lockPath, chained);
  await previous;
  try {
    using file = await Deno.open(lockPath, { read: true, write: true, create: true, mode: 0o644 });
    await acquire(file, lockPath, options);
    try {
      await file.truncate(0);
      await file.write(new TextEncoder().encode(`${Deno.pid}\n`));
      return await fn();
    } finally {
      await file.unlock();
    }
  } finally {
    release();
    if (inProcess.get(lockPath) === chained) inProcess.delete(lockPath);
  }
}

async function acquire(file: Deno.FsFile, lockPath: string, options: FileLockOptions) {
  const locking = file.lock(true);
  if (!options.onWait) return await locking;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const notice = new Promise<"waiting">((resolve) => {
    timer = setTimeout(() => resolve("waiting"), options.noticeAfterMs ?? 1000);
  });
  try {
    if (await Promise.race([locking.then(() => "locked" as const), notice]) === "waiting") {
      const holder = (await Deno.readTextFile(lockPath).catch(() => "")).trim() || undefined;
      options.onWait(holder);
      await locking;
    }
  } finally {
    clearTimeout(timer);
  }
}
