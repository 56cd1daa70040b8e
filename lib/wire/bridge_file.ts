/**
 * What `<store>/bridge.json` holds: how clients find a running bridge.
 *
 * @module
 */
import { z } from "zod";

/**
 * What `<store>/bridge.json` holds (mode 0600).
 *
 * @example
 * ```ts
 * import { BridgeFile } from "./bridge_file.ts";
 * BridgeFile.parse({ url: "http://127.0.0.1:8484", token: "secret" });
 * ```
 */
export const BridgeFile = z.object({
  url: z.string().describe("The running bridge's base URL, e.g. `http://127.0.0.1:8484`."),
  token: z.string().describe("The bearer token for `/api`."),
  pid: z.number().optional().describe("The bridge's process id."),
  trackers: z.array(z.string()).optional().describe(
    "The announce URLs of the tracker started with the bridge (`--tracker`), if any.",
  ),
}).meta({ id: "BridgeFile", description: "What `<store>/bridge.json` holds (mode 0600)." });
