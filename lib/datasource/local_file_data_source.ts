/**
 * LocalFileDataSource: file content that can be fetched into a local directory.
 *
 * @module
 */
import { FileDataSource, type FileDataSourceInit } from "./file_data_source.ts";
import type { FieldDeclarations } from "./informational.ts";

/** Fields accepted by {@linkcode LocalFileDataSource}. */
export interface LocalFileDataSourceInit extends FileDataSourceInit {
  /** Name of the content file (or folder) in the loaded directory. */
  fileName?: string;
  /** Name of the `.torrent` file that describes the content. */
  torrentFileName?: string;
  /** BitTorrent infohash (hex) of the content's torrent. */
  infoHash?: string;
  /** Magnet link of the content's torrent. */
  magnetLink?: string;
  /** When the content was published (ISO 8601), set by `publish`. */
  datePublished?: string;
  /**
   * A translator the loader applies to the content after loading it (e.g.
   * `zip-to-directory`): the loaded directory is then the translator's output.
   */
  contentTranslator?: string;
}

/**
 * File content with a local file name and the torrent it is distributed by.
 *
 * @example
 * ```ts
 * import { LocalFileDataSource } from "../../mod.ts";
 * const ds = new LocalFileDataSource({ key: "stack", fileName: "stack.tif" });
 * console.log(ds.fileName); // "stack.tif"
 * ```
 */
export class LocalFileDataSource extends FileDataSource {
  /** fileName, torrentFileName, infoHash and magnetLink. */
  static override readonly ownFields: FieldDeclarations = {
    fileName: { displayName: "File name", description: "Name of the content file or folder" },
    torrentFileName: {
      displayName: "Torrent file name",
      description: "Name of the .torrent file that distributes the content",
    },
    infoHash: {
      displayName: "Info hash",
      description: "BitTorrent infohash (hex) of the content's torrent",
      multiple: false,
    },
    magnetLink: {
      displayName: "Magnet link",
      description: "Magnet link of the content's torrent",
      multiple: false,
    },
    datePublished: {
      displayName: "Date published",
      description: "When the content was published (ISO 8601 date and time, UTC)",
      multiple: false,
    },
    contentTranslator: {
      displayName: "Content translator",
      description:
        "Translator applied to the content after loading (e.g. zip-to-directory); the loaded directory is its output",
      multiple: false,
    },
  };

  /** Creates the DataSource. */
  constructor(init: LocalFileDataSourceInit = {}) {
    super(init);
  }

  /** Name of the content file or folder, if set. */
  get fileName(): string | undefined {
    return this.get("fileName") as string | undefined;
  }
  /** Name of the `.torrent` file, if set. */
  get torrentFileName(): string | undefined {
    return this.get("torrentFileName") as string | undefined;
  }
  /** The torrent's infohash, if recorded. */
  get infoHash(): string | undefined {
    return this.get("infoHash") as string | undefined;
  }
  /** The translator applied to the content after loading, if any. */
  get contentTranslator(): string | undefined {
    return this.get("contentTranslator") as string | undefined;
  }
  /** The torrent's magnet link, if recorded. */
  get magnetLink(): string | undefined {
    return this.get("magnetLink") as string | undefined;
  }
}
