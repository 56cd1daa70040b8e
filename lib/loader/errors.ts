/**
 * Errors raised by DataSource loaders.
 *
 * @module
 */
import { OwmError } from "../errors/owm_error.ts";

/** A loader could not produce a usable directory for a DataSource. */
export class LoadFailedError extends OwmError {
  /** The error's code: `load-failed`. */
  override readonly code: string = "load-failed";
  /** The DataSource's identifier. */
  readonly identifier: string;
  /** Creates the error. */
  constructor(identifier: string, detail: string, options?: ErrorOptions) {
    super(`Cannot load <${identifier}>: ${detail}`, options);
    this.name = "LoadFailedError";
    this.identifier = identifier;
  }
}

/** No registered loader can load a DataSource. */
export class NoLoaderError extends OwmError {
  /** The error's code: `no-loader`. */
  override readonly code: string = "no-loader";
  /** The DataSource's identifier. */
  readonly identifier: string;
  /** Creates the error. */
  constructor(identifier: string, loaders: string[]) {
    super(
      `No loader can load <${identifier}>${
        loaders.length ? ` (tried ${loaders.join(", ")})` : " (no loaders registered)"
      }: record a torrent file name, infohash or magnet link on it`,
    );
    this.name = "NoLoaderError";
    this.identifier = identifier;
  }
}
