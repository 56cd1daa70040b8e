/**
 * Where a DataSource's content lies on this machine, recorded in the graph
 * when it is fetched or published: one statement on the DataSource,
 * `owmt:contentLocation`, in a graph of the store's own (named by the store's
 * folder, so stores sharing one graph server keep theirs apart). The path is
 * relative to the store when the content is inside it (the store can move),
 * else absolute (a `--dir` fetch, a publish from a project folder).
 *
 * The statement is data: `locateContent` (located_content.ts) takes it only
 * inside the folder the store itself remembers for the DataSource.
 *
 * @module
 */
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { OWMT_NS } from "../datasource/namespaces.ts";
import type { GraphBackend } from "../graph/backend.ts";
import { literal, namedNode, quad } from "../graph/rdf.ts";

/** The predicate: where the content is. */
export const CONTENT_LOCATION: string = `${OWMT_NS}contentLocation`;

/**
 * The store's own graph of content locations: `file:///…/<store>/#content`.
 *
 * @example
 * ```ts
 * import { contentGraph } from "./content_location.ts";
 * console.log(contentGraph("/home/me/project/.owm")); // file:///home/me/project/.owm/#content
 * ```
 */
export function contentGraph(storeHome: string): string {
  return `${pathToFileURL(resolve(storeHome) + sep).href}#content`;
}

/** The value recorded for `contentPath`: relative to the store inside it, else absolute. */
function recordedValue(storeHome: string, contentPath: string): string {
  const rel = relative(resolve(storeHome), resolve(contentPath));
  const inside = rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
  return inside ? rel.split(sep).join("/") : resolve(contentPath);
}

/**
 * Records that the content of the DataSource `iri` is at `contentPath`
 * (replacing what was recorded). Reads first: an unchanged location writes
 * nothing.
 *
 * @example
 * ```ts ignore
 * await recordContentLocation(repo.store, repo.store.home, ds.identifier, "/home/me/.owm/data_source_data/bittorrent/worms/dataset");
 * ```
 */
export async function recordContentLocation(
  store: GraphBackend,
  storeHome: string,
  iri: string,
  contentPath: string,
): Promise<void> {
  const subject = namedNode(iri);
  const predicate = namedNode(CONTENT_LOCATION);
  const graph = namedNode(contentGraph(storeHome));
  const value = recordedValue(storeHome, contentPath);
  const now = await store.match({ subject, predicate, graph });
  if (now.length === 1 && now[0]!.object.value === value) return;
  await store.update((tx) => {
    tx.remove(...tx.match({ subject, predicate, graph }));
    tx.add(quad(subject, predicate, literal(value), graph));
  }, { read: [{ subject }] });
}

/**
 * The recorded content location of the DataSource `iri`, absolute; undefined
 * when none is recorded. The path is as recorded: confine it before use.
 *
 * @example
 * ```ts ignore
 * const path = await recordedContentLocation(repo.store, repo.store.home, ds.identifier);
 * ```
 */
export async function recordedContentLocation(
  store: GraphBackend,
  storeHome: string,
  iri: string,
): Promise<string | undefined> {
  const found = await store.match({
    subject: namedNode(iri),
    predicate: namedNode(CONTENT_LOCATION),
    graph: namedNode(contentGraph(storeHome)),
  });
  const value = found[0]?.object.value;
  if (value === undefined || value === "" || value.includes("\0")) return undefined;
  return isAbsolute(value) ? resolve(value) : resolve(join(storeHome, value));
}
