/**
 * Bench code: how many bytes a process tree sent over TCP, for seeders whose
 * socket writes `/proc/PID/io` does not count (Deno's, through `send`, are
 * not in `wchar`). Every `everyMs` it lists the tree's socket inodes
 * (`/proc/PID/fd`) and reads each one's `bytes_acked` from `ss -tinHe`
 * (iproute2); a socket's total is the last value seen, so what a socket sends
 * after the last sample before it closes is missed (the benchmark prints the
 * same count for aria2c beside its exact `wchar`, to show how much).
 *
 * @module
 */

/** A running count; `stop()` takes one last sample and returns the bytes acknowledged. */
export interface SentCounter {
  stop(): Promise<number>;
}

async function socketInodes(pids: number[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const pid of pids) {
    try {
      for await (const fd of Deno.readDir(`/proc/${pid}/fd`)) {
        const link = await Deno.readLink(`/proc/${pid}/fd/${fd.name}`).catch(() => "");
        const m = /^socket:\[(\d+)\]$/.exec(link);
        if (m) out.add(m[1]!);
      }
    } catch {
      // gone
    }
  }
  return out;
}

/** `bytes_acked` of every TCP socket, by inode. */
async function ackedByInode(): Promise<Map<string, number>> {
  const out = await new Deno.Command("ss", { args: ["-tinHe"], stdout: "piped", stderr: "null" })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  const result = new Map<string, number>();
  let ino: string | undefined;
  for (const line of text.split("\n")) {
    const i = /\bino:(\d+)/.exec(line);
    if (i) ino = i[1];
    const acked = /\bbytes_acked:(\d+)/.exec(line);
    if (acked && ino) {
      result.set(ino, Number(acked[1]));
      ino = undefined;
    }
  }
  return result;
}

/**
 * Starts counting the bytes the processes `pids()` names send over TCP,
 * sockets opened before the start included from what they had sent then.
 */
export async function countSent(
  pids: () => Promise<number[]>,
  everyMs = 100,
): Promise<SentCounter> {
  const baseline = new Map<string, number>();
  const latest = new Map<string, number>();
  const sample = async (into: Map<string, number>, keepFirst: boolean) => {
    const [mine, acked] = await Promise.all([pids().then(socketInodes), ackedByInode()]);
    for (const ino of mine) {
      const bytes = acked.get(ino);
      if (bytes === undefined || (keepFirst && into.has(ino))) continue;
      into.set(ino, Math.max(into.get(ino) ?? 0, bytes));
    }
  };
  await sample(baseline, true);
  let running = true;
  const loop = (async () => {
    while (running) {
      await sample(latest, false);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await sample(latest, false);
      let total = 0;
      for (const [ino, bytes] of latest) total += bytes - (baseline.get(ino) ?? 0);
      return total;
    },
  };
}
