/**
 * The in-process bridge for the SDK: `Bridge.connect()` starts one with the
 * routes `deno task start` mounts when none runs. Importing this module
 * provides that starter to lib/bridge/start.ts; `mod.ts` and
 * `owmeta-torrent/bridge` import it, the `owm` command does not.
 *
 * @module
 */
import { provideInProcessStarter } from "../lib/bridge/start.ts";
import type { BridgeStartOptions, StartedBridge } from "../lib/bridge/start.ts";
import { extend } from "./extensions.ts";
import { startBridge } from "./server.ts";

/**
 * Starts a bridge in this process on the store at `home`, on any free port
 * unless told otherwise.
 *
 * @example
 * ```ts ignore
 * const bridge = await startInProcessBridge("/data/owm", {});
 * await bridge.close();
 * ```
 */
export async function startInProcessBridge(
  home: string,
  options: BridgeStartOptions,
): Promise<StartedBridge> {
  return await startBridge({ port: 0, ...options, home, extend });
}

provideInProcessStarter(startInProcessBridge);
