/**
 * A piece sink: what a download run feeds each verified piece to as it is
 * written, and each piece on disk that it did not verify (trusted from a
 * resume record). The loader hands one in (lib/integrity/single_pass.ts
 * hashes the content as it lands); the torrent side knows nothing of it
 * beyond this shape.
 *
 * @module
 */
import type { Layout } from "./layout.ts";
import type { Metainfo } from "./metainfo.ts";
import type { FileStamp } from "./safe_store.ts";

/** Takes the pieces of one run of one download. */
export interface PieceSink {
  /** A piece the engine verified, now written; `stamps` are its files' size and mtime just after. */
  landed(index: number, buf: Uint8Array, stamps: readonly [string, FileStamp][]): void;
  /** A piece on disk that this run did not verify. */
  present(index: number): void;
}

/**
 * Makes the sink of a run once its metadata and layout are known (`read`
 * reads a whole piece back from disk); null for none.
 *
 * @example
 * ```ts ignore
 * let pass: SinglePass | null = null;
 * const sink: PieceSinkFactory = (meta, layout, read) =>
 *   pass = SinglePass.create(meta, layout, ["sha256"], read);
 * await session.add(torrent, { dir, sink });
 * ```
 */
export type PieceSinkFactory = (
  meta: Metainfo,
  layout: Layout,
  read: (index: number) => Promise<Uint8Array>,
) => PieceSink | null;
