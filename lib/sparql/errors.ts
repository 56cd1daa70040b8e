/**
 * Errors of SPARQL queries and updates: each names what is wrong and what to do.
 *
 * @module
 */
import { InvalidInputError } from "../errors/invalid_input.ts";
import { OwmError } from "../errors/owm_error.ts";

/**
 * A query or update that does not parse (or uses a feature the engine lacks).
 * The bridge answers it 400 with code `sparql-syntax`; `owm query` prints it
 * as one line and exits 2.
 *
 * @example
 * ```ts
 * import { SparqlSyntaxError } from "./errors.ts";
 * const error = new SparqlSyntaxError("query", "error at 1:10: expected CONSTRUCT");
 * console.log(error.status, error.code); // 400 "sparql-syntax"
 * ```
 */
export class SparqlSyntaxError extends InvalidInputError {
  /** What the engine said, e.g. `error at 1:10: expected CONSTRUCT`. */
  readonly detail: string;
  /** Creates the error for a `query` or an `update`. */
  constructor(kind: "query" | "update", detail: string, options: ErrorOptions = {}) {
    super(
      `The SPARQL ${kind} does not parse: ${
        detail.replace(/^Error:\s*/, "")
      }; fix it and try again`,
      { ...options, status: 400, code: "sparql-syntax" },
    );
    this.name = "SparqlSyntaxError";
    this.detail = detail;
  }
}

/**
 * A SPARQL 1.1 Update sent where updates are not enabled (the bridge without
 * `--sparql-update`). Answered 403 with code `sparql-update-disabled`.
 *
 * @example
 * ```ts
 * import { SparqlUpdateDisabledError } from "./errors.ts";
 * console.log(new SparqlUpdateDisabledError().status); // 403
 * ```
 */
export class SparqlUpdateDisabledError extends InvalidInputError {
  /** Creates the error. */
  constructor() {
    super(
      "SPARQL Update is not enabled on this bridge: it answers queries only; start it with --sparql-update to allow updates",
      { status: 403, code: "sparql-update-disabled" },
    );
    this.name = "SparqlUpdateDisabledError";
  }
}

/**
 * A result format that does not fit the query's form (e.g. Turtle for a
 * SELECT, or an unknown format name).
 *
 * @example
 * ```ts
 * import { SparqlFormatError } from "./errors.ts";
 * console.log(new SparqlFormatError("ttl is for CONSTRUCT and DESCRIBE").code); // "sparql-format"
 * ```
 */
export class SparqlFormatError extends InvalidInputError {
  /** Creates the error. */
  constructor(message: string) {
    super(message, { status: 400, code: "sparql-format" });
    this.name = "SparqlFormatError";
  }
}

export { SparqlEvaluationError } from "../errors/sparql_evaluation.ts";

/**
 * A query that ran past the bridge's deadline (`--sparql-timeout`): the
 * engine was stopped, and the graph is loaded again for the next query.
 * Answered 422 with code `sparql-timeout` (the query's own cost).
 *
 * @example
 * ```ts
 * import { SparqlTimeoutError } from "./errors.ts";
 * console.log(new SparqlTimeoutError(30_000).message);
 * ```
 */
export class SparqlTimeoutError extends OwmError {
  /** The deadline, in ms. */
  readonly ms: number;
  /** The error code in the bridge's answer. */
  override readonly code = "sparql-timeout";
  /** Creates the error. */
  constructor(ms: number) {
    super(
      `The SPARQL request ran for more than ${
        ms / 1000
      } s and was stopped: narrow the query (a LIMIT, fewer unbound patterns), or start the bridge with a longer --sparql-timeout`,
    );
    this.name = "SparqlTimeoutError";
    this.ms = ms;
  }
}

/**
 * The engine itself failed (a WebAssembly trap: out of memory, a stack
 * overflow) and cannot be used again in this process or worker. The bridge
 * answers 422 `sparql-engine-failed` and starts a new engine for the next
 * query; in a script or notebook, restart it.
 *
 * @example
 * ```ts
 * import { SparqlEngineFailedError } from "./errors.ts";
 * console.log(new SparqlEngineFailedError("memory access out of bounds").code);
 * ```
 */
export class SparqlEngineFailedError extends OwmError {
  /** The error code in the bridge's answer. */
  override readonly code = "sparql-engine-failed";
  /** Creates the error from what the engine reported. */
  constructor(detail: string, options: ErrorOptions = {}) {
    super(
      `The SPARQL engine failed (${detail}) and cannot answer more queries here: the bridge starts a new one for the next query; a script or notebook must be restarted`,
      {
        code: "sparql-engine-failed",
        ...(options.cause === undefined ? {} : { cause: options.cause }),
      },
    );
    this.name = "SparqlEngineFailedError";
  }
}
