/**
 * The seed example: the C. elegans connectome CSV, distributed by a torrent
 * named by the MD5 of its content. `deno task owm save examples/connectome.ts`.
 *
 * @module
 */
import { CSVDataSource, type SaveContext } from "../mod.ts";

/** A CSV of neuron-to-neuron connections. */
export class ConnectomeCSVDataSource extends CSVDataSource {}

/** Adds the seed's DataSource. */
export function owmData(ctx: SaveContext) {
  ctx.add(
    new ConnectomeCSVDataSource({
      key: "2000_connections",
      csvFileName: "connectome.csv",
      torrentFileName: "d9da5ce947c6f1c127dfcdc2ede63320.torrent",
    }),
  );
}
