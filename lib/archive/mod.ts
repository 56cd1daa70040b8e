/**
 * Zip archives: safe extraction and deterministic creation.
 *
 * @example
 * ```ts ignore
 * import { extractZip } from "owmeta-torrent/archive";
 * await extractZip("data.zip", "./out");
 * ```
 *
 * @module
 */
export {
  type ExtractedZip,
  extractZip,
  type ExtractZipOptions,
  type ZipLimits,
  ZipRefusedError,
} from "./zip_extract.ts";
export { type CreatedZip, createZip, type CreateZipOptions, ZipSourceError } from "./zip_create.ts";
export type { OwmError } from "../errors/owm_error.ts";
