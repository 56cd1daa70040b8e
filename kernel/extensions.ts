/**
 * Routes mounted on the app beyond the core API: none yet (the upload page and
 * `/api/uploads` come here).
 *
 * @module
 */
import type { KernelApp } from "./app.ts";
import type { BridgeState } from "./bridge_state.ts";

/** Mounts the extra routes. */
export function extend(_app: KernelApp, _state: BridgeState, _token: string): void {}
