/**
 * Fixtures for the end-to-end tests of the `owm` command: a dataset folder to
 * publish, and a second researcher's store that records only a DataSource's
 * torrent file name (as the seed example does).
 *
 * @module
 */
import { join } from "node:path";
import { owm } from "../_owm.ts";
import { assertEquals } from "../_assert.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** What {@linkcode makeDataset} writes besides `connectome.csv`. */
export interface DatasetShape {
  /** Where the large pseudo-random file goes, relative to the dataset; default `nested/deeper/stack.bin`. */
  bigPath?: string;
  /** Its size in bytes; default 3 MiB + 12345. */
  bigSize?: number;
  /** Also an empty `empty.dat` and `nested/notes.txt`; default true. */
  extras?: boolean;
}

/** Writes the dataset folder `<root>/worm_dataset` and returns its path. */
export async function makeDataset(root: string, shape: DatasetShape = {}): Promise<string> {
  const { bigPath = "nested/deeper/stack.bin", bigSize = 3 * 1024 * 1024 + 12345, extras = true } =
    shape;
  const dir = join(root, "worm_dataset");
  await Deno.mkdir(join(dir, bigPath, ".."), { recursive: true });
  await Deno.writeTextFile(join(dir, "connectome.csv"), "pre,post,weight\nADAL,ADAR,3\n");
  if (extras) await Deno.writeFile(join(dir, "empty.dat"), new Uint8Array());
  const big = new Uint8Array(bigSize);
  for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
  await Deno.writeFile(join(dir, bigPath), big);
  if (extras) await Deno.writeTextFile(join(dir, "nested", "notes.txt"), "imaging notes\n");
  return dir;
}

/**
 * Makes the store `home` (with `owm save`) whose `CSVDataSource:<key>`
 * records only `torrentFileName`.
 */
export async function describeOnly(
  home: string,
  key: string,
  torrentFileName: string,
): Promise<void> {
  await Deno.mkdir(home, { recursive: true });
  const module = join(home, "describe.ts");
  await Deno.writeTextFile(
    module,
    `import { CSVDataSource, type SaveContext } from ${JSON.stringify(join(ROOT, "mod.ts"))};
export function owmData(ctx: SaveContext) {
  ctx.add(new CSVDataSource({ key: ${JSON.stringify(key)}, torrentFileName: ${
      JSON.stringify(torrentFileName)
    } }));
}
`,
  );
  const saved = await owm(["--home", home, "save", module]);
  assertEquals(saved.code, 0, saved.stderr);
}
