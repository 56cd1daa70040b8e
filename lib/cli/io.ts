/**
 * Where the CLI writes, and its usage error.
 *
 * @module
 */
import { OwmError } from "../errors/owm_error.ts";

/** Output channels of the CLI; tests capture them. */
export interface CliIo {
  /** Writes one line (or block) to standard output. */
  out(text: string): void;
  /** Writes one line to standard error. */
  err(text: string): void;
}

/** The process's real standard output and error. */
export const processIo: CliIo = {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
};

/** A command line that is wrong: exit code 2. */
export class UsageError extends OwmError {
  /** The error's code: `usage`. */
  override readonly code: string = "usage";
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Exit codes of the `owm` command. */
export const ExitCode = {
  /** Success. */
  Ok: 0,
  /** Not found, or a check failed, or the operation failed. */
  Failed: 1,
  /** The command line is wrong. */
  Usage: 2,
} as const;

/** Writes `value` as indented JSON to standard output. */
export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}
