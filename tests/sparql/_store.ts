/**
 * A store for the SPARQL tests: three DataSources (two CSVDataSources, one
 * LocalFileDataSource) in the default data graph, and a statement with a
 * blank node and a language-tagged literal in a graph of its own.
 *
 * @module
 */
import { join } from "node:path";
import { CSVDataSource, DataSourceRepository, LocalFileDataSource } from "../../mod.ts";
import { blankNode, literal, namedNode, quad } from "../../lib/graph/rdf.ts";
import { tempDir } from "../torrent/_fixtures.ts";

/** The graph holding the extra statements. */
export const NOTES_GRAPH = "http://example.org/notes";
/** The data graph the DataSources are saved in. */
export const DATA_GRAPH = "http://data.openworm.org/data";
/** The IRI of `CSVDataSource:worms`. */
export const WORMS = "http://data.openworm.org/data_sources/CSVDataSource#worms";
/** The RDF type of CSVDataSource. */
export const CSV_TYPE = "http://schema.openworm.org/2020/07/CSVDataSource";

/** Makes the store in a new temporary folder; returns its directory and repository. */
export async function makeSparqlStore(): Promise<{ home: string; repo: DataSourceRepository }> {
  const home = join(await tempDir(), "store");
  const repo = await DataSourceRepository.open({ home, create: true, graph: "file" });
  await repo.save([
    new CSVDataSource({ key: "worms", csvFileName: "worms.csv", description: "Worm connections" }),
    new CSVDataSource({ key: "cells", csvFileName: "cells.csv" }),
    new LocalFileDataSource({ key: "readme", fileName: "README.txt" }),
  ]);
  await repo.store.update((tx) =>
    tx.add(
      quad(
        blankNode("note1"),
        namedNode("http://example.org/says"),
        literal("bonjour", "fr"),
        namedNode(NOTES_GRAPH),
      ),
      quad(
        blankNode("note1"),
        namedNode("http://example.org/about"),
        namedNode(WORMS),
        namedNode(NOTES_GRAPH),
      ),
    )
  );
  return { home, repo };
}
