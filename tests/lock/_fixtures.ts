/**
 * Fixtures for the lockfile tests: the `owm` command run as a real process
 * from a project directory, content published into a store (as `owm publish
 * --no-seed` leaves it: present and remembered), a loopback seeder, and a
 * store whose DataSource records only a torrent file name.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { CSVDataSource } from "../../lib/datasource/csv_data_source.ts";
import { DataSourceRepository } from "../../lib/datasource/repository.ts";
import { LocalFolderIndex } from "../../lib/index/local_folder_index.ts";
import { loadedIndexPath } from "../../lib/loader/located_content.ts";
import { LoaderRegistry } from "../../lib/loader/registry.ts";
import { publish, type PublishResult } from "../../lib/publish/publish.ts";
import { TorrentSession } from "../../lib/torrent/session.ts";
import { shellEnv } from "../_env.ts";
import { testSessionOptions } from "../torrent/_fixtures.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const OWM = join(ROOT, "scripts/owm.ts");
const decoder = new TextDecoder();

/** What a command printed, and its exit code. */
export interface Run {
  /** The exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** Runs `owm --home <home> …args` in `cwd`, as from a user's shell there. */
export async function owm(
  cwd: string,
  home: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-all",
      `--config=${join(ROOT, "deno.json")}`,
      OWM,
      "--home",
      home,
      ...args,
    ],
    cwd,
    clearEnv: true,
    env: shellEnv({ NO_COLOR: "1", OWM_DHT: "0", OWM_LSD: "0", ...env }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/**
 * Publishes `content` into the store `home` (its `.torrent` into `index`,
 * default `<home>/torrents`) and remembers it there, as `owm publish
 * --no-seed` does: the content is then present for `owm lock`.
 */
export async function publishHere(
  home: string,
  content: string,
  key: string,
  index = join(home, "torrents"),
): Promise<PublishResult> {
  const repository = await DataSourceRepository.open({ home, create: true });
  const result = await publish(content, {
    class: "CSVDataSource",
    key,
    repository,
    index: new LocalFolderIndex(index),
  });
  await new LoaderRegistry(loadedIndexPath(home)).remember(
    result.dataSource,
    "published",
    dirname(content),
  );
  return result;
}

/** A loopback seeder of some content, published to a folder index. */
export interface Seeder extends AsyncDisposable {
  /** `127.0.0.1:PORT`. */
  peer: string;
  /** `<md5>.torrent`. */
  torrentFileName: string;
  /** The infohash. */
  infoHash: string;
  /** The `.torrent` bytes. */
  torrent: Uint8Array;
}

/** Publishes `content` from a store of its own under `root`, into the folder `index`, and seeds it. */
export async function startSeeder(root: string, content: string, index: string): Promise<Seeder> {
  const repository = await DataSourceRepository.open({
    home: join(root, "seeder-store"),
    create: true,
  });
  const session = await TorrentSession.open(testSessionOptions(join(root, "seeder-session")));
  const result = await publish(content, {
    class: "CSVDataSource",
    key: "seeded",
    repository,
    index: new LocalFolderIndex(index),
    session,
  });
  return {
    peer: `127.0.0.1:${session.port}`,
    torrentFileName: result.torrentFileName,
    infoHash: result.infoHash,
    torrent: result.torrent,
    [Symbol.asyncDispose]: () => session.close(),
  };
}

/** A store whose `CSVDataSource:<key>` records only `torrentFileName`. */
export async function describeOnly(
  home: string,
  key: string,
  torrentFileName: string,
): Promise<void> {
  const repository = await DataSourceRepository.open({ home, create: true });
  await repository.save([new CSVDataSource({ key, torrentFileName })]);
}

/** Flips one byte of `path` at `offset`. */
export async function flipByte(path: string, offset: number): Promise<void> {
  const data = await Deno.readFile(path);
  data[offset] = data[offset]! ^ 0xff;
  await Deno.writeFile(path, data);
}

/** Whether `path` exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}
