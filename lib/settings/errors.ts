/**
 * The error of a setting (an environment variable or a flag) whose value
 * cannot be understood.
 *
 * @module
 */
import { InvalidInputError } from "../errors/invalid_input.ts";

/**
 * A setting with a value that means nothing: e.g. `OWM_DHT=maybe` (a yes/no
 * setting takes `1/true/yes/on` or `0/false/no/off`), or `OWM_PORT=http`.
 *
 * @example
 * ```ts
 * import { SettingError } from "./errors.ts";
 * const error = new SettingError("OWM_DHT", "maybe", "1, true, yes or on; 0, false, no or off");
 * console.log(error.message); // OWM_DHT=maybe is not understood: use 1, true, yes or on; ...
 * ```
 */
export class SettingError extends InvalidInputError {
  /** The variable or flag. */
  readonly setting: string;
  /** The value given. */
  readonly value: string;

  /**
   * Creates the error.
   *
   * @param setting The variable (or `--flag`).
   * @param value The value given.
   * @param expected What it takes, for people.
   */
  constructor(setting: string, value: string, expected: string) {
    super(
      `${setting}=${value} is not understood: use ${expected} (or unset it for the default)`,
      { code: "bad-setting" },
    );
    this.name = "SettingError";
    this.setting = setting;
    this.value = value;
  }
}
