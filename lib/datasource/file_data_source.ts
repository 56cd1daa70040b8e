/**
 * FileDataSource: a DataSource whose content is files, with content hashes.
 *
 * @module
 */
import { DataSource, type DataSourceInit } from "./data_source.ts";
import type { FieldDeclarations } from "./informational.ts";

/** Fields accepted by {@linkcode FileDataSource}. */
export interface FileDataSourceInit extends DataSourceInit {
  /** Hex MD5 of the content. */
  md5?: string;
  /** Hex SHA-256 of the content. */
  sha256?: string;
  /** Hex SHA-512 of the content. */
  sha512?: string;
}

/**
 * A DataSource whose content is a file or a folder of files, with content hashes.
 *
 * @example
 * ```ts
 * import { FileDataSource } from "../../mod.ts";
 * const ds = new FileDataSource({ key: "scan", sha256: "e3b0c442…" });
 * console.log(ds.sha256);
 * ```
 */
export class FileDataSource extends DataSource {
  /** md5, sha256 and sha512. */
  static override readonly ownFields: FieldDeclarations = {
    md5: { displayName: "MD5 hash", description: "Hex MD5 digest of the content", multiple: false },
    sha256: {
      displayName: "SHA-256 hash",
      description: "Hex SHA-256 digest of the content",
      multiple: false,
    },
    sha512: {
      displayName: "SHA-512 hash",
      description: "Hex SHA-512 digest of the content",
      multiple: false,
    },
  };

  /** Creates the DataSource. */
  constructor(init: FileDataSourceInit = {}) {
    super(init);
  }

  /** Hex MD5 of the content, if recorded. */
  get md5(): string | undefined {
    return this.get("md5") as string | undefined;
  }
  /** Hex SHA-256 of the content, if recorded. */
  get sha256(): string | undefined {
    return this.get("sha256") as string | undefined;
  }
  /** Hex SHA-512 of the content, if recorded. */
  get sha512(): string | undefined {
    return this.get("sha512") as string | undefined;
  }
}
