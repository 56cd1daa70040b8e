/**
 * The error the bridge client throws.
 *
 * @module
 */
import { OwmError } from "../errors/owm_error.ts";

/** Options of {@linkcode BridgeError}. */
export interface BridgeErrorOptions extends ErrorOptions {
  /** The HTTP status; 0 when the error came with no HTTP answer. @default 0 */
  status?: number;
}

/**
 * A bridge call that failed: an error answer of the API (`{error: {code,
 * message}}`, e.g. 404 with code `not-found`), a bridge that cannot be
 * reached (code `unreachable`), or a fetch that failed in the background
 * (code `fetch-failed`, from the `error` event).
 *
 * @example Tell a missing DataSource from other failures
 * ```ts ignore
 * import { Bridge, BridgeError } from "owmeta-torrent";
 *
 * await using bridge = await Bridge.connect();
 * try {
 *   await bridge.show("CSVDataSource:nope");
 * } catch (error) {
 *   if (error instanceof BridgeError && error.code === "not-found") console.log("no such DataSource");
 *   else throw error;
 * }
 * ```
 */
export class BridgeError extends OwmError {
  /** The HTTP status, or 0 when there was no HTTP answer. */
  readonly status: number;
  /** The API's error code, e.g. `not-found`, `unauthorized`, `bad-id`, `unreachable`. */
  declare readonly code: string;

  /**
   * Creates the error.
   *
   * @param code The error code.
   * @param message What is wrong and what to do.
   * @param options The HTTP status and the cause.
   */
  constructor(code: string, message: string, options: BridgeErrorOptions = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = "BridgeError";
    this.code = code;
    this.status = options.status ?? 0;
  }

  /**
   * The error an HTTP error answer stands for: its `{error: {code, message}}`
   * body when it has one, else the status line.
   *
   * @param response An answer whose status is not 2xx; its body is read.
   * @returns The error (not thrown).
   */
  static async fromResponse(response: Response): Promise<BridgeError> {
    const text = await response.text().catch(() => "");
    let code = `http-${response.status}`;
    let message = `The bridge answered ${response.status} ${response.statusText}`.trim();
    try {
      const body = JSON.parse(text);
      if (typeof body?.error?.code === "string") code = body.error.code;
      if (typeof body?.error?.message === "string") message = body.error.message;
    } catch {
      if (text.trim()) message += `: ${text.trim().slice(0, 200)}`;
    }
    return new BridgeError(code, message, { status: response.status });
  }
}
