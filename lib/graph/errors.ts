/**
 * Errors raised by the graph store. Each names the file at fault and what to do.
 *
 * @module
 */
import { OwmError } from "../errors/owm_error.ts";

/** The store directory or its graph file does not exist. */
export class StoreNotFoundError extends OwmError {
  /** The error's code: `store-not-found`. */
  override readonly code: string = "store-not-found";
  /** The store directory that was looked for. */
  readonly home: string;
  /** Creates the error for the store directory `home`. */
  constructor(home: string) {
    super(
      `No graph store at ${home}: run \`deno task owm init\` there, or set OWM_HOME to an existing store`,
    );
    this.name = "StoreNotFoundError";
    this.home = home;
  }
}

/** The graph file was written by a newer, incompatible version of owmeta-torrent. */
export class StoreFormatError extends OwmError {
  /** The error's code: `store-format`. */
  override readonly code: string = "store-format";
  /** The graph file. */
  readonly path: string;
  /** The format version found in the file. */
  readonly found: number;
  /** The newest format version this version reads. */
  readonly supported: number;
  /** Creates the error. */
  constructor(path: string, found: number, supported: number) {
    super(
      `Graph store ${path} has format ${found}, but this owmeta-torrent reads format ${supported} at most: upgrade owmeta-torrent to use this store`,
    );
    this.name = "StoreFormatError";
    this.path = path;
    this.found = found;
    this.supported = supported;
  }
}

/** The graph file does not parse; nothing was changed. */
export class StoreCorruptError extends OwmError {
  /** The error's code: `store-corrupt`. */
  override readonly code: string = "store-corrupt";
  /** The graph file. */
  readonly path: string;
  /** The 1-based line of the file at fault, when known. */
  readonly line: number | undefined;
  /** Creates the error. */
  constructor(path: string, line: number | undefined, detail: string, options?: ErrorOptions) {
    super(
      `Graph store ${path} is corrupt${line === undefined ? "" : ` at line ${line}`}: ${detail}; ` +
        `fix or delete that line, or restore the previous good copy from ${path}.bak`,
      options,
    );
    this.name = "StoreCorruptError";
    this.path = path;
    this.line = line;
  }
}

/** The graph file could not be written (a full disk, permissions); the store is unchanged. */
export class StoreWriteError extends OwmError {
  /** The error's code: `store-write`. */
  override readonly code: string = "store-write";
  /** The graph file. */
  readonly path: string;
  /** Creates the error. */
  constructor(path: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(
      `Cannot write graph store ${path}: ${detail}: free space on that disk (or fix its permissions) and try again; the store is unchanged`,
      { cause },
    );
    this.name = "StoreWriteError";
    this.path = path;
  }
}
