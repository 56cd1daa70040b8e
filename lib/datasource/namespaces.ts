/**
 * The IRIs under which DataSources, their classes and their fields live.
 *
 * @module
 */

/** Namespace of DataSource identifiers: `<DATA_SOURCES_NS><ClassName>#<quoted key>`. */
export const DATA_SOURCES_NS = "http://data.openworm.org/data_sources/";
/** Namespace of DataSource classes: `<SCHEMA_NS><ClassName>`; fields are `<class IRI>/<field>`. */
export const SCHEMA_NS = "http://schema.openworm.org/2020/07/";
/** Vocabulary describing Informational fields in the graph. */
export const OWMT_NS = "http://schema.openworm.org/2020/07/torrent#";
/** The named graph holding class and field definitions. */
export const SCHEMA_GRAPH = "http://data.openworm.org/schema";
/** The named graph `save` writes DataSources into unless told otherwise. */
export const DEFAULT_DATA_GRAPH = "http://data.openworm.org/data";
