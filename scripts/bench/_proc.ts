/**
 * What a benchmark reads of a running process tree from Linux's /proc: its
 * processes, CPU ticks, resident memory, open file descriptors and bytes read.
 *
 * @module
 */

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ on Linux). */
export const TICKS_PER_SECOND = 100;

/** `pid` and every process below it. */
export async function processTree(pid: number): Promise<number[]> {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      for await (const task of Deno.readDir(`/proc/${out[i]}/task`)) {
        const children = await Deno.readTextFile(`/proc/${out[i]}/task/${task.name}/children`)
          .catch(() => "");
        out.push(...children.trim().split(/\s+/).filter(Boolean).map(Number));
      }
    } catch {
      // gone
    }
  }
  return out;
}

/** One process as /proc shows it. */
export interface ProcSample {
  pid: number;
  /** User + system CPU ticks so far. */
  ticks: number;
  /** Resident memory now, KiB. */
  rssKiB: number;
  /** Peak resident memory, KiB. */
  hwmKiB: number;
  /** Open file descriptors. */
  fds: number;
  /** Open descriptors whose target starts with one of the `under` prefixes. */
  fdsUnder: number;
  /** Bytes read through read(2) and friends (page cache hits included). */
  rchar: number;
  /** Bytes fetched from storage. */
  readBytes: number;
}

/** Reads one process; `under` names folders whose open files are counted apart. */
export async function sampleProcess(
  pid: number,
  under: readonly string[] = [],
): Promise<ProcSample> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => "");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const status = await Deno.readTextFile(`/proc/${pid}/status`).catch(() => "");
  const io = await Deno.readTextFile(`/proc/${pid}/io`).catch(() => "");
  let fds = 0;
  let fdsUnder = 0;
  try {
    for await (const fd of Deno.readDir(`/proc/${pid}/fd`)) {
      fds++;
      if (under.length === 0) continue;
      const target = await Deno.readLink(`/proc/${pid}/fd/${fd.name}`).catch(() => "");
      if (under.some((prefix) => target.startsWith(prefix))) fdsUnder++;
    }
  } catch {
    // gone
  }
  const kib = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  const io_ = (name: string) => Number(new RegExp(`${name}: (\\d+)`).exec(io)?.[1] ?? 0);
  return {
    pid,
    ticks: Number(fields[11] ?? 0) + Number(fields[12] ?? 0),
    rssKiB: kib("VmRSS"),
    hwmKiB: kib("VmHWM"),
    fds,
    fdsUnder,
    rchar: io_("rchar"),
    readBytes: io_("read_bytes"),
  };
}

/** A process tree at one moment: totals, and its largest process. */
export interface TreeSample {
  /** CPU ticks of every process of the tree. */
  ticks: number;
  /** Resident memory of the tree, KiB. */
  rssKiB: number;
  /** The process with the most resident memory (for a launcher, the program it runs). */
  main: ProcSample;
  /** Open descriptors of the tree. */
  fds: number;
  /** Open descriptors of the tree under the `under` folders. */
  fdsUnder: number;
}

/** Reads every process of the tree rooted at `pid`. */
export async function sampleTree(pid: number, under: readonly string[] = []): Promise<TreeSample> {
  const procs = await Promise.all((await processTree(pid)).map((p) => sampleProcess(p, under)));
  const main = procs.reduce((a, b) => (b.rssKiB > a.rssKiB ? b : a));
  return {
    ticks: procs.reduce((sum, p) => sum + p.ticks, 0),
    rssKiB: procs.reduce((sum, p) => sum + p.rssKiB, 0),
    main,
    fds: procs.reduce((sum, p) => sum + p.fds, 0),
    fdsUnder: procs.reduce((sum, p) => sum + p.fdsUnder, 0),
  };
}
