/**
 * The bridge's transfers, persisted in `<store>/bridge-jobs.json` so that a
 * restarted bridge resumes every unfinished download and every seed.
 *
 * @module
 */
import { atomicWriteFile } from "../lib/fs/atomic_write.ts";
import { StoreLayout } from "../lib/settings/store_layout.ts";

/** One transfer. */
export type Job =
  | {
    /** A DataSource being fetched (or fetched and now seeding). */
    kind: "fetch";
    /** The DataSource's IRI. */
    id: string;
    /** Its torrent's infohash. */
    infoHash: string;
    /** Extra peers to dial. */
    peers: string[];
    /** Whether it completed and verified (then it is seeded). */
    done: boolean;
  }
  | {
    /** Content published here, seeded. */
    kind: "seed";
    /** The DataSource's IRI. */
    id: string;
    /** Its torrent's infohash. */
    infoHash: string;
    /** The content (file or folder). */
    contentPath: string;
    /** The `.torrent` file. */
    torrentPath: string;
  };

/** The persisted job list. */
export class JobList {
  readonly #path: string;
  #jobs = new Map<string, Job>();
  #saving: Promise<void> = Promise.resolve();

  private constructor(path: string) {
    this.#path = path;
  }

  /** Reads the job list of the store at `home` (empty when there is none). */
  static async open(home: string): Promise<JobList> {
    const list = new JobList(new StoreLayout(home).bridgeJobs);
    try {
      const parsed = JSON.parse(await Deno.readTextFile(list.#path));
      for (const job of Array.isArray(parsed?.jobs) ? parsed.jobs : []) {
        if (job && typeof job.infoHash === "string") list.#jobs.set(job.infoHash, job as Job);
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) {
        console.error(`bridge: ignoring unreadable ${list.#path}: ${error}`);
      }
    }
    return list;
  }

  /** Every job. */
  get all(): Job[] {
    return [...this.#jobs.values()];
  }

  /** The job of a torrent. */
  get(infoHash: string): Job | undefined {
    return this.#jobs.get(infoHash);
  }

  /** Adds or replaces a job and saves the list. */
  async put(job: Job): Promise<void> {
    this.#jobs.set(job.infoHash, job);
    await this.#save();
  }

  /** Removes a job and saves the list. */
  async remove(infoHash: string): Promise<void> {
    if (this.#jobs.delete(infoHash)) await this.#save();
  }

  /**
   * Saves one write at a time, each of the list as it is when the write starts:
   * concurrent writes could finish out of order and leave an older list on disk.
   */
  #save(): Promise<void> {
    const next = this.#saving.then(async () => {
      const text = JSON.stringify({ version: 1, jobs: this.all }, null, 2) + "\n";
      await atomicWriteFile(this.#path, [new TextEncoder().encode(text)], { mode: 0o600 });
    });
    this.#saving = next.catch(() => {});
    return next;
  }
}
